// report.html: one self-contained page about a run, written by `kaoping run` beside
// results.csv (option --no-report to skip it).
//
// - Summaries per unit and per department (for a scheme of units: per parent unit):
//   subjects, count per tier, mean / lowest / highest score.
// - Charts drawn here as inline SVG: the tier distribution of every group and a histogram
//   of every numeric output figure.
// - The list of every subject with its output figures (filtered as you type), each linked
//   to a section of its own with its figures and, when the run was traced, its ledger: the
//   base, every rule application with its citation, rule location and input row, floors,
//   caps, tier arms, ranks, quotas and vetoes (the same account as `kaoping explain`).
//
// No network and no external file: the CSS and a few lines of script are inline, and every
// text that comes from a rule file or from data is HTML-escaped.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"

namespace kaoping::output {

struct ReportInfo {
  std::string period;  // the appraisal period, when known ("2024H2")
  std::vector<std::pair<std::string, std::string>> params;  // as given on the command line
};

std::string reportHtml(const eval::Results& results, const SourceManager* sources, Lang lang,
                       const ReportInfo& info = {});

// The group a subject is counted in by the summaries per unit: its unit (persons); for a
// scheme of units, its top unit with the units under it ("SZ05 市公安局"), or all units
// together when none has a parent.
std::string unitGroup(const eval::Results& results, uint32_t subject, Lang lang);
// The heading of that grouping: "unit", "unit (with the units under it)" or "scope".
std::string unitGroupTitle(const eval::Results& results, Lang lang);

// A rule's source text on one line, without comments and without its leading `cite "…"`:
// "each 缺席 where not 请假: deduct 2".
std::string ruleText(std::string_view text);

// `s` with & < > " ' escaped for HTML text and attribute values.
std::string htmlEscape(std::string_view s);

}  // namespace kaoping::output
