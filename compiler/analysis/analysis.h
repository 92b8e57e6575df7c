// Static analysis of a checked scheme (kaoping check): what a policy writer must know
// before issuing it. Reads the IR only; reports warnings with codes K05xx.
//
// - Ranges: every figure's exact interval from bases, floors, caps, rule amounts and the
//   declared ranges of the data (unbounded where an aggregate has no bound), compared with
//   its declared maximum (S5: "can reach 22, declared 20") and with an undeclared floor.
// - Tiers: values in no tier (gaps, e.g. 89.5 between `80 至 89` and `90 至 100`), tiers
//   that overlap, tiers that can never be reached given the tiered value's range.
// - Conditions that are always true or always false; caps, vetoes and rules that can never
//   apply; declarations never used; weightings whose weights do not add up to 1; relations
//   that may include the subject a rule also charges; rounding before a floor or cap.
#pragma once

#include <vector>

#include "compiler/ir/ir.h"
#include "compiler/support/diagnostics.h"

namespace kaoping::analysis {

struct Fact {
  ir::Interval range;
  int places = -1;  // the value is a multiple of 10^-places; -1 when unknown
};

// Computes every figure's fact (in evaluation order) and reports what it finds.
std::vector<Fact> analyze(const ir::Scheme& scheme, const SourceManager& sources, Diagnostics& diags);

}  // namespace kaoping::analysis
