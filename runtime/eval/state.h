// Internal to runtime/eval: the state of one run and the bytecode VM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"
#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"

namespace kaoping::eval {

inline constexpr uint32_t kNone = UINT32_MAX;

// Open addressing from id text to subject index; the keys are owned by Results::ids.
class IdIndex {
 public:
  void build(const std::vector<std::string>& keys);
  uint32_t find(std::string_view key) const;
  static uint64_t hash(std::string_view key);

 private:
  const std::vector<std::string>* keys_ = nullptr;
  std::vector<uint32_t> slots_;  // subject + 1; 0 = empty
  uint64_t mask_ = 0;
};

struct RowRef {
  uint32_t file = 0;
  uint64_t offset = 0;
};

// Accumulator cells that are not in the dense per-subject array: per calendar window or
// per group keyed by a string.
struct SparseCell {
  uint32_t aggregate;
  int32_t window;  // month index, or INT32_MIN
  uint32_t key;    // interned string, or kNone
  __int128 v[2];
};

struct TrackedRow {
  uint32_t aggregate;
  RowRef row;
};

struct Relations {
  std::vector<uint32_t> offsets;  // per subject, into members; size n + 1
  std::vector<uint32_t> members;
};

struct State {
  const plan::Plan& plan;
  Results& results;
  Diagnostics& diags;
  bool trace = false;
  bool rosterFailed = false;  // keep checking events, but only their own values

  uint32_t n = 0;  // subjects
  IdIndex idIndex;
  std::vector<DataLocation> sourceOfSubject;  // the roster row of each subject
  std::vector<std::vector<uint32_t>> groupSize;  // [attribute][subject], for size(attr)
  std::vector<Relations> relations;              // [relation]; 0 (all) stays empty
  std::vector<__int128> slots;                   // n * plan.slotsPerSubject
  std::vector<std::vector<SparseCell>> sparse;   // [subject]
  std::vector<std::vector<TrackedRow>> tracked;  // [subject]
  std::vector<std::vector<Value>> history;       // [figure][subject], for previous()
  std::vector<Value> params;
  std::vector<int32_t> windows;                  // month indexes of the period(s) seen
  int32_t minDate = INT32_MAX, maxDate = INT32_MIN;

  State(const plan::Plan& p, Results& r, Diagnostics& d) : plan(p), results(r), diags(d) {}

  __int128* subjectSlots(uint32_t s) { return slots.data() + static_cast<size_t>(s) * plan.slotsPerSubject; }
  SparseCell& sparseCell(uint32_t subject, uint32_t aggregate, int32_t window, uint32_t key);
  const SparseCell* findSparse(uint32_t subject, uint32_t aggregate, int32_t window, uint32_t key) const;
  void ledger(uint32_t subject, LedgerEntry e) {
    if (trace) results.ledger[subject].push_back(std::move(e));
  }
};

// Where a program is evaluated.
struct Frame {
  uint32_t subject = kNone;
  const Value* row = nullptr;
  uint32_t vars[2] = {kNone, kNone};
  int32_t window = INT32_MIN;
  uint32_t groupKey = kNone;
  const std::vector<uint32_t>* members = nullptr;  // input constraints per group
};

// A failure while evaluating: one of a closed set (division by zero, overflow, no arm
// matched, a value missing), with the span of the expression and the subject.
struct EvalError {
  DiagId id;
  Span span;
  uint32_t subject;
  std::string detail;
};

class Vm {
 public:
  explicit Vm(State& state);
  Value eval(const plan::Program& program, const Frame& frame);
  bool test(const plan::Program& program, const Frame& frame) {
    if (!program.valid()) return true;
    Value v = eval(program, frame);
    return !v.absent && v.asBool();
  }
  // The current value of aggregate `index` for the frame's subject (or group).
  Value aggregate(uint32_t index, const Frame& frame);
  [[noreturn]] void fail(DiagId id, uint32_t spanIndex, const Frame& frame, std::string detail = "");

 private:
  Value relationAggregate(const plan::RelationAgg& ra, const Frame& frame);
  Value groupedAggregate(const plan::GroupedAgg& ga, const Frame& frame);
  Value fromCells(const plan::Aggregate& agg, const __int128* v) const;
  int compareValues(plan::Kind kind, uint32_t enumId, const Value& a, const Value& b) const;

  State& s_;
  std::vector<Value> stack_;
  size_t top_ = 0;
  std::vector<Value> locals_;
  size_t localsTop_ = 0;
  // Aggregates over `all` do not depend on the subject asking: computed once. (They are
  // first evaluated in a step after everything they read is final.)
  std::vector<std::optional<Value>> cohort_;
};

// Accumulator updates shared by the streaming pass and the merge of partial results.
void updateCells(const plan::Plan& plan, const StringPool& strings, const plan::Aggregate& agg, __int128* v,
                 const Value& value, const Value& weight, __int128 orderKey);

// Loading (subjects.cpp), streaming (events.cpp), computing (steps.cpp).
bool loadSubjects(State& state, const Inputs& inputs);
bool buildRelations(State& state, Vm& vm);
bool loadParams(State& state, const Inputs& inputs);
bool loadHistory(State& state, const Inputs& inputs);
bool streamEvents(State& state, Vm& vm, const Inputs& inputs);
bool checkConstraints(State& state, Vm& vm);
void computeFigures(State& state, Vm& vm);
void evaluateAlerts(State& state, Vm& vm);

// Text → value of a column's kind. Returns false with `why` (bilingual) when the text is
// not a valid value; empty text must be handled by the caller.
bool parseValue(std::string_view text, plan::Kind kind, uint32_t enumId, const plan::Plan& plan, StringPool& strings,
                Value& out, std::string& why);
std::string kindName(const plan::Plan& plan, plan::Kind kind, uint32_t enumId);

}  // namespace kaoping::eval
