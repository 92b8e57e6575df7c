// Running a plan on data: the public entry point of the runtime.
//
//   auto results = eval::run(plan, inputs, diags);
//
// reads the roster/units and event files of every data directory (one stream), checks
// every value against the scheme's declarations, streams the events through the plan's
// accumulators, checks the input constraints, computes every figure in plan order and
// evaluates the alerts. On any error in the data or during evaluation it returns nullptr
// with the errors in `diags`: never a partial result.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/plan/plan.h"
#include "compiler/support/diagnostics.h"
#include "runtime/eval/strings.h"

namespace kaoping::eval {

struct Inputs {
  std::vector<std::string> dataDirs;
  std::optional<std::string> history;  // results.csv of the previous period
  // Or the previous period's results given as a table (header first), e.g. from a results
  // store; `historyName` names it in messages.
  std::optional<std::vector<std::vector<std::string>>> historyTable;
  std::string historyName = "history";
  std::vector<std::pair<std::string, std::string>> params;  // --param NAME=VALUE
  bool traceLedger = false;  // keep, per subject, the rule applications behind each figure
  // Threads reading a large CSV events file in chunks (results, ledger and diagnostics are
  // those of one thread), and the smallest chunk worth a thread (0: 4 MiB).
  unsigned threads = 1;
  size_t minChunkBytes = 0;
};

// One line of a figure's explanation.
struct LedgerEntry {
  uint32_t figure;
  enum class What : uint8_t { Base, Rule, Floor, Cap, Value, Adjustment, Rank, Tier, Unrounded, Condition } what;
  Value amount;
  Span rule;            // the rule or declaration in the rule file
  uint32_t file = 0;    // input file (index into Results::files) of the row, if any
  uint64_t offset = 0;  // byte offset of the row in that file
  bool hasRow = false;
  uint32_t from = UINT32_MAX;  // the subject whose row it was (joint liability)
  std::string note;            // a reason (caps, vetoes), or the standing (ranks, quotas)
  uint32_t position = 0, of = 0, keep = 0;  // ranks and quotas: place in the group, its size, places kept
};

// A row an aggregate counted for a subject (kept when traced).
struct AggregateRow {
  uint32_t aggregate;
  uint32_t file;
  uint64_t offset;
  Value value;  // the row's value for the aggregate (absent for count/exists)
};

struct AlertHit {
  std::string message;
  Span span;
  const plan::Alert* alert = nullptr;
  Value lhs, rhs;  // both sides of the comparison, when the condition is one
};

class Results {
 public:
  const plan::Plan& plan;
  std::vector<std::string> ids;      // subject ids in roster order
  std::vector<uint32_t> byId;        // subject indexes sorted by id (bytes)
  std::vector<std::vector<Value>> figures;  // [figure][subject]
  // Figures grouped by an event attribute: [figure][subject] → (group key, value); the key
  // is the enum value's index or the interned string.
  std::vector<std::vector<std::vector<std::pair<uint32_t, Value>>>> grouped;
  std::vector<std::vector<Value>> attributes;  // [subject attribute][subject]
  StringPool strings;
  std::vector<std::string> departments;  // display names "unit/dept"
  std::vector<AlertHit> alerts;
  std::vector<std::string> files;        // every input file read, in reading order
  std::vector<std::vector<LedgerEntry>> ledger;  // [subject], when traced
  std::vector<std::vector<AggregateRow>> aggregateRows;  // [subject], when traced
  // The previous period's values that previous(…) read: [figure][subject], empty for the
  // figures it does not read (for explanations).
  std::vector<std::vector<Value>> history;
  uint64_t events = 0;

  explicit Results(const plan::Plan& p) : plan(p), strings(p.strings) {}

  // The value as results.csv prints it (no CSV quoting).
  std::string text(uint32_t figure, uint32_t subject) const;
  std::string valueText(plan::Kind kind, uint32_t enumId, int places, const Value& v) const;
  // The name of a group of a grouped figure (an enum value or the string).
  std::string groupName(uint32_t figure, uint32_t key) const;
};

std::unique_ptr<Results> run(const plan::Plan& plan, const Inputs& inputs, Diagnostics& diags);

}  // namespace kaoping::eval
