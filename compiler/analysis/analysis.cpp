#include "compiler/analysis/analysis.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace kaoping::analysis {

using ir::Expr;
using ir::Interval;
using ir::Op;

namespace {

// ---------------------------------------------------------------------------- extended numbers

// A bound that may be infinite: sign −1 (−∞), +1 (+∞) or 0 (finite value v).
struct Ext {
  int inf = 0;
  Decimal v;
};

Ext lowOf(const Interval& i) { return i.lo ? Ext{0, *i.lo} : Ext{-1, {}}; }
Ext highOf(const Interval& i) { return i.hi ? Ext{0, *i.hi} : Ext{1, {}}; }
int signOf(const Ext& e) { return e.inf ? e.inf : e.v.sign(); }

Ext mulExt(const Ext& a, const Ext& b) {
  if (!a.inf && !b.inf) return Ext{0, a.v * b.v};
  int s = signOf(a) * signOf(b);
  if (s == 0) return Ext{0, Decimal::zero()};  // 0 × ∞ bounds to 0 in interval arithmetic
  return Ext{s, {}};
}

bool lessExt(const Ext& a, const Ext& b) {
  if (a.inf != b.inf) return a.inf < b.inf;
  if (a.inf) return false;
  return a.v < b.v;
}

Interval fromExt(const Ext& lo, const Ext& hi) {
  Interval r;
  if (!lo.inf) r.lo = lo.v;
  if (!hi.inf) r.hi = hi.v;
  return r;
}

Interval hull(const Interval& a, const Interval& b) {
  Interval r;
  if (a.lo && b.lo) r.lo = std::min(*a.lo, *b.lo);
  if (a.hi && b.hi) r.hi = std::max(*a.hi, *b.hi);
  return r;
}

Interval neg(const Interval& a) {
  Interval r;
  if (a.hi) r.lo = -*a.hi;
  if (a.lo) r.hi = -*a.lo;
  return r;
}

Interval mul(const Interval& a, const Interval& b) {
  try {
    Ext c[4] = {mulExt(lowOf(a), lowOf(b)), mulExt(lowOf(a), highOf(b)), mulExt(highOf(a), lowOf(b)),
                mulExt(highOf(a), highOf(b))};
    Ext lo = c[0], hi = c[0];
    for (const Ext& x : c) {
      if (lessExt(x, lo)) lo = x;
      if (lessExt(hi, x)) hi = x;
    }
    return fromExt(lo, hi);
  } catch (const ArithmeticError&) {
    return Interval{};
  }
}

// a / b where b's interval is positive or negative and finite away from 0.
Interval divide(const Interval& a, const Interval& b) {
  if (!b.lo || !b.hi) {
    // Divisor unbounded but known positive: the quotient moves toward 0.
    if (b.lo && b.lo->sign() > 0 && a.lo && a.lo->sign() >= 0) {
      Interval r;
      r.lo = Decimal::zero();
      if (a.hi) r.hi = *a.hi / *b.lo;
      return r;
    }
    return Interval{};
  }
  if (!(b.lo->sign() > 0 || b.hi->sign() < 0)) return Interval{};
  try {
    Interval inverse{Decimal::one() / *b.hi, Decimal::one() / *b.lo};
    if (b.hi->sign() < 0) inverse = Interval{Decimal::one() / *b.hi, Decimal::one() / *b.lo};
    if (*inverse.lo > *inverse.hi) std::swap(inverse.lo, inverse.hi);
    return mul(a, inverse);
  } catch (const ArithmeticError&) {
    return Interval{};
  }
}

Interval clampTo(Interval r, const Interval* floor, const Interval* cap) {
  if (floor && floor->lo) {
    if (!r.lo || *r.lo < *floor->lo) r.lo = floor->lo;
    if (r.hi && *r.hi < *floor->lo) r.hi = floor->lo;
  }
  if (cap && cap->hi) {
    if (!r.hi || *r.hi > *cap->hi) r.hi = cap->hi;
    if (r.lo && *r.lo > *cap->hi) r.lo = cap->hi;
  }
  return r;
}

bool empty(const Interval& i) {
  if (!i.lo || !i.hi) return false;
  return *i.lo > *i.hi || (*i.lo == *i.hi && (i.loOpen || i.hiOpen));
}

// Scale a percentage for display (0.9 → 90%).
std::string showValue(Decimal v, const ir::Type& t) {
  if (t.base == ir::BaseType::Percent) return (v * Decimal::fromInt(100)).toString() + "%";
  if (t.base == ir::BaseType::Money) return v.toString() + " 元";
  return v.toString();
}

// ---------------------------------------------------------------------------- bools

struct BoolFact {
  bool canTrue = true, canFalse = true;
};

// ---------------------------------------------------------------------------- the analyzer

class Analyzer {
 public:
  Analyzer(const ir::Scheme& s, const SourceManager& sources, Diagnostics& diags)
      : s_(s), sources_(sources), diags_(diags), figures_(s.figures.size()) {}

  std::vector<Fact> run() {
    for (uint32_t f : s_.evaluationOrder) figures_[f] = figureFact(f);
    for (uint32_t f : s_.evaluationOrder) {
      checkDeclaredBounds(f);
      checkTier(f);
      checkConditions(f);
      checkWeights(f);
      checkRoundBeforeClamp(f);
    }
    checkUnused();
    return figures_;
  }

 private:
  std::string text(Span span) const { return std::string(sources_.text(span)); }

  // ---- facts of expressions

  Fact fact(const Expr& e) {
    Fact f;
    switch (e.op) {
      case Op::Const:
        if (e.type.isNumeric() && !e.constant.absent) {
          Decimal v = e.type.base == ir::BaseType::Int ? Decimal::fromInt(e.constant.asInt()) : e.constant.asDecimal();
          f.range = Interval::point(v);
          f.places = v.fractionDigits();
        }
        return f;
      case Op::RowAttr:
      case Op::SubjectAttr:
      case Op::VarAttr:
      case Op::Param:
        f.range = e.range;
        if (e.op == Op::RowAttr) {
          auto it = narrowed_.find(e.index);
          if (it != narrowed_.end()) f.range = intersect(f.range, it->second);
        }
        f.places = e.type.base == ir::BaseType::Int ? 0 : -1;
        return f;
      case Op::Figure:
      case Op::Previous: return figures_[e.index];
      case Op::GroupSize:
        f.range.lo = Decimal::one();
        f.places = 0;
        return f;
      case Op::EventAgg: return aggregateFact(s_.aggregates[e.index]);
      case Op::RelationAgg: {
        Fact v = e.args.empty() ? Fact{} : fact(*e.args[0]);
        return combine(e.aggOp, v, std::nullopt);
      }
      case Op::GroupedAgg: {
        const ir::Figure& g = s_.figures[e.index];
        std::optional<uint32_t> groups;
        const ir::Type& key = s_.eventKinds[g.groupKind].attributes[g.groupAttr].type;
        if (key.base == ir::BaseType::Enum) groups = static_cast<uint32_t>(s_.enums[key.enumId].values.size());
        return combine(e.aggOp, figures_[e.index], groups);
      }
      case Op::Neg: {
        Fact a = fact(*e.args[0]);
        return Fact{neg(a.range), a.places};
      }
      case Op::Add:
      case Op::Sub: {
        Fact a = fact(*e.args[0]), b = fact(*e.args[1]);
        Fact r{Interval::sum(a.range, b.range, e.op == Op::Sub), std::min(a.places, b.places) < 0 ? -1 : std::max(a.places, b.places)};
        // x − y where the rule's condition says y < x (or y <= x): at least 0.
        int x = rowAttrOf(*e.args[0]), y = rowAttrOf(*e.args[1]);
        if (e.op == Op::Sub && x >= 0 && y >= 0 && less_.count({y, x}) && (!r.range.lo || r.range.lo->sign() < 0))
          r.range.lo = Decimal::zero();
        return r;
      }
      case Op::Mul: {
        Fact a = fact(*e.args[0]), b = fact(*e.args[1]);
        return Fact{mul(a.range, b.range), a.places < 0 || b.places < 0 ? -1 : a.places + b.places};
      }
      case Op::Div: {
        if (auto r = ratio(*e.args[0], *e.args[1])) return Fact{*r, -1};
        Fact a = fact(*e.args[0]), b = fact(*e.args[1]);
        return Fact{divide(a.range, b.range), -1};
      }
      case Op::ToDecimal: return fact(*e.args[0]);
      case Op::Round: {
        Fact a = fact(*e.args[0]);
        Interval r;
        try {
          if (a.range.lo) r.lo = a.range.lo->round(e.places, e.mode);
          if (a.range.hi) r.hi = a.range.hi->round(e.places, e.mode);
        } catch (const ArithmeticError&) {
        }
        return Fact{r, a.places >= 0 ? std::min(a.places, e.places) : e.places};
      }
      case Op::Floor:
      case Op::Ceil: {
        Fact a = fact(*e.args[0]);
        Interval r;
        if (a.range.lo) r.lo = e.op == Op::Floor ? a.range.lo->floor() : a.range.lo->ceil();
        if (a.range.hi) r.hi = e.op == Op::Floor ? a.range.hi->floor() : a.range.hi->ceil();
        return Fact{r, 0};
      }
      case Op::Abs: {
        Fact a = fact(*e.args[0]);
        Interval r;
        r.lo = Decimal::zero();
        if (a.range.lo && a.range.hi) r.hi = std::max(a.range.lo->abs(), a.range.hi->abs());
        return Fact{r, a.places};
      }
      case Op::Max:
      case Op::Min: {
        Fact r = fact(*e.args[0]);
        for (size_t i = 1; i < e.args.size(); ++i) {
          Fact b = fact(*e.args[i]);
          Interval x;
          if (e.op == Op::Max) {
            x.lo = !r.range.lo ? b.range.lo : !b.range.lo ? r.range.lo : std::optional(std::max(*r.range.lo, *b.range.lo));
            if (r.range.hi && b.range.hi) x.hi = std::max(*r.range.hi, *b.range.hi);
          } else {
            x.hi = !r.range.hi ? b.range.hi : !b.range.hi ? r.range.hi : std::optional(std::min(*r.range.hi, *b.range.hi));
            if (r.range.lo && b.range.lo) x.lo = std::min(*r.range.lo, *b.range.lo);
          }
          r.range = x;
          r.places = r.places < 0 || b.places < 0 ? -1 : std::max(r.places, b.places);
        }
        return r;
      }
      case Op::If: {
        Fact a = fact(*e.args[1]), b = fact(*e.args[2]);
        return Fact{hull(a.range, b.range), a.places < 0 || b.places < 0 ? -1 : std::max(a.places, b.places)};
      }
      case Op::Case: {
        bool first = true;
        Fact r;
        for (const ir::CaseArm& arm : e.arms) {
          Fact a = fact(*arm.result);
          if (first) r = a;
          else r = Fact{hull(r.range, a.range), r.places < 0 || a.places < 0 ? -1 : std::max(r.places, a.places)};
          first = false;
        }
        return r;
      }
      case Op::Default: {
        Fact a = fact(*e.args[0]), b = fact(*e.args[1]);
        return Fact{hull(a.range, b.range), a.places < 0 || b.places < 0 ? -1 : std::max(a.places, b.places)};
      }
      default: return f;
    }
  }

  Fact aggregateFact(const ir::Aggregate& a) {
    Fact v = a.value ? fact(*a.value) : Fact{};
    if (a.op == ir::AggOp::WeightedMean) {
      Fact w = fact(*a.weight);
      if (!w.range.lo || w.range.lo->sign() < 0) return Fact{};  // negative weights: anything goes
      return Fact{v.range, -1};
    }
    return combine(a.op, v, std::nullopt);
  }

  // An aggregate of values with fact `v` over an unknown number of rows (or exactly
  // `count` groups).
  Fact combine(ir::AggOp op, const Fact& v, std::optional<uint32_t> count) {
    Fact f;
    switch (op) {
      case ir::AggOp::Count:
        f.range.lo = Decimal::zero();
        if (count) f.range.hi = Decimal::fromInt(*count);
        f.places = 0;
        return f;
      case ir::AggOp::Sum:
        if (count) {
          f.range = mul(v.range, Interval{Decimal::zero(), Decimal::fromInt(*count)});
          if (v.range.lo && v.range.lo->sign() >= 0) f.range.lo = Decimal::fromInt(*count) * *v.range.lo;
        } else {
          if (v.range.lo && v.range.lo->sign() >= 0) f.range.lo = Decimal::zero();
          if (v.range.hi && v.range.hi->sign() <= 0) f.range.hi = Decimal::zero();
        }
        f.places = v.places;
        return f;
      case ir::AggOp::Mean: return Fact{v.range, -1};
      case ir::AggOp::Min:
      case ir::AggOp::Max:
      case ir::AggOp::Last:
      case ir::AggOp::First: return v;
      default: return f;
    }
  }

  // (Σ cᵢ·tᵢ) / (Σ dᵢ·tᵢ) with every tᵢ ≥ 0 and dᵢ > 0 lies between the smallest and the
  // largest cᵢ/dᵢ: a weighted average (满意×22 + 基本满意×17 + 不满意×11) ÷ 总票数.
  struct Linear {
    std::map<std::string, Decimal> terms;
    std::map<std::string, Interval> ranges;
    Decimal constant;
  };
  bool linear(const Expr& e, Decimal scale, Linear& out) {
    try {
      switch (e.op) {
        case Op::Add:
        case Op::Sub:
          return linear(*e.args[0], scale, out) && linear(*e.args[1], e.op == Op::Sub ? -scale : scale, out);
        case Op::Mul:
          if (e.args[0]->op == Op::Const && e.args[0]->type.isNumeric())
            return linear(*e.args[1], scale * constantOf(*e.args[0]), out);
          if (e.args[1]->op == Op::Const && e.args[1]->type.isNumeric())
            return linear(*e.args[0], scale * constantOf(*e.args[1]), out);
          break;
        case Op::ToDecimal: return linear(*e.args[0], scale, out);
        case Op::Const:
          if (!e.type.isNumeric()) return false;
          out.constant += scale * constantOf(e);
          return true;
        default: break;
      }
      std::string key = ir::printExpr(s_, e);
      out.terms[key] += scale;
      out.ranges[key] = fact(e).range;
      return true;
    } catch (const ArithmeticError&) {
      return false;
    }
  }
  static Decimal constantOf(const Expr& e) {
    return e.type.base == ir::BaseType::Int ? Decimal::fromInt(e.constant.asInt()) : e.constant.asDecimal();
  }
  std::optional<Interval> ratio(const Expr& num, const Expr& den) {
    Linear n, d;
    if (!linear(num, Decimal::one(), n) || !linear(den, Decimal::one(), d)) return std::nullopt;
    if (n.constant.sign() != 0 || d.constant.sign() != 0 || d.terms.size() < 2) return std::nullopt;
    for (auto& [key, coef] : d.terms) {
      const Interval& r = d.ranges[key];
      if (coef.sign() <= 0 || !r.lo || r.lo->sign() < 0) return std::nullopt;
    }
    for (auto& [key, coef] : n.terms)
      if (!d.terms.count(key)) return std::nullopt;
    std::optional<Decimal> lo, hi;
    try {
      for (auto& [key, coef] : d.terms) {
        auto it = n.terms.find(key);
        Decimal q = it == n.terms.end() ? Decimal::zero() : it->second / coef;
        if (!lo || q < *lo) lo = q;
        if (!hi || q > *hi) hi = q;
      }
    } catch (const ArithmeticError&) {
      return std::nullopt;
    }
    return Interval{lo, hi};
  }

  BoolFact boolFact(const Expr& e) {
    BoolFact b;
    switch (e.op) {
      case Op::Const:
        if (e.type.base == ir::BaseType::Bool) {
          b.canTrue = e.constant.asBool();
          b.canFalse = !e.constant.asBool();
        }
        return b;
      case Op::Not: {
        BoolFact a = boolFact(*e.args[0]);
        return BoolFact{a.canFalse, a.canTrue};
      }
      case Op::And: {
        BoolFact x = boolFact(*e.args[0]), y = boolFact(*e.args[1]);
        return BoolFact{x.canTrue && y.canTrue, x.canFalse || y.canFalse};
      }
      case Op::Or: {
        BoolFact x = boolFact(*e.args[0]), y = boolFact(*e.args[1]);
        return BoolFact{x.canTrue || y.canTrue, x.canFalse && y.canFalse};
      }
      case Op::Compare: {
        if (!e.args[0]->type.isNumeric()) return b;
        Interval x = fact(*e.args[0]).range, y = fact(*e.args[1]).range;
        auto lt = [](const Interval& p, const Interval& q) { return p.hi && q.lo && *p.hi < *q.lo; };   // always p < q
        auto le = [](const Interval& p, const Interval& q) { return p.hi && q.lo && *p.hi <= *q.lo; };  // always p <= q
        switch (e.cmp) {
          case ir::CompareOp::Lt: return BoolFact{!le(y, x), !lt(x, y)};
          case ir::CompareOp::Le: return BoolFact{!lt(y, x), !le(x, y)};
          case ir::CompareOp::Gt: return BoolFact{!le(x, y), !lt(y, x)};
          case ir::CompareOp::Ge: return BoolFact{!lt(x, y), !le(y, x)};
          case ir::CompareOp::Eq: return BoolFact{!(lt(x, y) || lt(y, x)), true};
          case ir::CompareOp::Ne: return BoolFact{true, !(lt(x, y) || lt(y, x))};
        }
        return b;
      }
      default: return b;
    }
  }

  // A row attribute, possibly converted to decimal.
  static int rowAttrOf(const Expr& e) {
    if (e.op == Op::ToDecimal) return rowAttrOf(*e.args[0]);
    return e.op == Op::RowAttr ? static_cast<int>(e.index) : -1;
  }

  // What a rule's condition says about the row's attributes, for its amounts:
  // `满意率 < 90%` bounds 满意率, `已进驻 < 应进驻` orders the two.
  void narrow(const Expr* condition) {
    narrowed_.clear();
    less_.clear();
    if (!condition) return;
    std::function<void(const Expr&)> visit = [&](const Expr& e) {
      if (e.op == Op::And) {
        visit(*e.args[0]);
        visit(*e.args[1]);
        return;
      }
      if (e.op != Op::Compare || !e.args[0]->type.isNumeric()) return;
      ir::CompareOp op = e.cmp;
      int a = rowAttrOf(*e.args[0]), b = rowAttrOf(*e.args[1]);
      if (a >= 0 && b >= 0) {
        if (op == ir::CompareOp::Lt || op == ir::CompareOp::Le) less_.insert({a, b});
        if (op == ir::CompareOp::Gt || op == ir::CompareOp::Ge) less_.insert({b, a});
        return;
      }
      const Expr* attr = a >= 0 ? e.args[0].get() : b >= 0 ? e.args[1].get() : nullptr;
      const Expr* other = a >= 0 ? e.args[1].get() : e.args[0].get();
      if (!attr || (other->op != Op::Const && !(other->op == Op::ToDecimal && other->args[0]->op == Op::Const))) return;
      Decimal c = constantOf(other->op == Op::Const ? *other : *other->args[0]);
      if (b >= 0) {  // c op attr: flip
        static const ir::CompareOp flipped[] = {ir::CompareOp::Eq, ir::CompareOp::Ne, ir::CompareOp::Gt,
                                                ir::CompareOp::Ge, ir::CompareOp::Lt, ir::CompareOp::Le};
        op = flipped[static_cast<int>(op)];
      }
      Interval x;
      switch (op) {
        case ir::CompareOp::Lt: x.hi = c, x.hiOpen = true; break;
        case ir::CompareOp::Le: x.hi = c; break;
        case ir::CompareOp::Gt: x.lo = c, x.loOpen = true; break;
        case ir::CompareOp::Ge: x.lo = c; break;
        case ir::CompareOp::Eq: x = Interval::point(c); break;
        case ir::CompareOp::Ne: return;
      }
      uint32_t index = static_cast<uint32_t>(rowAttrOf(*attr));
      auto it = narrowed_.find(index);
      narrowed_[index] = it == narrowed_.end() ? x : intersect(it->second, x);
    };
    visit(*condition);
  }

  // ---- figures

  Fact figureFact(uint32_t index) {
    const ir::Figure& fig = s_.figures[index];
    if (!fig.type.isNumeric()) return Fact{};
    Fact r;
    std::optional<Interval> floor, cap;
    if (fig.floor) floor = fact(*fig.floor).range;
    if (fig.cap) cap = fact(*fig.cap).range;
    switch (fig.kind) {
      case ir::FigureKind::Formula:
      case ir::FigureKind::Grouped:
        r = fact(*fig.expr);
        break;
      case ir::FigureKind::Score: {
        r = fig.base ? fact(*fig.base) : Fact{Interval::point(Decimal::zero()), 0};
        for (const ir::Rule& rule : fig.rules) {
          if (rule.condition && !boolFact(*rule.condition).canTrue) continue;
          narrow(rule.kind == ir::RuleKind::Each ? rule.condition.get() : nullptr);
          for (const ir::Effect& e : rule.effects) {
            Fact amount = fact(*e.amount);
            if (e.sign == ir::EffectSign::Deduct) amount.range = neg(amount.range);
            // How many times it can apply: unbounded for each event or from other subjects,
            // once per window, or once.
            Interval times;
            times.lo = Decimal::zero();
            if (rule.kind == ir::RuleKind::When && e.relation < 0) times.hi = Decimal::one();
            if (rule.kind == ir::RuleKind::Window && e.relation < 0) times.hi = Decimal::fromInt(windowsPerPeriod());
            Interval contribution = mul(amount.range, times);
            r.range = Interval::sum(r.range, contribution);
            r.places = r.places < 0 || amount.places < 0 ? -1 : std::max(r.places, amount.places);
          }
          narrow(nullptr);
        }
        break;
      }
      case ir::FigureKind::Rank:
        r.range.lo = Decimal::one();
        r.places = 0;
        break;
      default: break;
    }
    r.range = clampTo(r.range, floor ? &*floor : nullptr, cap ? &*cap : nullptr);
    for (const ir::Adjustment& a : fig.adjustments)
      if (a.kind == ir::AdjustmentKind::Veto && a.replacement) r.range = hull(r.range, fact(*a.replacement).range);
    return r;
  }

  int windowsPerPeriod() const {
    switch (s_.period) {
      case ir::PeriodKind::Year: return 12;
      case ir::PeriodKind::HalfYear: return 6;
      case ir::PeriodKind::Quarter: return 3;
      case ir::PeriodKind::Month: return 1;
    }
    return 12;
  }

  // ---- checks

  void checkDeclaredBounds(uint32_t index) {
    const ir::Figure& fig = s_.figures[index];
    const Fact& f = figures_[index];
    if (fig.declaredMax && fig.declaredMax->op == Op::Const) {
      Decimal max = constantOf(*fig.declaredMax);
      if (!f.range.hi || *f.range.hi > max) {
        std::string reach = f.range.hi ? showValue(*f.range.hi, fig.type) : bilingual("any value (it has no upper bound)", "任意值（没有上限）");
        std::string detail = fig.kind == ir::FigureKind::Grouped ? bilingual(" in one group", "（单个分组）") : "";
        Diagnostic& d = diags_.report(DiagId::ExceedsMax, fig.span, fig.name, reach, showValue(max, fig.type), detail);
        d.note(DiagId::RangeNote, fig.declaredMax->span, fig.name, f.range.describe());
      }
    }
    if (fig.declaredMin && fig.declaredMin->op == Op::Const) {
      Decimal min = constantOf(*fig.declaredMin);
      if (!f.range.lo || *f.range.lo < min) {
        std::string reach = f.range.lo ? showValue(*f.range.lo, fig.type) : "-∞";
        diags_.report(DiagId::BelowFloor, fig.span, fig.name, reach, showValue(min, fig.type));
      }
    }
    // A score that loses points and can go below 0 without a floor.
    if (fig.kind == ir::FigureKind::Score && !fig.floor && !fig.declaredMin) {
      bool deducts = false;
      for (const ir::Rule& r : fig.rules)
        for (const ir::Effect& e : r.effects) deducts |= e.sign == ir::EffectSign::Deduct;
      if (deducts && (!f.range.lo || f.range.lo->sign() < 0))
        diags_.report(DiagId::BelowFloor, fig.span, fig.name, f.range.lo ? showValue(*f.range.lo, fig.type) : "-∞", "0");
    }
  }

  // The set of values a pattern matches, as a list of intervals (for numeric tiers).
  std::optional<std::vector<Interval>> patternSet(const ir::Pattern& p) {
    std::vector<Interval> out;
    if (p.otherwise) {
      out.push_back(Interval{});
      return out;
    }
    Interval all;
    for (const ir::Bound& b : p.bounds) {
      if (b.value->op != Op::Const || (b.high && b.high->op != Op::Const)) return std::nullopt;
      Decimal v = constantOf(*b.value);
      Interval x;
      switch (b.kind) {
        case ir::Bound::Kind::Equal: x = Interval::point(v); break;
        case ir::Bound::Kind::Range: x = Interval{v, constantOf(*b.high)}; break;
        case ir::Bound::Kind::Compare:
          switch (b.op) {
            case ir::CompareOp::Ge: x.lo = v; break;
            case ir::CompareOp::Gt: x.lo = v, x.loOpen = true; break;
            case ir::CompareOp::Le: x.hi = v; break;
            case ir::CompareOp::Lt: x.hi = v, x.hiOpen = true; break;
            case ir::CompareOp::Eq: x = Interval::point(v); break;
            case ir::CompareOp::Ne: return std::nullopt;
          }
          break;
      }
      if (p.anyOf) {
        out.push_back(x);
      } else {
        all = intersect(all, x);
      }
    }
    if (!p.anyOf) out.push_back(all);
    return out;
  }

  static Interval intersect(const Interval& a, const Interval& b) {
    Interval r = a;
    if (b.lo && (!r.lo || *b.lo > *r.lo || (*b.lo == *r.lo && b.loOpen))) {
      r.lo = b.lo;
      r.loOpen = b.loOpen;
    }
    if (b.hi && (!r.hi || *b.hi < *r.hi || (*b.hi == *r.hi && b.hiOpen))) {
      r.hi = b.hi;
      r.hiOpen = b.hiOpen;
    }
    return r;
  }

  // Parts of `space` not covered by `covered` (all intervals).
  static std::vector<Interval> subtract(const std::vector<Interval>& space, const Interval& cut) {
    std::vector<Interval> out;
    for (const Interval& s : space) {
      Interval inter = intersect(s, cut);
      if (empty(inter)) {
        out.push_back(s);
        continue;
      }
      // Left part: s.lo .. cut.lo
      if (cut.lo) {
        Interval left = s;
        left.hi = cut.lo;
        left.hiOpen = !cut.loOpen;
        if (!empty(left) && (!s.lo || *s.lo < *cut.lo || (*s.lo == *cut.lo && !s.loOpen && cut.loOpen))) out.push_back(left);
      }
      if (cut.hi) {
        Interval right = s;
        right.lo = cut.hi;
        right.loOpen = !cut.hiOpen;
        if (!empty(right) && (!s.hi || *s.hi > *cut.hi || (*s.hi == *cut.hi && !s.hiOpen && cut.hiOpen))) out.push_back(right);
      }
    }
    return out;
  }

  // A value inside the interval that the figure can take (a multiple of its places).
  std::optional<Decimal> witness(const Interval& i, int places) {
    try {
      if (i.lo && i.hi) {
        Decimal mid = (*i.lo + *i.hi) / Decimal::fromInt(2);
        std::vector<Decimal> tries = {mid};
        if (places >= 0) {
          Decimal step = Decimal::one();
          for (int k = 0; k < places; ++k) step = step / Decimal::fromInt(10);
          tries = {mid.round(places, RoundingMode::HalfUp), mid.round(places, RoundingMode::Floor),
                   mid.round(places, RoundingMode::Ceiling), i.lo->round(places, RoundingMode::Floor) + step,
                   i.hi->round(places, RoundingMode::Ceiling) - step};
        }
        for (const Decimal& t : tries)
          if (i.contains(t)) return t;
        return std::nullopt;
      }
      if (i.lo) return i.loOpen ? *i.lo + Decimal::one() : *i.lo;
      if (i.hi) return i.hiOpen ? *i.hi - Decimal::one() : *i.hi;
      return Decimal::zero();
    } catch (const ArithmeticError&) {
      return std::nullopt;
    }
  }

  void checkTier(uint32_t index) {
    const ir::Figure& fig = s_.figures[index];
    if (fig.kind != ir::FigureKind::Tier || !fig.expr || !fig.expr->type.isNumeric()) return;
    const ir::EnumType& values = s_.enums[fig.type.enumId];
    Fact value = fact(*fig.expr);
    std::string valueName = fig.expr->op == Op::Figure ? s_.figures[fig.expr->index].name : text(fig.expr->span);
    std::vector<Interval> remaining = {value.range};  // values not yet matched by an arm
    std::vector<std::pair<size_t, Interval>> bounded;  // earlier arms bounded on both sides
    bool otherwise = false;
    for (size_t a = 0; a < fig.tierArms.size(); ++a) {
      const ir::Figure::TierArm& arm = fig.tierArms[a];
      const std::string& name = values.values[arm.value];
      auto set = patternSet(arm.pattern);
      if (!set) return;  // bounds that are not constants: nothing to say
      otherwise |= arm.pattern.otherwise;
      // Overlaps with earlier arms written as closed ranges.
      for (const Interval& x : *set) {
        if (x.lo && x.hi && !arm.pattern.otherwise) {
          for (auto& [b, earlier] : bounded) {
            Interval both = intersect(earlier, x);
            if (empty(both)) continue;
            if (auto w = witness(both, value.places))
              diags_.report(DiagId::TierOverlap, arm.span, values.values[fig.tierArms[b].value], name, fig.name,
                            showValue(*w, fig.expr->type));
          }
          bounded.emplace_back(a, x);
        }
      }
      // Reachable: the arm matches a value no earlier arm took.
      bool reachable = false;
      for (const Interval& r : remaining)
        for (const Interval& x : *set)
          if (!empty(intersect(r, x)) && witness(intersect(r, x), value.places)) reachable = true;
      if (!reachable) {
        diags_.report(DiagId::TierUnreachable, arm.span, name, fig.name,
                      bilingual(": ", "：") + valueName + bilingual(" ranges over ", " 的范围是 ") + value.range.describe() +
                          (a == 0 ? std::string() : bilingual(" and earlier tiers take the rest", "，其余已被前面的档次覆盖")));
      } else {
        reachable_[index].insert(arm.value);
      }
      for (const Interval& x : *set) remaining = subtract(remaining, x);
    }
    if (otherwise) return;
    for (const Interval& gap : remaining) {
      auto w = witness(gap, value.places);
      if (!w) continue;  // no value the figure can take (e.g. between 84.99 and 85 at 2 places)
      Diagnostic& d = diags_.report(DiagId::TierGap, fig.span, valueName, showValue(*w, fig.expr->type), fig.name);
      d.note(DiagId::RangeNote, fig.expr->span, valueName, value.range.describe());
    }
  }

  void checkConditions(uint32_t index) {
    const ir::Figure& fig = s_.figures[index];
    for (const ir::Rule& r : fig.rules) {
      if (!r.condition) continue;
      BoolFact b = boolFact(*r.condition);
      if (!b.canTrue)
        diags_.report(DiagId::NeverApplies, r.span, bilingual("rule", "规则"),
                      bilingual("its condition `", "条件 `") + text(r.condition->span) + bilingual("` is never true", "` 永远不成立"));
      else if (!b.canFalse)
        diags_.report(DiagId::ConditionConstant, r.condition->span, bilingual("true", "成立"), text(r.condition->span));
    }
    for (const ir::Adjustment& a : fig.adjustments) {
      const char* en = a.kind == ir::AdjustmentKind::Veto ? "veto" : a.kind == ir::AdjustmentKind::CapAtMost ? "cap" : "quota";
      const char* zh = a.kind == ir::AdjustmentKind::Veto ? "否决" : a.kind == ir::AdjustmentKind::CapAtMost ? "封顶" : "名额限制";
      if (a.condition && !boolFact(*a.condition).canTrue) {
        diags_.report(DiagId::NeverApplies, a.span, bilingual(en, zh),
                      bilingual("its condition `", "条件 `") + text(a.condition->span) + bilingual("` is never true", "` 永远不成立"));
        continue;
      }
      if (a.kind == ir::AdjustmentKind::CapAtMost && fig.type.base == ir::BaseType::Enum) {
        const ir::EnumType& e = s_.enums[fig.type.enumId];
        auto it = reachable_.find(index);
        bool above = false;
        for (uint32_t v = 0; v < e.values.size(); ++v) {
          bool canBe = it == reachable_.end() || it->second.count(v);
          if (canBe && e.ordinal(v) > e.ordinal(a.value)) above = true;
        }
        if (!above)
          diags_.report(DiagId::NeverApplies, a.span, bilingual(en, zh),
                        bilingual("no reachable value of `", "`") + fig.name + bilingual("` is above `", "` 没有可达到的取值高于 `") +
                            e.values[a.value] + "`");
      }
      if (a.kind == ir::AdjustmentKind::Quota) {
        auto it = reachable_.find(index);
        if (it != reachable_.end() && !it->second.count(a.value))
          diags_.report(DiagId::NeverApplies, a.span, bilingual(en, zh),
                        "`" + s_.enums[fig.type.enumId].values[a.value] + bilingual("` is never reached", "` 永远不会出现"));
      }
    }
    // The subject charged twice: a rule charges the subject and a relation that may hold it.
    for (const ir::Rule& r : fig.rules) {
      bool self = false;
      for (const ir::Effect& e : r.effects) self |= e.relation < 0;
      if (!self) continue;
      for (const ir::Effect& e : r.effects)
        if (e.relation > 0 && mayIncludeSelf(s_.relations[e.relation]))
          diags_.report(DiagId::RelationHasSelf, e.span, s_.relations[e.relation].name);
    }
  }

  // A filter relation that does not say `q != p` (nor compares an attribute that differs).
  bool mayIncludeSelf(const ir::Relation& r) {
    if (r.kind != ir::RelationKind::Filter || !r.body) return false;
    std::function<bool(const Expr&)> excludes = [&](const Expr& e) -> bool {
      if (e.op == Op::And) return excludes(*e.args[0]) || excludes(*e.args[1]);
      if (e.op == Op::Compare && e.cmp == ir::CompareOp::Ne && e.args[0]->op == Op::VarSubject && e.args[1]->op == Op::VarSubject)
        return e.args[0]->var != e.args[1]->var;
      return false;
    };
    return !excludes(*r.body);
  }

  // Σ wᵢ·figureᵢ with constant weights in (0, 1) that do not add up to 1.
  void checkWeights(uint32_t index) {
    const ir::Figure& fig = s_.figures[index];
    if (!fig.expr) return;
    std::function<void(const Expr&)> visit = [&](const Expr& e) {
      if (e.op == Op::Add) {
        Linear l;
        if (linear(e, Decimal::one(), l) && l.terms.size() >= 2 && l.constant.sign() == 0) {
          Decimal total;
          bool weights = true;
          for (auto& [key, w] : l.terms)
            if (w.sign() <= 0 || w >= Decimal::one()) weights = false;
            else total += w;
          if (weights && total != Decimal::one()) {
            diags_.report(DiagId::WeightsNotOne, e.span, total.toString());
            return;
          }
          if (weights) return;
        }
      }
      for (const ir::ExprPtr& a : e.args)
        if (a) visit(*a);
    };
    visit(*fig.expr);
  }

  void checkRoundBeforeClamp(uint32_t index) {
    const ir::Figure& fig = s_.figures[index];
    if (!fig.expr || fig.expr->op != Op::Round || (!fig.floor && !fig.cap)) return;
    // A floor or cap that rounding could move: it has more places than the rounding keeps.
    for (const ir::ExprPtr* bound : {&fig.floor, &fig.cap}) {
      if (!*bound || (*bound)->op != Op::Const) continue;
      if (constantOf(**bound).fractionDigits() > fig.expr->places)
        diags_.report(DiagId::RoundBeforeClamp, fig.expr->span, fig.name, constantOf(**bound).toString());
    }
  }

  void checkUnused() {
    std::set<uint32_t> kinds, attributes, params, relations, figures;
    std::set<uint16_t> enums;
    std::function<void(const Expr&)> visit = [&](const Expr& e) {
      switch (e.op) {
        case Op::SubjectAttr:
        case Op::VarAttr:
        case Op::GroupSize: attributes.insert(e.index); break;
        case Op::Param: params.insert(e.index); break;
        case Op::Figure:
        case Op::GroupedAgg: figures.insert(e.index); break;
        case Op::RelationAgg: relations.insert(e.index); break;
        case Op::EventAgg: {
          const ir::Aggregate& a = s_.aggregates[e.index];
          kinds.insert(a.kind);
          for (const ir::ExprPtr* x : {&a.value, &a.weight, &a.filter})
            if (*x) visit(**x);
          break;
        }
        default: break;
      }
      if (e.type.base == ir::BaseType::Enum) enums.insert(e.type.enumId);
      for (const ir::ExprPtr& a : e.args)
        if (a) visit(*a);
      for (const ir::CaseArm& arm : e.arms) {
        visit(*arm.result);
        for (const ir::Bound& b : arm.pattern.bounds) {
          visit(*b.value);
          if (b.high) visit(*b.high);
        }
      }
    };
    for (const ir::Figure& f : s_.figures) {
      for (const ir::ExprPtr* x : {&f.expr, &f.base, &f.floor, &f.cap})
        if (*x) visit(**x);
      for (const ir::Rule& r : f.rules) {
        if (r.kind == ir::RuleKind::Each) kinds.insert(r.eventKind);
        if (r.condition) visit(*r.condition);
        for (const ir::Effect& e : r.effects) {
          visit(*e.amount);
          if (e.relation >= 0) relations.insert(static_cast<uint32_t>(e.relation));
        }
      }
      for (const ir::Figure::TierArm& a : f.tierArms)
        for (const ir::Bound& b : a.pattern.bounds) visit(*b.value);
      for (const ir::Adjustment::Key& k : f.rankKeys) visit(*k.key);
      if (f.rankWithin >= 0) attributes.insert(static_cast<uint32_t>(f.rankWithin));
      for (const ir::Figure::Condition& c : f.conditions) visit(*c.condition);
      for (const ir::Adjustment& a : f.adjustments) {
        for (const ir::ExprPtr* x : {&a.replacement, &a.condition, &a.count})
          if (*x) visit(**x);
        for (const ir::Adjustment::Key& k : a.keys) visit(*k.key);
        if (a.groupAttr >= 0) attributes.insert(static_cast<uint32_t>(a.groupAttr));
      }
      if (f.kind == ir::FigureKind::Grouped) kinds.insert(f.groupKind);
    }
    for (const ir::Relation& r : s_.relations)
      if (r.body) visit(*r.body);
    for (const ir::Constraint& c : s_.constraints) {
      if (c.when) visit(*c.when);
      if (c.condition) visit(*c.condition);
      if (c.groupAttr >= 0) attributes.insert(static_cast<uint32_t>(c.groupAttr));
    }
    for (const ir::Alert& a : s_.alerts) visit(*a.condition);
    for (uint32_t f : s_.outputs) figures.insert(f);
    for (const ir::Figure& f : s_.figures)
      if (f.kind == ir::FigureKind::CondReasons) figures.insert(f.partner);
    for (uint32_t k = 0; k < s_.eventKinds.size(); ++k)
      if (!kinds.count(k)) diags_.report(DiagId::Unused, s_.eventKinds[k].span, bilingual("event kind", "事件类型"), s_.eventKinds[k].name);
    for (uint32_t a = 0; a < s_.subjectAttributes.size(); ++a)
      if (!s_.subjectAttributes[a].builtin && !attributes.count(a))
        diags_.report(DiagId::Unused, s_.subjectAttributes[a].span, bilingual("attribute", "属性"), s_.subjectAttributes[a].name);
    for (uint32_t p = 0; p < s_.params.size(); ++p)
      if (!params.count(p)) diags_.report(DiagId::Unused, s_.params[p].span, bilingual("parameter", "参数"), s_.params[p].name);
    for (uint32_t r = 1; r < s_.relations.size(); ++r)
      if (!relations.count(r)) diags_.report(DiagId::Unused, s_.relations[r].span, bilingual("relation", "关系"), s_.relations[r].name);
    for (uint32_t f = 0; f < s_.figures.size(); ++f)
      if (!figures.count(f) && s_.figures[f].kind != ir::FigureKind::CondReasons)
        diags_.report(DiagId::Unused, s_.figures[f].span, bilingual("figure", "指标"), s_.figures[f].name);
  }

  const ir::Scheme& s_;
  const SourceManager& sources_;
  Diagnostics& diags_;
  std::vector<Fact> figures_;
  std::map<uint32_t, std::set<uint32_t>> reachable_;  // tier figure → values some value reaches
  std::map<uint32_t, Interval> narrowed_;             // row attribute → range under the rule's condition
  std::set<std::pair<int, int>> less_;                // row attributes (x, y) with x < y under the condition
};

}  // namespace

std::vector<Fact> analyze(const ir::Scheme& scheme, const SourceManager& sources, Diagnostics& diags) {
  return Analyzer(scheme, sources, diags).run();
}

}  // namespace kaoping::analysis
