#include "runtime/eval/engine.h"

#include "compiler/support/date.h"
#include "runtime/eval/state.h"

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

std::unique_ptr<Results> run(const plan::Plan& plan, const Inputs& inputs, Diagnostics& diags) {
  auto results = std::make_unique<Results>(plan);
  State st(plan, *results, diags);
  st.trace = inputs.traceLedger;
  Vm vm(st);
  try {
    // Every bad row is reported: the events are still checked when the roster has errors
    // (rows about subjects whose roster row was bad are not reported again).
    bool ok = loadSubjects(st, inputs);
    st.rosterFailed = !ok;
    ok = loadParams(st, inputs) && ok;
    if (!st.rosterFailed) {
      ok = buildRelations(st, vm) && ok;
      ok = loadHistory(st, inputs) && ok;
    }
    if (st.trace) {
      results->ledger.assign(st.n, {});
      results->aggregateRows.assign(st.n, {});
    }
    ok = streamEvents(st, vm, inputs) && ok;
    if (!ok) return nullptr;
    if (!checkConstraints(st, vm)) return nullptr;
    computeFigures(st, vm);
    evaluateAlerts(st, vm);
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
