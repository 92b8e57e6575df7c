#include "compiler/driver/compile.h"

#include "compiler/sema/analyze.h"
#include "compiler/support/large_stack.h"
#include "compiler/syntax/parse.h"

#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace kaoping::driver {

namespace {

// A local plan's chain: the base scheme first, then each plan extending the one before.
bool loadBases(SourceManager& sources, const ast::Scheme& local, Diagnostics& diags,
               std::vector<std::unique_ptr<ast::Scheme>>& bases) {
  std::set<std::string> seen;
  const ast::Scheme* at = &local;
  seen.insert(fs::weakly_canonical(sources.file(local.file).path()).string());
  while (at->extends) {
    fs::path here = fs::path(sources.file(at->file).path()).parent_path();
    fs::path path = here / *at->extends;
    std::string key = fs::weakly_canonical(path).string();
    if (!seen.insert(key).second || seen.size() > 16) {
      diags.report(DiagId::ExtendsCycle, at->extendsSpan, path.string());
      return false;
    }
    std::unique_ptr<ast::Scheme> base = syntax::parseFile(sources, path.string(), diags);
    if (!base) return false;
    at = base.get();
    bases.insert(bases.begin(), std::move(base));
  }
  return true;
}

Compiled passes(SourceManager& sources, std::unique_ptr<ast::Scheme> tree, Diagnostics& diags, const Options& o) {
  Compiled c;
  c.ast = std::move(tree);
  if (!c.ast || o.upTo == Stage::Syntax) return c;
  if (c.ast->extends) {
    std::vector<std::unique_ptr<ast::Scheme>> bases;
    if (!loadBases(sources, *c.ast, diags, bases)) return c;
    std::vector<const ast::Scheme*> chain;
    for (auto& b : bases) chain.push_back(b.get());
    chain.push_back(c.ast.get());
    c.ir = sema::analyzeLocalPlan(chain, sources, diags);
    c.bases = std::move(bases);
  } else {
    c.ir = sema::analyze(*c.ast, sources, diags);
  }
  if (!c.ir) return c;
  if (o.analyze) c.facts = analysis::analyze(*c.ir, sources, diags);
  if (o.upTo == Stage::Ir) return c;
  c.plan = plan::build(*c.ir);
  return c;
}

// The passes after parsing walk the trees recursively: on a large stack (support/large_stack.h).
Compiled finish(SourceManager& sources, std::unique_ptr<ast::Scheme> tree, Diagnostics& diags, const Options& o) {
  Compiled c;
  runWithLargeStack([&] { c = passes(sources, std::move(tree), diags, o); });
  return c;
}

}  // namespace

Compiled compileFile(SourceManager& sources, const std::string& path, Diagnostics& diags, const Options& options) {
  return finish(sources, syntax::parseFile(sources, path, diags), diags, options);
}

Compiled compileText(SourceManager& sources, const std::string& name, std::string text, Diagnostics& diags,
                     const Options& options) {
  FileId id = sources.add(name, std::move(text));
  return finish(sources, syntax::parse(sources, id, diags), diags, options);
}

}  // namespace kaoping::driver
