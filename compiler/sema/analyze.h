// Semantic analysis: AST → typed IR.
//
// Resolves every name (subject attributes, event kinds and their attributes, parameters,
// relations, figures, enum values), checks types, makes conversions and "no value"
// handling explicit, collects the aggregates over events, and orders the figures so that
// each is computed after what it uses. A figure that depends on itself is reported with
// the whole cycle. Returns nullptr when there were errors.
#pragma once

#include <memory>

#include "compiler/ir/ir.h"
#include "compiler/support/diagnostics.h"
#include "compiler/syntax/ast.h"

namespace kaoping::sema {

std::unique_ptr<ir::Scheme> analyze(const ast::Scheme& scheme, const SourceManager& sources, Diagnostics& diags);

}  // namespace kaoping::sema
