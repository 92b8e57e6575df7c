// Google Benchmark micro-benchmarks of the streaming pass's hot paths (-DKAOPING_BENCH=ON):
//
//   cmake -S . -B build-bench-micro -DCMAKE_BUILD_TYPE=Release -DKAOPING_BENCH=ON -DKAOPING_TESTS=OFF
//   cmake --build build-bench-micro --target kaoping_micro && build-bench-micro/bench/kaoping_micro
//
// - CSV fields: records split by CsvReader::next and by CsvReader::nextBatch (with the
//   fields read back, trimmed), on a generated W1-like events file without quotes and on
//   one where every record has a quoted field; trimming of a raw field.
// - Decimal arithmetic: parsing a cell (parseFast), +, *, /, rounding, formatting.
// - Predicate evaluation: W1's row conditions as the row plan's quick tests
//   (evalQuickTest) and on the bytecode VM (Vm::test), for rows that pass and that fail.
// - Accumulator updates: a rule's deduction into a dense slot and the aggregate updates
//   (count, sum, mean, weighted mean, max) of updateCells, for random subjects.
//
// Items/s are records, fields, operations, rows or updates per second.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/support/decimal.h"
#include "compiler/support/source.h"
#include "runtime/data/csv.h"
#include "runtime/eval/rowplan.h"
#include "runtime/eval/state.h"

using namespace kaoping;

namespace {

// ------------------------------------------------------------------------------ CSV

// A W1-like events file: date,kind,subject,活动,请假,迟到分钟,早退分钟,天数,备注.
std::string eventsText(size_t targetBytes, bool quoted) {
  std::mt19937_64 rng(42);
  static const char* kinds[] = {"考勤", "缺席", "请假", "测评", "推诿"};
  std::string s = "date,kind,subject,活动,请假,迟到分钟,早退分钟,天数,备注\n";
  char buf[256];
  while (s.size() < targetBytes) {
    const uint64_t r = rng();
    int n = std::snprintf(buf, sizeof buf, "2024-%02d-%02d,%s,P%06u,%s,,%u,%u,%s,%s\n", int(r % 12) + 1,
                          int(r >> 8) % 28 + 1, kinds[(r >> 16) % 5], unsigned(r >> 24) % 100000,
                          (r >> 40) % 4 ? "" : "处务会", unsigned(r >> 44) % 40, unsigned(r >> 50) % 30,
                          (r >> 56) % 8 ? "" : " 1.5 ", quoted ? "\"x, \"\"y\"\"\"" : ((r >> 59) % 4 ? "" : "x y"));
    s.append(buf, static_cast<size_t>(n));
  }
  return s;
}

const std::string& events(bool quoted) {
  static const std::string plain = eventsText(8u << 20, false), withQuotes = eventsText(8u << 20, true);
  return quoted ? withQuotes : plain;
}

void BM_CsvNext(benchmark::State& state) {
  const std::string& s = events(state.range(0) != 0);
  size_t records = 0, fields = 0;
  for (auto _ : state) {
    data::CsvReader reader(s);
    data::CsvRecord rec;
    size_t bytes = 0;
    while (reader.next(rec)) {
      ++records;
      fields += rec.fields.size();
      bytes += rec.fields[2].size();
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["fields/s"] = benchmark::Counter(static_cast<double>(fields), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CsvNext)->Arg(0)->Arg(1)->ArgName("quoted")->Unit(benchmark::kMillisecond);

// nextBatch as the streaming pass reads: 1024 records a batch, the first 8 fields stored,
// fields 1 and 2 (kind and subject) read back trimmed.
void BM_CsvBatch(benchmark::State& state) {
  const std::string& s = events(state.range(0) != 0);
  size_t records = 0;
  for (auto _ : state) {
    data::CsvReader reader(s);
    data::CsvBatch batch;
    batch.width = 8;
    size_t bytes = 0;
    while (size_t n = reader.nextBatch(batch, 1024)) {
      records += n;
      for (const auto& r : batch.records) bytes += batch.field(r, 1).size() + batch.field(r, 2).size();
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * s.size()));
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_CsvBatch)->Arg(0)->Arg(1)->ArgName("quoted")->Unit(benchmark::kMillisecond);

void BM_CsvTrimRawField(benchmark::State& state) {
  const std::vector<std::string> cells = {"P000123", " 1.5 ", "考勤", "\t处务会\r", "", "2024-01-02"};
  size_t total = 0;
  for (auto _ : state) {
    for (const std::string& c : cells) total += data::trimRawField(c.data(), c.size()).size();
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * cells.size()));
}
BENCHMARK(BM_CsvTrimRawField);

// -------------------------------------------------------------------------- decimals

std::vector<std::string> decimalCells() {
  std::mt19937_64 rng(1);
  std::vector<std::string> cells;
  for (int i = 0; i < 1024; ++i) {
    const uint64_t r = rng();
    switch (r % 4) {
      case 0: cells.push_back(std::to_string(r % 100)); break;
      case 1: cells.push_back(std::to_string(r % 1000) + "." + std::to_string(r / 1000 % 10)); break;
      case 2: cells.push_back(std::to_string(r % 100000) + "." + std::to_string(10 + r / 100000 % 90)); break;
      default: cells.push_back("-" + std::to_string(r % 50) + ".125"); break;
    }
  }
  return cells;
}

std::vector<Decimal> decimals() {
  std::vector<Decimal> out;
  for (const std::string& c : decimalCells()) out.push_back(*Decimal::parse(c));
  return out;
}

void BM_DecimalParseFast(benchmark::State& state) {
  const std::vector<std::string> cells = decimalCells();
  for (auto _ : state) {
    Decimal sum;
    for (const std::string& c : cells) {
      Decimal d;
      if (Decimal::parseFast(c.data(), c.size(), d)) sum = Decimal::fromRaw(sum.raw() ^ d.raw());
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * cells.size()));
}
BENCHMARK(BM_DecimalParseFast);

template <typename Op>
void decimalBinary(benchmark::State& state, Op op) {
  const std::vector<Decimal> v = decimals();
  for (auto _ : state) {
    for (size_t i = 0; i + 1 < v.size(); ++i) benchmark::DoNotOptimize(op(v[i], v[i + 1]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * (v.size() - 1)));
}

void BM_DecimalAdd(benchmark::State& state) {
  decimalBinary(state, [](Decimal a, Decimal b) { return a + b; });
}
BENCHMARK(BM_DecimalAdd);

void BM_DecimalMul(benchmark::State& state) {
  decimalBinary(state, [](Decimal a, Decimal b) { return a * b; });
}
BENCHMARK(BM_DecimalMul);

void BM_DecimalDiv(benchmark::State& state) {
  decimalBinary(state, [](Decimal a, Decimal b) { return b.sign() == 0 ? a : a / b; });
}
BENCHMARK(BM_DecimalDiv);

void BM_DecimalRoundHalfUp2(benchmark::State& state) {
  const std::vector<Decimal> v = decimals();
  for (auto _ : state)
    for (const Decimal& d : v) benchmark::DoNotOptimize(d.round(2, RoundingMode::HalfUp));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * v.size()));
}
BENCHMARK(BM_DecimalRoundHalfUp2);

void BM_DecimalWrite2(benchmark::State& state) {
  const std::vector<Decimal> v = decimals();
  char buf[64];
  for (auto _ : state)
    for (const Decimal& d : v) benchmark::DoNotOptimize(d.writeTo(buf, 2));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * v.size()));
}
BENCHMARK(BM_DecimalWrite2);

// ------------------------------------------------------------ predicates, accumulators

// A scheme with W1's kinds of row conditions: attribute vs constant, a conjunction, an
// enum test, and an arithmetic one that has no quick form (the VM, or the JIT's code).
const char* kScheme = R"(scheme "micro" version "1" {
  period year
  subjects persons
  places 2

  enum 会议活动 { 支部生活, 处务会, 全局大会, 集体活动 }
  event 考勤 { 迟到分钟: int >= 0 default 0; 早退分钟: int >= 0 default 0; 活动: 会议活动 }
  event 请假 { 天数: decimal >= 0; 类型: enum { 私事, 婚假, 病假 } }

  score 勤 base 100 floor 0 {
    each 考勤 where 迟到分钟 > 20: deduct 1
    each 考勤 where 迟到分钟 > 20 and 早退分钟 > 15: deduct 1
    each 考勤 where 活动 == 处务会: deduct 1
    each 考勤 where 迟到分钟 * 2 + 早退分钟 > 45: deduct 0.5
    each month: deduct floor(max(0, sum(请假.天数 where 类型 == 私事) - 3))
  }
}
)";

struct Compiled {
  SourceManager sources;
  Diagnostics diags;
  driver::Compiled compiled;
  std::unique_ptr<eval::Results> results;
  std::unique_ptr<eval::State> state;
  Compiled() {
    compiled = driver::compileText(sources, "micro.kp", kScheme, diags);
    if (!compiled.ok()) throw std::runtime_error("the micro-benchmark scheme does not compile");
    results = std::make_unique<eval::Results>(*compiled.plan);
    state = std::make_unique<eval::State>(*compiled.plan, *results, diags);
    state->n = 1;
  }
  const plan::Plan& plan() const { return *compiled.plan; }
  uint32_t kind(const std::string& name) const { return plan().kindLookup.at(name); }
  uint32_t attribute(uint32_t kind, const std::string& name) const {
    const auto& a = plan().kinds[kind].attributes;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i].name == name) return static_cast<uint32_t>(i);
    throw std::runtime_error("no attribute " + name);
  }
};

Compiled& compiled() {
  static Compiled c;
  return c;
}

// Rows of 考勤 with random minutes and activities (about a third pass each condition).
std::vector<std::vector<Value>> rows(const Compiled& c, uint32_t kind) {
  std::mt19937_64 rng(3);
  const uint32_t late = c.attribute(kind, "迟到分钟"), early = c.attribute(kind, "早退分钟"),
                 activity = c.attribute(kind, "活动");
  const size_t width = c.plan().kinds[kind].attributes.size();
  std::vector<std::vector<Value>> out;
  for (int i = 0; i < 1024; ++i) {
    std::vector<Value> row(width, Value::none());
    const uint64_t r = rng();
    row[late] = Value::ofInt(static_cast<int64_t>(r % 32));
    row[early] = Value::ofInt(static_cast<int64_t>(r >> 8) % 24);
    row[activity] = Value::ofIndex(static_cast<uint32_t>(r >> 16) % 4);
    out.push_back(std::move(row));
  }
  return out;
}

// Every condition of the kind's rules, as quick tests (range(0) == 1: on the VM only).
void BM_Predicates(benchmark::State& state) {
  Compiled& c = compiled();
  const uint32_t kind = c.kind("考勤");
  const auto rs = rows(c, kind);
  std::vector<plan::Program> programs;
  for (const plan::Action& a : c.plan().kinds[kind].actions)
    if (a.type == plan::Action::Type::Rule && a.condition.valid()) programs.push_back(a.condition);
  std::vector<eval::QuickTest> tests;
  for (const plan::Program& p : programs) tests.push_back(eval::makeQuickTest(*c.state, p));
  eval::Vm vm(*c.state);
  const bool onVm = state.range(0) != 0;
  size_t passed = 0;
  for (auto _ : state) {
    for (const auto& row : rs) {
      eval::Frame frame;
      frame.subject = 0;
      frame.row = row.data();
      for (size_t i = 0; i < tests.size(); ++i) {
        const eval::QuickTest& t = tests[i];
        bool ok = !onVm && t.shape != eval::QuickTest::Shape::Generic
                      ? eval::evalQuickTest(t, *c.state, row.data(), 0, frame.vars)
                      : vm.test(programs[i], frame);
        passed += ok;
      }
    }
    benchmark::DoNotOptimize(passed);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rs.size() * tests.size()));
  state.SetLabel(std::to_string(tests.size()) + " conditions");
}
BENCHMARK(BM_Predicates)->Arg(0)->Arg(1)->ArgName("vm");

// Updates for random subjects of a 100,000-person dense accumulator array (the events
// pass's slots): range(0) is 0 for a rule's deduction, else 1 + the aggregate op.
void BM_AccumulatorUpdates(benchmark::State& state) {
  const Compiled& c = compiled();
  const int which = static_cast<int>(state.range(0));
  const uint32_t subjects = 100000, slotsPer = 4;
  std::vector<__int128> slots(static_cast<size_t>(subjects) * slotsPer);
  plan::Aggregate agg;
  agg.valueKind = plan::Kind::Decimal;
  static const ir::AggOp ops[] = {ir::AggOp::Count, ir::AggOp::Sum, ir::AggOp::Mean, ir::AggOp::WeightedMean,
                                  ir::AggOp::Max};
  if (which > 0) agg.op = ops[which - 1];
  eval::Texts texts;
  texts.pool = &c.results->strings;
  std::mt19937_64 rng(5);
  std::vector<std::pair<uint32_t, Value>> updates;
  for (int i = 0; i < 4096; ++i) {
    const uint64_t r = rng();
    updates.emplace_back(static_cast<uint32_t>(r % subjects),
                         Value::ofDecimal(Decimal::fromInt(static_cast<int64_t>(r >> 32) % 50) / Decimal::fromInt(4)));
  }
  const Value weight = Value::ofDecimal(Decimal::fromInt(2));
  eval::DeltaBound bound;
  for (auto _ : state) {
    for (const auto& [subject, value] : updates) {
      __int128* cells = slots.data() + static_cast<size_t>(subject) * slotsPer;
      if (which == 0) {
        bound.note(-value.bits);
        if (__builtin_add_overflow(cells[0], -value.bits, &cells[0])) throw std::overflow_error("accumulator");
      } else {
        eval::updateCells(c.plan(), texts, agg, cells, value, weight, subject, &bound);
      }
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * updates.size()));
  static const char* names[] = {"rule deduction", "count", "sum", "mean", "weighted mean", "max"};
  state.SetLabel(names[which]);
}
BENCHMARK(BM_AccumulatorUpdates)->DenseRange(0, 5);

}  // namespace

BENCHMARK_MAIN();
