// After the streaming pass: input constraints, then the plan's steps (each figure for all
// subjects, in dependency order), then the alerts.
#include <algorithm>
#include <unordered_map>

#include "runtime/data/csv.h"
#include "runtime/data/mapped_file.h"
#include "runtime/eval/state.h"

namespace kaoping::eval {

namespace {

int compareKey(const State& st, plan::Kind kind, uint32_t enumId, const Value& a, const Value& b) {
  if (a.absent || b.absent) return a.absent == b.absent ? 0 : (a.absent ? -1 : 1);
  switch (kind) {
    case plan::Kind::String: {
      std::string_view x = st.results.strings.text(a.asIndex()), y = st.results.strings.text(b.asIndex());
      return (x > y) - (x < y);
    }
    case plan::Kind::Enum: {
      int x = st.plan.enums[enumId].ordinal(a.asIndex()), y = st.plan.enums[enumId].ordinal(b.asIndex());
      return (x > y) - (x < y);
    }
    default: return (a.bits > b.bits) - (a.bits < b.bits);
  }
}

// Sorts subjects by the step's keys (each ascending or descending), ties by id (bytes).
void sortByKeys(const State& st, const plan::Step& step, const std::vector<std::vector<Value>>& keys,
                std::vector<uint32_t>& subjects) {
  std::sort(subjects.begin(), subjects.end(), [&](uint32_t x, uint32_t y) {
    for (size_t k = 0; k < keys.size(); ++k) {
      int c = compareKey(st, step.keyKinds[k], step.keyEnums[k], keys[k][x], keys[k][y]);
      if (c != 0) return step.descending[k] ? c > 0 : c < 0;
    }
    return st.results.ids[x] < st.results.ids[y];
  });
}

// Subjects grouped by the value of an attribute (all in one group when attr < 0), groups
// in order of first appearance.
std::vector<std::vector<uint32_t>> groupsBy(const State& st, int32_t attr, const std::vector<uint32_t>& subjects) {
  std::vector<std::vector<uint32_t>> groups;
  if (attr < 0) {
    groups.push_back(subjects);
    return groups;
  }
  std::unordered_map<uint64_t, size_t> index;
  for (uint32_t s : subjects) {
    const Value& v = st.results.attributes[attr][s];
    uint64_t key = v.absent ? UINT64_MAX : static_cast<uint64_t>(v.bits);
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(s);
  }
  return groups;
}

std::vector<uint32_t> allSubjects(const State& st) {
  std::vector<uint32_t> all(st.n);
  for (uint32_t s = 0; s < st.n; ++s) all[s] = s;
  return all;
}

bool isDecimalKind(plan::Kind k) { return k == plan::Kind::Decimal || k == plan::Kind::Money || k == plan::Kind::Percent; }

}  // namespace

// ---------------------------------------------------------------------------- constraints

bool checkConstraints(State& st, Vm& vm) {
  const size_t errorsBefore = st.diags.errorCount();
  // The rows a constraint counted, with their line numbers (found again from the files,
  // only when a constraint fails).
  auto countedRows = [&](const std::vector<uint32_t>& members, const plan::Constraint& c) {
    std::vector<RowRef> rows;
    for (uint32_t m : members)
      for (const TrackedRow& t : st.tracked[m])
        if (std::find(c.aggregates.begin(), c.aggregates.end(), t.aggregate) != c.aggregates.end()) rows.push_back(t.row);
    std::sort(rows.begin(), rows.end(), [](const RowRef& a, const RowRef& b) {
      return a.file != b.file ? a.file < b.file : a.offset < b.offset;
    });
    std::vector<DataLocation> out;
    for (size_t i = 0; i < rows.size() && out.size() < 50;) {
      uint32_t file = rows[i].file;
      std::string error;
      auto mapped = data::MappedFile::open(st.results.files[file], error);
      data::LineIndex lines(mapped ? mapped->bytes() : std::string_view());
      for (; i < rows.size() && rows[i].file == file && out.size() < 50; ++i)
        out.push_back(DataLocation{st.results.files[file], mapped ? lines.lineOf(rows[i].offset) : 0, ""});
    }
    return out;
  };
  // Reported at the first row counted (or the subject's roster row), with every counted
  // row as a note and the constraint's declaration.
  auto report = [&](const plan::Constraint& c, const std::vector<uint32_t>& members, const std::string& who,
                    const std::string& what) {
    std::vector<DataLocation> rows = countedRows(members, c);
    DataLocation at = rows.empty() ? st.sourceOfSubject(members.front()) : rows.front();
    Diagnostic& d = st.diags.reportData(DiagId::DataConstraint, at, who, what);
    d.note(DiagId::DeclaredHere, c.span, bilingual("constraint", "约束"));
    for (size_t i = rows.empty() ? 0 : 1; i < rows.size(); ++i) d.noteAt(DiagId::DataConstraintRow, rows[i]);
  };
  for (const plan::Constraint& c : st.plan.constraints) {
    std::string what = c.reason.empty() ? bilingual("see the constraint", "见约束定义") : c.reason;
    if (c.groupAttr < 0) {
      for (uint32_t s = 0; s < st.n; ++s) {
        Frame f;
        f.subject = s;
        if (c.when.valid() && !vm.test(c.when, f)) continue;
        if (vm.test(c.condition, f)) continue;
        report(c, {s}, bilingual(" for `", "：对象 `") + st.results.ids[s] + "`", what);
      }
      continue;
    }
    for (const std::vector<uint32_t>& members : groupsBy(st, c.groupAttr, allSubjects(st))) {
      bool checked = !c.when.valid();
      for (uint32_t m : members) {
        Frame f;
        f.subject = m;
        if (!checked && vm.test(c.when, f)) checked = true;
      }
      if (!checked) continue;
      Frame f;
      f.subject = members.front();
      f.members = &members;
      if (vm.test(c.condition, f)) continue;
      const std::string& attr = st.plan.subjectColumns[c.groupAttr].name;
      std::string group = st.results.valueText(st.plan.subjectColumns[c.groupAttr].kind, st.plan.subjectColumns[c.groupAttr].enumId,
                                               0, st.results.attributes[c.groupAttr][members.front()]);
      report(c, members, bilingual(" in ", "：") + attr + " `" + group + "`", what);
    }
  }
  return st.diags.errorCount() == errorsBefore;
}

// ---------------------------------------------------------------------------- figures

namespace {

class Stepper {
 public:
  Stepper(State& st, Vm& vm) : st_(st), vm_(vm), p_(st.plan) {}

  void run() {
    st_.results.figures.assign(p_.figures.size(), std::vector<Value>(st_.n, Value::none()));
    st_.results.grouped.assign(p_.figures.size(), {});
    for (const plan::Step& step : p_.steps) {
      switch (step.kind) {
        case plan::StepKind::Formula: formula(step); break;
        case plan::StepKind::Score: score(step); break;
        case plan::StepKind::Grouped: grouped(step); break;
        case plan::StepKind::Rank: rank(step); break;
        case plan::StepKind::Conditions: conditions(step); break;
        case plan::StepKind::CapAtMost: cap(step); break;
        case plan::StepKind::Veto: veto(step); break;
        case plan::StepKind::Quota: quota(step); break;
      }
    }
  }

 private:
  Frame at(uint32_t s) const {
    Frame f;
    f.subject = s;
    return f;
  }
  std::vector<Value>& values(uint32_t figure) { return st_.results.figures[figure]; }
  void note(uint32_t s, uint32_t figure, LedgerEntry::What what, Value v, Span span, std::string text = "") {
    if (st_.trace) st_.ledger(s, LedgerEntry{figure, what, v, span, 0, 0, false, kNone, std::move(text)});
  }

  void formula(const plan::Step& step) {
    std::vector<Value>& out = values(step.figure);
    const plan::Figure& fig = p_.figures[step.figure];
    for (uint32_t s = 0; s < st_.n; ++s) {
      out[s] = vm_.eval(step.program, at(s));
      if (!st_.trace) continue;
      if (step.unrounded.valid()) {
        Value exact = vm_.eval(step.unrounded, at(s));
        if (!exact.absent && exact.bits != out[s].bits)
          note(s, step.figure, LedgerEntry::What::Unrounded, exact, fig.definition);
      }
      // A tier: the first arm giving the value.
      Span arm = fig.definition;
      LedgerEntry::What what = LedgerEntry::What::Value;
      for (const auto& [value, span] : fig.tierArms)
        if (!out[s].absent && value == out[s].asIndex()) {
          arm = span;
          what = LedgerEntry::What::Tier;
          break;
        }
      note(s, step.figure, what, out[s], arm);
    }
  }

  // "P2 95.00, P3 95.00" — the members of a ranking with their first key.
  std::string standing(const plan::Step& step, const std::vector<std::vector<Value>>& keys,
                       const std::vector<uint32_t>& group, size_t from, size_t to) const {
    std::string out;
    for (size_t i = from; i < to && i < group.size(); ++i) {
      if (!out.empty()) out += "; ";
      out += st_.results.ids[group[i]];
      if (!keys.empty()) {
        plan::Kind k = step.keyKinds[0];
        int places = k == plan::Kind::Int ? 0 : 2;
        out += " " + st_.results.valueText(k, step.keyEnums[0], places, keys[0][group[i]]);
      }
    }
    return out;
  }

  void credit(std::vector<__int128>& extra, const plan::Effect& e, uint32_t subject, const Value& amount,
              uint32_t figure, Span span, const std::string& citation) {
    __int128 delta = e.deduct ? -amount.bits : amount.bits;
    auto to = [&](uint32_t t) {
      if (__builtin_add_overflow(extra[t], delta, &extra[t])) vm_.fail(DiagId::EvalOverflow, kNone, at(subject));
      if (st_.trace)
        st_.ledger(t, LedgerEntry{figure, LedgerEntry::What::Rule, Value{delta, false}, span, 0, 0, false,
                                  t == subject ? kNone : subject, citation});
    };
    if (e.relation < 0) {
      to(subject);
    } else if (e.relation == 0) {
      for (uint32_t t = 0; t < st_.n; ++t) to(t);
    } else {
      const Relations& r = st_.relations[e.relation];
      for (uint32_t i = r.offsets[subject]; i < r.offsets[subject + 1]; ++i) to(r.members[i]);
    }
  }

  void score(const plan::Step& step) {
    const plan::Figure& fig = p_.figures[step.figure];
    const bool decimal = isDecimalKind(fig.kind);
    std::vector<__int128> extra(st_.n, 0);
    for (const plan::WhenRule& rule : step.rules) {
      for (uint32_t s = 0; s < st_.n; ++s) {
        if (rule.window == ir::Window::None) {
          Frame f = at(s);
          if (!vm_.test(rule.condition, f)) continue;
          for (const plan::Effect& e : rule.effects) credit(extra, e, s, vm_.eval(e.amount, f), step.figure, rule.span, rule.citation);
          continue;
        }
        for (int32_t w : st_.windows) {
          Frame f = at(s);
          f.window = w;
          if (!vm_.test(rule.condition, f)) continue;
          for (const plan::Effect& e : rule.effects) {
            Value amount = vm_.eval(e.amount, f);
            if (amount.bits == 0) continue;
            credit(extra, e, s, amount, step.figure, rule.span, rule.citation);
          }
        }
      }
    }
    std::vector<Value>& out = values(step.figure);
    for (uint32_t s = 0; s < st_.n; ++s) {
      Frame f = at(s);
      __int128 v;
      if (step.program.valid()) {
        Value x = vm_.eval(step.program, f);
        v = x.bits;
      } else {
        Value base = step.base.valid() ? vm_.eval(step.base, f) : Value{};
        note(s, step.figure, LedgerEntry::What::Base, base, step.span);
        v = base.bits;
        if (__builtin_add_overflow(v, st_.subjectSlots(s)[step.slot], &v)) vm_.fail(DiagId::EvalOverflow, kNone, f);
        if (__builtin_add_overflow(v, extra[s], &v)) vm_.fail(DiagId::EvalOverflow, kNone, f);
      }
      if (step.floor.valid()) {
        Value floor = vm_.eval(step.floor, f);
        if (v < floor.bits) {
          note(s, step.figure, LedgerEntry::What::Floor, floor, step.span);
          v = floor.bits;
        }
      }
      if (step.cap.valid()) {
        Value cap = vm_.eval(step.cap, f);
        if (v > cap.bits) {
          note(s, step.figure, LedgerEntry::What::Cap, cap, step.span);
          v = cap.bits;
        }
      }
      if (!decimal && (v > INT64_MAX || v < INT64_MIN)) vm_.fail(DiagId::EvalOverflow, kNone, f);
      out[s] = Value{v, false};
    }
  }

  void grouped(const plan::Step& step) {
    const plan::Figure& fig = p_.figures[step.figure];
    auto& store = st_.results.grouped[step.figure];
    store.assign(st_.n, {});
    for (uint32_t s = 0; s < st_.n; ++s) {
      std::vector<uint32_t> keys;
      if (fig.groupsAreEnum) {
        for (uint32_t k = 0; k < fig.groupCount; ++k) keys.push_back(k);
      } else {
        for (const SparseCell& c : st_.sparse[s])
          if (c.key != kNone && std::find(fig.groupAggregates.begin(), fig.groupAggregates.end(), c.aggregate) != fig.groupAggregates.end() &&
              std::find(keys.begin(), keys.end(), c.key) == keys.end())
            keys.push_back(c.key);
        std::sort(keys.begin(), keys.end(), [&](uint32_t a, uint32_t b) {
          return st_.results.strings.text(a) < st_.results.strings.text(b);
        });
      }
      for (uint32_t k : keys) {
        Frame f = at(s);
        f.groupKey = k;
        store[s].emplace_back(k, vm_.eval(step.program, f));
      }
    }
  }

  std::vector<std::vector<Value>> keyValues(const plan::Step& step) {
    std::vector<std::vector<Value>> keys(step.keys.size(), std::vector<Value>(st_.n));
    for (size_t k = 0; k < step.keys.size(); ++k)
      for (uint32_t s = 0; s < st_.n; ++s) keys[k][s] = vm_.eval(step.keys[k], at(s));
    return keys;
  }

  void rank(const plan::Step& step) {
    auto keys = keyValues(step);
    std::vector<Value>& out = values(step.figure);
    for (std::vector<uint32_t>& group : groupsBy(st_, step.groupAttr, allSubjects(st_))) {
      sortByKeys(st_, step, keys, group);
      for (size_t i = 0; i < group.size(); ++i) {
        out[group[i]] = Value::ofInt(static_cast<int64_t>(i + 1));
        if (st_.trace) {
          LedgerEntry e{step.figure, LedgerEntry::What::Rank, out[group[i]], step.span, 0, 0, false, kNone,
                        standing(step, keys, group, i == 0 ? 0 : i - 1, i + 2)};
          e.position = static_cast<uint32_t>(i + 1);
          e.of = static_cast<uint32_t>(group.size());
          st_.ledger(group[i], std::move(e));
        }
      }
    }
  }

  void conditions(const plan::Step& step) {
    std::vector<Value>& flags = values(step.figure);
    for (uint32_t s = 0; s < st_.n; ++s) {
      bool all = true;
      std::string reasons;
      for (size_t i = 0; i < step.conditions.size(); ++i) {
        const bool holds = vm_.test(step.conditions[i], at(s));
        note(s, step.figure, LedgerEntry::What::Condition, Value::ofBool(holds), step.conditionSpans[i], step.labels[i]);
        if (holds) continue;
        all = false;
        if (!reasons.empty()) reasons += ";";
        reasons += step.labels[i];
      }
      flags[s] = Value::ofBool(all);
      if (step.reasonsFigure >= 0) values(step.reasonsFigure)[s] = Value::ofIndex(st_.results.strings.intern(reasons));
    }
  }

  void cap(const plan::Step& step) {
    const plan::EnumTable& e = p_.enums[p_.figures[step.figure].enumId];
    std::vector<Value>& out = values(step.figure);
    for (uint32_t s = 0; s < st_.n; ++s) {
      if (e.ordinal(out[s].asIndex()) <= e.ordinal(step.value)) continue;
      if (!vm_.test(step.condition, at(s))) continue;
      out[s] = Value::ofIndex(step.value);
      note(s, step.figure, LedgerEntry::What::Adjustment, out[s], step.span, step.reason);
    }
  }

  void veto(const plan::Step& step) {
    std::vector<Value>& out = values(step.figure);
    for (uint32_t s = 0; s < st_.n; ++s) {
      if (!vm_.test(step.condition, at(s))) continue;
      out[s] = vm_.eval(step.program, at(s));
      note(s, step.figure, LedgerEntry::What::Adjustment, out[s], step.span, step.reason);
    }
  }

  void quota(const plan::Step& step) {
    std::vector<Value>& out = values(step.figure);
    std::vector<uint32_t> candidates;
    for (uint32_t s = 0; s < st_.n; ++s)
      if (!out[s].absent && out[s].asIndex() == step.value && vm_.test(step.condition, at(s))) candidates.push_back(s);
    auto keys = keyValues(step);
    for (std::vector<uint32_t>& group : groupsBy(st_, step.groupAttr, candidates)) {
      sortByKeys(st_, step, keys, group);
      Value count = vm_.eval(step.count, at(group.front()));
      size_t keep = count.absent || count.asInt() < 0 ? 0 : static_cast<size_t>(count.asInt());
      for (size_t i = keep; i < group.size(); ++i) out[group[i]] = Value::ofIndex(step.demoteTo);
      if (!st_.trace) continue;
      // Everyone who competed sees who kept the value and the order that decided it.
      std::string order = standing(step, keys, group, 0, group.size());
      for (size_t i = 0; i < group.size(); ++i) {
        LedgerEntry e{step.figure, LedgerEntry::What::Adjustment, out[group[i]], step.span, 0, 0, false, kNone, order};
        e.position = static_cast<uint32_t>(i + 1);
        e.of = static_cast<uint32_t>(group.size());
        e.keep = static_cast<uint32_t>(keep);
        st_.ledger(group[i], std::move(e));
      }
    }
  }

  State& st_;
  Vm& vm_;
  const plan::Plan& p_;
};

}  // namespace

void computeFigures(State& st, Vm& vm) { Stepper(st, vm).run(); }

void evaluateAlerts(State& st, Vm& vm) {
  for (const plan::Alert& a : st.plan.alerts) {
    Frame f;
    Value v = vm.eval(a.condition, f);
    if (v.absent || !v.asBool()) continue;
    AlertHit hit{a.message, a.span, &a, Value::none(), Value::none()};
    if (a.lhs.valid()) {
      hit.lhs = vm.eval(a.lhs, f);
      hit.rhs = vm.eval(a.rhs, f);
    }
    st.results.alerts.push_back(hit);
  }
}

}  // namespace kaoping::eval
