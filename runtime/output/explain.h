// Explaining figures: the ledger behind a subject's figures, for `kaoping explain` and for
// the ledger in results.json and report.html.
//
// For each figure: its value; the base, every rule application with its clause citation,
// rule location and the input row behind it (file:line and the row itself), floors and
// caps applied, the value before rounding, the rows an aggregate counted, the tier arm
// chosen, caps and vetoes with their reasons, and for ranks and quotas the standing of
// the competitors that decided them.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"

namespace kaoping::output {

// Line numbers and text of input rows named by (file index, byte offset), computed in one
// pass per file for all the rows asked for.
class RowLocator {
 public:
  RowLocator(const eval::Results& results, std::vector<std::pair<uint32_t, uint64_t>> rows);
  // "data/events.csv:123"
  std::string where(uint32_t file, uint64_t offset) const;
  // The row as it is in the file (without its line end), or "" if unknown.
  std::string text(uint32_t file, uint64_t offset) const;

 private:
  const eval::Results& results_;
  std::map<std::pair<uint32_t, uint64_t>, std::pair<uint64_t, std::string>> found_;  // → (line, text)
};

// Every (file, offset) the traced results refer to (for one subject, or all when -1).
std::vector<std::pair<uint32_t, uint64_t>> referencedRows(const eval::Results& results, int64_t subject = -1);

// A readable explanation of one subject's figures (all, or one figure).
std::string explain(const eval::Results& results, const SourceManager& sources, uint32_t subject, int32_t figure,
                    Lang lang);

}  // namespace kaoping::output
