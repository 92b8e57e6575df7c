// IR → execution plan: slot allocation, bytecode, streaming actions, steps.
#include <algorithm>
#include <functional>

#include "compiler/plan/plan.h"

namespace kaoping::plan {

Kind kindOf(const ir::Type& t) {
  switch (t.base) {
    case ir::BaseType::Int: return Kind::Int;
    case ir::BaseType::Decimal: return Kind::Decimal;
    case ir::BaseType::Money: return Kind::Money;
    case ir::BaseType::Percent: return Kind::Percent;
    case ir::BaseType::Bool: return Kind::Bool;
    case ir::BaseType::String: return Kind::String;
    case ir::BaseType::Date: return Kind::Date;
    case ir::BaseType::Enum: return Kind::Enum;
    case ir::BaseType::Subject: return Kind::Subject;
    case ir::BaseType::Department: return Kind::Department;
    default: return Kind::Int;
  }
}

namespace {

// Operands one In / IMax / IMin / DMax / DMin instruction takes (Instr::a is 8 bits).
constexpr size_t kMaxOperands = 255;

bool isDecimalKind(Kind k) { return k == Kind::Decimal || k == Kind::Money || k == Kind::Percent; }

uint32_t slotsFor(AggOp op) {
  switch (op) {
    case AggOp::Count:
    case AggOp::Exists:
    case AggOp::Sum: return 1;
    default: return 2;
  }
}

class Builder {
 public:
  explicit Builder(const ir::Scheme& s) : s_(s), p_(std::make_unique<Plan>()) {}

  std::unique_ptr<Plan> run() {
    p_->name = s_.name;
    p_->version = s_.version;
    p_->subjects = s_.subjects;
    p_->period = s_.period;
    for (const ir::EnumType& e : s_.enums) {
      EnumTable t;
      t.name = e.name;
      t.values = e.values;
      t.ordered = e.order != ir::EnumOrder::None;
      t.descending = e.order == ir::EnumOrder::Descending;
      for (uint32_t i = 0; i < e.values.size(); ++i) t.lookup.emplace(e.values[i], i);
      p_->enums.push_back(std::move(t));
    }
    for (const ir::Attribute& a : s_.subjectAttributes) p_->subjectColumns.push_back(column(a));
    for (const ir::Param& prm : s_.params) {
      Param q;
      q.name = prm.name;
      q.kind = kindOf(prm.type);
      q.enumId = prm.type.enumId;
      q.defaultValue = prm.defaultValue;
      q.optional = prm.optional;
      q.range = prm.range;
      q.rangeDeclared = prm.rangeDeclared;
      q.span = prm.span;
      p_->params.push_back(q);
    }
    for (const ir::EventKind& k : s_.eventKinds) {
      EventKind ek;
      ek.name = k.name;
      for (const ir::Attribute& a : k.attributes) ek.attributes.push_back(column(a));
      p_->kindLookup.emplace(k.name, static_cast<uint32_t>(p_->kinds.size()));
      p_->kinds.push_back(std::move(ek));
    }
    for (const ir::Figure& f : s_.figures) {
      Figure pf;
      pf.name = f.name;
      pf.kind = kindOf(f.type);
      pf.enumId = f.type.enumId;
      pf.places = f.places;
      pf.fixedPlaces = f.declaredAsScore;
      pf.output = f.output;
      pf.readFromHistory = f.usedByPrevious;
      pf.span = f.span;
      pf.citation = f.citation;
      if (f.kind == ir::FigureKind::Tier && f.expr && f.expr->op == ir::Op::Figure)
        pf.tierOf = static_cast<int32_t>(f.expr->index);
      if (f.expr) {
        pf.definition = f.expr->span;
        collectAggregates(*f.expr, pf.aggregates);
      }
      if (f.base) collectAggregates(*f.base, pf.aggregates);
      for (const ir::Rule& r : f.rules) {
        if (r.kind == ir::RuleKind::Each) continue;
        if (r.condition) collectAggregates(*r.condition, pf.aggregates);
        for (const ir::Effect& e : r.effects) collectAggregates(*e.amount, pf.aggregates);
      }
      for (const ir::Figure::TierArm& arm : f.tierArms) pf.tierArms.emplace_back(arm.value, arm.span);
      pf.uses = f.dependsOn;
      if (f.kind == ir::FigureKind::Grouped) {
        pf.grouped = true;
        const ir::Type& key = s_.eventKinds[f.groupKind].attributes[f.groupAttr].type;
        pf.groupsAreEnum = key.base == ir::BaseType::Enum;
        pf.groupCount = pf.groupsAreEnum ? static_cast<uint32_t>(s_.enums[key.enumId].values.size()) : 0;
      }
      p_->figures.push_back(pf);
    }
    // Score contribution slots come first, then the dense aggregates.
    scoreSlot_.assign(s_.figures.size(), 0);
    for (size_t i = 0; i < s_.figures.size(); ++i)
      if (s_.figures[i].kind == ir::FigureKind::Score) scoreSlot_[i] = p_->slotsPerSubject++;
    for (const ir::Aggregate& a : s_.aggregates) p_->aggregates.push_back(aggregate(a));
    for (size_t i = 0; i < p_->aggregates.size(); ++i)
      p_->kinds[p_->aggregates[i].eventKind].actions.push_back(
          Action{Action::Type::Aggregate, static_cast<uint32_t>(i), {}, {}, 0, p_->aggregates[i].span, ""});
    for (size_t i = 0; i < s_.figures.size(); ++i) {
      const ir::Figure& f = s_.figures[i];
      if (f.kind != ir::FigureKind::Grouped) continue;
      for (size_t a = 0; a < s_.aggregates.size(); ++a)
        if (s_.aggregates[a].kind == f.groupKind && s_.aggregates[a].groupedBy == static_cast<int32_t>(f.groupAttr))
          p_->figures[i].groupAggregates.push_back(static_cast<uint32_t>(a));
    }
    for (const ir::Relation& r : s_.relations) p_->relations.push_back(relation(r));
    for (uint32_t f : s_.evaluationOrder) steps(f);
    p_->outputs = s_.outputs;
    for (const ir::Constraint& c : s_.constraints) {
      Constraint pc;
      pc.groupAttr = c.groupAttr;
      if (c.when) pc.when = program(*c.when);
      pc.condition = program(*c.condition);
      collectAggregates(*c.condition, pc.aggregates);
      pc.span = c.span;
      pc.reason = c.reason;
      pc.citation = c.citation;
      p_->constraints.push_back(std::move(pc));
    }
    for (const ir::Alert& a : s_.alerts) {
      Alert pa;
      pa.message = a.message;
      pa.condition = program(*a.condition);
      pa.span = a.span;
      if (a.condition->op == ir::Op::Compare) {
        pa.lhs = program(*a.condition->args[0]);
        pa.rhs = program(*a.condition->args[1]);
        pa.lhsSpan = a.condition->args[0]->span;
        pa.rhsSpan = a.condition->args[1]->span;
        pa.kind = kindOf(a.condition->args[0]->type);
        pa.enumId = a.condition->args[0]->type.enumId;
        pa.op = a.condition->cmp;
      }
      p_->alerts.push_back(std::move(pa));
    }
    p_->tests = s_.tests;
    return std::move(p_);
  }

 private:
  Column column(const ir::Attribute& a) {
    Column c;
    c.name = a.column;
    c.kind = kindOf(a.type);
    c.enumId = a.type.enumId;
    c.optional = a.optional;
    c.defaultValue = a.defaultValue;
    c.range = a.range;
    c.rangeDeclared = a.rangeDeclared;
    c.builtin = a.builtin;
    c.span = a.span;
    return c;
  }

  Aggregate aggregate(const ir::Aggregate& a) {
    Aggregate g;
    g.op = a.op;
    g.eventKind = a.kind;
    if (a.value) {
      g.value = program(*a.value);
      g.valueKind = kindOf(a.value->type);
      g.valueEnum = a.value->type.enumId;
    }
    if (a.weight) g.weight = program(*a.weight);
    if (a.filter) g.filter = program(*a.filter);
    g.window = a.window;
    g.groupedBy = a.groupedBy;
    g.slotsPerGroup = slotsFor(a.op);
    g.trackRows = a.trackRows;
    g.span = a.span;
    g.text = a.text;
    if (a.window != ir::Window::None) p_->usesWindows = true;
    if (a.groupedBy >= 0) {
      const ir::Type& key = s_.eventKinds[a.kind].attributes[a.groupedBy].type;
      g.groupsAreEnum = key.base == ir::BaseType::Enum;
      g.groupCount = g.groupsAreEnum ? static_cast<uint32_t>(s_.enums[key.enumId].values.size()) : 0;
    }
    g.sparse = a.window != ir::Window::None || (a.groupedBy >= 0 && !g.groupsAreEnum);
    if (!g.sparse) {
      g.slot = p_->slotsPerSubject;
      p_->slotsPerSubject += g.slotsPerGroup * (g.groupedBy >= 0 ? g.groupCount : 1);
    }
    return g;
  }

  Relation relation(const ir::Relation& r) {
    Relation pr;
    pr.name = r.name;
    pr.kind = r.kind;
    pr.span = r.span;
    if (r.kind == ir::RelationKind::Filter && r.body) {
      pr.filter = program(*r.body);
      std::function<void(const ir::Expr&)> conjuncts = [&](const ir::Expr& e) {
        if (e.op == ir::Op::And) {
          for (const ir::ExprPtr& a : e.args) conjuncts(*a);
          return;
        }
        if (e.op != ir::Op::Compare || e.cmp != CompareOp::Eq) return;
        const ir::Expr& x = *e.args[0];
        const ir::Expr& y = *e.args[1];
        if (x.op == ir::Op::VarAttr && y.op == ir::Op::VarAttr && x.index == y.index && x.var != y.var)
          pr.joinAttributes.push_back(x.index);
      };
      conjuncts(*r.body);
    } else if (r.kind == ir::RelationKind::Expression && r.body) {
      pr.target = program(*r.body);
    }
    return pr;
  }

  void collectAggregates(const ir::Expr& e, std::vector<uint32_t>& out) {
    if (e.op == ir::Op::EventAgg && std::find(out.begin(), out.end(), e.index) == out.end()) out.push_back(e.index);
    for (const ir::ExprPtr& a : e.args)
      if (a) collectAggregates(*a, out);
    for (const ir::CaseArm& arm : e.arms) collectAggregates(*arm.result, out);
  }

  Effect effect(const ir::Effect& e, uint32_t slot) {
    Effect pe;
    pe.amount = program(*e.amount);
    pe.relation = e.relation;
    pe.deduct = e.sign == ir::EffectSign::Deduct;
    pe.slot = slot;
    pe.span = e.span;
    return pe;
  }

  void steps(uint32_t index) {
    const ir::Figure& f = s_.figures[index];
    Step st;
    st.figure = index;
    st.span = f.span;
    st.citation = f.citation;
    switch (f.kind) {
      case ir::FigureKind::Formula:
        st.kind = StepKind::Score;  // a formula with floor/cap is a score without rules
        if (!f.floor && !f.cap) st.kind = StepKind::Formula;
        st.program = program(*f.expr);
        if (f.expr->op == ir::Op::Round) st.unrounded = program(*f.expr->args[0]);
        if (f.floor) st.floor = program(*f.floor);
        if (f.cap) st.cap = program(*f.cap);
        break;
      case ir::FigureKind::Score:
        st.kind = StepKind::Score;
        st.slot = scoreSlot_[index];
        if (f.base) st.base = program(*f.base);
        if (f.floor) st.floor = program(*f.floor);
        if (f.cap) st.cap = program(*f.cap);
        for (const ir::Rule& r : f.rules) {
          if (r.kind == ir::RuleKind::Each) {
            Action a;
            a.type = Action::Type::Rule;
            if (r.condition) a.condition = program(*r.condition);
            for (const ir::Effect& e : r.effects) a.effects.push_back(effect(e, st.slot));
            a.figure = index;
            a.span = r.span;
            a.citation = r.citation;
            p_->kinds[r.eventKind].actions.push_back(std::move(a));
          } else {
            WhenRule w;
            if (r.condition) w.condition = program(*r.condition);
            for (const ir::Effect& e : r.effects) w.effects.push_back(effect(e, st.slot));
            w.window = r.window;
            w.span = r.span;
            w.citation = r.citation;
            st.rules.push_back(std::move(w));
          }
        }
        break;
      case ir::FigureKind::Grouped:
        st.kind = StepKind::Grouped;
        st.program = program(*f.expr);
        break;
      case ir::FigureKind::Tier: {
        // A tier is a case over its value whose arms give the tier's values.
        ir::Expr tier(ir::Op::Case, f.type, f.span);
        tier.args.push_back(clone(*f.expr));
        for (const ir::Figure::TierArm& arm : f.tierArms) {
          ir::CaseArm ca;
          ca.pattern = clonePattern(arm.pattern);
          ca.result = std::make_unique<ir::Expr>(ir::Op::Const, f.type.withOptional(false), arm.span);
          ca.result->constant = Value::ofIndex(arm.value);
          tier.arms.push_back(std::move(ca));
        }
        st.kind = StepKind::Formula;
        st.program = program(tier);
        break;
      }
      case ir::FigureKind::Rank:
        st.kind = StepKind::Rank;
        for (const ir::Adjustment::Key& k : f.rankKeys) key(st, k);
        st.groupAttr = f.rankWithin;
        break;
      case ir::FigureKind::CondFlag:
        st.kind = StepKind::Conditions;
        for (const ir::Figure::Condition& c : f.conditions) {
          st.conditions.push_back(program(*c.condition));
          st.labels.push_back(c.label);
          st.conditionSpans.push_back(c.span);
        }
        if (f.partner != UINT32_MAX) st.reasonsFigure = static_cast<int32_t>(f.partner);
        break;
      case ir::FigureKind::CondReasons:
        return;  // filled by its conditions step
    }
    p_->steps.push_back(std::move(st));
    for (const ir::Adjustment& a : f.adjustments) {
      Step adj;
      adj.figure = index;
      adj.span = a.span;
      adj.reason = a.reason;
      adj.citation = a.citation;
      if (a.condition) adj.condition = program(*a.condition);
      switch (a.kind) {
        case ir::AdjustmentKind::CapAtMost:
          adj.kind = StepKind::CapAtMost;
          adj.value = a.value;
          break;
        case ir::AdjustmentKind::Veto:
          adj.kind = StepKind::Veto;
          adj.program = program(*a.replacement);
          break;
        case ir::AdjustmentKind::Quota:
          adj.kind = StepKind::Quota;
          adj.value = a.value;
          adj.demoteTo = a.demoteTo;
          adj.count = program(*a.count);
          adj.groupAttr = a.groupAttr;
          for (const ir::Adjustment::Key& k : a.keys) key(adj, k);
          break;
      }
      p_->steps.push_back(std::move(adj));
    }
  }

  void key(Step& st, const ir::Adjustment::Key& k) {
    st.keys.push_back(program(*k.key));
    st.descending.push_back(k.descending);
    st.keyKinds.push_back(kindOf(k.key->type));
    st.keyEnums.push_back(k.key->type.enumId);
  }

  // ---------------------------------------------------------------------------- cloning

  ir::ExprPtr clone(const ir::Expr& e) {
    auto c = std::make_unique<ir::Expr>(e.op, e.type, e.span);
    c->constant = e.constant;
    c->text = e.text;
    c->index = e.index;
    c->var = e.var;
    c->cmp = e.cmp;
    c->aggOp = e.aggOp;
    c->mode = e.mode;
    c->places = e.places;
    c->range = e.range;
    for (const ir::ExprPtr& a : e.args) c->args.push_back(a ? clone(*a) : nullptr);
    for (const ir::CaseArm& arm : e.arms) c->arms.push_back(ir::CaseArm{clonePattern(arm.pattern), clone(*arm.result)});
    return c;
  }
  ir::Pattern clonePattern(const ir::Pattern& p) {
    ir::Pattern c;
    c.otherwise = p.otherwise;
    c.anyOf = p.anyOf;
    c.span = p.span;
    for (const ir::Bound& b : p.bounds) {
      ir::Bound cb;
      cb.kind = b.kind;
      cb.op = b.op;
      cb.span = b.span;
      cb.value = clone(*b.value);
      if (b.high) cb.high = clone(*b.high);
      c.bounds.push_back(std::move(cb));
    }
    return c;
  }

  // ---------------------------------------------------------------------------- bytecode

  uint32_t emit(Code code, uint8_t a = 0, uint16_t b = 0, uint32_t c = 0) {
    p_->code.push_back(Instr{code, a, b, c});
    return static_cast<uint32_t>(p_->code.size() - 1);
  }
  uint32_t here() const { return static_cast<uint32_t>(p_->code.size()); }
  void patch(uint32_t at, uint32_t target) { p_->code[at].c = target; }
  uint32_t span(Span s) {
    p_->spans.push_back(s);
    return static_cast<uint32_t>(p_->spans.size() - 1);
  }
  uint32_t constant(Value v, Kind kind) {
    p_->constants.push_back(v);
    p_->constantKinds.push_back(kind);
    return static_cast<uint32_t>(p_->constants.size() - 1);
  }
  uint32_t string(const std::string& s) {
    auto it = stringIds_.find(s);
    if (it != stringIds_.end()) return it->second;
    p_->strings.push_back(s);
    uint32_t id = static_cast<uint32_t>(p_->strings.size() - 1);
    stringIds_.emplace(s, id);
    return id;
  }

  Program program(const ir::Expr& e) {
    Program p;
    p.begin = here();
    locals_ = 0;
    expr(e);
    emit(Code::Return);
    p.end = here();
    p.locals = locals_;
    p_->maxLocals = std::max<uint32_t>(p_->maxLocals, locals_);
    p_->maxStack = std::max(p_->maxStack, stackBound(p));
    return p;
  }

  // An upper bound of the stack depth a program reaches (straight-line count; branches
  // only make it larger than needed).
  uint32_t stackBound(const Program& p) const {
    int64_t depth = 0, most = 0;
    for (uint32_t i = p.begin; i < p.end; ++i) {
      const Instr& in = p_->code[i];
      switch (in.code) {
        case Code::Const: case Code::PushAbsent: case Code::RowAttr: case Code::SubjectAttr: case Code::VarAttr:
        case Code::VarSubject: case Code::CurrentSubject: case Code::Param: case Code::Figure: case Code::Previous:
        case Code::GroupSize: case Code::Agg: case Code::RelationAgg: case Code::GroupedAgg: case Code::LoadLocal:
          ++depth;
          break;
        case Code::IMax: case Code::IMin: case Code::DMax: case Code::DMin: depth -= in.a - 1; break;
        case Code::In: depth -= in.a; break;
        default: break;
      }
      most = std::max(most, depth);
    }
    return static_cast<uint32_t>(most + 2);
  }

  // What kind of comparison two values of type t need.
  Code compareCode(const ir::Type& t, CompareOp op) {
    bool ordering = op != CompareOp::Eq && op != CompareOp::Ne;
    switch (t.base) {
      case ir::BaseType::Int:
      case ir::BaseType::Date: return Code::CmpInt;
      case ir::BaseType::Decimal:
      case ir::BaseType::Money:
      case ir::BaseType::Percent: return Code::CmpDec;
      case ir::BaseType::String: return ordering ? Code::CmpString : Code::CmpIndex;
      case ir::BaseType::Enum: return ordering ? Code::CmpOrdinal : Code::CmpIndex;
      default: return Code::CmpIndex;
    }
  }

  void compare(const ir::Type& t, CompareOp op) {
    Code c = compareCode(t, op);
    emit(c, static_cast<uint8_t>(op), 0, c == Code::CmpOrdinal ? t.enumId : 0);
  }

  void pattern(const ir::Pattern& pat, const ir::Type& subjectType, uint32_t local) {
    // Leaves one bool on the stack.
    bool first = true;
    for (const ir::Bound& b : pat.bounds) {
      auto test = [&](CompareOp op, const ir::Expr& v) {
        emit(Code::LoadLocal, 0, 0, local);
        expr(v);
        compare(subjectType, op);
      };
      switch (b.kind) {
        case ir::Bound::Kind::Equal: test(CompareOp::Eq, *b.value); break;
        case ir::Bound::Kind::Compare: test(b.op, *b.value); break;
        case ir::Bound::Kind::Range:
          test(CompareOp::Ge, *b.value);
          test(CompareOp::Le, *b.high);
          emit(Code::And);
          break;
      }
      if (!first) emit(pat.anyOf ? Code::Or : Code::And);
      first = false;
    }
  }

  void expr(const ir::Expr& e) {
    using O = ir::Op;
    bool dec = isDecimalKind(kindOf(e.type));
    switch (e.op) {
      case O::Const:
        if (e.type.base == ir::BaseType::String) emit(Code::Const, 0, 0, constant(Value::ofIndex(string(e.text)), Kind::String));
        else emit(Code::Const, 0, 0, constant(e.constant, kindOf(e.type)));
        return;
      case O::RowAttr: emit(Code::RowAttr, 0, 0, e.index); return;
      case O::SubjectAttr: emit(Code::SubjectAttr, 0, 0, e.index); return;
      case O::VarAttr: emit(Code::VarAttr, e.var, 0, e.index); return;
      case O::VarSubject: emit(Code::VarSubject, e.var); return;
      case O::CurrentSubject: emit(Code::CurrentSubject); return;
      case O::Param: emit(Code::Param, 0, 0, e.index); return;
      case O::Figure: emit(Code::Figure, 0, 0, e.index); return;
      case O::Previous: emit(Code::Previous, 0, 0, e.index); return;
      case O::GroupSize:
        if (std::find(p_->groupSizeAttributes.begin(), p_->groupSizeAttributes.end(), e.index) ==
            p_->groupSizeAttributes.end())
          p_->groupSizeAttributes.push_back(e.index);
        emit(Code::GroupSize, 0, 0, e.index);
        return;
      case O::EventAgg: emit(Code::Agg, 0, 0, e.index); return;
      case O::RelationAgg: {
        RelationAgg ra;
        ra.op = e.aggOp;
        ra.relation = e.index;
        ra.valueKind = kindOf(e.args[0]->type);
        ra.valueEnum = e.args[0]->type.enumId;
        uint32_t savedLocals = locals_;
        // Sub-programs are compiled out of line: jump over them.
        uint32_t skip = emit(Code::Jump);
        ra.value = program(*e.args[0]);
        ra.filter = program(*e.args[1]);
        locals_ = savedLocals;
        patch(skip, here());
        p_->relationAggs.push_back(std::move(ra));
        emit(Code::RelationAgg, 0, 0, static_cast<uint32_t>(p_->relationAggs.size() - 1));
        return;
      }
      case O::GroupedAgg:
        p_->groupedAggs.push_back(
            GroupedAgg{e.aggOp, e.index, kindOf(s_.figures[e.index].type), s_.figures[e.index].type.enumId});
        emit(Code::GroupedAgg, 0, 0, static_cast<uint32_t>(p_->groupedAggs.size() - 1));
        return;
      case O::Neg:
        expr(*e.args[0]);
        emit(dec ? Code::DNeg : Code::INeg, 0, 0, span(e.span));
        return;
      case O::Add:
      case O::Sub:
      case O::Mul: {
        expr(*e.args[0]);
        expr(*e.args[1]);
        static const Code ints[] = {Code::IAdd, Code::ISub, Code::IMul};
        static const Code decs[] = {Code::DAdd, Code::DSub, Code::DMul};
        int k = e.op == O::Add ? 0 : e.op == O::Sub ? 1 : 2;
        emit(dec ? decs[k] : ints[k], 0, 0, span(e.span));
        return;
      }
      case O::Div:
        expr(*e.args[0]);
        expr(*e.args[1]);
        emit(e.type.optional ? Code::DDivOrAbsent : Code::DDiv, 0, 0, span(e.span));
        return;
      case O::ToDecimal:
        expr(*e.args[0]);
        emit(Code::ToDecimal);
        return;
      case O::Compare:
        expr(*e.args[0]);
        expr(*e.args[1]);
        compare(e.args[0]->type, e.cmp);
        return;
      case O::In: {
        Code c = compareCode(e.args[0]->type, CompareOp::Eq);
        const uint32_t how = c == Code::CmpInt ? 1 : c == Code::CmpDec ? 2 : 0;
        const size_t n = e.args.size() - 1;
        if (n <= kMaxOperands) {
          expr(*e.args[0]);
          for (size_t i = 1; i <= n; ++i) expr(*e.args[i]);
          emit(Code::In, static_cast<uint8_t>(n), 0, how);
          return;
        }
        // `a` counts at most 255 candidates: a longer list is tested 255 at a time against
        // the value kept in a local, the batches joined by `or` (In is never absent).
        uint32_t local = locals_++;
        expr(*e.args[0]);
        emit(Code::StoreLocal, 0, 0, local);
        for (size_t from = 1; from <= n; from += kMaxOperands) {
          size_t count = std::min(kMaxOperands, n + 1 - from);
          emit(Code::LoadLocal, 0, 0, local);
          for (size_t i = from; i < from + count; ++i) expr(*e.args[i]);
          emit(Code::In, static_cast<uint8_t>(count), 0, how);
          if (from > 1) emit(Code::Or);
        }
        return;
      }
      case O::Not:
        expr(*e.args[0]);
        emit(Code::Not);
        return;
      case O::And:
      case O::Or:
        expr(*e.args[0]);
        expr(*e.args[1]);
        emit(e.op == O::And ? Code::And : Code::Or);
        return;
      case O::If: {
        expr(*e.args[0]);
        uint32_t toElse = emit(Code::JumpIfFalse);
        expr(*e.args[1]);
        uint32_t toEnd = emit(Code::Jump);
        patch(toElse, here());
        expr(*e.args[2]);
        patch(toEnd, here());
        return;
      }
      case O::Case: {
        uint32_t local = locals_++;
        expr(*e.args[0]);
        emit(Code::StoreLocal, 0, 0, local);
        uint32_t toAbsent = UINT32_MAX;
        if (e.args[0]->type.optional) {
          emit(Code::LoadLocal, 0, 0, local);
          toAbsent = emit(Code::JumpIfAbsent);
          emit(Code::Pop);
        }
        std::vector<uint32_t> toEnd;
        bool closed = false;
        for (const ir::CaseArm& arm : e.arms) {
          if (arm.pattern.otherwise) {
            expr(*arm.result);
            toEnd.push_back(emit(Code::Jump));
            closed = true;
            break;
          }
          pattern(arm.pattern, e.args[0]->type, local);
          uint32_t next = emit(Code::JumpIfFalse);
          expr(*arm.result);
          toEnd.push_back(emit(Code::Jump));
          patch(next, here());
        }
        if (!closed) emit(Code::NoArm, 0, 0, span(e.span));
        if (toAbsent != UINT32_MAX) {
          patch(toAbsent, here());
          emit(Code::Pop);
          emit(Code::PushAbsent);
        }
        for (uint32_t j : toEnd) patch(j, here());
        return;
      }
      case O::Default: {
        expr(*e.args[0]);
        uint32_t done = emit(Code::JumpIfPresent);
        emit(Code::Pop);
        expr(*e.args[1]);
        patch(done, here());
        return;
      }
      case O::Round:
        expr(*e.args[0]);
        emit(Code::Round, static_cast<uint8_t>(e.places), static_cast<uint16_t>(span(e.span)), static_cast<uint32_t>(e.mode));
        return;
      case O::Floor:
      case O::Ceil: {
        expr(*e.args[0]);
        bool toInt = e.type.base == ir::BaseType::Int;
        if (e.op == O::Floor) emit(toInt ? Code::FloorToInt : Code::FloorDec, 0, 0, span(e.span));
        else emit(toInt ? Code::CeilToInt : Code::CeilDec, 0, 0, span(e.span));
        return;
      }
      case O::Abs:
        expr(*e.args[0]);
        emit(dec ? Code::DAbs : Code::IAbs, 0, 0, span(e.span));
        return;
      case O::Max:
      case O::Min: {
        // At most 255 operands per instruction: max(a1 … a300) is max(max(a1 … a255), a256 …).
        Code code = e.op == O::Max ? (dec ? Code::DMax : Code::IMax) : (dec ? Code::DMin : Code::IMin);
        size_t pending = 0;
        for (size_t i = 0; i < e.args.size(); ++i) {
          expr(*e.args[i]);
          if (++pending == kMaxOperands && i + 1 < e.args.size()) {
            emit(code, static_cast<uint8_t>(pending));
            pending = 1;
          }
        }
        emit(code, static_cast<uint8_t>(pending));
        return;
      }
    }
  }

  const ir::Scheme& s_;
  std::unique_ptr<Plan> p_;
  std::vector<uint32_t> scoreSlot_;
  std::unordered_map<std::string, uint32_t> stringIds_;
  uint32_t locals_ = 0;
};

}  // namespace

std::unique_ptr<Plan> build(const ir::Scheme& scheme) { return Builder(scheme).run(); }

}  // namespace kaoping::plan
