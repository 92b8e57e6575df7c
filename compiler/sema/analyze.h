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

// A local plan (concept 15): `chain` is an issued base scheme followed by the local plans
// that extend it, each extending the one before. A local plan may only `set` parameters
// the base declares `adjustable`, within the range the base declares, and carry its own
// tests; anything else is an error naming the base's declaration.
std::unique_ptr<ir::Scheme> analyzeLocalPlan(const std::vector<const ast::Scheme*>& chain, const SourceManager& sources,
                                            Diagnostics& diags);

}  // namespace kaoping::sema
