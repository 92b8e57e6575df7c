#include "cli/diff_command.h"

#include <iostream>
#include <memory>

#include "compiler/driver/compile.h"
#include "runtime/output/diff.h"

namespace kaoping {

namespace {

struct Side {
  SourceManager sources;
  Diagnostics diags;
  driver::Compiled compiled;
  std::unique_ptr<eval::Results> results;
};

bool runSide(Side& side, const std::string& rules, const eval::Inputs& inputs, Lang lang) {
  side.compiled = driver::compileFile(side.sources, rules, side.diags);
  if (side.compiled.ok()) side.results = eval::run(*side.compiled.plan, inputs, side.diags);
  if (!side.diags.all().empty()) std::cerr << DiagnosticRenderer(side.sources, lang).render(side.diags, DiagFormat::Human);
  return side.results != nullptr;
}

}  // namespace

int diffCommand(const std::string& oldRules, const std::string& newRules, const eval::Inputs& given, size_t limit,
                bool exitCode, Lang lang) {
  eval::Inputs inputs = given;
  inputs.traceLedger = true;
  Side before, after;
  bool ok = runSide(before, oldRules, inputs, lang);
  ok = runSide(after, newRules, inputs, lang) && ok;
  if (!ok) return 1;
  output::DiffOptions options;
  options.limit = limit;
  output::DiffReport report =
      output::diff({*before.results, before.sources, oldRules}, {*after.results, after.sources, newRules}, lang, options);
  std::cout << report.text;
  return exitCode && report.differs ? kExitDiffers : 0;
}

}  // namespace kaoping
