// The streaming pass: every event row is read, checked against its kind's declaration
// and applied to the accumulators (aggregates and rule effects) of its subject and of the
// subjects its rules route to. Rows are not kept.
//
// Speed (docs/performance.md): rows are read in batches of kBatch records. For a batch,
// the kinds are found and the subject ids hashed, with the id index's slots prefetched;
// then the subjects are looked up and their accumulators prefetched; then the rows are
// checked and applied in order. Attributes are parsed by per-column readers and the row
// programs run in their quick forms (rowplan.h) where they have one. Line numbers are
// only counted when an error is reported.
//
// Threads (Inputs::threads > 1): a large CSV events file is cut into chunks at line ends,
// one per thread, each read by its own Streamer into a Partial (accumulators, sparse
// cells, tracked rows, ledger entries, diagnostics, new strings), and the partials are
// merged into the run's state in chunk order: the result, the ledger and the diagnostics
// are those of one thread. Whenever a chunk cannot be read on its own with the same
// outcome — a quoted field (a chunk may have been cut inside it), an evaluation error or
// an overflow, or accumulator totals that could have overflowed — the file is read again
// by one thread instead.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "compiler/support/date.h"
#include "compiler/support/utf8.h"
#include "runtime/data/csv.h"
#include "runtime/data/mapped_file.h"
#include "runtime/eval/rowplan.h"
#include "runtime/eval/state.h"

namespace kaoping::eval {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------- accumulators

namespace {

SparseCell& cellIn(std::vector<SparseCell>& cells, uint32_t aggregate, int32_t window, uint32_t key) {
  for (SparseCell& c : cells)
    if (c.aggregate == aggregate && c.window == window && c.key == key) return c;
  cells.push_back(SparseCell{aggregate, window, key, {0, 0}});
  return cells.back();
}

}  // namespace

SparseCell& State::sparseCell(uint32_t subject, uint32_t aggregate, int32_t window, uint32_t key) {
  return cellIn(sparse[subject], aggregate, window, key);
}

const SparseCell* State::findSparse(uint32_t subject, uint32_t aggregate, int32_t window, uint32_t key) const {
  for (const SparseCell& c : sparse[subject])
    if (c.aggregate == aggregate && c.window == window && c.key == key) return &c;
  return nullptr;
}

namespace {

// Orders two values of the aggregate's value kind: strings by bytes, enum values by
// their declared order, everything else by its raw representation.
int order(const plan::Plan& plan, const Texts& texts, const plan::Aggregate& agg, __int128 a, __int128 b) {
  if (agg.valueKind == plan::Kind::String)
    return a == b ? 0 : (texts(static_cast<uint32_t>(a)) < texts(static_cast<uint32_t>(b)) ? -1 : 1);
  if (agg.valueKind == plan::Kind::Enum) {
    const plan::EnumTable& e = plan.enums[agg.valueEnum];
    int x = e.ordinal(static_cast<uint32_t>(a)), y = e.ordinal(static_cast<uint32_t>(b));
    return (x > y) - (x < y);
  }
  return (a > b) - (a < b);
}

inline void addChecked(__int128& cell, __int128 amount, DeltaBound* bound) {
  if (bound) bound->note(amount);
  if (__builtin_add_overflow(cell, amount, &cell)) throw ArithmeticError(ArithmeticError::Kind::Overflow, "accumulator");
}

}  // namespace

void updateCells(const plan::Plan& plan, const Texts& texts, const plan::Aggregate& agg, __int128* v,
                 const Value& value, const Value& weight, __int128 orderKey, DeltaBound* bound) {
  switch (agg.op) {
    case ir::AggOp::Count: addChecked(v[0], 1, bound); return;
    case ir::AggOp::Exists: v[0] = 1; return;
    case ir::AggOp::Sum:
      if (!value.absent) addChecked(v[0], value.bits, bound);
      return;
    case ir::AggOp::Mean:
      if (value.absent) return;
      addChecked(v[0], value.bits, bound);
      addChecked(v[1], 1, bound);
      return;
    case ir::AggOp::WeightedMean: {
      if (value.absent || weight.absent) return;
      Decimal product = value.asDecimal() * weight.asDecimal();
      addChecked(v[0], product.raw(), bound);
      addChecked(v[1], weight.bits, bound);
      return;
    }
    case ir::AggOp::Min:
    case ir::AggOp::Max: {
      if (value.absent) return;
      int c = order(plan, texts, agg, value.bits, v[0]);
      if (v[1] == 0 || (agg.op == ir::AggOp::Min ? c < 0 : c > 0)) v[0] = value.bits;
      v[1] += 1;
      return;
    }
    case ir::AggOp::Last:
    case ir::AggOp::First:
      if (value.absent) return;
      if (v[1] == 0 || (agg.op == ir::AggOp::Last ? orderKey >= v[1] : orderKey < v[1])) {
        v[0] = value.bits;
        v[1] = orderKey;
      }
      return;
  }
}

void mergeCells(const plan::Plan& plan, const Texts& texts, const plan::Aggregate& agg, __int128* into,
                const __int128* from) {
  switch (agg.op) {
    case ir::AggOp::Count:
    case ir::AggOp::Sum: into[0] += from[0]; return;
    case ir::AggOp::Exists:
      if (from[0]) into[0] = 1;
      return;
    case ir::AggOp::Mean:
    case ir::AggOp::WeightedMean:
      into[0] += from[0];
      into[1] += from[1];
      return;
    case ir::AggOp::Min:
    case ir::AggOp::Max: {
      if (from[1] == 0) return;
      int c = order(plan, texts, agg, from[0], into[0]);
      if (into[1] == 0 || (agg.op == ir::AggOp::Min ? c < 0 : c > 0)) into[0] = from[0];
      into[1] += from[1];
      return;
    }
    case ir::AggOp::Last:  // the later row wins a tie, and the partial's rows come later
      if (from[1] != 0 && (into[1] == 0 || from[1] >= into[1])) {
        into[0] = from[0];
        into[1] = from[1];
      }
      return;
    case ir::AggOp::First:
      if (from[1] != 0 && (into[1] == 0 || from[1] < into[1])) {
        into[0] = from[0];
        into[1] = from[1];
      }
      return;
  }
}

namespace {

constexpr size_t kBatch = 32;

// Where each column of the current file is, for the kinds' attributes.
struct FileColumns {
  int32_t date = -1, kind = -1, subject = -1;
  std::vector<std::vector<int32_t>> attributes;  // [kind][attribute] → field index or -1
  size_t fieldCount = 0;
};

// The file being read.
struct FileInfo {
  uint32_t index = 0;  // in Results::files
  const std::string* path = nullptr;
  std::string_view bytes;  // the whole file (for line numbers)
  const FileColumns* columns = nullptr;
};

// Thrown inside a chunk's reader when the chunk cannot be read on its own (see the top).
struct ChunkAnomaly {};

// What the reader of one chunk produced, merged into the run's state afterwards.
struct Partial {
  Partial(const State& st, bool traced)
      : diags(kDiagnostics + st.plan.kinds.size()), strings(st.results.strings) {
    slots.assign(static_cast<size_t>(st.n) * st.plan.slotsPerSubject, 0);
    sparse.resize(st.n);
    tracked.resize(st.n);
    if (traced) {
      ledger.resize(st.n);
      aggregateRows.resize(st.n);
    }
    missing.assign(st.plan.kinds.size(), 0);
    missingIndex.assign(st.plan.kinds.size(), SIZE_MAX);
  }
  // Enough to fill the run's list of diagnostics after the duplicates (a missing column is
  // reported once per file, and so once per chunk here) are left out.
  static constexpr size_t kDiagnostics = 10000;

  std::vector<__int128> slots;
  std::vector<std::vector<SparseCell>> sparse;
  std::vector<std::vector<TrackedRow>> tracked;
  std::vector<std::vector<LedgerEntry>> ledger;
  std::vector<std::vector<AggregateRow>> aggregateRows;
  Diagnostics diags;
  std::vector<uint8_t> missing;       // [kind]: the missing column of the kind was reported
  std::vector<size_t> missingIndex;   // [kind]: where in diags.all() (SIZE_MAX: past the limit)
  LocalStrings strings;
  uint64_t events = 0;
  int32_t minDate = INT32_MAX, maxDate = INT32_MIN;
  DeltaBound bound;
  bool anomaly = false;
  std::exception_ptr failure;
};

// Reads rows: the run's only reader (writing the run's state), or the reader of one chunk
// (writing a Partial).
class Streamer {
 public:
  Streamer(State& st, const RowPlan& rp, Vm& vm, Partial* part = nullptr, bool errorsBefore = false)
      : st_(st), p_(st.plan), rp_(rp), vm_(vm), part_(part), errorsBefore_(errorsBefore) {
    size_t most = 0;
    for (const plan::EventKind& k : p_.kinds) most = std::max(most, k.attributes.size());
    row_.resize(most + 1);
    kindIndex_.build(rp_.kindNames);
    slotsPerSubject_ = p_.slotsPerSubject;
    for (const auto& a : st.results.attributes) attributes_.push_back(a.data());
    texts_.pool = &st.results.strings;
    if (part) {
      slots_ = part->slots.data();
      sparse_ = &part->sparse;
      tracked_ = &part->tracked;
      ledger_ = &part->ledger;
      aggregateRows_ = &part->aggregateRows;
      diags_ = &part->diags;
      strings_ = &part->strings;
      texts_.local = &part->strings;
      events_ = &part->events;
      minDate_ = &part->minDate;
      maxDate_ = &part->maxDate;
      bound_ = &part->bound;
    } else {
      slots_ = st.slots.data();
      sparse_ = &st.sparse;
      tracked_ = &st.tracked;
      ledger_ = &st.results.ledger;
      aggregateRows_ = &st.results.aggregateRows;
      diags_ = &st.diags;
      strings_ = &st.results.strings;
      events_ = &st.results.events;
      minDate_ = &st.minDate;
      maxDate_ = &st.maxDate;
      bound_ = &ownBound_;
    }
    for (const Relations& r : st.relations) {
      relationOffsets_.push_back(r.offsets.data());
      relationMembers_.push_back(r.members.data());
    }
    kernel_.slots = slots_;
    kernel_.subjectAttributes = attributes_.data();
    kernel_.relationOffsets = relationOffsets_.data();
    kernel_.relationMembers = relationMembers_.data();
    kernel_.params = st.params.data();
    kernel_.subjects = st.n;
    kernel_.bound = bound_;
    kernel_.reader = this;
  }

  // Called between batches by the run's only reader (the JIT's code may be installed then).
  void setBetweenBatches(std::function<void()> f) { between_ = std::move(f); }

  // What kernels call back (jit.h).
  static KernelHelpers helpers() {
    return KernelHelpers{&kernelRead, &kernelTrim, &kernelAggregate};
  }

  const DeltaBound& bound() const { return *bound_; }

  void beginFile(const FileInfo& file) {
    file_ = file;
    cols_ = file.columns;
    lines_.reset();
    missingReported_.assign(p_.kinds.size(), false);
  }

  // Reads the records of `reader` (positioned after the header) in batches, pipelined:
  // while batch k is split (its kinds found, its ids hashed and their slots in the id index
  // prefetched), the ids of batch k-1 are looked up (their accumulators prefetched) and the
  // rows of batch k-2 are checked and applied, so that every prefetch has a batch of work
  // to hide behind. Rows are still handled one after the other, in input order.
  void readRecords(data::CsvReader& reader, const std::atomic<bool>* stop = nullptr) {
    const size_t fieldCount = cols_->fieldCount;
    for (Batch& b : ring_) {
      b.csv.width = fieldCount;
      b.n = 0;
    }
    size_t cur = 0;
    for (;;) {
      if (between_ && (++batches_ & 255) == 0) between_();
      Batch& b = ring_[cur];
      b.n = reader.nextBatch(b.csv, kBatch);
      if (b.n == 0) break;
      if (part_) {
        // A chunk may have been cut inside a quoted field: only quote-free chunks are read alone.
        if (reader.quotedRecords() > 0) throw ChunkAnomaly{};
        if (stop && stop->load(std::memory_order_relaxed)) return;
      }
      split(b);
      Batch& previous = ring_[(cur + 2) % 3];
      Batch& older = ring_[(cur + 1) % 3];
      if (older.n) rows(older);
      if (previous.n) lookUp(previous);
      if (reader.recordUsesBuffer()) {  // the last record's fields live in the reader: finish now
        if (previous.n) rows(previous);
        lookUp(b);
        rows(b);
      }
      cur = (cur + 1) % 3;
    }
    // what is still in the pipeline, oldest first
    for (size_t k = 1; k <= 2; ++k) {
      Batch& b = ring_[(cur + k) % 3];
      if (!b.n) continue;
      if (!b.lookedUp) lookUp(b);
      rows(b);
    }
  }

  // One JSON Lines row.
  void row(const std::string_view* fields, uint64_t offset) {
    uint32_t kind = kindOf(fields[cols_->kind]);
    uint32_t subject = kind == kNone ? kNone : st_.idIndex.find(fields[cols_->subject]);
    row(fields, offset, kind, subject);
  }

  DataLocation where(uint64_t offset, std::string column = "") {
    if (!lines_) lines_.emplace(file_.bytes);
    return DataLocation{*file_.path, lines_->lineOf(offset), std::move(column)};
  }

 private:
  uint32_t kindOf(std::string_view text) {
    if (lastKind_ != kNone && text.size() == lastKindText_.size() &&
        equalBytes(text.data(), lastKindText_.data(), text.size()))
      return lastKind_;
    uint32_t k = kindIndex_.find(text);
    if (k != kNone) {
      lastKind_ = k;
      lastKindText_ = rp_.kindNames[k];
    }
    return k;
  }

  bool computing() const { return part_ ? !errorsBefore_ && !part_->diags.hasErrors() : !st_.diags.hasErrors(); }

  // The fields of a record of a batch, trimmed when read.
  struct BatchFields {
    const data::CsvBatch* batch;
    const data::CsvBatch::Record* record;
    std::string_view operator[](size_t i) const { return batch->field(*record, i); }
  };

  template <typename Fields>
  void row(const Fields& fields, uint64_t offset, uint32_t kind, uint32_t subject) {
    const FileColumns& cols = *cols_;
    if (kind == kNone) {
      diags_->reportData(DiagId::DataUnknownKind, where(offset, "kind"), utf8::escapeInvalid(fields[cols.kind]));
      return;
    }
    if (subject == kNone) {
      if (st_.rosterFailed) return;  // its roster row may be one of the bad ones
      diags_->reportData(DiagId::DataUnknownSubject, where(offset, "subject"), utf8::escapeInvalid(fields[cols.subject]),
                         p_.subjects == plan::SubjectKind::Persons ? "roster.csv" : "units.csv");
      return;
    }
    // date (rows come sorted by date, mostly: the last one is remembered)
    std::string_view dateText = fields[cols.date];
    if (!haveDate_ || dateText.size() != dateLength_ || !equalBytes(dateText.data(), dateText_, dateLength_)) {
      int32_t days;
      if (!date::parseFast(dateText.data(), dateText.size(), days)) {
        diags_->reportData(DiagId::DataBadDate, where(offset, "date"), utf8::escapeInvalid(dateText));
        return;
      }
      haveDate_ = dateText.size() <= sizeof dateText_;
      if (haveDate_) {
        std::memcpy(dateText_, dateText.data(), dateText.size());
        dateLength_ = dateText.size();
      }
      date_ = days;
      month_ = date::monthIndex(days);
      *minDate_ = std::min(*minDate_, days);
      *maxDate_ = std::max(*maxDate_, days);
    }
    const KindPlan& kp = rp_.kinds[kind];
    // the kind's native kernel, for a record of a batch when no ledger is kept
    if constexpr (std::is_same_v<Fields, BatchFields>) {
      if (kp.kernel && !st_.trace && computing()) {
        offset_ = offset;
        const data::CsvBatch::Record& rec = *fields.record;
        int r = kp.kernel(&kernel_, fields.batch->fields.data() + rec.first, rec.trimmed ? 1 : 0,
                          cols.attributes[kind].data(), subject);
        if (r == 0) {
          ++*events_;
          return;
        }
        if (r == 2) {
          ++*events_;
          if (part_) throw ChunkAnomaly{};
          diags_->reportData(DiagId::EvalOverflow, where(offset), st_.results.ids[subject]);
          return;
        }
        // 1: read by the interpreter
      }
    }
    // attributes
    bool ok = true;
    for (size_t a = 0; a < kp.attributes.size(); ++a) {
      const AttributeReader& r = kp.attributes[a];
      int32_t column = cols.attributes[kind][a];
      if (column < 0) {
        if (r.hasDefault || r.optional) {
          row_[a] = r.hasDefault ? r.defaultValue : Value::none();
          continue;
        }
        missingColumn(kind, offset, *r.column);
        ok = false;
        continue;
      }
      std::string_view text = fields[column];
      if (readAttributeFast(r, p_, text, *strings_, row_[a])) continue;
      if (!readCell(p_, *diags_, *strings_, *r.column, text, where(offset, r.column->name), row_[a])) ok = false;
    }
    if (!ok) return;
    ++*events_;
    if (!computing()) return;  // keep checking rows, but stop computing
    try {
      apply(kp, subject, offset);
    } catch (const ArithmeticError&) {
      if (part_) throw ChunkAnomaly{};
      diags_->reportData(DiagId::EvalOverflow, where(offset), st_.results.ids[subject]);
    }
  }

  void missingColumn(uint32_t kind, uint64_t offset, const plan::Column& c) {
    if (missingReported_[kind]) return;
    missingReported_[kind] = true;
    const std::string& k = p_.kinds[kind].name;
    size_t before = diags_->all().size();
    diags_->reportData(DiagId::DataMissingColumn, where(offset, c.name), c.name,
                       bilingual("`", "`") + k + bilingual("` rows need it", "` 类事件需要此列"));
    if (part_) {
      part_->missing[kind] = 1;
      part_->missingIndex[kind] = diags_->all().size() > before ? before : SIZE_MAX;
    }
  }

  Value operand(const QuickOperand& o, const Frame& f) const {
    switch (o.from) {
      case QuickOperand::From::Row: return f.row[o.index];
      case QuickOperand::From::Subject: return attributes_[o.index][f.subject];
      case QuickOperand::From::Fixed: break;
      // Relation variables only occur in relation filters (subjects.cpp), not in row
      // programs; handled as evalQuickTest does all the same.
      case QuickOperand::From::Var: return attributes_[o.index][f.vars[o.var]];
      case QuickOperand::From::VarSubject: return Value::ofIndex(f.vars[o.var]);
    }
    return o.fixed;
  }

  // The common shapes inline; the others out of line.
  __attribute__((always_inline)) bool test(const QuickTest& t, const Frame& f) {
    switch (t.shape) {
      case QuickTest::Shape::Always: return true;
      case QuickTest::Shape::RowRange: {
        const Value& a = f.row[t.x.index];
        if (a.absent) return t.negate;  // == false, != true, ordering absent
        return (a.bits >= t.lo && a.bits <= t.hi) != t.negate;
      }
      case QuickTest::Shape::Truthy: {
        const Value& v = operand(t.x, f);
        return !v.absent && v.bits != 0;
      }
      default: return testSlow(t, f);
    }
  }

  __attribute__((noinline)) bool testSlow(const QuickTest& t, const Frame& f) {
    switch (t.shape) {
      case QuickTest::Shape::Always: return true;
      case QuickTest::Shape::Truthy: {
        const Value& v = operand(t.x, f);
        return !v.absent && v.bits != 0;
      }
      case QuickTest::Shape::Falsy: {
        const Value& v = operand(t.x, f);
        return !v.absent && v.bits == 0;
      }
      case QuickTest::Shape::RowRange:
      case QuickTest::Shape::Compare: {
        const Value& a = operand(t.x, f);
        const Value& b = operand(t.y, f);
        if (a.absent || b.absent) return t.op == ir::CompareOp::Ne;  // == false, != true, ordering absent
        return ir::compareHolds(t.op, (a.bits > b.bits) - (a.bits < b.bits));
      }
      case QuickTest::Shape::In: {
        const Value& x = operand(t.x, f);
        if (x.absent) return false;
        for (const Value& v : t.set)
          if (v.bits == x.bits) return true;
        return false;
      }
      case QuickTest::Shape::And: return test(t.parts[0], f) && test(t.parts[1], f);
      case QuickTest::Shape::Or: return test(t.parts[0], f) || test(t.parts[1], f);
      case QuickTest::Shape::Generic: {
        if (t.native >= 0) {
          Value v;
          if (rp_.native[t.native](f.row, attributes_.data(), st_.params.data(), f.subject, &v) != 0)
            return !v.absent && v.bits != 0;
        }
        return vm_.test(t.program, f);
      }
    }
    return false;
  }

  Value value(const QuickValue& q, const Frame& f) {
    switch (q.shape) {
      case QuickValue::Shape::None: return Value{};
      case QuickValue::Shape::Operand: return operand(q.x, f);
      case QuickValue::Shape::ToDecimal: {
        const Value& v = operand(q.x, f);
        return v.absent ? v : Value::ofDecimal(Decimal::fromInt(v.asInt()));
      }
      case QuickValue::Shape::Generic: {
        if (q.native >= 0) {
          Value v;
          if (rp_.native[q.native](f.row, attributes_.data(), st_.params.data(), f.subject, &v) != 0) return v;
        }
        return vm_.eval(q.program, f);
      }
    }
    return Value{};
  }

  void apply(const KindPlan& kp, uint32_t subject, uint64_t offset) {
    Frame frame;
    frame.subject = subject;
    frame.row = row_.data();
    const bool trace = st_.trace;
    const __int128 orderKey = this->orderKey(offset);
    for (const QuickAction& qa : kp.actions) {
      if (!test(qa.test, frame)) continue;
      if (qa.aggregate) {
        Value v = value(qa.value, frame);
        Value w = value(qa.weight, frame);
        const plan::Aggregate& agg = *qa.aggregate;
        updateAggregate(agg, qa.action->aggregate, subject, v, w, agg.groupedBy >= 0 ? &row_[agg.groupedBy] : nullptr,
                        offset, orderKey);
        continue;
      }
      const plan::Action& action = *qa.action;
      for (const QuickEffect& qe : qa.effects) {
        const plan::Effect& e = *qe.effect;
        __int128 delta = qe.delta;
        if (!qe.fixed) {
          Value amount = value(qe.amount, frame);
          delta = e.deduct ? -amount.bits : amount.bits;
        }
        if (e.relation < 0 && !trace) {  // the common case
          addChecked(slots_[static_cast<size_t>(subject) * slotsPerSubject_ + e.slot], delta, bound_);
          continue;
        }
        auto credit = [&](uint32_t target) {
          addChecked(slots_[static_cast<size_t>(target) * slotsPerSubject_ + e.slot], delta, bound_);
          if (trace)
            (*ledger_)[target].push_back(LedgerEntry{action.figure, LedgerEntry::What::Rule, Value{delta, false},
                                                     action.span, file_.index, offset, true,
                                                     target == subject ? kNone : subject, action.citation});
        };
        if (e.relation < 0) {
          credit(subject);
        } else if (e.relation == 0) {
          for (uint32_t t = 0; t < st_.n; ++t) credit(t);
        } else {
          const Relations& r = st_.relations[e.relation];
          for (uint32_t i = r.offsets[subject]; i < r.offsets[subject + 1]; ++i) credit(r.members[i]);
        }
      }
    }
  }

  // An aggregate's update with its value, weight and group key (the row attribute it is
  // grouped by).
  void updateAggregate(const plan::Aggregate& agg, uint32_t index, uint32_t subject, const Value& v, const Value& w,
                       const Value* key, uint64_t offset, __int128 orderKey) {
    __int128* cells;
    if (!agg.sparse) {
      cells = slots_ + static_cast<size_t>(subject) * slotsPerSubject_ + agg.slot;
      if (agg.groupedBy >= 0) {
        if (key->absent) return;
        cells += key->asIndex() * agg.slotsPerGroup;
      }
    } else {
      uint32_t k = kNone;
      if (agg.groupedBy >= 0) {
        if (key->absent) return;
        k = key->asIndex();
      }
      cells = cellIn((*sparse_)[subject], index, agg.window == ir::Window::Month ? month_ : INT32_MIN, k).v;
    }
    updateCells(p_, texts_, agg, cells, v, w, orderKey, bound_);
    if (agg.trackRows) (*tracked_)[subject].push_back(TrackedRow{index, RowRef{file_.index, offset}});
    if (st_.trace) (*aggregateRows_)[subject].push_back(AggregateRow{index, file_.index, offset, v});
  }

  __int128 orderKey(uint64_t offset) const {
    return (static_cast<__int128>(date_) << 64) | (static_cast<__int128>(file_.index) << 40) | static_cast<__int128>(offset);
  }

  // ---- called by kernels
  static int kernelRead(void* reader, uint32_t kind, uint32_t attribute, const char* text, uint64_t size, Value* out) {
    auto* s = static_cast<Streamer*>(reader);
    return readAttributeFast(s->rp_.kinds[kind].attributes[attribute], s->p_, std::string_view(text, size), *s->strings_,
                             *out)
               ? 1
               : 0;
  }
  static void kernelTrim(const char** text, uint32_t* size) {
    std::string_view t = data::trimRawField(*text, *size);
    *text = t.data();
    *size = static_cast<uint32_t>(t.size());
  }
  static int kernelAggregate(void* reader, uint32_t aggregate, uint32_t subject, const Value* value, const Value* weight,
                             const Value* key) {
    auto* s = static_cast<Streamer*>(reader);
    try {
      s->updateAggregate(s->p_.aggregates[aggregate], aggregate, subject, *value, *weight, key, s->offset_,
                         s->orderKey(s->offset_));
    } catch (const ArithmeticError&) {
      return 2;
    }
    return 0;
  }

  State& st_;
  const plan::Plan& p_;
  const RowPlan& rp_;
  Vm& vm_;
  Partial* part_;
  bool errorsBefore_;  // a chunk: the run had errors before this file

  // where results go
  __int128* slots_ = nullptr;
  std::vector<std::vector<SparseCell>>* sparse_ = nullptr;
  std::vector<std::vector<TrackedRow>>* tracked_ = nullptr;
  std::vector<std::vector<LedgerEntry>>* ledger_ = nullptr;
  std::vector<std::vector<AggregateRow>>* aggregateRows_ = nullptr;
  Diagnostics* diags_ = nullptr;
  Interner* strings_ = nullptr;
  Texts texts_;
  uint64_t* events_ = nullptr;
  int32_t* minDate_ = nullptr;
  int32_t* maxDate_ = nullptr;
  DeltaBound* bound_ = nullptr;
  DeltaBound ownBound_;
  KernelContext kernel_;
  std::vector<const uint32_t*> relationOffsets_, relationMembers_;
  uint64_t offset_ = 0;  // of the row a kernel is working on
  std::function<void()> between_;
  uint64_t batches_ = 0;

  uint32_t slotsPerSubject_ = 0;
  std::vector<const Value*> attributes_;  // [subject attribute] → values by subject
  IdIndex kindIndex_;
  uint32_t lastKind_ = kNone;
  std::string_view lastKindText_;

  // the file
  FileInfo file_;
  const FileColumns* cols_ = nullptr;
  std::optional<data::LineIndex> lines_;  // made when a line number is first needed
  std::vector<bool> missingReported_;

  // the current row
  std::vector<Value> row_;
  bool haveDate_ = false;
  char dateText_[32];
  size_t dateLength_ = 0;
  int32_t date_ = 0, month_ = 0;

  // the pipeline of batches
  struct Batch {
    data::CsvBatch csv;
    size_t n = 0;  // records; 0 when done
    bool lookedUp = false;
    std::string_view subjectText[kBatch];
    uint32_t kind[kBatch];
    uint32_t subject[kBatch];
    uint64_t hash[kBatch];
  };
  Batch ring_[3];

  // 1. the kind; the subject's hash, with its slot of the id index prefetched
  void split(Batch& b) {
    const size_t fieldCount = cols_->fieldCount;
    const data::CsvBatch::Record* recs = b.csv.records.data();
    b.lookedUp = false;
    for (size_t i = 0; i < b.n; ++i) {
      const data::CsvBatch::Record& rec = recs[i];
      if (rec.error || rec.fieldCount != fieldCount) {
        b.kind[i] = kNone;
        continue;
      }
      b.kind[i] = kindOf(b.csv.field(rec, cols_->kind));
      if (b.kind[i] == kNone) continue;
      b.subjectText[i] = b.csv.field(rec, cols_->subject);
      b.hash[i] = IdIndex::hash(b.subjectText[i]);
      st_.idIndex.prefetch(b.hash[i]);
    }
  }
  // 2. the subject, with the accumulator its kind updates prefetched
  void lookUp(Batch& b) {
    const uint32_t kinds = static_cast<uint32_t>(p_.kinds.size());
    for (size_t i = 0; i < b.n; ++i) {
      if (b.kind[i] >= kinds) continue;
      b.subject[i] = st_.idIndex.find(b.subjectText[i], b.hash[i]);
      int32_t slot = rp_.kinds[b.kind[i]].prefetchSlot;
      if (b.subject[i] != kNone && slot >= 0)
        __builtin_prefetch(slots_ + static_cast<size_t>(b.subject[i]) * slotsPerSubject_ + slot, 1);
    }
    b.lookedUp = true;
  }
  // 3. the rows, in order
  void rows(Batch& b) {
    const size_t fieldCount = cols_->fieldCount;
    const data::CsvBatch::Record* recs = b.csv.records.data();
    for (size_t i = 0; i < b.n; ++i) {
      const data::CsvBatch::Record& rec = recs[i];
      if (rec.error) {
        diags_->reportData(DiagId::DataQuote, where(rec.offset), rec.error);
        continue;
      }
      if (rec.fieldCount != fieldCount) {
        diags_->reportData(DiagId::DataFieldCount, where(rec.offset), static_cast<size_t>(rec.fieldCount), fieldCount);
        continue;
      }
      row(BatchFields{&b.csv, &rec}, rec.offset, b.kind[i], b.kind[i] == kNone ? kNone : b.subject[i]);
    }
    b.n = 0;
  }
};

unsigned __int128 saturatingAdd(unsigned __int128 a, unsigned __int128 b) {
  unsigned __int128 r;
  return __builtin_add_overflow(a, b, &r) ? ~static_cast<unsigned __int128>(0) : r;
}

// Reads every events file of every data directory, in order.
class EventReader {
 public:
  EventReader(State& st, Vm& vm, const Inputs& inputs)
      : st_(st), vm_(vm), inputs_(inputs), rp_(buildRowPlan(st)), main_(st, rp_, vm) {
    threads_ = std::max(1u, inputs.threads);
    minChunk_ = inputs.minChunkBytes ? inputs.minChunkBytes : (size_t{4} << 20);
    // For tests: cut even small files (KAOPING_CHUNK_BYTES=1 cuts every file with 2 rows).
    if (const char* env = std::getenv("KAOPING_CHUNK_BYTES"); env && !inputs.minChunkBytes)
      minChunk_ = std::max<size_t>(1, std::strtoull(env, nullptr, 10));
    // The cells merged by adding, and those of aggregates that combine otherwise.
    const plan::Plan& p = st.plan;
    std::vector<bool> covered(p.slotsPerSubject, false);
    for (const plan::Aggregate& a : p.aggregates) {
      if (a.sparse) continue;
      uint32_t groups = a.groupedBy >= 0 ? a.groupCount : 1;
      for (uint32_t g = 0; g < groups; ++g) {
        uint32_t slot = a.slot + g * a.slotsPerGroup;
        for (uint32_t i = 0; i < a.slotsPerGroup; ++i) covered[slot + i] = true;
        bool additive = a.op == ir::AggOp::Count || a.op == ir::AggOp::Sum || a.op == ir::AggOp::Mean ||
                        a.op == ir::AggOp::WeightedMean;
        if (additive)
          for (uint32_t i = 0; i < a.slotsPerGroup; ++i) addSlots_.push_back(slot + i);
        else
          otherCells_.emplace_back(slot, &a);
      }
    }
    for (uint32_t s = 0; s < p.slotsPerSubject; ++s)
      if (!covered[s]) addSlots_.push_back(s);
    std::sort(addSlots_.begin(), addSlots_.end());
    // The JIT's code (engine.cpp started compiling it): from the first row when asked to
    // wait for it, else as soon as it is ready.
    if (st.native) {
      if (st.native->synchronous) install();
      else main_.setBetweenBatches([this] { installIfReady(); });
    }
  }

  // Puts the JIT's kernels and programs into the row plan, once it is compiled. Only while
  // no chunk is being read (the row plan is read without locks).
  void install() {
    if (installed_ || !st_.native) return;
    installed_ = true;
    NativeJob& job = *st_.native;
    bool ok = job.done.get();
    if (std::getenv("KAOPING_TIMING") && !ok) std::fprintf(stderr, "kaoping: jit failed: %s\n", job.error.c_str());
    if (!ok) return;
    rp_.nativeCode = job.code.owner;
    // Kernels compute; nothing is computed when the roster had errors (no relations).
    if (!st_.rosterFailed && st_.relations.size() == st_.plan.relations.size())
      for (size_t k = 0; k < rp_.kinds.size() && k < job.code.kernels.size(); ++k) {
        rp_.kinds[k].kernel = job.code.kernels[k];
        rp_.kernels |= job.code.kernels[k] != nullptr;
      }
    auto program = [&](const plan::Program& p) -> int32_t {
      uint64_t key = static_cast<uint64_t>(p.begin) << 32 | p.end;
      for (const auto& [k, fn] : job.code.programs)
        if (k == key) {
          rp_.native.push_back(fn);
          return static_cast<int32_t>(rp_.native.size() - 1);
        }
      return -1;
    };
    std::function<void(QuickTest&)> test = [&](QuickTest& t) {
      for (QuickTest& part : t.parts) test(part);
      if (t.shape == QuickTest::Shape::Generic) t.native = program(t.program);
    };
    auto value = [&](QuickValue& v) {
      if (v.shape == QuickValue::Shape::Generic) v.native = program(v.program);
    };
    for (KindPlan& kp : rp_.kinds)
      for (QuickAction& qa : kp.actions) {
        test(qa.test);
        value(qa.value);
        value(qa.weight);
        for (QuickEffect& e : qa.effects) value(e.amount);
      }
  }
  void installIfReady() {
    if (!installed_ && st_.native && st_.native->done.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
      install();
  }

  const RowPlan& rowPlan() const { return rp_; }
  RowPlan& rowPlan() { return rp_; }

  bool run() {
    const size_t errorsBefore = st_.diags.errorCount();
    for (const std::string& dir : inputs_.dataDirs) {
      std::vector<fs::path> files;
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        bool csv = name.rfind("events", 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".csv";
        bool jsonl = name.size() > 6 && name.substr(name.size() - 6) == ".jsonl";
        if ((csv || jsonl) && entry.is_regular_file(ec)) files.push_back(entry.path());
      }
      if (ec) {
        st_.diags.reportData(DiagId::DataCannotRead, DataLocation{dir, 0, ""}, ec.message());
        continue;
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) {
        std::string path = f.string();
        uint32_t fileIndex = static_cast<uint32_t>(st_.results.files.size());
        st_.results.files.push_back(path);
        if (f.extension() == ".jsonl") readJsonLines(path, fileIndex);
        else readCsv(path, fileIndex);
      }
    }
    return st_.diags.errorCount() == errorsBefore;
  }

 private:
  bool setColumns(const std::vector<std::string_view>& header, const std::string& path, FileColumns& cols) {
    const plan::Plan& p = st_.plan;
    std::unordered_map<std::string_view, int32_t> index;
    bool ok = true;
    for (size_t i = 0; i < header.size(); ++i)
      if (!index.emplace(header[i], static_cast<int32_t>(i)).second) {
        st_.diags.reportData(DiagId::DataDuplicateColumn, DataLocation{path, 1, std::string(header[i])}, std::string(header[i]));
        ok = false;
      }
    auto find = [&](std::string_view name) {
      auto it = index.find(name);
      return it == index.end() ? -1 : it->second;
    };
    cols.date = find("date");
    cols.kind = find("kind");
    cols.subject = find("subject");
    for (const char* required : {"date", "kind", "subject"})
      if (find(required) < 0) {
        st_.diags.reportData(DiagId::DataMissingColumn, DataLocation{path, 1, required}, required,
                             bilingual("every events file needs it", "每个事件文件都需要此列"));
        ok = false;
      }
    cols.attributes.assign(p.kinds.size(), {});
    for (size_t k = 0; k < p.kinds.size(); ++k)
      for (const plan::Column& c : p.kinds[k].attributes) cols.attributes[k].push_back(find(c.name));
    cols.fieldCount = header.size();
    return ok;
  }

  void readCsv(const std::string& path, uint32_t fileIndex) {
    std::string error;
    auto file = data::MappedFile::open(path, error);
    if (!file) {
      st_.diags.reportData(DiagId::DataCannotRead, DataLocation{path, 0, ""}, error);
      return;
    }
    std::string_view bytes = file->bytes();
    data::CsvReader reader(bytes);
    data::CsvRecord rec;
    if (!reader.next(rec)) {
      st_.diags.reportData(DiagId::DataEmptyFile, DataLocation{path, 1, ""});
      return;
    }
    if (rec.error) {
      st_.diags.reportData(DiagId::DataQuote, DataLocation{path, 1, ""}, rec.error);
      return;
    }
    // A header that is not UTF-8 (a file saved as GBK, say) is said so, not taken for
    // columns with unknown names.
    if (auto bad = utf8::findInvalid(bytes.substr(rec.offset, reader.position() - rec.offset))) {
      st_.diags.reportData(DiagId::DataInvalidUtf8, DataLocation{path, 1, ""}, *bad + 1);
      return;
    }
    FileColumns cols;
    if (!setColumns(rec.fields, path, cols)) return;
    FileInfo info{fileIndex, &path, bytes, &cols};
    const size_t begin = reader.position();
    if (threads_ > 1 && bytes.size() - begin >= 2 * minChunk_ && readInChunks(info, begin)) return;
    main_.beginFile(info);
    main_.readRecords(reader);
  }

  // Reads the file's rows [begin, end) in chunks, one thread each, and merges the partial
  // results in order. False when it had to give up (nothing of the file is kept then).
  bool readInChunks(const FileInfo& info, size_t begin) {
    auto chunks = data::cutAtLineEnds(info.bytes, begin, threads_, std::max<size_t>(minChunk_, 1));
    if (chunks.size() < 2) return false;
    install();  // the chunks' readers share the row plan: the JIT's code goes in first
    const bool errorsBefore = st_.diags.hasErrors();
    std::vector<std::unique_ptr<Partial>> parts;
    for (size_t i = 0; i < chunks.size(); ++i) parts.push_back(std::make_unique<Partial>(st_, st_.trace));
    std::atomic<bool> stop{false};
    auto work = [&](size_t t) {
      Partial& part = *parts[t];
      try {
        Vm vm(st_);
        vm.setLocalStrings(&part.strings);
        Streamer reader(st_, rp_, vm, &part, errorsBefore);
        reader.beginFile(info);
        data::CsvReader csv(info.bytes, chunks[t].first, chunks[t].second);
        reader.readRecords(csv, &stop);
      } catch (const ChunkAnomaly&) {
        part.anomaly = true;
      } catch (const EvalError&) {
        part.anomaly = true;
      } catch (const ArithmeticError&) {
        part.anomaly = true;
      } catch (...) {
        part.failure = std::current_exception();
      }
      if (part.anomaly || part.failure) stop.store(true, std::memory_order_relaxed);
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < chunks.size(); ++t) pool.emplace_back(work, t);
    work(0);
    for (std::thread& t : pool) t.join();
    for (auto& part : parts)
      if (part->failure) std::rethrow_exception(part->failure);
    for (auto& part : parts)
      if (part->anomaly) return false;
    // No running total of one thread reading the file could have overflowed?
    unsigned __int128 total = saturatingAdd(main_.bound().total(), merged_);
    for (auto& part : parts) total = saturatingAdd(total, part->bound.total());
    if (total > static_cast<unsigned __int128>(~static_cast<unsigned __int128>(0) >> 1)) return false;
    if (std::getenv("KAOPING_TIMING")) std::fprintf(stderr, "kaoping: %s: %zu chunks\n", info.path->c_str(), parts.size());
    std::vector<bool> missing(st_.plan.kinds.size(), false);
    for (auto& part : parts) {
      merged_ = saturatingAdd(merged_, part->bound.total());
      merge(*part, missing);
      part.reset();
    }
    return true;
  }

  // Adds a chunk's partial result to the run's state, as if its rows had been read now.
  void merge(Partial& part, std::vector<bool>& missingReported) {
    const plan::Plan& p = st_.plan;
    Results& r = st_.results;
    // Strings the chunk saw first: interned now, in the order the chunk met them.
    const auto& added = part.strings.added();
    if (!added.empty()) {
      std::vector<uint32_t> id(added.size());
      for (size_t i = 0; i < added.size(); ++i) id[i] = r.strings.intern(added[i]);
      auto remap = [&](__int128& bits) {
        uint32_t v = static_cast<uint32_t>(bits);
        if (v & kLocalString) bits = id[v & ~kLocalString];
      };
      auto holdsString = [&](const plan::Aggregate& a) {
        return a.valueKind == plan::Kind::String &&
               (a.op == ir::AggOp::Min || a.op == ir::AggOp::Max || a.op == ir::AggOp::Last || a.op == ir::AggOp::First);
      };
      for (uint32_t s = 0; s < st_.n; ++s) {
        for (SparseCell& c : part.sparse[s]) {
          if (c.key != kNone && (c.key & kLocalString)) c.key = id[c.key & ~kLocalString];
          if (holdsString(p.aggregates[c.aggregate]) && c.v[1] != 0) remap(c.v[0]);
        }
        for (const auto& [slot, agg] : otherCells_)
          if (holdsString(*agg) && part.slots[static_cast<size_t>(s) * p.slotsPerSubject + slot + 1] != 0)
            remap(part.slots[static_cast<size_t>(s) * p.slotsPerSubject + slot]);
        if (st_.trace)
          for (AggregateRow& row : part.aggregateRows[s])
            if (p.aggregates[row.aggregate].valueKind == plan::Kind::String && !row.value.absent) remap(row.value.bits);
      }
    }
    Texts texts{&r.strings, nullptr};
    // Dense accumulators.
    const size_t per = p.slotsPerSubject;
    for (uint32_t s = 0; s < st_.n; ++s) {
      __int128* into = st_.slots.data() + s * per;
      const __int128* from = part.slots.data() + s * per;
      for (uint32_t slot : addSlots_) into[slot] += from[slot];
      for (const auto& [slot, agg] : otherCells_) mergeCells(p, texts, *agg, into + slot, from + slot);
    }
    // Sparse cells, tracked rows, the ledger.
    for (uint32_t s = 0; s < st_.n; ++s) {
      for (const SparseCell& c : part.sparse[s]) {
        SparseCell& into = st_.sparseCell(s, c.aggregate, c.window, c.key);
        mergeCells(p, texts, p.aggregates[c.aggregate], into.v, c.v);
      }
      auto append = [](auto& into, auto& from) {
        if (from.empty()) return;
        if (into.empty()) into = std::move(from);
        else into.insert(into.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
      };
      append(st_.tracked[s], part.tracked[s]);
      if (st_.trace) {
        append(r.ledger[s], part.ledger[s]);
        append(r.aggregateRows[s], part.aggregateRows[s]);
      }
    }
    // Diagnostics, in order; a missing column is reported at its first row in the file.
    std::vector<bool> drop(part.diags.all().size(), false);
    size_t droppedPastLimit = 0;
    for (size_t k = 0; k < part.missing.size(); ++k) {
      if (!part.missing[k]) continue;
      if (!missingReported[k]) {
        missingReported[k] = true;
        continue;
      }
      if (part.missingIndex[k] != SIZE_MAX) drop[part.missingIndex[k]] = true;
      else ++droppedPastLimit;
    }
    size_t listedErrors = 0;
    for (size_t i = 0; i < part.diags.all().size(); ++i) {
      const Diagnostic& d = part.diags.all()[i];
      if (d.severity == Severity::Error) ++listedErrors;
      if (!drop[i]) st_.diags.add(d);
    }
    // Past the limit only the count matters: the run's list is full by now.
    size_t pastLimit = part.diags.errorCount() - listedErrors - droppedPastLimit;  // the dropped ones were errors
    for (size_t i = 0; i < pastLimit; ++i)
      st_.diags.add(Diagnostic{DiagId::DataBadValue, Severity::Error, Span{}, DataLocation{}, {}, {}, {}});
    r.events += part.events;
    st_.minDate = std::min(st_.minDate, part.minDate);
    st_.maxDate = std::max(st_.maxDate, part.maxDate);
  }

  void readJsonLines(const std::string& path, uint32_t fileIndex) {
    const plan::Plan& p = st_.plan;
    std::string error;
    auto file = data::MappedFile::open(path, error);
    if (!file) {
      st_.diags.reportData(DiagId::DataCannotRead, DataLocation{path, 0, ""}, error);
      return;
    }
    std::string_view bytes = file->bytes();
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    // The columns of a JSON Lines file are the keys: date, kind, subject and every
    // attribute name of the scheme.
    std::vector<std::string> names = {"date", "kind", "subject"};
    std::unordered_map<std::string, uint32_t> nameIndex = {{"date", 0}, {"kind", 1}, {"subject", 2}};
    for (const plan::EventKind& k : p.kinds)
      for (const plan::Column& c : k.attributes)
        if (nameIndex.emplace(c.name, static_cast<uint32_t>(names.size())).second) names.push_back(c.name);
    std::vector<std::string_view> header(names.begin(), names.end());
    FileColumns cols;
    setColumns(header, path, cols);
    FileInfo info{fileIndex, &path, file->bytes(), &cols};
    main_.beginFile(info);
    std::vector<std::string> texts(names.size());
    std::vector<std::string_view> fields(names.size());
    size_t start = 0;
    const size_t skip = file->bytes().size() - bytes.size();
    while (start < bytes.size()) {
      size_t end = bytes.find('\n', start);
      if (end == std::string_view::npos) end = bytes.size();
      std::string_view line = bytes.substr(start, end - start);
      uint64_t offset = start + skip;
      start = end + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      if (!utf8::isValid(line)) {
        st_.diags.reportData(DiagId::DataInvalidUtf8, main_.where(offset), *utf8::findInvalid(line) + 1);
        continue;
      }
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        st_.diags.reportData(DiagId::DataBadJson, main_.where(offset),
                             j.is_discarded() ? bilingual("not a JSON value", "不是 JSON 值") : bilingual("not an object", "不是对象"));
        continue;
      }
      for (auto& t : texts) t.clear();
      for (auto it = j.begin(); it != j.end(); ++it) {
        auto ni = nameIndex.find(it.key());
        if (ni == nameIndex.end()) continue;  // a key the scheme does not declare
        const nlohmann::json& v = it.value();
        std::string& t = texts[ni->second];
        if (v.is_string()) t = v.get<std::string>();
        else if (v.is_boolean()) t = v.get<bool>() ? "是" : "否";
        else if (v.is_null()) t.clear();
        else if (v.is_number()) t = v.dump();
        else t = v.dump();
        size_t a = t.find_first_not_of(" \t"), b = t.find_last_not_of(" \t");
        t = a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
      }
      for (size_t i = 0; i < texts.size(); ++i) fields[i] = texts[i];
      main_.row(fields.data(), offset);
    }
  }

  State& st_;
  Vm& vm_;
  const Inputs& inputs_;
  RowPlan rp_;
  Streamer main_;
  unsigned threads_ = 1;
  size_t minChunk_ = 0;
  unsigned __int128 merged_ = 0;  // Σ of the bounds of the chunks merged so far
  bool installed_ = false;        // the JIT's code is in the row plan (or will not be)
  std::vector<uint32_t> addSlots_;                                   // dense slots merged by adding
  std::vector<std::pair<uint32_t, const plan::Aggregate*>> otherCells_;  // cells merged by their aggregate
};

}  // namespace

KernelHelpers kernelHelpers() { return Streamer::helpers(); }

bool streamEvents(State& st, Vm& vm, const Inputs& inputs) {
  st.slots.assign(static_cast<size_t>(st.n) * st.plan.slotsPerSubject, 0);
  st.sparse.assign(st.n, {});
  st.tracked.assign(st.n, {});
  EventReader reader(st, vm, inputs);
  bool ok = reader.run();
  // The calendar windows: every month of each period the events fall in.
  if (st.minDate <= st.maxDate && st.plan.usesWindows) {
    int32_t first = date::monthIndex(st.minDate), last = date::monthIndex(st.maxDate);
    int span = 12;
    switch (st.plan.period) {
      case plan::PeriodKind::Year: span = 12; break;
      case plan::PeriodKind::HalfYear: span = 6; break;
      case plan::PeriodKind::Quarter: span = 3; break;
      case plan::PeriodKind::Month: span = 1; break;
    }
    first -= first % span;
    last += span - 1 - last % span;
    for (int32_t m = first; m <= last; ++m) st.windows.push_back(m);
  }
  return ok;
}

}  // namespace kaoping::eval
