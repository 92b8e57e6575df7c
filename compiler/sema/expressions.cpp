// The expression half of the checker: names, operators, calls and aggregates.
#include <algorithm>

#include "compiler/sema/checker.h"
#include "compiler/support/date.h"
#include "compiler/support/utf8.h"

namespace kaoping::sema {

using B = ir::BaseType;

namespace {

ir::CompareOp toIr(ast::CompareOp op) { return static_cast<ir::CompareOp>(static_cast<int>(op)); }

// Edit distance over code points, for "did you mean".
size_t distance(const std::string& a, const std::string& b) {
  std::vector<char32_t> x, y;
  for (size_t i = 0; i < a.size();) x.push_back(utf8::decode(a, i));
  for (size_t i = 0; i < b.size();) y.push_back(utf8::decode(b, i));
  std::vector<size_t> prev(y.size() + 1), cur(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= y.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[y.size()];
}

// Chinese keywords a name may have swallowed when written without a space (`扣当事人`).
const char* kGluedKeywords[] = {"每", "扣", "加", "从", "给", "当", "其中", "且", "或", "非", "属于", "如果", "那么", "否则", "按", "默认"};

}  // namespace

using Interval = ir::Interval;

// ---------------------------------------------------------------------------- helpers

ir::ExprPtr Checker::error(Span span) { return std::make_unique<ir::Expr>(ir::Op::Const, ir::Type{}, span); }

ir::ExprPtr Checker::constant(ir::Type t, Value v, Span span) {
  auto e = std::make_unique<ir::Expr>(ir::Op::Const, t, span);
  e->constant = v;
  if (t.isNumeric() && !v.absent)
    e->range = Interval::point(t.base == B::Int ? Decimal::fromInt(v.asInt()) : v.asDecimal());
  return e;
}

std::optional<ir::Type> Checker::unify(const ir::Type& a, const ir::Type& b) const {
  bool opt = a.optional || b.optional;
  if (a.base == B::Error || b.base == B::Error) return ir::Type{};
  if (a.sameAs(b)) return a.withOptional(opt);
  if ((a.base == B::Int && b.base == B::Decimal) || (a.base == B::Decimal && b.base == B::Int))
    return ir::Type::of(B::Decimal).withOptional(opt);
  return std::nullopt;
}

// `e` is taken by rvalue reference, not by value: callers write
// convert(std::move(x), T.withOptional(x->type.optional)), and a by-value parameter may be
// initialised (x emptied) before the other argument reads x (clang does so).
ir::ExprPtr Checker::convert(ir::ExprPtr&& e, const ir::Type& to) {
  if (!e || isError(e)) return std::move(e);
  if (e->type.base == B::Int && to.base == B::Decimal) {
    if (e->op == ir::Op::Const && !e->constant.absent) {
      auto c = constant(ir::Type::of(B::Decimal).withOptional(e->type.optional),
                        Value::ofDecimal(Decimal::fromInt(e->constant.asInt())), e->span);
      return c;
    }
    auto c = std::make_unique<ir::Expr>(ir::Op::ToDecimal, ir::Type::of(B::Decimal).withOptional(e->type.optional), e->span);
    c->range = e->range;
    c->absentWhy = e->absentWhy;
    c->args.push_back(std::move(e));
    return c;
  }
  return std::move(e);
}

bool Checker::requireDefinite(const ir::ExprPtr& e, const std::string& what) {
  if (isError(e) || !e->type.optional) return true;
  diags_.report(DiagId::MaybeAbsent, e->span, what, e->absentWhy.empty() ? bilingual("it has no value in some cases", "某些情况下没有值") : e->absentWhy);
  return false;
}

void Checker::suggest(Diagnostic& d, const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t bestDistance = SIZE_MAX;
  size_t len = utf8::countCodePoints(name);
  for (const std::string& c : candidates) {
    size_t dist = distance(name, c);
    if (dist < bestDistance) {
      bestDistance = dist;
      best = c;
    }
  }
  if (!best.empty() && bestDistance > 0 && bestDistance <= std::max<size_t>(1, len / 3)) d.note(DiagId::DidYouMean, Span{}, best);
}

std::vector<std::string> Checker::visibleNames(const Ctx& ctx) const {
  std::vector<std::string> out;
  if (ctx.scope == Scope::Row && ctx.eventKind >= 0)
    for (const ir::Attribute& a : ir_->eventKinds[ctx.eventKind].attributes) out.push_back(a.name);
  for (const ir::Attribute& a : ir_->subjectAttributes) out.push_back(a.name);
  for (const ir::Param& p : ir_->params) out.push_back(p.name);
  for (const ir::Figure& f : ir_->figures) out.push_back(f.name);
  for (const ir::Relation& r : ir_->relations) out.push_back(r.name);
  for (const ir::EventKind& k : ir_->eventKinds) out.push_back(k.name);
  return out;
}

uint32_t Checker::internAggregate(ir::Aggregate agg) {
  std::string key = std::to_string(static_cast<int>(agg.op)) + "|" + std::to_string(agg.kind) + "|" +
                    std::to_string(static_cast<int>(agg.window)) + "|" + std::to_string(agg.groupedBy) + "|" +
                    (agg.value ? ir::printExpr(*ir_, *agg.value) : "") + "|" +
                    (agg.weight ? ir::printExpr(*ir_, *agg.weight) : "") + "|" +
                    (agg.filter ? ir::printExpr(*ir_, *agg.filter) : "");
  auto it = aggregateIndex_.find(key);
  if (it != aggregateIndex_.end()) return it->second;
  ir_->aggregates.push_back(std::move(agg));
  uint32_t index = static_cast<uint32_t>(ir_->aggregates.size() - 1);
  aggregateIndex_.emplace(key, index);
  return index;
}

ir::ExprPtr Checker::checkDefinite(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  ir::ExprPtr x = check(e, ctx, hint);
  if (!requireDefinite(x, "`" + std::string(sources_.text(e.span)) + "`")) return error(e.span);
  return x;
}

ir::ExprPtr Checker::checkCondition(const ast::Expr& e, const Ctx& ctx) {
  ir::Type boolType = ir::Type::of(B::Bool);
  ir::ExprPtr x = check(e, ctx, &boolType);
  if (isError(x)) return x;
  if (x->type.base != B::Bool) {
    diags_.report(DiagId::TypeMismatch, e.span, bilingual("a condition (是/否)", "条件（是/否）"), typeName(x->type));
    return error(e.span);
  }
  if (!requireDefinite(x, bilingual("the condition", "该条件"))) return error(e.span);
  return x;
}

ir::ExprPtr Checker::checkAmount(const ast::Expr& e, const Ctx& ctx) {
  ir::ExprPtr x = check(e, ctx);
  if (isError(x)) return x;
  if (!x->type.isNumeric()) {
    diags_.report(DiagId::TypeMismatch, e.span, bilingual("a number", "数值"), typeName(x->type));
    return error(e.span);
  }
  if (!requireDefinite(x, bilingual("the amount", "该分值"))) return error(e.span);
  return x;
}

// ---------------------------------------------------------------------------- dispatch

ir::ExprPtr Checker::check(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  if (checkDepth_ >= kMaxCheckDepth) {
    if (!tooDeepReported_) {
      tooDeepReported_ = true;
      std::string through = resolving_.empty() ? std::string(sources_.text(e.span)) : ir_->figures[resolving_.back()].name;
      diags_.report(DiagId::DefinitionsTooDeep, e.span, kMaxCheckDepth, through);
    }
    return error(e.span);
  }
  ++checkDepth_;
  struct Leave {
    size_t& depth;
    ~Leave() { --depth; }
  } leave{checkDepth_};
  return checkAt(e, ctx, hint);
}

ir::ExprPtr Checker::checkAt(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  switch (e.kind) {
    case ast::ExprKind::Number:
    case ast::ExprKind::Percent:
    case ast::ExprKind::Money:
    case ast::ExprKind::String:
    case ast::ExprKind::Bool:
    case ast::ExprKind::Date:
      return checkLiteral(e);
    case ast::ExprKind::Name: return checkName(e, ctx, hint);
    case ast::ExprKind::Member: return checkMember(e, ctx);
    case ast::ExprKind::Unary: {
      ir::ExprPtr x = check(*e.lhs, ctx, hint);
      if (isError(x)) return x;
      if (!x->type.isNumeric()) {
        diags_.report(DiagId::OperandTypes, e.span, std::string(1, e.unaryOp), typeName(x->type), typeName(x->type));
        return error(e.span);
      }
      if (e.unaryOp == '+') return x;
      auto n = std::make_unique<ir::Expr>(ir::Op::Neg, x->type, e.span);
      if (x->range.lo) n->range.hi = -*x->range.lo;
      if (x->range.hi) n->range.lo = -*x->range.hi;
      n->absentWhy = x->absentWhy;
      n->args.push_back(std::move(x));
      return n;
    }
    case ast::ExprKind::Binary: return checkBinary(e, ctx);
    case ast::ExprKind::Compare: return checkCompare(e, ctx);
    case ast::ExprKind::Default: return checkDefault(e, ctx, hint);
    case ast::ExprKind::In: return checkIn(e, ctx);
    case ast::ExprKind::Not:
    case ast::ExprKind::And:
    case ast::ExprKind::Or: return checkLogic(e, ctx);
    case ast::ExprKind::Call: return checkCall(e, ctx, hint);
    case ast::ExprKind::If: return checkIf(e, ctx, hint);
    case ast::ExprKind::Case: return checkCase(e, ctx, hint);
  }
  return error(e.span);
}

ir::ExprPtr Checker::checkLiteral(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::Number: {
      if (e.text.find('.') == std::string::npos && e.text.size() <= 18)
        return constant(ir::Type::of(B::Int), Value::ofInt(std::stoll(e.text)), e.span);
      Decimal::ParseError why{};
      auto d = Decimal::parse(e.text, &why);
      if (!d) {
        diags_.report(DiagId::BadNumber, e.span, e.text,
                      why == Decimal::ParseError::TooManyFractionDigits ? bilingual("more than 18 decimal places", "小数位超过 18 位")
                                                                        : bilingual("too large", "数值过大"));
        return error(e.span);
      }
      return constant(ir::Type::of(B::Decimal), Value::ofDecimal(*d), e.span);
    }
    case ast::ExprKind::Percent:
    case ast::ExprKind::Money: {
      auto d = Decimal::parse(e.text);
      if (!d) {
        diags_.report(DiagId::BadNumber, e.span, e.text, bilingual("too large or too precise", "数值过大或过于精确"));
        return error(e.span);
      }
      if (e.kind == ast::ExprKind::Percent) return constant(ir::Type::of(B::Percent), Value::ofDecimal(*d / Decimal::fromInt(100)), e.span);
      return constant(ir::Type::of(B::Money), Value::ofDecimal(*d), e.span);
    }
    case ast::ExprKind::String: {
      auto c = constant(ir::Type::of(B::String), Value{}, e.span);
      c->text = e.text;
      return c;
    }
    case ast::ExprKind::Bool: return constant(ir::Type::of(B::Bool), Value::ofBool(e.boolValue), e.span);
    case ast::ExprKind::Date: {
      auto days = date::parse(e.text);
      if (!days) {
        diags_.report(DiagId::BadDate, e.span, e.text);
        return error(e.span);
      }
      return constant(ir::Type::of(B::Date), Value::ofDate(*days), e.span);
    }
    default: return error(e.span);
  }
}

// ---------------------------------------------------------------------------- names

ir::ExprPtr Checker::checkName(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  const std::string& name = e.text;
  // A value of the enum the context expects.
  if (hint && hint->base == B::Enum) {
    if (auto v = ir_->enums[hint->enumId].find(name)) {
      auto c = constant(ir::Type::enumeration(hint->enumId), Value::ofIndex(*v), e.span);
      c->text = name;
      return c;
    }
  }
  if (ctx.scope == Scope::Row && ctx.eventKind >= 0) {
    int attr = eventAttrByName(ctx.eventKind, name);
    if (attr >= 0) {
      const ir::Attribute& a = ir_->eventKinds[ctx.eventKind].attributes[attr];
      auto x = std::make_unique<ir::Expr>(ir::Op::RowAttr, a.type.withOptional(a.optional && !a.defaultValue), e.span);
      x->index = static_cast<uint32_t>(attr);
      x->text = name;
      x->range = a.range;
      if (x->type.optional) x->absentWhy = bilingual("the attribute is optional and may be empty", "该属性可缺，可能为空");
      return x;
    }
  }
  if (ctx.scope == Scope::Relation) {
    for (uint8_t v = 0; v < 2; ++v) {
      if (!relationVars_[v].empty() && name == relationVars_[v] && (v == 0 || ctx.candidate)) {
        auto x = std::make_unique<ir::Expr>(ir::Op::VarSubject, ir::Type::of(B::Subject), e.span);
        x->var = v;
        x->text = name;
        return x;
      }
    }
  }
  if (oneOf(name, {"subject", "本人"}) && (ctx.scope == Scope::Row || ctx.scope == Scope::Subject) && !ctx.groupConstraint) {
    auto x = std::make_unique<ir::Expr>(ir::Op::CurrentSubject, ir::Type::of(B::Subject), e.span);
    x->text = name;
    return x;
  }
  if (int p = paramByName(name); p >= 0) {
    const ir::Param& param = ir_->params[p];
    auto x = std::make_unique<ir::Expr>(ir::Op::Param, param.type, e.span);
    x->index = static_cast<uint32_t>(p);
    x->text = name;
    x->range = param.range;
    if (param.type.optional) x->absentWhy = bilingual("the parameter is optional and may not be given", "该参数可缺，运行时可能未给出");
    return x;
  }
  if (int a = attributeByName(name); a >= 0) {
    if (ctx.scope == Scope::Relation) {
      diags_.report(DiagId::RelationVarAttr, e.span, relationVars_[0], name, relationVars_[1].empty() ? relationVars_[0] : relationVars_[1]);
      return error(e.span);
    }
    if (ctx.scope == Scope::Cohort || ctx.groupConstraint) {
      if (ctx.groupConstraint) {
        diags_.report(DiagId::GroupConstraintTerm, e.span, ir_->subjectAttributes[ctx.groupAttr].name,
                      bilingual("the attribute `", "属性 `") + name + "`");
        return error(e.span);
      }
      diags_.report(DiagId::NeedsSubject, e.span, "`" + name + "`");
      return error(e.span);
    }
    const ir::Attribute& attr = ir_->subjectAttributes[a];
    auto x = std::make_unique<ir::Expr>(ir::Op::SubjectAttr, attr.type.withOptional(attr.optional && !attr.defaultValue), e.span);
    x->index = static_cast<uint32_t>(a);
    x->text = name;
    x->range = attr.range;
    if (x->type.optional) x->absentWhy = bilingual("the roster attribute is optional and may be empty", "名册属性可缺，可能为空");
    return x;
  }
  if (int f = figureByName(name); f >= 0) {
    if (ctx.scope == Scope::Row) {
      diags_.report(DiagId::NotInRowContext, e.span, bilingual("the figure `", "指标 `") + name + "`");
      return error(e.span);
    }
    if (ctx.inConstraint) {
      diags_.report(DiagId::ConstraintUsesFigure, e.span, name);
      return error(e.span);
    }
    if (ctx.scope != Scope::Subject) {
      diags_.report(DiagId::NeedsSubject, e.span, bilingual("the figure `", "指标 `") + name + "`");
      return error(e.span);
    }
    addDependency(ctx, static_cast<uint32_t>(f), e.span);
    const ir::Figure& fig = ir_->figures[f];
    if (fig.kind == ir::FigureKind::Grouped) {
      diags_.report(DiagId::TypeMismatch, e.span, bilingual("one value", "单个值"),
                    bilingual("a figure per group; aggregate it, e.g. sum(", "分组指标；请汇总，例如 sum(") + name + ")");
      return error(e.span);
    }
    auto x = std::make_unique<ir::Expr>(ir::Op::Figure, fig.type, e.span);
    x->index = static_cast<uint32_t>(f);
    x->text = name;
    if (fig.expr && fig.kind == ir::FigureKind::Formula) x->range = fig.expr->range;
    if (fig.type.optional) x->absentWhy = fig.expr ? fig.expr->absentWhy : std::string();
    return x;
  }
  if (relationByName(name) >= 0) {
    diags_.report(DiagId::RelationIsSet, e.span, name);
    return error(e.span);
  }
  if (kindByName(name) >= 0) {
    diags_.report(DiagId::NameIsKind, e.span, name);
    return error(e.span);
  }
  // An enum value without an expected type: accept it when only one enum has it.
  std::vector<uint16_t> owners;
  for (uint16_t i = 0; i < ir_->enums.size(); ++i)
    if (ir_->enums[i].find(name)) owners.push_back(i);
  if (owners.size() == 1) {
    auto c = constant(ir::Type::enumeration(owners[0]), Value::ofIndex(*ir_->enums[owners[0]].find(name)), e.span);
    c->text = name;
    return c;
  }
  if (owners.size() > 1) {
    std::string list;
    for (uint16_t o : owners) list += (list.empty() ? "" : ", ") + ir_->enums[o].name;
    diags_.report(DiagId::AmbiguousValue, e.span, name, list);
    return error(e.span);
  }
  for (const char* kw : kGluedKeywords) {
    std::string k(kw);
    if (name.size() > k.size() && name.compare(0, k.size(), k) == 0) {
      std::string rest = name.substr(k.size());
      bool known = attributeByName(rest) >= 0 || figureByName(rest) >= 0 || relationByName(rest) >= 0 ||
                   kindByName(rest) >= 0 || paramByName(rest) >= 0 ||
                   (ctx.scope == Scope::Row && eventAttrByName(ctx.eventKind, rest) >= 0);
      for (const ir::EnumType& en : ir_->enums) known = known || en.find(rest).has_value();
      if (known) {
        diags_.report(DiagId::KeywordGlued, e.span, name, k + " " + rest).fix(e.span, k + " " + rest);
        return error(e.span);
      }
    }
  }
  Diagnostic& d = diags_.report(DiagId::UnknownName, e.span, name);
  std::vector<std::string> names = visibleNames(ctx);
  if (hint && hint->base == B::Enum) {
    for (const std::string& v : ir_->enums[hint->enumId].values) names.push_back(v);
    d.note(DiagId::ValuesAre, ir_->enums[hint->enumId].span, ir_->enums[hint->enumId].name,
           [&] {
             std::string s;
             for (const std::string& v : ir_->enums[hint->enumId].values) s += (s.empty() ? "" : ", ") + v;
             return s;
           }());
  }
  suggest(d, name, names);
  return error(e.span);
}

ir::ExprPtr Checker::checkMember(const ast::Expr& e, const Ctx& ctx) {
  const ast::Expr& object = *e.lhs;
  const std::string& member = e.text;
  if (object.kind == ast::ExprKind::Name) {
    const std::string& o = object.text;
    if (ctx.scope == Scope::Relation) {
      for (uint8_t v = 0; v < 2; ++v) {
        if (relationVars_[v].empty() || o != relationVars_[v] || (v == 1 && !ctx.candidate)) continue;
        int a = attributeByName(member);
        if (a < 0) {
          Diagnostic& d = diags_.report(DiagId::UnknownAttribute, e.nameSpan, member, o);
          std::vector<std::string> names;
          for (const ir::Attribute& at : ir_->subjectAttributes) names.push_back(at.name);
          suggest(d, member, names);
          return error(e.span);
        }
        const ir::Attribute& attr = ir_->subjectAttributes[a];
        auto x = std::make_unique<ir::Expr>(ir::Op::VarAttr, attr.type.withOptional(attr.optional && !attr.defaultValue), e.span);
        x->index = static_cast<uint32_t>(a);
        x->var = v;
        x->text = o + "." + member;
        x->range = attr.range;
        return x;
      }
    }
    if (oneOf(o, {"subject", "本人"}) && (ctx.scope == Scope::Row || ctx.scope == Scope::Subject)) {
      ast::Expr name(ast::ExprKind::Name, e.span);
      name.text = member;
      Ctx subjectCtx = ctx;
      subjectCtx.scope = ctx.scope == Scope::Row ? Scope::Subject : ctx.scope;
      if (ctx.scope == Scope::Row && attributeByName(member) < 0) {
        diags_.report(DiagId::NotInRowContext, e.span, "`" + o + "." + member + "`");
        return error(e.span);
      }
      subjectCtx.eventKind = -1;
      return checkName(name, subjectCtx, nullptr);
    }
    if (kindByName(o) >= 0) {
      diags_.report(DiagId::NameIsKind, object.span, o);
      return error(e.span);
    }
    if (relationByName(o) >= 0) {
      diags_.report(DiagId::RelationIsSet, object.span, o);
      return error(e.span);
    }
  }
  ir::ExprPtr x = check(object, ctx);
  if (isError(x)) return x;
  diags_.report(DiagId::UnknownAttribute, e.nameSpan, member, std::string(sources_.text(object.span)));
  return error(e.span);
}

// ---------------------------------------------------------------------------- operators

ir::ExprPtr Checker::checkBinary(const ast::Expr& e, const Ctx& ctx) {
  ir::ExprPtr a = check(*e.lhs, ctx);
  ir::ExprPtr b = check(*e.rhs, ctx);
  if (isError(a) || isError(b)) return error(e.span);
  static const char* opText[] = {"+", "-", "×", "/"};
  const char* sym = opText[static_cast<int>(e.binaryOp)];
  bool opt = a->type.optional || b->type.optional;
  std::string why = a->type.optional ? a->absentWhy : b->absentWhy;
  B ta = a->type.base, tb = b->type.base;
  auto plain = [](B t) { return t == B::Int || t == B::Decimal; };
  if (!a->type.isNumeric() || !b->type.isNumeric()) {
    diags_.report(DiagId::OperandTypes, e.span, sym, typeName(a->type), typeName(b->type));
    return error(e.span);
  }
  std::optional<B> result;
  switch (e.binaryOp) {
    case ast::BinaryOp::Add:
    case ast::BinaryOp::Sub:
      if (plain(ta) && plain(tb)) result = (ta == B::Int && tb == B::Int) ? B::Int : B::Decimal;
      else if (ta == tb) result = ta;
      break;
    case ast::BinaryOp::Mul:
      if (plain(ta) && plain(tb)) result = (ta == B::Int && tb == B::Int) ? B::Int : B::Decimal;
      else if (ta == B::Money && plain(tb)) result = B::Money;
      else if (plain(ta) && tb == B::Money) result = B::Money;
      else if ((ta == B::Percent && plain(tb)) || (plain(ta) && tb == B::Percent)) result = B::Decimal;
      else if ((ta == B::Percent && tb == B::Money) || (ta == B::Money && tb == B::Percent)) result = B::Money;
      else if (ta == B::Percent && tb == B::Percent) result = B::Percent;
      break;
    case ast::BinaryOp::Div:
      if (plain(ta) && plain(tb)) result = B::Decimal;
      else if (ta == B::Money && plain(tb)) result = B::Money;
      else if (ta == B::Money && tb == B::Money) result = B::Decimal;
      else if (ta == B::Percent && tb == B::Percent) result = B::Decimal;
      else if (ta == B::Percent && plain(tb)) result = B::Percent;
      else if (plain(ta) && tb == B::Percent) result = B::Decimal;
      break;
  }
  if (!result) {
    // Mixing is when one side is a plain number; two amounts of money multiplied is not.
    bool onePlain = plain(ta) || plain(tb);
    DiagId id = onePlain && (ta == B::Money || tb == B::Money)     ? DiagId::MixedMoney
                : onePlain && (ta == B::Percent || tb == B::Percent) ? DiagId::MixedPercent
                                                                      : DiagId::OperandTypes;
    if (id == DiagId::OperandTypes) diags_.report(id, e.span, sym, typeName(a->type), typeName(b->type));
    else diags_.report(id, e.span, sym);
    return error(e.span);
  }
  ir::Type rt = ir::Type::of(*result).withOptional(opt);
  // Int operands of a decimal operation become decimals explicitly.
  if (*result == B::Decimal || *result == B::Money || *result == B::Percent) {
    a = convert(std::move(a), ir::Type::of(B::Decimal).withOptional(a->type.optional));
    b = convert(std::move(b), ir::Type::of(B::Decimal).withOptional(b->type.optional));
  }
  static const ir::Op ops[] = {ir::Op::Add, ir::Op::Sub, ir::Op::Mul, ir::Op::Div};
  auto x = std::make_unique<ir::Expr>(ops[static_cast<int>(e.binaryOp)], rt, e.span);
  x->absentWhy = why;
  switch (e.binaryOp) {
    case ast::BinaryOp::Add: x->range = ir::Interval::sum(a->range, b->range); break;
    case ast::BinaryOp::Sub: x->range = ir::Interval::sum(a->range, b->range, true); break;
    case ast::BinaryOp::Mul:
      try {
        const Interval& ra = a->range;
        const Interval& rb = b->range;
        if (ra.lo && ra.hi && rb.lo && rb.hi) {
          Decimal c[4] = {*ra.lo * *rb.lo, *ra.lo * *rb.hi, *ra.hi * *rb.lo, *ra.hi * *rb.hi};
          x->range.lo = *std::min_element(c, c + 4);
          x->range.hi = *std::max_element(c, c + 4);
        } else if (ra.lo && rb.lo && ra.lo->sign() >= 0 && rb.lo->sign() >= 0) {
          x->range.lo = *ra.lo * *rb.lo;
        }
      } catch (const ArithmeticError&) {
        x->range = Interval{};
      }
      break;
    case ast::BinaryOp::Div:
      if (b->op == ir::Op::Const && !b->constant.absent &&
          (b->type.base == B::Int ? b->constant.asInt() == 0 : b->constant.asDecimal().sign() == 0)) {
        diags_.report(DiagId::DivisionMayBeZero, e.rhs->span, std::string(sources_.text(e.rhs->span)));
        return error(e.span);
      }
      if (!b->range.excludesZero()) {
        x->type.optional = true;
        x->absentWhy = bilingual("the divisor `", "除数 `") + std::string(sources_.text(e.rhs->span)) +
                       bilingual("` can be 0", "` 可能为 0");
      } else if (a->range.lo && a->range.lo->sign() >= 0 && b->range.lo && b->range.lo->sign() > 0) {
        x->range.lo = Decimal::zero();
      }
      break;
  }
  x->args.push_back(std::move(a));
  x->args.push_back(std::move(b));
  return x;
}

namespace {
bool nameResolvesLater(const ast::Expr& e) { return e.kind == ast::ExprKind::Name; }
}  // namespace

ir::ExprPtr Checker::checkCompare(const ast::Expr& e, const Ctx& ctx) {
  // Check the side that fixes the type first, so that a bare enum value on the other side
  // is read as a value of that enum (`优秀 == 等次` as well as `等次 == 优秀`).
  ir::ExprPtr a, b;
  Diagnostics probe;
  // A bare name fixes the type when it is a declared name (not just an enum value).
  auto declaredName = [&](const ast::Expr& x) {
    if (!nameResolvesLater(x)) return true;
    const std::string& n = x.text;
    return attributeByName(n) >= 0 || figureByName(n) >= 0 || paramByName(n) >= 0 ||
           (ctx.scope == Scope::Row && eventAttrByName(ctx.eventKind, n) >= 0) || n == relationVars_[0] ||
           n == relationVars_[1] || n == "subject" || n == "本人";
  };
  bool lhsFirst = declaredName(*e.lhs) || !declaredName(*e.rhs);
  if (lhsFirst) {
    a = check(*e.lhs, ctx);
    b = check(*e.rhs, ctx, isError(a) ? nullptr : &a->type);
  } else {
    b = check(*e.rhs, ctx);
    a = check(*e.lhs, ctx, isError(b) ? nullptr : &b->type);
  }
  if (isError(a) || isError(b)) return error(e.span);
  ir::CompareOp op = toIr(e.compareOp);
  bool ordering = op != ir::CompareOp::Eq && op != ir::CompareOp::Ne;
  const ir::Type &ta = a->type, &tb = b->type;
  bool ok = false;
  if (ta.isNumeric() && tb.isNumeric()) {
    auto plain = [](B t) { return t == B::Int || t == B::Decimal; };
    if (plain(ta.base) && plain(tb.base)) ok = true;
    else if (ta.base == tb.base) ok = true;
    else {
      diags_.report((ta.base == B::Money || tb.base == B::Money) ? DiagId::MixedMoney : DiagId::MixedPercent, e.span,
                    ir::compareSymbol(op));
      return error(e.span);
    }
  } else if (ta.sameAs(tb)) {
    ok = true;
    if (ordering) {
      bool orderedEnum = ta.base == B::Enum && ir_->enums[ta.enumId].order != ir::EnumOrder::None;
      if (!(ta.base == B::String || ta.base == B::Date || orderedEnum)) {
        diags_.report(DiagId::NotOrdered, e.span, typeName(ta));
        return error(e.span);
      }
    }
  }
  if (!ok) {
    diags_.report(DiagId::NotComparable, e.span, typeName(ta), typeName(tb));
    return error(e.span);
  }
  bool opt = false;
  if (ordering && (ta.optional || tb.optional)) {
    if (!ctx.optionalCompare) {
      ir::ExprPtr& absent = ta.optional ? a : b;
      requireDefinite(absent, "`" + std::string(sources_.text(absent->span)) + "`");
      return error(e.span);
    }
    opt = true;
  }
  if (ta.isNumeric() && ta.base != tb.base) {
    a = convert(std::move(a), ir::Type::of(B::Decimal).withOptional(ta.optional));
    b = convert(std::move(b), ir::Type::of(B::Decimal).withOptional(tb.optional));
  }
  auto x = std::make_unique<ir::Expr>(ir::Op::Compare, ir::Type::of(B::Bool).withOptional(opt), e.span);
  x->cmp = op;
  x->args.push_back(std::move(a));
  x->args.push_back(std::move(b));
  return x;
}

ir::ExprPtr Checker::checkIn(const ast::Expr& e, const Ctx& ctx) {
  ir::ExprPtr a = check(*e.lhs, ctx);
  if (isError(a)) return a;
  auto x = std::make_unique<ir::Expr>(ir::Op::In, ir::Type::of(B::Bool), e.span);
  bool bad = false;
  for (const ast::ExprPtr& item : e.items) {
    ir::ExprPtr v = check(*item, ctx, &a->type);
    if (isError(v)) {
      bad = true;
      continue;
    }
    auto u = unify(a->type, v->type);
    if (!u) {
      diags_.report(DiagId::NotComparable, item->span, typeName(a->type), typeName(v->type));
      bad = true;
      continue;
    }
    x->args.push_back(convert(std::move(v), a->type.base == B::Decimal ? ir::Type::of(B::Decimal) : v->type));
  }
  if (bad) return error(e.span);
  if (a->type.base == B::Int) {
    bool anyDecimal = false;
    for (auto& v : x->args) anyDecimal |= v->type.base == B::Decimal;
    if (anyDecimal) {
      a = convert(std::move(a), ir::Type::of(B::Decimal).withOptional(a->type.optional));
      for (auto& v : x->args) v = convert(std::move(v), ir::Type::of(B::Decimal));
    }
  }
  x->args.insert(x->args.begin(), std::move(a));
  if (!e.negated) return x;
  auto n = std::make_unique<ir::Expr>(ir::Op::Not, ir::Type::of(B::Bool), e.span);
  n->args.push_back(std::move(x));
  return n;
}

ir::ExprPtr Checker::checkLogic(const ast::Expr& e, const Ctx& ctx) {
  ir::Type boolType = ir::Type::of(B::Bool);
  std::vector<const ast::Expr*> parts = {e.lhs.get()};
  if (e.rhs) parts.push_back(e.rhs.get());
  ir::Op op = e.kind == ast::ExprKind::Not ? ir::Op::Not : e.kind == ast::ExprKind::And ? ir::Op::And : ir::Op::Or;
  auto x = std::make_unique<ir::Expr>(op, boolType, e.span);
  bool bad = false;
  for (const ast::Expr* p : parts) {
    ir::ExprPtr v = check(*p, ctx, &boolType);
    if (isError(v)) {
      bad = true;
      continue;
    }
    if (v->type.base != B::Bool) {
      diags_.report(DiagId::TypeMismatch, p->span, bilingual("a condition (是/否)", "条件（是/否）"), typeName(v->type));
      bad = true;
      continue;
    }
    if (v->type.optional) {
      if (!ctx.optionalCompare && !requireDefinite(v, bilingual("the condition", "该条件"))) {
        bad = true;
        continue;
      }
      x->type.optional = true;
    }
    x->args.push_back(std::move(v));
  }
  if (bad) return error(e.span);
  return x;
}

ir::ExprPtr Checker::checkIf(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  ir::ExprPtr c = checkCondition(*e.cond, ctx);
  ir::ExprPtr a = check(*e.lhs, ctx, hint);
  ir::ExprPtr b = check(*e.rhs, ctx, hint ? hint : (isError(a) ? nullptr : &a->type));
  if (isError(c) || isError(a) || isError(b)) return error(e.span);
  auto u = unify(a->type, b->type);
  if (!u) {
    diags_.report(DiagId::TypeMismatch, e.rhs->span, typeName(a->type), typeName(b->type));
    return error(e.span);
  }
  auto x = std::make_unique<ir::Expr>(ir::Op::If, *u, e.span);
  x->absentWhy = a->type.optional ? a->absentWhy : b->absentWhy;
  if (a->range.lo && b->range.lo) x->range.lo = std::min(*a->range.lo, *b->range.lo);
  if (a->range.hi && b->range.hi) x->range.hi = std::max(*a->range.hi, *b->range.hi);
  x->args.push_back(std::move(c));
  x->args.push_back(convert(std::move(a), *u));
  x->args.push_back(convert(std::move(b), *u));
  return x;
}

bool Checker::checkPattern(const ast::Pattern& p, const ir::Type& subject, const Ctx& ctx, ir::Pattern& out) {
  out.span = p.span;
  if (p.otherwise) {
    out.otherwise = true;
    return true;
  }
  bool values = false, bounds = false;
  for (const ast::Bound& b : p.bounds) (b.kind == ast::BoundKind::Value ? values : bounds) = true;
  if (values && bounds) {
    diags_.report(DiagId::MixedPatternKinds, p.span);
    return false;
  }
  out.anyOf = values;
  bool ok = true;
  ir::Type plainSubject = subject.withOptional(false);
  auto operand = [&](const ast::Expr& x) -> ir::ExprPtr {
    ir::ExprPtr v = checkDefinite(x, ctx, &plainSubject);
    if (isError(v)) return v;
    auto u = unify(plainSubject, v->type);
    bool numericMix = plainSubject.isNumeric() && v->type.isNumeric() && u;
    if (!u && !numericMix) {
      DiagId id = (plainSubject.base == B::Money || v->type.base == B::Money) && plainSubject.isNumeric() && v->type.isNumeric()
                      ? DiagId::MixedMoney
                  : (plainSubject.base == B::Percent || v->type.base == B::Percent) && plainSubject.isNumeric() && v->type.isNumeric()
                      ? DiagId::MixedPercent
                      : DiagId::NotComparable;
      if (id == DiagId::NotComparable) diags_.report(id, x.span, typeName(plainSubject), typeName(v->type));
      else diags_.report(id, x.span, std::string(sources_.text(x.span)));
      return error(x.span);
    }
    return convert(std::move(v), plainSubject.base == B::Decimal ? ir::Type::of(B::Decimal) : v->type);
  };
  for (const ast::Bound& b : p.bounds) {
    ir::Bound ib;
    ib.span = b.span;
    switch (b.kind) {
      case ast::BoundKind::Value:
        ib.kind = ir::Bound::Kind::Equal;
        ib.value = operand(*b.value);
        break;
      case ast::BoundKind::Compare:
        ib.kind = ir::Bound::Kind::Compare;
        ib.op = toIr(b.op);
        ib.value = operand(*b.value);
        break;
      case ast::BoundKind::Above:
        ib.kind = ir::Bound::Kind::Compare;
        ib.op = ir::CompareOp::Ge;
        ib.value = operand(*b.value);
        break;
      case ast::BoundKind::Below:
        ib.kind = ir::Bound::Kind::Compare;
        ib.op = ir::CompareOp::Le;
        ib.value = operand(*b.value);
        break;
      case ast::BoundKind::Range:
        ib.kind = ir::Bound::Kind::Range;
        ib.value = operand(*b.value);
        ib.high = operand(*b.high);
        break;
    }
    if (isError(ib.value) || (ib.kind == ir::Bound::Kind::Range && isError(ib.high))) {
      ok = false;
      continue;
    }
    bool orderedEnum = plainSubject.base == B::Enum && ir_->enums[plainSubject.enumId].order != ir::EnumOrder::None;
    bool orderable = plainSubject.isNumeric() || plainSubject.base == B::Date || plainSubject.base == B::String || orderedEnum;
    if (ib.kind != ir::Bound::Kind::Equal && !orderable) {
      diags_.report(DiagId::NotOrdered, b.span, typeName(plainSubject));
      ok = false;
      continue;
    }
    // A decimal subject compared with int bounds: bounds become decimals.
    if (plainSubject.base == B::Decimal) {
      ib.value = convert(std::move(ib.value), ir::Type::of(B::Decimal));
      if (ib.high) ib.high = convert(std::move(ib.high), ir::Type::of(B::Decimal));
    }
    out.bounds.push_back(std::move(ib));
  }
  return ok;
}

ir::ExprPtr Checker::checkCase(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  ir::ExprPtr subject = check(*e.cond, ctx);
  if (isError(subject)) return subject;
  // Integer subjects are matched as decimals when any bound is a decimal.
  auto x = std::make_unique<ir::Expr>(ir::Op::Case, ir::Type{}, e.span);
  std::optional<ir::Type> result;
  bool bad = false, otherwise = false;
  std::vector<bool> covered;
  if (subject->type.base == B::Enum) covered.assign(ir_->enums[subject->type.enumId].values.size(), false);
  ir::Type matchType = subject->type.base == B::Int ? ir::Type::of(B::Decimal) : subject->type;
  for (const ast::CaseArm& arm : e.arms) {
    ir::CaseArm ia;
    if (!checkPattern(arm.pattern, matchType, ctx, ia.pattern)) {
      bad = true;
      continue;
    }
    otherwise |= ia.pattern.otherwise;
    if (ia.pattern.anyOf && !covered.empty())
      for (const ir::Bound& b : ia.pattern.bounds)
        if (b.value->op == ir::Op::Const) covered[b.value->constant.asIndex()] = true;
    ia.result = check(*arm.value, ctx, hint ? hint : (result ? &*result : nullptr));
    if (isError(ia.result)) {
      bad = true;
      continue;
    }
    if (!result) result = ia.result->type;
    else if (auto u = unify(*result, ia.result->type)) result = u;
    else {
      diags_.report(DiagId::TypeMismatch, arm.value->span, typeName(*result), typeName(ia.result->type));
      bad = true;
      continue;
    }
    x->arms.push_back(std::move(ia));
  }
  if (bad || !result) return error(e.span);
  if (!covered.empty() && !otherwise) {
    std::string missing;
    for (size_t i = 0; i < covered.size(); ++i)
      if (!covered[i]) missing += (missing.empty() ? "" : ", ") + ir_->enums[subject->type.enumId].values[i];
    if (!missing.empty()) {
      diags_.report(DiagId::CaseNotExhaustive, e.span, missing);
      return error(e.span);
    }
  }
  for (ir::CaseArm& arm : x->arms) arm.result = convert(std::move(arm.result), *result);
  x->type = *result;
  if (subject->type.optional) {
    x->type.optional = true;
    x->absentWhy = subject->absentWhy;
  }
  for (const ir::CaseArm& arm : x->arms)
    if (arm.result->type.optional && x->absentWhy.empty()) x->absentWhy = arm.result->absentWhy;
  // Range: the hull of the arms' results.
  bool first = true;
  for (const ir::CaseArm& arm : x->arms) {
    const Interval& r = arm.result->range;
    if (first) {
      x->range = r;
      first = false;
      continue;
    }
    x->range.lo = (x->range.lo && r.lo) ? std::optional(std::min(*x->range.lo, *r.lo)) : std::nullopt;
    x->range.hi = (x->range.hi && r.hi) ? std::optional(std::max(*x->range.hi, *r.hi)) : std::nullopt;
  }
  x->args.push_back(convert(std::move(subject), matchType.withOptional(subject->type.optional)));
  return x;
}

ir::ExprPtr Checker::checkDefault(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  ir::ExprPtr a = check(*e.lhs, ctx, hint);
  if (isError(a)) return a;
  ir::Type want = a->type.withOptional(false);
  ir::ExprPtr b = check(*e.rhs, ctx, &want);
  if (isError(b)) return b;
  auto u = unify(a->type, b->type);
  if (!u) {
    diags_.report(DiagId::TypeMismatch, e.rhs->span, typeName(want), typeName(b->type));
    return error(e.span);
  }
  ir::Type t = u->withOptional(b->type.optional);
  auto x = std::make_unique<ir::Expr>(ir::Op::Default, t, e.span);
  if (a->range.lo && b->range.lo) x->range.lo = std::min(*a->range.lo, *b->range.lo);
  if (a->range.hi && b->range.hi) x->range.hi = std::max(*a->range.hi, *b->range.hi);
  x->absentWhy = b->absentWhy;
  x->args.push_back(convert(std::move(a), u->withOptional(true)));
  x->args.push_back(convert(std::move(b), t));
  return x;
}

// ---------------------------------------------------------------------------- calls

namespace {

enum class Builtin { None, Round, Floor, Ceil, Abs, Max, Min, Count, Sum, Mean, Exists, Last, First, Size, Previous, Points };

Builtin builtinByName(const std::string& n) {
  if (oneOf(n, {"round", "四舍五入"})) return Builtin::Round;
  if (oneOf(n, {"floor", "下限", "向下取整", "取整"})) return Builtin::Floor;
  if (oneOf(n, {"ceil", "ceiling", "向上取整"})) return Builtin::Ceil;
  if (oneOf(n, {"abs", "绝对值"})) return Builtin::Abs;
  if (oneOf(n, {"max", "满分", "最大", "最大值"})) return Builtin::Max;
  if (oneOf(n, {"min", "最低分", "最小", "最小值"})) return Builtin::Min;
  if (oneOf(n, {"count", "计数", "次数", "条数"})) return Builtin::Count;
  if (oneOf(n, {"sum", "合计", "求和", "总和"})) return Builtin::Sum;
  if (oneOf(n, {"mean", "avg", "average", "平均", "平均值"})) return Builtin::Mean;
  if (oneOf(n, {"exists", "存在", "有"})) return Builtin::Exists;
  if (oneOf(n, {"last", "最后", "最近"})) return Builtin::Last;
  if (oneOf(n, {"first", "最早", "第一"})) return Builtin::First;
  if (oneOf(n, {"size", "人数", "规模"})) return Builtin::Size;
  if (oneOf(n, {"previous", "上期"})) return Builtin::Previous;
  if (oneOf(n, {"points", "百分点"})) return Builtin::Points;
  return Builtin::None;
}

ir::AggOp aggOf(Builtin b) {
  switch (b) {
    case Builtin::Count: return ir::AggOp::Count;
    case Builtin::Sum: return ir::AggOp::Sum;
    case Builtin::Mean: return ir::AggOp::Mean;
    case Builtin::Exists: return ir::AggOp::Exists;
    case Builtin::Last: return ir::AggOp::Last;
    case Builtin::First: return ir::AggOp::First;
    case Builtin::Max: return ir::AggOp::Max;
    default: return ir::AggOp::Min;
  }
}

}  // namespace

ir::ExprPtr Checker::checkCall(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint) {
  Builtin b = builtinByName(e.text);
  auto arity = [&](size_t lo, size_t hi) {
    if (e.args.size() >= lo && e.args.size() <= hi) return true;
    diags_.report(DiagId::WrongArgCount, e.nameSpan, e.text, lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi),
                  e.args.size());
    return false;
  };
  auto plainArg = [&](size_t i) -> const ast::Expr* {
    const ast::CallArg& a = e.args[i];
    if (a.mapped || a.weight || a.filter) {
      diags_.report(DiagId::SyntaxError, a.span, bilingual("`:`, `weighted by` and `where` belong to aggregates", "`:`、`加权` 和 `其中` 只用于汇总函数"));
      return nullptr;
    }
    return a.value.get();
  };
  switch (b) {
    case Builtin::None: {
      Diagnostic& d = diags_.report(DiagId::UnknownFunction, e.nameSpan, e.text);
      suggest(d, e.text, {"round", "floor", "ceil", "abs", "max", "min", "count", "sum", "mean", "exists", "last",
                          "first", "size", "previous", "points", "四舍五入", "计数", "合计", "平均", "存在", "人数", "上期"});
      return error(e.span);
    }
    case Builtin::Count:
    case Builtin::Sum:
    case Builtin::Mean:
    case Builtin::Exists:
    case Builtin::Last:
    case Builtin::First:
      if (!arity(1, 1)) return error(e.span);
      return checkAggregate(e, aggOf(b), ctx);
    case Builtin::Max:
    case Builtin::Min:
      if (e.args.size() == 1) return checkAggregate(e, aggOf(b), ctx);
      [[fallthrough]];
    default:
      break;
  }
  // Scalar functions.
  std::vector<ir::ExprPtr> args;
  for (size_t i = 0; i < e.args.size(); ++i) {
    const ast::Expr* a = plainArg(i);
    if (!a) return error(e.span);
    if (b == Builtin::Round && i == 2) break;  // the mode is a name, read below
    if ((b == Builtin::Size || b == Builtin::Previous) && i == 0) break;
    args.push_back(check(*a, ctx, b == Builtin::Max || b == Builtin::Min ? hint : nullptr));
    if (isError(args.back())) return error(e.span);
  }
  auto numeric = [&](const ir::ExprPtr& x) {
    if (x->type.isNumeric()) return true;
    diags_.report(DiagId::TypeMismatch, x->span, bilingual("a number", "数值"), typeName(x->type));
    return false;
  };
  switch (b) {
    case Builtin::Round: {
      if (!arity(1, 3) || !numeric(args[0])) return error(e.span);
      int places = 0;
      if (args.size() > 1) {
        if (args[1]->op != ir::Op::Const || args[1]->type.base != B::Int || args[1]->constant.asInt() < 0 ||
            args[1]->constant.asInt() > 12) {
          diags_.report(DiagId::BadPlaces, args[1]->span, 12);
          return error(e.span);
        }
        places = static_cast<int>(args[1]->constant.asInt());
      }
      RoundingMode mode = ir_->rounding;
      if (e.args.size() == 3) {
        const ast::Expr& m = *e.args[2].value;
        std::string name = m.kind == ast::ExprKind::Name ? m.text : std::string(sources_.text(m.span));
        auto parsed = roundingModeByName(name);
        if (!parsed) {
          diags_.report(DiagId::UnknownSetting, m.span, bilingual("rounding mode", "舍入方式"), name, kRoundingModes);
          return error(e.span);
        }
        mode = *parsed;
      }
      if (args[0]->type.base == B::Int) return std::move(args[0]);
      auto x = std::make_unique<ir::Expr>(ir::Op::Round, args[0]->type, e.span);
      x->places = places;
      x->mode = mode;
      x->range = args[0]->range;
      x->absentWhy = args[0]->absentWhy;
      x->args.push_back(std::move(args[0]));
      return x;
    }
    case Builtin::Floor:
    case Builtin::Ceil:
    case Builtin::Abs: {
      if (!arity(1, 1) || !numeric(args[0])) return error(e.span);
      ir::Type t = args[0]->type;
      if (b != Builtin::Abs && t.base == B::Decimal) t.base = B::Int;
      if (b != Builtin::Abs && t.base == B::Percent) {
        diags_.report(DiagId::TypeMismatch, args[0]->span,
                      bilingual("a number (write points(…) for the percentage points)", "数值（百分点请写 points(…)）"),
                      typeName(t));
        return error(e.span);
      }
      if (b != Builtin::Abs && args[0]->type.base == B::Int) return std::move(args[0]);
      auto x = std::make_unique<ir::Expr>(b == Builtin::Floor ? ir::Op::Floor : b == Builtin::Ceil ? ir::Op::Ceil : ir::Op::Abs, t, e.span);
      x->range = args[0]->range;
      if (b == Builtin::Abs) x->range = Interval{Decimal::zero(), std::nullopt};
      x->absentWhy = args[0]->absentWhy;
      x->args.push_back(std::move(args[0]));
      return x;
    }
    case Builtin::Max:
    case Builtin::Min: {
      if (args.size() < 2) return error(e.span);
      ir::Type t = args[0]->type;
      for (auto& a : args) {
        if (!numeric(a)) return error(e.span);
        auto u = unify(t, a->type);
        if (!u) {
          diags_.report(DiagId::OperandTypes, a->span, e.text, typeName(t), typeName(a->type));
          return error(e.span);
        }
        t = *u;
      }
      auto x = std::make_unique<ir::Expr>(b == Builtin::Max ? ir::Op::Max : ir::Op::Min, t, e.span);
      for (auto& a : args) {
        if (a->type.optional) x->absentWhy = a->absentWhy;
        x->args.push_back(convert(std::move(a), t.withOptional(a->type.optional)));
      }
      // max(0, x) is at least 0: the interval keeps the largest known lower bound.
      if (b == Builtin::Max) {
        for (auto& a : x->args)
          if (a->range.lo && (!x->range.lo || *a->range.lo > *x->range.lo)) x->range.lo = a->range.lo;
        bool allHi = true;
        for (auto& a : x->args) allHi &= a->range.hi.has_value();
        if (allHi)
          for (auto& a : x->args)
            if (!x->range.hi || *a->range.hi > *x->range.hi) x->range.hi = a->range.hi;
      } else {
        for (auto& a : x->args)
          if (a->range.hi && (!x->range.hi || *a->range.hi < *x->range.hi)) x->range.hi = a->range.hi;
      }
      return x;
    }
    case Builtin::Points: {
      if (!arity(1, 1)) return error(e.span);
      if (args[0]->type.base != B::Percent) {
        diags_.report(DiagId::TypeMismatch, args[0]->span, bilingual("a percentage", "百分比"), typeName(args[0]->type));
        return error(e.span);
      }
      auto hundred = constant(ir::Type::of(B::Decimal), Value::ofDecimal(Decimal::fromInt(100)), e.span);
      auto x = std::make_unique<ir::Expr>(ir::Op::Mul, ir::Type::of(B::Decimal).withOptional(args[0]->type.optional), e.span);
      x->absentWhy = args[0]->absentWhy;
      x->args.push_back(std::move(args[0]));
      x->args.push_back(std::move(hundred));
      return x;
    }
    case Builtin::Size: {
      if (!arity(1, 1)) return error(e.span);
      const ast::Expr& a = *e.args[0].value;
      int attr = a.kind == ast::ExprKind::Name ? attributeByName(a.text) : -1;
      if (attr < 0) {
        diags_.report(DiagId::QuotaGroup, a.span, std::string(sources_.text(a.span)));
        return error(e.span);
      }
      if (ctx.scope != Scope::Subject) {
        diags_.report(ctx.scope == Scope::Row ? DiagId::NotInRowContext : DiagId::NeedsSubject, e.span, "`size`");
        return error(e.span);
      }
      auto x = std::make_unique<ir::Expr>(ir::Op::GroupSize, ir::Type::of(B::Int), e.span);
      x->index = static_cast<uint32_t>(attr);
      x->text = a.text;
      x->range.lo = Decimal::one();
      return x;
    }
    case Builtin::Previous: {
      if (!arity(1, 1)) return error(e.span);
      const ast::Expr& a = *e.args[0].value;
      int f = a.kind == ast::ExprKind::Name ? figureByName(a.text) : -1;
      if (f < 0) {
        diags_.report(DiagId::UnknownFigure, a.span, std::string(sources_.text(a.span)));
        return error(e.span);
      }
      if (ctx.scope != Scope::Subject || ctx.inConstraint) {
        diags_.report(ctx.scope == Scope::Row ? DiagId::NotInRowContext : DiagId::NeedsSubject, e.span, "`previous`");
        return error(e.span);
      }
      ir::Figure& fig = ir_->figures[f];
      if (fig.type.base == B::Error && state_[f] == State::Pending) resolveFigure(static_cast<uint32_t>(f));
      if (fig.type.base == B::Error) {
        diags_.report(DiagId::PreviousNeedsOutput, a.span, a.text);
        return error(e.span);
      }
      fig.usedByPrevious = true;
      previousUse_.emplace(fig.name, e.span);
      auto x = std::make_unique<ir::Expr>(ir::Op::Previous, fig.type.withOptional(true), e.span);
      x->index = static_cast<uint32_t>(f);
      x->text = fig.name;
      x->absentWhy = bilingual("there may be no previous period for the subject", "该对象可能没有上期结果");
      return x;
    }
    default:
      return error(e.span);
  }
}

ir::ExprPtr Checker::checkAggregate(const ast::Expr& e, ir::AggOp op, const Ctx& ctx) {
  const ast::CallArg& arg = e.args[0];
  const ast::Expr& source = *arg.value;
  std::string sourceName, member;
  Span memberSpan;
  if (source.kind == ast::ExprKind::Name) {
    sourceName = source.text;
  } else if (source.kind == ast::ExprKind::Member && source.lhs->kind == ast::ExprKind::Name) {
    sourceName = source.lhs->text;
    member = source.text;
    memberSpan = source.nameSpan;
  } else {
    diags_.report(DiagId::NotAnAggregateSource, source.span, std::string(sources_.text(source.span)));
    return error(e.span);
  }
  if (int kind = kindByName(sourceName); kind >= 0) {
    int attr = -1;
    if (!member.empty()) {
      attr = eventAttrByName(kind, member);
      if (attr < 0) {
        Diagnostic& d = diags_.report(DiagId::UnknownAttribute, memberSpan, member, sourceName);
        std::vector<std::string> names;
        for (const ir::Attribute& a : ir_->eventKinds[kind].attributes) names.push_back(a.name);
        suggest(d, member, names);
        return error(e.span);
      }
    }
    return checkEventAggregate(e, op, kind, attr, arg, ctx);
  }
  if (int rel = relationByName(sourceName); rel >= 0)
    return checkRelationAggregate(e, op, rel, arg, member.empty() ? nullptr : &member, memberSpan, ctx);
  if (int f = figureByName(sourceName); f >= 0 && ir_->figures[f].kind == ir::FigureKind::Grouped && member.empty()) {
    if (ctx.scope != Scope::Subject) {
      diags_.report(ctx.scope == Scope::Row ? DiagId::NotInRowContext : DiagId::NeedsSubject, e.span,
                    bilingual("the figure `", "指标 `") + sourceName + "`");
      return error(e.span);
    }
    if (arg.mapped || arg.weight || arg.filter || op == ir::AggOp::Exists || op == ir::AggOp::Last || op == ir::AggOp::First) {
      diags_.report(DiagId::NotAnAggregateSource, source.span, sourceName);
      return error(e.span);
    }
    addDependency(ctx, static_cast<uint32_t>(f), source.span);
    const ir::Figure& fig = ir_->figures[f];
    if (fig.type.base == B::Error) return error(e.span);
    bool enumKey = ir_->eventKinds[fig.groupKind].attributes[fig.groupAttr].type.base == B::Enum;
    ir::Type t = fig.type;
    if (op == ir::AggOp::Count) t = ir::Type::of(B::Int);
    if (op == ir::AggOp::Mean && t.base == B::Int) t = ir::Type::of(B::Decimal);
    t.optional = !enumKey && (op == ir::AggOp::Mean || op == ir::AggOp::Min || op == ir::AggOp::Max);
    auto x = std::make_unique<ir::Expr>(ir::Op::GroupedAgg, t, e.span);
    x->aggOp = op;
    x->index = static_cast<uint32_t>(f);
    x->text = sourceName;
    if (t.optional) x->absentWhy = bilingual("there may be no group at all", "可能一个分组都没有");
    return x;
  }
  if (!member.empty() || figureByName(sourceName) >= 0 || attributeByName(sourceName) >= 0 || paramByName(sourceName) >= 0) {
    diags_.report(DiagId::NotAnAggregateSource, source.span, std::string(sources_.text(source.span)));
    return error(e.span);
  }
  Diagnostic& d = diags_.report(DiagId::UnknownName, source.span, sourceName);
  std::vector<std::string> names;
  for (const ir::EventKind& k : ir_->eventKinds) names.push_back(k.name);
  for (const ir::Relation& r : ir_->relations) names.push_back(r.name);
  suggest(d, sourceName, names);
  return error(e.span);
}

ir::ExprPtr Checker::checkEventAggregate(const ast::Expr& e, ir::AggOp op, int kind, int attr, const ast::CallArg& arg,
                                         const Ctx& ctx) {
  if (ctx.scope == Scope::Row) {
    diags_.report(DiagId::AggregateOutsideSubject, e.span);
    return error(e.span);
  }
  if (ctx.scope != Scope::Subject) {
    diags_.report(DiagId::NeedsSubject, e.span, bilingual("an aggregate over events", "事件汇总"));
    return error(e.span);
  }
  Ctx row;
  row.scope = Scope::Row;
  row.eventKind = kind;
  row.figure = -1;
  row.inConstraint = ctx.inConstraint;
  ir::Aggregate agg;
  agg.kind = static_cast<uint32_t>(kind);
  agg.span = e.span;
  agg.text = std::string(sources_.text(e.span));
  agg.window = ctx.window;
  if (ctx.groupKind == kind) agg.groupedBy = ctx.groupAttr;
  const std::string& kindName = ir_->eventKinds[kind].name;
  if (attr >= 0) {
    const ir::Attribute& a = ir_->eventKinds[kind].attributes[attr];
    agg.value = std::make_unique<ir::Expr>(ir::Op::RowAttr, a.type.withOptional(a.optional && !a.defaultValue), e.span);
    agg.value->index = static_cast<uint32_t>(attr);
    agg.value->text = a.name;
    agg.value->range = a.range;
  }
  if (arg.mapped) {
    if (attr >= 0) {
      diags_.report(DiagId::SyntaxError, arg.mapped->span, bilingual("write either K.attribute or K: expression", "请写 K.属性 或 K: 表达式，二者选一"));
      return error(e.span);
    }
    agg.value = check(*arg.mapped, row);
    if (isError(agg.value)) return error(e.span);
  }
  if (arg.filter) {
    agg.filter = checkCondition(*arg.filter, row);
    if (isError(agg.filter)) return error(e.span);
  }
  if (arg.weight) {
    if (op != ir::AggOp::Mean || !agg.value) {
      diags_.report(DiagId::SyntaxError, arg.weight->span, bilingual("`weighted by` goes with mean(K: value weighted by w)", "`加权` 只用于 平均(K: 值 加权 权重)"));
      return error(e.span);
    }
    agg.weight = check(*arg.weight, row);
    if (isError(agg.weight)) return error(e.span);
    if (!agg.weight->type.isNumeric() || agg.weight->type.base == B::Money) {
      diags_.report(DiagId::TypeMismatch, arg.weight->span, bilingual("a number", "数值"), typeName(agg.weight->type));
      return error(e.span);
    }
    agg.weight = convert(std::move(agg.weight), ir::Type::of(B::Decimal).withOptional(agg.weight->type.optional));
    op = ir::AggOp::WeightedMean;
  }
  bool needsValue = op != ir::AggOp::Count && op != ir::AggOp::Exists;
  if (needsValue && !agg.value) {
    diags_.report(DiagId::SyntaxError, e.span,
                  bilingual("say what to aggregate: `", "请说明汇总什么：`") + e.text + "(" + kindName + ".X)` / `" + e.text + "(" + kindName + ": X)`");
    return error(e.span);
  }
  if (!needsValue && agg.value) {
    diags_.report(DiagId::SyntaxError, e.span, bilingual("count and exists take an event kind, not a value", "计数和存在只接受事件类型，不接受值"));
    return error(e.span);
  }
  ir::Type t;
  ir::Interval range;
  bool mayBeEmpty = true;
  // In a figure grouped by this kind's attribute, a group keyed by a string value exists
  // only when it has rows.
  if (agg.groupedBy >= 0 && !agg.filter &&
      ir_->eventKinds[kind].attributes[agg.groupedBy].type.base == B::String)
    mayBeEmpty = false;
  switch (op) {
    case ir::AggOp::Count:
      t = ir::Type::of(B::Int);
      range.lo = Decimal::zero();
      break;
    case ir::AggOp::Exists: t = ir::Type::of(B::Bool); break;
    case ir::AggOp::Sum:
    case ir::AggOp::Mean:
    case ir::AggOp::WeightedMean:
      if (!agg.value->type.isNumeric()) {
        diags_.report(DiagId::TypeMismatch, agg.value->span, bilingual("a number", "数值"), typeName(agg.value->type));
        return error(e.span);
      }
      t = agg.value->type.withOptional(false);
      if (op != ir::AggOp::Sum) {
        if (t.base == B::Int) t = ir::Type::of(B::Decimal);
        t.optional = mayBeEmpty || op == ir::AggOp::WeightedMean;
        if (agg.value->range.lo && agg.value->range.lo->sign() >= 0) range.lo = Decimal::zero();
        if (agg.value->range.lo && agg.value->range.hi) range = agg.value->range;
      } else if (agg.value->range.lo && agg.value->range.lo->sign() >= 0) {
        range.lo = Decimal::zero();
      }
      if (t.base == B::Decimal && agg.value->type.base == B::Int && op != ir::AggOp::Sum)
        agg.value = convert(std::move(agg.value), ir::Type::of(B::Decimal).withOptional(agg.value->type.optional));
      break;
    case ir::AggOp::Min:
    case ir::AggOp::Max: {
      const ir::Type& v = agg.value->type;
      bool orderable = v.isNumeric() || v.base == B::Date || v.base == B::String ||
                       (v.base == B::Enum && ir_->enums[v.enumId].order != ir::EnumOrder::None);
      if (!orderable) {
        diags_.report(DiagId::NotOrdered, agg.value->span, typeName(v));
        return error(e.span);
      }
      t = v.withOptional(mayBeEmpty);
      range = agg.value->range;
      break;
    }
    case ir::AggOp::Last:
    case ir::AggOp::First:
      t = agg.value->type.withOptional(mayBeEmpty);
      range = agg.value->range;
      break;
  }
  if (ctx.groupConstraint && op != ir::AggOp::Count && op != ir::AggOp::Sum && op != ir::AggOp::Exists &&
      op != ir::AggOp::Min && op != ir::AggOp::Max) {
    diags_.report(DiagId::GroupConstraintTerm, e.span, ir_->subjectAttributes[ctx.groupAttr].name, std::string(ir::aggName(op)));
    return error(e.span);
  }
  agg.op = op;
  agg.type = t;
  auto x = std::make_unique<ir::Expr>(ir::Op::EventAgg, t, e.span);
  x->range = range;
  x->aggOp = op;
  if (t.optional)
    x->absentWhy = op == ir::AggOp::WeightedMean
                       ? bilingual("the weights may add up to 0, e.g. when there are no `", "权重之和可能为 0，例如没有 `") + kindName + bilingual("` rows", "` 记录时")
                       : bilingual("there may be no `", "可能没有 `") + kindName + bilingual("` rows", "` 记录");
  x->index = internAggregate(std::move(agg));
  x->text = std::string(sources_.text(e.span));
  return x;
}

ir::ExprPtr Checker::checkRelationAggregate(const ast::Expr& e, ir::AggOp op, int relation, const ast::CallArg& arg,
                                            const std::string* member, Span memberSpan, const Ctx& ctx) {
  if (ctx.scope == Scope::Row || ctx.scope == Scope::Relation || ctx.inConstraint) {
    diags_.report(ctx.scope == Scope::Row ? DiagId::NotInRowContext : DiagId::NeedsSubject, e.span,
                  bilingual("an aggregate over subjects", "对象汇总"));
    return error(e.span);
  }
  if (ctx.scope == Scope::Cohort && relation != 0) {
    diags_.report(DiagId::NeedsSubject, e.span, "`" + ir_->relations[relation].name + "`");
    return error(e.span);
  }
  if (op == ir::AggOp::Last || op == ir::AggOp::First || arg.weight) {
    diags_.report(DiagId::NotAnAggregateSource, arg.value->span, ir_->relations[relation].name);
    return error(e.span);
  }
  Ctx each = ctx;
  each.scope = Scope::Subject;
  each.relationMember = true;
  each.window = ir::Window::None;
  each.groupKind = each.groupAttr = -1;
  ir::ExprPtr value;
  if (member) {
    ast::Expr name(ast::ExprKind::Name, memberSpan);
    name.text = *member;
    value = check(name, each);
  } else if (arg.mapped) {
    value = check(*arg.mapped, each);
  }
  if (value && isError(value)) return error(e.span);
  ir::ExprPtr filter;
  if (arg.filter) {
    filter = checkCondition(*arg.filter, each);
    if (isError(filter)) return error(e.span);
  }
  bool needsValue = op != ir::AggOp::Count && op != ir::AggOp::Exists;
  if (needsValue != static_cast<bool>(value)) {
    diags_.report(DiagId::SyntaxError, e.span,
                  needsValue ? bilingual("say which figure to aggregate: R.figure", "请说明汇总哪个指标：R.指标")
                             : bilingual("count and exists take a relation, not a value", "计数和存在只接受关系，不接受值"));
    return error(e.span);
  }
  ir::Type t;
  switch (op) {
    case ir::AggOp::Count: t = ir::Type::of(B::Int); break;
    case ir::AggOp::Exists: t = ir::Type::of(B::Bool); break;
    case ir::AggOp::Sum:
    case ir::AggOp::Mean:
      if (!value->type.isNumeric()) {
        diags_.report(DiagId::TypeMismatch, value->span, bilingual("a number", "数值"), typeName(value->type));
        return error(e.span);
      }
      if (!requireDefinite(value, bilingual("the value", "该值"))) return error(e.span);
      t = value->type;
      if (op == ir::AggOp::Mean) {
        if (t.base == B::Int) {
          t = ir::Type::of(B::Decimal);
          value = convert(std::move(value), t);
        }
        t.optional = true;
      }
      break;
    default:
      if (!requireDefinite(value, bilingual("the value", "该值"))) return error(e.span);
      t = value->type.withOptional(true);
      break;
  }
  auto x = std::make_unique<ir::Expr>(ir::Op::RelationAgg, t, e.span);
  x->aggOp = op;
  x->index = static_cast<uint32_t>(relation);
  x->text = std::string(sources_.text(e.span));
  if (op == ir::AggOp::Count) x->range.lo = Decimal::zero();
  if (t.optional) x->absentWhy = bilingual("`", "`") + ir_->relations[relation].name + bilingual("` may have no members", "` 可能没有成员");
  x->args.push_back(value ? std::move(value) : constant(ir::Type::of(B::Bool), Value::ofBool(true), e.span));
  x->args.push_back(filter ? std::move(filter) : constant(ir::Type::of(B::Bool), Value::ofBool(true), e.span));
  return x;
}

// ---------------------------------------------------------------------------- entry point

std::unique_ptr<ir::Scheme> analyze(const ast::Scheme& scheme, const SourceManager& sources, Diagnostics& diags) {
  if (scheme.extends) {
    diags.report(DiagId::ExtendsNotAllowed, scheme.extendsSpan, bilingual("`extends`", "`继承`"));
    return nullptr;
  }
  Checker checker(scheme, sources, diags);
  return checker.run();
}

std::unique_ptr<ir::Scheme> analyzeLocalPlan(const std::vector<const ast::Scheme*>& chain, const SourceManager& sources,
                                            Diagnostics& diags) {
  Checker checker(*chain.front(), sources, diags);
  return checker.run(std::vector<const ast::Scheme*>(chain.begin() + 1, chain.end()));
}

}  // namespace kaoping::sema
