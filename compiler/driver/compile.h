// The compiler's passes in order, for the command line and the tests:
//   parse (syntax) → analyze (sema, typed IR) → build (plan)
// Each stage runs only when the previous one succeeded.
#pragma once

#include <memory>
#include <string>

#include "compiler/analysis/analysis.h"
#include "compiler/ir/ir.h"
#include "compiler/plan/plan.h"
#include "compiler/support/diagnostics.h"
#include "compiler/syntax/ast.h"

namespace kaoping::driver {

enum class Stage { Syntax, Ir, Plan };

struct Options {
  Stage upTo = Stage::Plan;
  bool analyze = false;  // run the static analyses of `kaoping check` (warnings K05xx)
};

struct Compiled {
  std::unique_ptr<ast::Scheme> ast;
  std::vector<std::unique_ptr<ast::Scheme>> bases;  // a local plan's base schemes
  std::unique_ptr<ir::Scheme> ir;
  std::unique_ptr<plan::Plan> plan;
  std::vector<analysis::Fact> facts;  // per figure, when analyzed
  bool ok() const { return plan != nullptr; }
};

Compiled compileFile(SourceManager& sources, const std::string& path, Diagnostics& diags, const Options& options = {});
Compiled compileText(SourceManager& sources, const std::string& name, std::string text, Diagnostics& diags,
                     const Options& options = {});

}  // namespace kaoping::driver
