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
#include "runtime/eval/id_index.h"
#include "runtime/eval/rowplan.h"

namespace kaoping::eval {

inline constexpr uint32_t kNone = UINT32_MAX;

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
  // The roster row of each subject: (index into results.files, line).
  std::vector<std::pair<uint32_t, uint32_t>> rosterRow;
  DataLocation sourceOfSubject(uint32_t s) const { return DataLocation{results.files[rosterRow[s].first], rosterRow[s].second, ""}; }
  std::vector<std::vector<uint32_t>> groupSize;  // [attribute][subject], for size(attr)
  std::vector<Relations> relations;              // [relation]; 0 (all) stays empty
  std::vector<__int128> slots;                   // n * plan.slotsPerSubject
  std::vector<std::vector<SparseCell>> sparse;   // [subject]
  std::vector<std::vector<TrackedRow>> tracked;  // [subject]
  std::vector<std::vector<Value>> history;       // [figure][subject], for previous()
  std::vector<Value> params;
  std::vector<int32_t> windows;                  // month indexes of the period(s) seen
  std::shared_ptr<NativeJob> native;             // the JIT's code for this run, when there is a JIT
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
  // A worker reading a chunk of events sees the run's strings plus its own.
  void setLocalStrings(const LocalStrings* local) { texts_.local = local; }
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

  std::string_view text(uint32_t id) const { return texts_(id); }

  State& s_;
  Texts texts_;
  std::vector<Value> stack_;
  size_t top_ = 0;
  std::vector<Value> locals_;
  size_t localsTop_ = 0;
  // Aggregates over `all` do not depend on the subject asking: computed once. (They are
  // first evaluated in a step after everything they read is final.)
  std::vector<std::optional<Value>> cohort_;
};

// An upper bound of what a reader added to accumulators: at most `adds` additions, each
// of magnitude at most `largest`. Partial results of chunks are only merged when the
// bound proves that no running total of a single-threaded pass could have overflowed.
struct DeltaBound {
  unsigned __int128 largest = 0;
  uint64_t adds = 0;
  void note(__int128 delta) {
    unsigned __int128 m = delta < 0 ? -static_cast<unsigned __int128>(delta) : static_cast<unsigned __int128>(delta);
    if (m > largest) largest = m;
    ++adds;
  }
  // Σ adds × largest, saturating.
  unsigned __int128 total() const {
    unsigned __int128 r;
    if (__builtin_mul_overflow(largest, static_cast<unsigned __int128>(adds), &r)) return ~static_cast<unsigned __int128>(0);
    return r;
  }
};

// Accumulator updates shared by the streaming pass and the merge of partial results.
// `texts` orders string values (min/max); `bound` (optional) records the additions.
void updateCells(const plan::Plan& plan, const Texts& texts, const plan::Aggregate& agg, __int128* v,
                 const Value& value, const Value& weight, __int128 orderKey, DeltaBound* bound = nullptr);
// Combines the cells `from` of a partial result into `into` (same aggregate), as if the
// partial's rows had been read after the rows behind `into`.
void mergeCells(const plan::Plan& plan, const Texts& texts, const plan::Aggregate& agg, __int128* into,
                const __int128* from);

// Loading (subjects.cpp), streaming (events.cpp), computing (steps.cpp).
bool loadSubjects(State& state, const Inputs& inputs);
bool buildRelations(State& state, Vm& vm);
bool loadParams(State& state, const Inputs& inputs);
bool loadHistory(State& state, const Inputs& inputs);
bool streamEvents(State& state, Vm& vm, const Inputs& inputs);
// What the JIT's kernels call back (events.cpp).
KernelHelpers kernelHelpers();
bool checkConstraints(State& state, Vm& vm);
void computeFigures(State& state, Vm& vm);
void evaluateAlerts(State& state, Vm& vm);

// Text → value of a column's kind. Returns false with `why` (bilingual) when the text is
// not a valid value; empty text must be handled by the caller.
bool parseValue(std::string_view text, plan::Kind kind, uint32_t enumId, const plan::Plan& plan, Interner& strings,
                Value& out, std::string& why);
// Parses one cell of a declared column into `out`, reporting what is wrong to `diags`.
// Returns false on an error (already reported).
bool readCell(const plan::Plan& plan, Diagnostics& diags, Interner& strings, const plan::Column& c,
              std::string_view text, const DataLocation& where, Value& out);
std::string kindName(const plan::Plan& plan, plan::Kind kind, uint32_t enumId);

}  // namespace kaoping::eval
