// The impact of a change to a scheme: `kaoping diff OLD.kp NEW.kp --data DIR` runs both
// schemes (traced) on the same data and tells
//
// - per subject whose output figures change: every changed output, old → new, by how much
//   (a tier up or down so many places, an award by so many 元, a rank so many places), and
//   which rules caused it: the rule applications that differ between the two ledgers (by
//   rule location and amount), floors and caps, tier arms, vetoes, quotas, bases, and
//   definitions whose text changed;
// - per rule: how many subjects its change touched;
// - per unit (per parent unit for a scheme of units): how many subjects change at all,
//   change tier up / down, get a larger / smaller award, move up / down in rank.
//
// Rules are matched between the two files by their text; a rule whose text changed is
// matched to the old one with the same text but for its numbers (deduct 2 → deduct 3), or
// else with the same citation.
#pragma once

#include <string>

#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"

namespace kaoping::output {

struct DiffSide {
  const eval::Results& results;  // of a traced run
  const SourceManager& sources;
  std::string path;               // the rule file, as given
};

struct DiffOptions {
  size_t limit = 0;  // print at most this many subjects (0: all); the summaries count all
};

struct DiffReport {
  std::string text;
  // Whether anything the report lists differs: a subject's outputs, subjects present in
  // one run only, or alerts that fire in one run only.
  bool differs = false;
};

DiffReport diff(const DiffSide& before, const DiffSide& after, Lang lang, const DiffOptions& options = {});

}  // namespace kaoping::output
