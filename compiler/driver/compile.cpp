#include "compiler/driver/compile.h"

#include "compiler/sema/analyze.h"
#include "compiler/syntax/parse.h"

namespace kaoping::driver {

namespace {

Compiled finish(std::unique_ptr<ast::Scheme> tree, const SourceManager& sources, Diagnostics& diags, const Options& o) {
  Compiled c;
  c.ast = std::move(tree);
  if (!c.ast || o.upTo == Stage::Syntax) return c;
  c.ir = sema::analyze(*c.ast, sources, diags);
  if (!c.ir) return c;
  if (o.analyze) c.facts = analysis::analyze(*c.ir, sources, diags);
  if (o.upTo == Stage::Ir) return c;
  c.plan = plan::build(*c.ir);
  return c;
}

}  // namespace

Compiled compileFile(SourceManager& sources, const std::string& path, Diagnostics& diags, const Options& options) {
  return finish(syntax::parseFile(sources, path, diags), sources, diags, options);
}

Compiled compileText(SourceManager& sources, const std::string& name, std::string text, Diagnostics& diags,
                     const Options& options) {
  FileId id = sources.add(name, std::move(text));
  return finish(syntax::parse(sources, id, diags), sources, diags, options);
}

}  // namespace kaoping::driver
