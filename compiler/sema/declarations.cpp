// The declaration half of the checker: settings, enums, attributes, event kinds,
// parameters, relations, figures and what adjusts them, constraints, alerts, outputs.
#include <algorithm>

#include "compiler/sema/analyze.h"
#include "compiler/sema/checker.h"
#include "compiler/support/date.h"

namespace kaoping::sema {

Checker::Checker(const ast::Scheme& ast, const SourceManager& sources, Diagnostics& diags)
    : ast_(ast), sources_(sources), diags_(diags), ir_(std::make_unique<ir::Scheme>()) {}

std::unique_ptr<ir::Scheme> Checker::run(const std::vector<const ast::Scheme*>& localPlans) {
  size_t errorsBefore = diags_.errorCount();
  ir_->name = ast_.name;
  ir_->version = ast_.version.value_or("");
  ir_->span = ast_.span;

  collectSettings();
  collectEnums();
  collectSubjectAttributes();
  collectEventKinds();
  collectParams();
  collectRelations();
  collectFigures();
  checkRelations();
  for (uint32_t i = 0; i < ir_->figures.size(); ++i) resolveFigure(i);
  checkConstraints();
  checkAlerts();
  checkOutputs();
  for (const ast::DeclPtr& d : ast_.decls)
    if (d->kind == ast::DeclKind::Set)
      diags_.report(DiagId::ExtendsNotAllowed, d->span, bilingual("`set`", "`调整`"));
  if (localPlans.empty()) checkTests(ast_);
  for (const ast::Scheme* local : localPlans) applyLocalPlan(*local);
  if (!localPlans.empty()) checkTests(*localPlans.back());
  if (diags_.errorCount() > errorsBefore) return nullptr;
  return std::move(ir_);
}

std::optional<RoundingMode> roundingModeByName(std::string mode) {
  std::replace(mode.begin(), mode.end(), '_', '-');
  static const std::pair<const char*, const char*> kChinese[] = {
      {"四舍五入", "half-up"}, {"银行家舍入", "half-even"}, {"四舍六入五成双", "half-even"}, {"五舍六入", "half-down"},
      {"截断", "down"},        {"舍去", "down"},           {"进一", "up"},                {"向下", "floor"},
      {"下限", "floor"},       {"向上", "ceiling"}};
  for (auto [zh, en] : kChinese)
    if (mode == zh) mode = en;
  return parseRoundingMode(mode);
}

// ---------------------------------------------------------------------------- local plans

void Checker::applyLocalPlan(const ast::Scheme& local) {
  ir_->name = local.name;
  if (local.version) ir_->version = *local.version;
  for (const ast::DeclPtr& dp : local.decls) {
    const ast::Decl& d = *dp;
    if (d.kind == ast::DeclKind::Test) continue;
    if (d.kind != ast::DeclKind::Set) {
      Diagnostic& diag = diags_.report(DiagId::LocalPlanChange, d.span, bilingual("`", "`") + ast::declKindName(d.kind) + "`");
      noteDeclared(diag, d.name.text);
      continue;
    }
    int p = paramByName(d.name.text);
    if (p < 0) {
      Diagnostic& diag = diags_.report(DiagId::UnknownName, d.name.span, d.name.text);
      std::vector<std::string> names;
      for (const ir::Param& prm : ir_->params) names.push_back(prm.name);
      suggest(diag, d.name.text, names);
      continue;
    }
    ir::Param& param = ir_->params[p];
    if (!param.adjustable) {
      diags_.report(DiagId::NotAdjustable, d.name.span, d.name.text).note(DiagId::BaseDeclaration, param.span);
      continue;
    }
    std::string text;
    auto v = literalValue(*d.expr, param.type.withOptional(false), &text);
    if (!v) continue;
    if (param.rangeDeclared && param.type.isNumeric()) {
      Decimal x = param.type.base == ir::BaseType::Int ? Decimal::fromInt(v->asInt()) : v->asDecimal();
      if (!param.range.contains(x)) {
        diags_.report(DiagId::AdjustOutOfBounds, d.expr->span, d.name.text, std::string(sources_.text(d.expr->span)),
                      param.range.describe())
            .note(DiagId::BaseDeclaration, param.span);
        continue;
      }
    }
    param.defaultValue = v;
    param.defaultText = std::string(sources_.text(d.expr->span));
  }
}

// ---------------------------------------------------------------------------- lookups

int Checker::attributeByName(const std::string& name) const { return ir_->attributeIndex(name); }
int Checker::figureByName(const std::string& name) const { return ir_->figureIndex(name); }
int Checker::kindByName(const std::string& name) const { return ir_->eventKindIndex(name); }

int Checker::relationByName(const std::string& name) const {
  if (name == "all" || name == "全体") return 0;
  for (size_t i = 0; i < ir_->relations.size(); ++i)
    if (ir_->relations[i].name == name) return static_cast<int>(i);
  return -1;
}

int Checker::paramByName(const std::string& name) const {
  for (size_t i = 0; i < ir_->params.size(); ++i)
    if (ir_->params[i].name == name) return static_cast<int>(i);
  return -1;
}

int Checker::eventAttrByName(int kind, const std::string& name) const {
  if (kind < 0) return -1;
  const auto& attrs = ir_->eventKinds[kind].attributes;
  for (size_t i = 0; i < attrs.size(); ++i)
    if (attrs[i].name == name) return static_cast<int>(i);
  return -1;
}

bool Checker::declareName(const std::string& name, Span span) {
  static const char* kReserved[] = {"subject", "本人", "all", "全体", "id", "name", "unit", "dept", "role", "parent"};
  for (const char* r : kReserved) {
    if (name == r && !(span == Span{})) {
      diags_.report(DiagId::ReservedName, span, name);
      return false;
    }
  }
  auto [it, inserted] = declared_.emplace(name, span);
  if (!inserted) {
    diags_.report(DiagId::DuplicateName, span, name).note(DiagId::PreviousDeclaration, it->second);
    return false;
  }
  return true;
}

void Checker::noteDeclared(Diagnostic& d, const std::string& name) {
  auto it = declared_.find(name);
  if (it != declared_.end() && it->second.valid()) d.note(DiagId::DeclaredHere, it->second, name);
}

// ---------------------------------------------------------------------------- settings

void Checker::collectSettings() {
  const ast::Decl* seen[4] = {nullptr, nullptr, nullptr, nullptr};
  auto once = [&](int slot, const ast::Decl& d, const char* en, const char* zh) {
    if (seen[slot]) {
      diags_.report(DiagId::DuplicateSetting, d.span, bilingual(en, zh)).note(DiagId::PreviousDeclaration, seen[slot]->span);
      return false;
    }
    seen[slot] = &d;
    return true;
  };
  bool haveSubjects = false;
  for (const ast::DeclPtr& dp : ast_.decls) {
    const ast::Decl& d = *dp;
    const std::string& v = d.name.text;
    switch (d.kind) {
      case ast::DeclKind::Period:
        if (!once(0, d, "`period`", "考评周期")) break;
        if (oneOf(v, {"year", "年", "年度"})) ir_->period = ir::PeriodKind::Year;
        else if (oneOf(v, {"half_year", "halfyear", "半年", "半年度"})) ir_->period = ir::PeriodKind::HalfYear;
        else if (oneOf(v, {"quarter", "季", "季度"})) ir_->period = ir::PeriodKind::Quarter;
        else if (oneOf(v, {"month", "月", "月度"})) ir_->period = ir::PeriodKind::Month;
        else
          diags_.report(DiagId::UnknownSetting, d.name.span, bilingual("period", "考评周期"), v,
                        "year/年度, half_year/半年度, quarter/季度, month/月度");
        break;
      case ast::DeclKind::Subjects:
        if (!once(1, d, "`subjects`", "考评对象")) break;
        haveSubjects = true;
        if (oneOf(v, {"persons", "people", "人员", "个人"})) ir_->subjects = ir::SubjectKind::Persons;
        else if (oneOf(v, {"units", "单位"})) ir_->subjects = ir::SubjectKind::Units;
        else
          diags_.report(DiagId::UnknownSetting, d.name.span, bilingual("kind of subject", "考评对象"), v,
                        "persons/人员, units/单位");
        break;
      case ast::DeclKind::Places:
        if (!once(2, d, "the number of places", "小数位")) break;
        if (d.number < 0 || d.number > 12) diags_.report(DiagId::BadPlaces, d.textSpan, 12);
        else ir_->places = d.number;
        break;
      case ast::DeclKind::Rounding: {
        if (!once(3, d, "the rounding mode", "舍入方式")) break;
        if (auto m = roundingModeByName(d.text)) ir_->rounding = *m;
        else diags_.report(DiagId::UnknownSetting, d.textSpan, bilingual("rounding mode", "舍入方式"), d.text, kRoundingModes);
        break;
      }
      default:
        break;
    }
  }
  if (!haveSubjects) diags_.report(DiagId::MissingSubjects, ast_.span);
  if (!seen[0]) diags_.report(DiagId::NoPeriod, ast_.span);
}

// ---------------------------------------------------------------------------- types

uint16_t Checker::addEnum(const ast::EnumBody& body, const std::string& name, bool isTier) {
  ir::EnumType e;
  e.name = name;
  e.span = body.span;
  e.isTier = isTier;
  switch (body.order) {
    case ast::EnumOrder::None: e.order = ir::EnumOrder::None; break;
    case ast::EnumOrder::Ascending: e.order = ir::EnumOrder::Ascending; break;
    case ast::EnumOrder::Descending: e.order = ir::EnumOrder::Descending; break;
    case ast::EnumOrder::Mixed:
      diags_.report(DiagId::EnumOrderMixed, body.span);
      e.order = ir::EnumOrder::Ascending;
      break;
  }
  for (const ast::Name& v : body.values) {
    if (e.find(v.text)) {
      diags_.report(DiagId::DuplicateEnumValue, v.span, v.text);
      continue;
    }
    e.values.push_back(v.text);
    e.valueSpans.push_back(v.span);
  }
  ir_->enums.push_back(std::move(e));
  return static_cast<uint16_t>(ir_->enums.size() - 1);
}

void Checker::collectEnums() {
  for (const ast::DeclPtr& d : ast_.decls) {
    if (d->kind != ast::DeclKind::Enum) continue;
    if (auto it = namedEnums_.find(d->name.text); it != namedEnums_.end()) {
      diags_.report(DiagId::DuplicateName, d->name.span, d->name.text)
          .note(DiagId::PreviousDeclaration, ir_->enums[it->second].span);
      continue;
    }
    uint16_t id = addEnum(*d->enumBody, d->name.text, false);
    ir_->enums[id].span = d->name.span;
    namedEnums_[d->name.text] = id;
  }
}

std::optional<ir::Type> Checker::resolveType(const ast::TypeExpr& t, const std::string& ownerName) {
  if (t.inlineEnum) return ir::Type::enumeration(addEnum(*t.inlineEnum, ownerName, false));
  const std::string& n = t.named->text;
  using B = ir::BaseType;
  if (oneOf(n, {"int", "integer", "整数"})) return ir::Type::of(B::Int);
  if (oneOf(n, {"decimal", "number", "小数", "数值", "实数"})) return ir::Type::of(B::Decimal);
  if (oneOf(n, {"bool", "boolean", "是否", "布尔"})) return ir::Type::of(B::Bool);
  if (oneOf(n, {"string", "text", "文本", "字符串"})) return ir::Type::of(B::String);
  if (oneOf(n, {"date", "日期"})) return ir::Type::of(B::Date);
  if (oneOf(n, {"money", "金额"})) return ir::Type::of(B::Money);
  if (oneOf(n, {"percentage", "percent", "百分比", "百分数"})) return ir::Type::of(B::Percent);
  auto it = namedEnums_.find(n);
  if (it != namedEnums_.end()) return ir::Type::enumeration(it->second);
  Diagnostic& d = diags_.report(DiagId::UnknownType, t.named->span, n);
  std::vector<std::string> candidates = {"int", "decimal", "bool", "string", "date", "money", "percentage",
                                         "整数", "小数", "是否", "文本", "日期", "金额", "百分比"};
  for (auto& [name, id] : namedEnums_) candidates.push_back(name);
  suggest(d, n, candidates);
  return std::nullopt;
}

// A literal written in a declaration (a default, a bound), converted to `type`.
std::optional<Value> Checker::literalValue(const ast::Expr& e, const ir::Type& type, std::string* text) {
  Ctx ctx;
  ctx.scope = Scope::Cohort;
  ir::ExprPtr x = check(e, ctx, &type);
  if (isError(x)) return std::nullopt;
  if (x->op == ir::Op::Neg && x->args[0]->op == ir::Op::Const) {
    Value v = x->args[0]->constant;
    if (x->type.base == ir::BaseType::Int) v = Value::ofInt(-v.asInt());
    else v = Value::ofDecimal(-v.asDecimal());
    x = constant(x->type, v, x->span);
  }
  if (x->op != ir::Op::Const) {
    diags_.report(DiagId::BadDefault, e.span, bilingual("write a literal value", "请写字面值"));
    return std::nullopt;
  }
  if (type.base == ir::BaseType::Decimal && x->type.base == ir::BaseType::Int)
    return Value::ofDecimal(Decimal::fromInt(x->constant.asInt()));
  if (!x->type.sameAs(type)) {
    diags_.report(DiagId::BadDefault, e.span, bilingual("expected ", "应为") + typeName(type));
    return std::nullopt;
  }
  if (text) *text = x->text.empty() && type.base != ir::BaseType::String ? std::string(sources_.text(e.span)) : x->text;
  return x->constant;
}

ir::Attribute Checker::makeAttribute(const std::string& name, const ast::TypeExpr& typeExpr,
                                     const std::vector<ast::ValueOption>& options, Span span) {
  ir::Attribute a;
  a.name = name;
  a.column = name;
  a.span = span;
  if (auto t = resolveType(typeExpr, name)) a.type = *t;
  for (const ast::ValueOption& o : options) {
    switch (o.kind) {
      case ast::ValueOptionKind::Optional:
        a.optional = true;
        break;
      case ast::ValueOptionKind::Default:
        if (a.type.base != ir::BaseType::Error) a.defaultValue = literalValue(*o.value, a.type);
        break;
      case ast::ValueOptionKind::Compare:
      case ast::ValueOptionKind::Range: {
        if (!a.type.isNumeric()) {
          if (a.type.base != ir::BaseType::Error) diags_.report(DiagId::BadRangeOption, o.span, typeName(a.type));
          break;
        }
        ir::Type bound = a.type.base == ir::BaseType::Int ? ir::Type::of(ir::BaseType::Decimal) : a.type;
        auto lo = literalValue(*o.value, bound);
        if (!lo) break;
        Decimal v = lo->asDecimal();
        a.rangeDeclared = true;
        if (o.kind == ast::ValueOptionKind::Range) {
          auto hi = literalValue(*o.high, bound);
          if (!hi) break;
          a.range.lo = v;
          a.range.hi = hi->asDecimal();
          break;
        }
        switch (o.op) {
          case ast::CompareOp::Gt: a.range.lo = v; a.range.loOpen = true; break;
          case ast::CompareOp::Ge: a.range.lo = v; break;
          case ast::CompareOp::Lt: a.range.hi = v; a.range.hiOpen = true; break;
          case ast::CompareOp::Le: a.range.hi = v; break;
          default: a.range.lo = a.range.hi = v; break;
        }
        break;
      }
    }
  }
  if (a.type.base == ir::BaseType::Int && a.range.lo && a.range.loOpen) {
    // int > 0 is int >= 1: keeps the interval closed for the analyses.
    a.range.lo = a.range.lo->floor() + Decimal::one();
    a.range.loOpen = false;
  }
  return a;
}

// ---------------------------------------------------------------------------- subjects, events, params

void Checker::collectSubjectAttributes() {
  using B = ir::BaseType;
  auto builtin = [&](const char* name, ir::Type t) {
    ir::Attribute a;
    a.name = name;
    a.column = name;
    a.type = t;
    a.builtin = true;
    ir_->subjectAttributes.push_back(a);
  };
  builtin("id", ir::Type::of(B::String));
  builtin("name", ir::Type::of(B::String));
  if (ir_->subjects == ir::SubjectKind::Persons) {
    builtin("unit", ir::Type::of(B::String));
    builtin("dept", ir::Type::of(B::Department));
    builtin("role", ir::Type::of(B::String));
  } else {
    builtin("parent", ir::Type::of(B::Subject).withOptional(true));
    ir_->subjectAttributes.back().optional = true;
  }
  for (const ast::DeclPtr& d : ast_.decls) {
    if (d->kind != ast::DeclKind::Attribute) continue;
    int existing = attributeByName(d->name.text);
    if (existing >= 0 && ir_->subjectAttributes[existing].builtin) {
      diags_.report(DiagId::ReservedName, d->name.span, d->name.text);
      continue;
    }
    if (!declareName(d->name.text, d->name.span)) continue;
    ir_->subjectAttributes.push_back(makeAttribute(d->name.text, *d->type, d->valueOptions, d->name.span));
  }
}

void Checker::collectEventKinds() {
  std::map<std::string, Span> seen;
  for (const ast::DeclPtr& d : ast_.decls) {
    if (d->kind != ast::DeclKind::Event) continue;
    std::vector<ir::Attribute> attrs;
    for (const ast::AttrDecl& a : d->attributes) {
      if (oneOf(a.name.text, {"date", "kind", "subject"})) {
        diags_.report(DiagId::ReservedColumn, a.name.span, a.name.text);
        continue;
      }
      bool dup = false;
      for (const ir::Attribute& prev : attrs)
        if (prev.name == a.name.text) {
          diags_.report(DiagId::DuplicateName, a.name.span, a.name.text).note(DiagId::PreviousDeclaration, prev.span);
          dup = true;
        }
      if (!dup) attrs.push_back(makeAttribute(a.name.text, a.type, a.options, a.name.span));
    }
    for (const ast::Name& n : d->names) {
      auto [it, inserted] = seen.emplace(n.text, n.span);
      if (!inserted) {
        diags_.report(DiagId::DuplicateName, n.span, n.text).note(DiagId::PreviousDeclaration, it->second);
        continue;
      }
      ir_->eventKinds.push_back(ir::EventKind{n.text, n.span, attrs});
    }
  }
}

void Checker::collectParams() {
  for (const ast::DeclPtr& d : ast_.decls) {
    if (d->kind != ast::DeclKind::Param) continue;
    if (!declareName(d->name.text, d->name.span)) continue;
    ir::Attribute a = makeAttribute(d->name.text, *d->type, d->valueOptions, d->name.span);
    ir::Param p;
    p.name = a.name;
    p.type = a.type;
    p.span = a.span;
    p.defaultValue = a.defaultValue;
    p.optional = a.optional;
    p.adjustable = d->adjustable;
    p.range = a.range;
    p.rangeDeclared = a.rangeDeclared;
    for (const ast::ValueOption& o : d->valueOptions)
      if (o.kind == ast::ValueOptionKind::Default) p.defaultText = std::string(sources_.text(o.value->span));
    if (p.optional) p.type.optional = true;
    ir_->params.push_back(std::move(p));
  }
}

// ---------------------------------------------------------------------------- relations

void Checker::collectRelations() {
  ir::Relation all;
  all.name = "all";
  all.kind = ir::RelationKind::All;
  ir_->relations.push_back(std::move(all));
  for (const ast::DeclPtr& d : ast_.decls) {
    if (d->kind != ast::DeclKind::Relation) continue;
    if (!declareName(d->name.text, d->name.span)) continue;
    ir::Relation r;
    r.name = d->name.text;
    r.span = d->name.span;
    r.kind = d->relationKind ? ir::RelationKind::Filter : ir::RelationKind::Expression;
    ir_->relations.push_back(std::move(r));
  }
}

void Checker::checkRelations() {
  size_t next = 1;
  for (const ast::DeclPtr& d : ast_.decls) {
    if (d->kind != ast::DeclKind::Relation) continue;
    if (next >= ir_->relations.size() || ir_->relations[next].name != d->name.text) continue;
    ir::Relation& r = ir_->relations[next++];
    Ctx ctx;
    ctx.scope = Scope::Relation;
    relationVars_[0] = d->secondName.text;
    relationVars_[1] = d->relationVar ? d->relationVar->text : std::string();
    if (d->relationKind) {
      const std::string& k = d->relationKind->text;
      bool persons = oneOf(k, {"persons", "people", "人员"});
      bool units = oneOf(k, {"units", "单位"});
      if (!persons && !units) {
        diags_.report(DiagId::UnknownSetting, d->relationKind->span, bilingual("kind of subject", "对象类别"), k,
                      "persons/人员, units/单位");
      } else if (persons != (ir_->subjects == ir::SubjectKind::Persons)) {
        diags_.report(DiagId::SubjectKindMismatch, d->relationKind->span, d->name.text, k,
                      ir_->subjects == ir::SubjectKind::Persons ? bilingual("persons", "人员") : bilingual("units", "单位"));
      }
      ctx.candidate = true;
      if (d->expr) r.body = checkCondition(*d->expr, ctx);
      else r.body = constant(ir::Type::of(ir::BaseType::Bool), Value::ofBool(true), d->span);
    } else {
      r.body = check(*d->expr, ctx);
      if (!isError(r.body) && r.body->type.base != ir::BaseType::Subject)
        diags_.report(DiagId::TypeMismatch, d->expr->span, bilingual("a subject", "考评对象"), typeName(r.body->type));
    }
    relationVars_[0].clear();
    relationVars_[1].clear();
  }
}

// ---------------------------------------------------------------------------- figures

void Checker::collectFigures() {
  using K = ast::DeclKind;
  for (const ast::DeclPtr& dp : ast_.decls) {
    const ast::Decl& d = *dp;
    if (d.kind == K::Cap || d.kind == K::Veto || d.kind == K::Quota) {
      adjustmentDecls_.emplace(d.name.text, &d);
      continue;
    }
    if (d.kind != K::Let && d.kind != K::Score && d.kind != K::Tier && d.kind != K::Rank && d.kind != K::Conditions)
      continue;
    if (!declareName(d.name.text, d.name.span)) continue;
    ir::Figure f;
    f.name = d.name.text;
    f.span = d.name.span;
    f.citation = d.citation ? d.citation->text : "";
    f.places = ir_->places;
    f.declaredAsScore = d.kind == K::Score;
    switch (d.kind) {
      case K::Let: f.kind = d.groupBy ? ir::FigureKind::Grouped : ir::FigureKind::Formula; break;
      case K::Score:
        f.kind = d.groupBy ? ir::FigureKind::Grouped : d.hasRuleBlock ? ir::FigureKind::Score : ir::FigureKind::Formula;
        break;
      case K::Tier: {
        f.kind = ir::FigureKind::Tier;
        ast::EnumBody body;
        body.span = d.span;
        body.order = ast::EnumOrder::Descending;
        for (const ast::TierArm& a : d.arms) body.values.push_back(a.value);
        f.type = ir::Type::enumeration(addEnum(body, d.name.text, true));
        break;
      }
      case K::Rank:
        f.kind = ir::FigureKind::Rank;
        f.type = ir::Type::of(ir::BaseType::Int);
        break;
      case K::Conditions:
        f.kind = ir::FigureKind::CondFlag;
        f.type = ir::Type::of(ir::BaseType::Bool);
        break;
      default:
        break;
    }
    ir_->figures.push_back(std::move(f));
    figureDecls_.push_back(&d);
    if (d.kind == K::Conditions && !d.secondName.text.empty() && declareName(d.secondName.text, d.secondName.span)) {
      ir::Figure r;
      r.name = d.secondName.text;
      r.span = d.secondName.span;
      r.kind = ir::FigureKind::CondReasons;
      r.type = ir::Type::of(ir::BaseType::String);
      r.partner = static_cast<uint32_t>(ir_->figures.size() - 1);
      ir_->figures.back().partner = static_cast<uint32_t>(ir_->figures.size());
      ir_->figures.push_back(std::move(r));
      figureDecls_.push_back(&d);
    }
  }
  state_.assign(ir_->figures.size(), State::Pending);
  uses_.assign(ir_->figures.size(), {});
  for (const auto& [name, d] : adjustmentDecls_) {
    if (figureByName(name) >= 0) continue;
    Diagnostic& diag = diags_.report(DiagId::UnknownFigure, d->name.span, name);
    std::vector<std::string> names;
    for (const ir::Figure& f : ir_->figures) names.push_back(f.name);
    suggest(diag, name, names);
  }
}

void Checker::resolveFigure(uint32_t index) {
  if (state_[index] != State::Pending) return;
  state_[index] = State::InProgress;
  resolving_.push_back(index);
  checkFigureBody(index);
  Ctx ctx;
  ctx.figure = static_cast<int>(index);
  checkAdjustments(index, ctx);
  resolving_.pop_back();
  state_[index] = State::Done;
  ir::Figure& fig = ir_->figures[index];
  std::sort(fig.dependsOn.begin(), fig.dependsOn.end());
  fig.dependsOn.erase(std::unique(fig.dependsOn.begin(), fig.dependsOn.end()), fig.dependsOn.end());
  ir_->evaluationOrder.push_back(index);
}

void Checker::addDependency(const Ctx& ctx, uint32_t figure, Span span) {
  if (ctx.figure >= 0) {
    uses_[ctx.figure].emplace_back(figure, span);
    ir_->figures[ctx.figure].dependsOn.push_back(figure);
  }
  if (state_[figure] == State::Pending) {
    resolveFigure(figure);
    return;
  }
  if (state_[figure] != State::InProgress || cycleReported_.count(figure)) return;
  // A cycle: the figures from `figure` to the top of the stack, then `figure` again.
  auto start = std::find(resolving_.begin(), resolving_.end(), figure);
  std::vector<uint32_t> cycle(start, resolving_.end());
  std::string path;
  for (uint32_t f : cycle) path += ir_->figures[f].name + " → ";
  path += ir_->figures[figure].name;
  Diagnostic& d = diags_.report(DiagId::Cycle, ir_->figures[figure].span, ir_->figures[figure].name, path);
  for (size_t i = 0; i < cycle.size(); ++i) {
    uint32_t from = cycle[i];
    uint32_t to = i + 1 < cycle.size() ? cycle[i + 1] : figure;
    for (auto& [used, where] : uses_[from])
      if (used == to) {
        d.note(DiagId::CycleStep, where, ir_->figures[from].name, ir_->figures[to].name);
        break;
      }
  }
  for (uint32_t f : cycle) {
    cycleReported_.insert(f);
    if (ir_->figures[f].type.base == ir::BaseType::Error) continue;
  }
}

void Checker::applyFigureOptions(ir::Figure& fig, const ast::Decl& d, Ctx ctx) {
  for (const ast::FigureOption& o : d.figureOptions) {
    switch (o.kind) {
      case ast::FigureOptionKind::Base:
        if (!d.hasRuleBlock) diags_.report(DiagId::RuleOnlyInBlock, o.span);
        else fig.base = checkAmount(*o.value, ctx);
        break;
      case ast::FigureOptionKind::Floor: fig.floor = checkAmount(*o.value, ctx); break;
      case ast::FigureOptionKind::Deplete:
        fig.floor = constant(ir::Type::of(ir::BaseType::Int), Value::ofInt(0), o.span);
        break;
      case ast::FigureOptionKind::Cap: fig.cap = checkAmount(*o.value, ctx); break;
      case ast::FigureOptionKind::Max: fig.declaredMax = checkAmount(*o.value, ctx); break;
      case ast::FigureOptionKind::Min: fig.declaredMin = checkAmount(*o.value, ctx); break;
      case ast::FigureOptionKind::Places:
        if (o.places < 0 || o.places > 12) diags_.report(DiagId::BadPlaces, o.span, 12);
        else fig.places = o.places;
        break;
    }
  }
}

void Checker::checkFigureBody(uint32_t index) {
  const ast::Decl& d = *figureDecls_[index];
  Ctx ctx;
  ctx.figure = static_cast<int>(index);
  ir::Figure& fig = ir_->figures[index];
  switch (fig.kind) {
    case ir::FigureKind::Formula:
    case ir::FigureKind::Grouped: {
      std::optional<ir::Type> declared;
      if (d.type) declared = resolveType(*d.type, d.name.text);
      if (d.groupBy) {
        int kind = kindByName(d.groupBy->kind.text);
        int attr = eventAttrByName(kind, d.groupBy->attribute.text);
        if (kind < 0) {
          diags_.report(DiagId::UnknownEventKind, d.groupBy->kind.span, d.groupBy->kind.text);
          fig.type = ir::Type{};
          return;
        }
        if (attr < 0) {
          diags_.report(DiagId::UnknownAttribute, d.groupBy->attribute.span, d.groupBy->attribute.text,
                        d.groupBy->kind.text);
          fig.type = ir::Type{};
          return;
        }
        ir::Type keyType = ir_->eventKinds[kind].attributes[attr].type;
        if (keyType.base != ir::BaseType::Enum && keyType.base != ir::BaseType::String) {
          diags_.report(DiagId::GroupKeyNotEnumOrString, d.groupBy->attribute.span, typeName(keyType));
          fig.type = ir::Type{};
          return;
        }
        fig.groupKind = static_cast<uint32_t>(kind);
        fig.groupAttr = static_cast<uint32_t>(attr);
        ctx.groupKind = kind;
        ctx.groupAttr = attr;
      }
      applyFigureOptions(fig, d, ctx);
      ir::ExprPtr e = check(*d.expr, ctx, declared ? &*declared : nullptr);
      if (!isError(e) && declared) {
        auto u = unify(*declared, e->type);
        if (!u || u->base != declared->base) {
          diags_.report(DiagId::TypeMismatch, d.expr->span, typeName(*declared), typeName(e->type));
          e = error(d.expr->span);
        } else {
          e = convert(std::move(e), declared->withOptional(e->type.optional));
        }
      }
      if (!isError(e) && (d.kind == ast::DeclKind::Score || fig.floor || fig.cap) && !e->type.isNumeric()) {
        diags_.report(DiagId::TypeMismatch, d.expr->span, bilingual("a number", "数值"), typeName(e->type));
        e = error(d.expr->span);
      }
      if (!isError(e) && (d.kind == ast::DeclKind::Score || fig.kind == ir::FigureKind::Grouped) &&
          !requireDefinite(e, "`" + fig.name + "`"))
        e = error(d.expr->span);
      if (!isError(e) && e->type.base == ir::BaseType::Money) fig.places = 0;
      for (const ast::FigureOption& o : d.figureOptions)
        if (o.kind == ast::FigureOptionKind::Places) fig.places = o.places;
      if (!isError(e) && (fig.floor || fig.cap)) {
        for (ir::ExprPtr* bound : {&fig.floor, &fig.cap}) {
          if (!*bound || isError(*bound)) continue;
          auto u = unify(e->type, (*bound)->type);
          if (!u) diags_.report(DiagId::OperandTypes, (*bound)->span, "floor/cap", typeName(e->type), typeName((*bound)->type));
          else {
            e = convert(std::move(e), *u);
            *bound = convert(std::move(*bound), *u);
          }
        }
      }
      fig.type = isError(e) ? ir::Type{} : e->type;
      fig.expr = std::move(e);
      return;
    }
    case ir::FigureKind::Score:
      applyFigureOptions(fig, d, ctx);
      checkScore(fig, d, ctx);
      return;
    case ir::FigureKind::Tier:
      checkTier(fig, d, ctx);
      return;
    case ir::FigureKind::Rank:
      checkRank(fig, d, ctx);
      return;
    case ir::FigureKind::CondFlag:
      checkConditions(index, d, ctx);
      return;
    case ir::FigureKind::CondReasons:
      addDependency(ctx, fig.partner, fig.span);
      return;
  }
}

void Checker::checkScore(ir::Figure& fig, const ast::Decl& d, Ctx ctx) {
  if (!fig.base) diags_.report(DiagId::ScoreNeedsBase, d.name.span, d.name.text);
  std::vector<ir::ExprPtr*> amounts;
  for (const ast::Rule& r : d.rules) {
    // One IR rule per event kind named (`each 未报告, 公文不符: ...`): the condition and
    // amounts are checked against each kind's own attributes.
    std::vector<int> kinds;
    bool window = r.kind == ast::RuleKind::EachMonth;
    if (r.kind == ast::RuleKind::Each) {
      if (r.sources.size() == 1 && kindByName(r.sources[0].text) < 0 && oneOf(r.sources[0].text, {"month", "月"})) {
        window = true;
      } else {
        for (const ast::Name& source : r.sources) {
          int kind = kindByName(source.text);
          if (kind < 0) {
            Diagnostic& diag = diags_.report(DiagId::UnknownEventKind, source.span, source.text);
            std::vector<std::string> names = {"month"};
            for (const ir::EventKind& k : ir_->eventKinds) names.push_back(k.name);
            suggest(diag, source.text, names);
            continue;
          }
          kinds.push_back(kind);
        }
        if (kinds.empty()) continue;
      }
    }
    if (r.kind != ast::RuleKind::Each || window) kinds.push_back(-1);
    for (int kind : kinds) {
      ir::Rule rule;
      rule.span = r.span;
      rule.citation = r.citation ? r.citation->text : "";
      Ctx rctx = ctx;
      if (kind >= 0) {
        rule.kind = ir::RuleKind::Each;
        rule.eventKind = static_cast<uint32_t>(kind);
        rctx.scope = Scope::Row;
        rctx.eventKind = kind;
      } else if (window) {
        rule.kind = ir::RuleKind::Window;
        rule.window = ir::Window::Month;
        rctx.window = ir::Window::Month;
      } else {
        rule.kind = ir::RuleKind::When;
      }
      if (r.condition) rule.condition = checkCondition(*r.condition, rctx);
      for (const ast::Effect& e : r.effects) {
        ir::Effect eff;
        eff.sign = e.kind == ast::EffectKind::Deduct ? ir::EffectSign::Deduct : ir::EffectSign::Add;
        eff.span = e.span;
        eff.amount = checkAmount(*e.amount, rctx);
        if (e.target) {
          int rel = relationByName(e.target->text);
          if (rel < 0) {
            Diagnostic& diag = diags_.report(DiagId::UnknownRelation, e.target->span, e.target->text);
            std::vector<std::string> names;
            for (const ir::Relation& x : ir_->relations) names.push_back(x.name);
            suggest(diag, e.target->text, names);
          }
          eff.relation = rel;
        }
        rule.effects.push_back(std::move(eff));
      }
      fig.rules.push_back(std::move(rule));
    }
  }
  // The score's type: what its base, amounts, floor and cap have in common.
  std::optional<ir::Type> type = fig.base && !isError(fig.base) ? std::optional(fig.base->type) : std::nullopt;
  auto join = [&](ir::ExprPtr& e) {
    if (!e || isError(e)) return;
    if (!type) {
      type = e->type;
      return;
    }
    auto u = unify(*type, e->type);
    if (!u) {
      diags_.report(DiagId::OperandTypes, e->span, fig.name, typeName(*type), typeName(e->type));
      e = error(e->span);
      return;
    }
    type = u;
  };
  for (ir::Rule& r : fig.rules)
    for (ir::Effect& e : r.effects) join(e.amount);
  join(fig.floor);
  join(fig.cap);
  if (!type) type = ir::Type::of(ir::BaseType::Int);
  type->optional = false;
  auto conv = [&](ir::ExprPtr& e) {
    if (e && !isError(e)) e = convert(std::move(e), *type);
  };
  conv(fig.base);
  conv(fig.floor);
  conv(fig.cap);
  for (ir::Rule& r : fig.rules)
    for (ir::Effect& e : r.effects) conv(e.amount);
  fig.type = *type;
  if (type->base == ir::BaseType::Money) fig.places = 0;
  for (const ast::FigureOption& o : d.figureOptions)
    if (o.kind == ast::FigureOptionKind::Places) fig.places = o.places;
}

void Checker::checkTier(ir::Figure& fig, const ast::Decl& d, Ctx ctx) {
  fig.expr = checkDefinite(*d.expr, ctx);
  if (isError(fig.expr)) return;
  const ir::EnumType& values = ir_->enums[fig.type.enumId];
  for (size_t i = 0; i < d.arms.size() && i < values.values.size(); ++i) {
    ir::Figure::TierArm arm;
    arm.span = d.arms[i].span;
    auto v = values.find(d.arms[i].value.text);
    if (!v) continue;  // a duplicate, already reported
    arm.value = *v;
    if (checkPattern(d.arms[i].pattern, fig.expr->type, ctx, arm.pattern)) fig.tierArms.push_back(std::move(arm));
  }
}

void Checker::checkRank(ir::Figure& fig, const ast::Decl& d, Ctx ctx) {
  for (const ast::OrderKey& k : d.orderKeys) {
    ir::ExprPtr key = checkDefinite(*k.key, ctx);
    if (isError(key)) continue;
    const ir::Type& t = key->type;
    bool rankable = t.isNumeric() || t.base == ir::BaseType::Date || t.base == ir::BaseType::String ||
                    (t.base == ir::BaseType::Enum && ir_->enums[t.enumId].order != ir::EnumOrder::None);
    if (!rankable) {
      diags_.report(DiagId::RankKeyType, k.key->span, typeName(t));
      continue;
    }
    fig.rankKeys.push_back(ir::Adjustment::Key{std::move(key), k.descending});
  }
  if (d.per) {
    int attr = d.per->kind == ast::ExprKind::Name ? attributeByName(d.per->text) : -1;
    if (attr < 0) diags_.report(DiagId::QuotaGroup, d.per->span, std::string(sources_.text(d.per->span)));
    fig.rankWithin = attr;
  }
}

void Checker::checkConditions(uint32_t index, const ast::Decl& d, Ctx ctx) {
  ir::Figure& fig = ir_->figures[index];
  for (const ast::CondItem& item : d.conditions) {
    ir::Figure::Condition c;
    c.label = item.label;
    c.span = item.span;
    c.condition = checkCondition(*item.condition, ctx);
    ir_->figures[index].conditions.push_back(std::move(c));
  }
  (void)fig;
}

void Checker::checkAdjustments(uint32_t index, Ctx ctx) {
  auto [begin, end] = adjustmentDecls_.equal_range(ir_->figures[index].name);
  std::vector<const ast::Decl*> decls;
  for (auto it = begin; it != end; ++it) decls.push_back(it->second);
  std::sort(decls.begin(), decls.end(), [](const ast::Decl* a, const ast::Decl* b) { return a->span.begin < b->span.begin; });
  for (const ast::Decl* dp : decls) {
    const ast::Decl& d = *dp;
    ir::Figure& fig = ir_->figures[index];
    if (fig.type.base == ir::BaseType::Error) return;
    ir::Adjustment adj;
    adj.span = d.span;
    adj.citation = d.citation ? d.citation->text : "";
    adj.reason = d.reason.value_or("");
    auto enumValue = [&](const ast::Name& n) -> std::optional<uint32_t> {
      if (fig.type.base != ir::BaseType::Enum) return std::nullopt;
      auto v = ir_->enums[fig.type.enumId].find(n.text);
      if (!v) {
        Diagnostic& diag = diags_.report(DiagId::NotTierValue, n.span, n.text, fig.name);
        suggest(diag, n.text, ir_->enums[fig.type.enumId].values);
      }
      return v;
    };
    bool ordered = fig.type.base == ir::BaseType::Enum && ir_->enums[fig.type.enumId].order != ir::EnumOrder::None;
    if (d.kind == ast::DeclKind::Cap || d.kind == ast::DeclKind::Quota) {
      if (!ordered) {
        diags_.report(DiagId::AdjustOnlyTier, d.span, d.kind == ast::DeclKind::Cap ? "cap" : "quota", fig.name,
                      typeName(fig.type));
        continue;
      }
    }
    if (d.kind == ast::DeclKind::Cap) {
      adj.kind = ir::AdjustmentKind::CapAtMost;
      auto v = enumValue(d.secondName);
      if (!v) continue;
      adj.value = *v;
      adj.condition = checkCondition(*d.when, ctx);
    } else if (d.kind == ast::DeclKind::Veto) {
      adj.kind = ir::AdjustmentKind::Veto;
      ir::Type t = fig.type;
      adj.replacement = checkDefinite(*d.expr, ctx, &t);
      if (!isError(adj.replacement)) {
        auto u = unify(t, adj.replacement->type);
        if (!u || !u->sameAs(t)) {
          diags_.report(DiagId::TypeMismatch, d.expr->span, typeName(t), typeName(adj.replacement->type));
          continue;
        }
        adj.replacement = convert(std::move(adj.replacement), t);
      }
      adj.condition = checkCondition(*d.when, ctx);
    } else {
      adj.kind = ir::AdjustmentKind::Quota;
      auto v = enumValue(d.secondName);
      auto demote = enumValue(d.thirdName);
      if (!v || !demote) continue;
      adj.value = *v;
      adj.demoteTo = *demote;
      ir::Type intType = ir::Type::of(ir::BaseType::Int);
      adj.count = checkDefinite(*d.expr, ctx, &intType);
      if (!isError(adj.count) && adj.count->type.base != ir::BaseType::Int)
        diags_.report(DiagId::TypeMismatch, d.expr->span, typeName(intType), typeName(adj.count->type));
      int attr = d.per && d.per->kind == ast::ExprKind::Name ? attributeByName(d.per->text) : -1;
      if (attr < 0) diags_.report(DiagId::QuotaGroup, d.per->span, std::string(sources_.text(d.per->span)));
      adj.groupAttr = attr;
      if (d.when) adj.condition = checkCondition(*d.when, ctx);
      for (const ast::OrderKey& k : d.orderKeys) {
        ir::ExprPtr key = checkDefinite(*k.key, ctx);
        if (!isError(key)) adj.keys.push_back(ir::Adjustment::Key{std::move(key), k.descending});
      }
    }
    ir_->figures[index].adjustments.push_back(std::move(adj));
  }
}

// ---------------------------------------------------------------------------- constraints, alerts, outputs

namespace {
void markTracked(ir::Scheme& s, const ir::Expr& e) {
  if (e.op == ir::Op::EventAgg) s.aggregates[e.index].trackRows = true;
  for (const ir::ExprPtr& a : e.args)
    if (a) markTracked(s, *a);
}
}  // namespace

void Checker::checkConstraints() {
  for (const ast::DeclPtr& dp : ast_.decls) {
    const ast::Decl& d = *dp;
    if (d.kind != ast::DeclKind::Constraint) continue;
    ir::Constraint c;
    c.span = d.span;
    c.citation = d.citation ? d.citation->text : "";
    c.reason = d.reason.value_or("");
    Ctx ctx;
    ctx.inConstraint = true;
    if (d.per) {
      int attr = d.per->kind == ast::ExprKind::Name ? attributeByName(d.per->text) : -1;
      if (attr < 0) {
        diags_.report(DiagId::QuotaGroup, d.per->span, std::string(sources_.text(d.per->span)));
        continue;
      }
      c.groupAttr = attr;
    }
    if (d.when) c.when = checkCondition(*d.when, ctx);
    ctx.groupConstraint = d.per != nullptr;
    ctx.groupAttr = c.groupAttr;
    c.condition = checkCondition(*d.expr, ctx);
    if (!isError(c.condition)) markTracked(*ir_, *c.condition);
    ir_->constraints.push_back(std::move(c));
  }
}

void Checker::checkAlerts() {
  for (const ast::DeclPtr& dp : ast_.decls) {
    const ast::Decl& d = *dp;
    if (d.kind != ast::DeclKind::Alert) continue;
    Ctx ctx;
    ctx.scope = Scope::Cohort;
    ctx.optionalCompare = true;
    ir::Alert a;
    a.span = d.span;
    a.message = d.text;
    a.condition = check(*d.when, ctx);
    if (!isError(a.condition) && a.condition->type.base != ir::BaseType::Bool) {
      diags_.report(DiagId::TypeMismatch, d.when->span, bilingual("a condition (是/否)", "条件（是/否）"),
                    typeName(a.condition->type));
      continue;
    }
    ir_->alerts.push_back(std::move(a));
  }
}

void Checker::checkOutputs() {
  const ast::Decl* outputDecl = nullptr;
  for (const ast::DeclPtr& d : ast_.decls) {
    if (d->kind != ast::DeclKind::Output) continue;
    if (outputDecl) {
      diags_.report(DiagId::DuplicateSetting, d->span, bilingual("the output list", "输出列"))
          .note(DiagId::PreviousDeclaration, outputDecl->span);
      continue;
    }
    outputDecl = d.get();
  }
  std::vector<std::pair<uint32_t, Span>> chosen;
  if (outputDecl) {
    for (const ast::Name& n : outputDecl->names) {
      int f = figureByName(n.text);
      if (f < 0) {
        Diagnostic& d = diags_.report(DiagId::OutputUnknown, n.span, n.text);
        std::vector<std::string> names;
        for (const ir::Figure& fig : ir_->figures) names.push_back(fig.name);
        suggest(d, n.text, names);
        continue;
      }
      chosen.emplace_back(static_cast<uint32_t>(f), n.span);
    }
  } else {
    for (uint32_t i = 0; i < ir_->figures.size(); ++i)
      if (ir_->figures[i].kind != ir::FigureKind::Grouped) chosen.emplace_back(i, ir_->figures[i].span);
  }
  for (auto [f, span] : chosen) {
    ir::Figure& fig = ir_->figures[f];
    if (fig.type.base == ir::BaseType::Error) continue;
    if (fig.kind == ir::FigureKind::Grouped) {
      diags_.report(DiagId::OutputNotPrintable, span, fig.name, bilingual("a figure per group", "分组指标"));
      continue;
    }
    if (fig.output) {
      diags_.report(DiagId::DuplicateName, span, fig.name);
      continue;
    }
    fig.output = true;
    ir_->outputs.push_back(f);
  }
  for (const ir::Figure& fig : ir_->figures)
    if (fig.usedByPrevious && !fig.output) diags_.report(DiagId::PreviousNeedsOutput, previousUse_[fig.name], fig.name);
}

}  // namespace kaoping::sema
