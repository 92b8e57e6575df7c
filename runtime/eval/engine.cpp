#include "runtime/eval/engine.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <filesystem>
#include <future>

#include "compiler/support/date.h"
#include "runtime/eval/state.h"
#ifdef KAOPING_HAVE_JIT
#include "runtime/jit/jit.h"
#endif

namespace kaoping::eval {

std::string Results::valueText(plan::Kind kind, uint32_t enumId, int places, const Value& v) const {
  if (v.absent) return "";
  switch (kind) {
    case plan::Kind::Int: return std::to_string(v.asInt());
    case plan::Kind::Decimal:
    case plan::Kind::Money: return v.asDecimal().toString(places);
    case plan::Kind::Percent: return (v.asDecimal() * Decimal::fromInt(100)).toString(places) + "%";
    case plan::Kind::Bool: return v.asBool() ? "是" : "否";
    case plan::Kind::String: return std::string(strings.text(v.asIndex()));
    case plan::Kind::Date: return date::format(v.asDate());
    case plan::Kind::Enum: return plan.enums[enumId].values[v.asIndex()];
    case plan::Kind::Subject: return ids[v.asIndex()];
    case plan::Kind::Department: return departments[v.asIndex()];
  }
  return "";
}

std::string Results::text(uint32_t figure, uint32_t subject) const {
  const plan::Figure& f = plan.figures[figure];
  const Value& v = figures[figure][subject];
  if (f.kind == plan::Kind::Int && f.fixedPlaces && !v.absent) return Decimal::fromInt(v.asInt()).toString(f.places);
  return valueText(f.kind, f.enumId, f.places, v);
}

std::string Results::groupName(uint32_t figure, uint32_t key) const {
  const plan::Figure& f = plan.figures[figure];
  for (const plan::Aggregate& a : plan.aggregates)
    if (f.groupsAreEnum && !f.groupAggregates.empty() && &a == &plan.aggregates[f.groupAggregates[0]]) {
      const plan::Column& c = plan.kinds[a.eventKind].attributes[a.groupedBy];
      return plan.enums[c.enumId].values[key];
    }
  return std::string(strings.text(key));
}

namespace {

// KAOPING_TIMING=1: the time of each phase of a run on standard error.
class PhaseTimer {
 public:
  PhaseTimer() : on_(std::getenv("KAOPING_TIMING") != nullptr), last_(std::chrono::steady_clock::now()) {}
  void operator()(const char* phase) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "kaoping: %-10s %8.1f ms\n", phase, std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
};

#ifdef KAOPING_HAVE_JIT
// The JIT compiles the plan on its own thread while the roster is read. KAOPING_JIT=0: no
// JIT; KAOPING_JIT=1: always, its code used from the first row; otherwise only for event
// files of 16 MiB or more, its code used once ready (the interpreter reads the rows until
// then: both give the same results).
std::shared_ptr<NativeJob> startJit(const plan::Plan& plan, const Inputs& inputs) {
  const char* env = std::getenv("KAOPING_JIT");
  std::string mode = env ? env : "";
  if (mode == "0") return nullptr;
  if (mode != "1") {
    uintmax_t bytes = 0;
    std::error_code ec;
    for (const std::string& dir : inputs.dataDirs)
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (name.rfind("events", 0) == 0 || entry.path().extension() == ".jsonl") bytes += entry.file_size(ec);
      }
    if (bytes < (uintmax_t{16} << 20)) return nullptr;
  }
  auto job = std::make_shared<NativeJob>();
  job->synchronous = mode == "1";
  NativeJob* j = job.get();
  job->done = std::async(std::launch::async, [&plan, j] { return jit::compile(plan, kernelHelpers(), j->code, j->error); });
  return job;
}
#endif

}  // namespace

std::unique_ptr<Results> run(const plan::Plan& plan, const Inputs& inputs, Diagnostics& diags) {
  PhaseTimer phase;
  auto results = std::make_unique<Results>(plan);
  State st(plan, *results, diags);
  st.trace = inputs.traceLedger;
#ifdef KAOPING_HAVE_JIT
  st.native = startJit(plan, inputs);
#endif
  Vm vm(st);
  try {
    // Every bad row is reported: the events are still checked when the roster has errors
    // (rows about subjects whose roster row was bad are not reported again).
    bool ok = loadSubjects(st, inputs);
    st.rosterFailed = !ok;
    phase("subjects");
    ok = loadParams(st, inputs) && ok;
    if (!st.rosterFailed) {
      ok = buildRelations(st, vm) && ok;
      ok = loadHistory(st, inputs) && ok;
    }
    phase("relations");
    if (st.trace) {
      results->ledger.assign(st.n, {});
      results->aggregateRows.assign(st.n, {});
    }
    ok = streamEvents(st, vm, inputs) && ok;
    phase("events");
    if (!ok) return nullptr;
    if (!checkConstraints(st, vm)) return nullptr;
    computeFigures(st, vm);
    evaluateAlerts(st, vm);
    results->history = std::move(st.history);
    phase("steps");
  } catch (const EvalError& e) {
    std::string who = e.subject < results->ids.size() ? results->ids[e.subject] : std::string("-");
    if (e.id == DiagId::EvalNoArm) diags.report(e.id, e.span, who, e.detail);
    else diags.report(e.id, e.span, who);
    return nullptr;
  } catch (const ArithmeticError&) {
    diags.report(DiagId::EvalOverflow, Span{}, "-");
    return nullptr;
  }
  return results;
}

}  // namespace kaoping::eval
