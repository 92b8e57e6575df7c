#include "compiler/ir/ir.h"

#include <fmt/format.h>

#include "compiler/support/date.h"
#include "compiler/support/diagnostics.h"
#include "compiler/support/large_stack.h"

namespace kaoping::ir {

bool Interval::excludesZero() const {
  if (lo && (lo->sign() > 0 || (lo->sign() == 0 && loOpen))) return true;
  if (hi && (hi->sign() < 0 || (hi->sign() == 0 && hiOpen))) return true;
  return false;
}

bool Interval::contains(Decimal v) const {
  if (lo && (v < *lo || (loOpen && v == *lo))) return false;
  if (hi && (v > *hi || (hiOpen && v == *hi))) return false;
  return true;
}

Interval Interval::sum(const Interval& a, const Interval& b, bool subtract) {
  Interval r;
  try {
    if (!subtract) {
      if (a.lo && b.lo) r.lo = *a.lo + *b.lo;
      if (a.hi && b.hi) r.hi = *a.hi + *b.hi;
    } else {
      if (a.lo && b.hi) r.lo = *a.lo - *b.hi;
      if (a.hi && b.lo) r.hi = *a.hi - *b.lo;
    }
  } catch (const ArithmeticError&) {
    return Interval{};
  }
  return r;
}

std::string Interval::describe() const {
  std::string out = lo ? (loOpen ? "(" : "[") + lo->toString() : "(-∞";
  out += ", ";
  out += hi ? hi->toString() + (hiOpen ? ")" : "]") : "+∞)";
  return out;
}

const char* compareSymbol(CompareOp op) {
  static const char* names[] = {"==", "!=", "<", "<=", ">", ">="};
  return names[static_cast<int>(op)];
}

const char* aggName(AggOp op) {
  static const char* names[] = {"count", "sum", "mean", "mean", "min", "max", "exists", "last", "first"};
  return names[static_cast<int>(op)];
}

int Scheme::attributeIndex(std::string_view name) const {
  for (size_t i = 0; i < subjectAttributes.size(); ++i)
    if (subjectAttributes[i].name == name) return static_cast<int>(i);
  return -1;
}

int Scheme::eventKindIndex(std::string_view name) const {
  for (size_t i = 0; i < eventKinds.size(); ++i)
    if (eventKinds[i].name == name) return static_cast<int>(i);
  return -1;
}

int Scheme::figureIndex(std::string_view name) const {
  for (size_t i = 0; i < figures.size(); ++i)
    if (figures[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string typeName(const Scheme& scheme, const Type& type) {
  std::string base;
  switch (type.base) {
    case BaseType::Int: base = bilingual("an integer", "整数"); break;
    case BaseType::Decimal: base = bilingual("a decimal number", "小数"); break;
    case BaseType::Money: base = bilingual("an amount of money (元)", "金额（元）"); break;
    case BaseType::Percent: base = bilingual("a percentage", "百分比"); break;
    case BaseType::Bool: base = bilingual("yes/no (是/否)", "是/否"); break;
    case BaseType::String: base = bilingual("text", "文本"); break;
    case BaseType::Date: base = bilingual("a date", "日期"); break;
    case BaseType::Enum: {
      const EnumType& e = scheme.enums[type.enumId];
      base = bilingual("a value of ", "") + e.name + bilingual("", " 的取值");
      break;
    }
    case BaseType::Subject:
      base = scheme.subjects == SubjectKind::Persons ? bilingual("a person", "人员") : bilingual("a unit", "单位");
      break;
    case BaseType::Department: base = bilingual("a department", "处室"); break;
    case BaseType::Error: base = bilingual("an invalid value", "无效值"); break;
  }
  if (type.optional) return base + bilingual(" that may be absent", "（可能为空）");
  return base;
}

// ---------------------------------------------------------------------------- printing

namespace {

std::string constantText(const Scheme& s, const Expr& e) {
  if (e.constant.absent) return "<none>";
  switch (e.type.base) {
    case BaseType::Int: return std::to_string(e.constant.asInt());
    case BaseType::Decimal: return e.constant.asDecimal().toString();
    case BaseType::Money: return e.constant.asDecimal().toString() + "元";
    case BaseType::Percent: return (e.constant.asDecimal() * Decimal::fromInt(100)).toString() + "%";
    case BaseType::Bool: return e.constant.asBool() ? "是" : "否";
    case BaseType::String: return "\"" + e.text + "\"";
    case BaseType::Date: return date::format(e.constant.asDate());
    case BaseType::Enum: return s.enums[e.type.enumId].values[e.constant.asIndex()];
    default: return "?";
  }
}

const char* shortType(const Type& t) {
  switch (t.base) {
    case BaseType::Int: return "int";
    case BaseType::Decimal: return "dec";
    case BaseType::Money: return "money";
    case BaseType::Percent: return "pct";
    case BaseType::Bool: return "bool";
    case BaseType::String: return "str";
    case BaseType::Date: return "date";
    case BaseType::Enum: return "enum";
    case BaseType::Subject: return "subject";
    case BaseType::Department: return "dept";
    default: return "error";
  }
}

std::string pattern(const Scheme& s, const Pattern& p) {
  if (p.otherwise) return "otherwise";
  std::string out;
  for (const Bound& b : p.bounds) {
    if (!out.empty()) out += p.anyOf ? " | " : " and ";
    switch (b.kind) {
      case Bound::Kind::Equal: out += printExpr(s, *b.value); break;
      case Bound::Kind::Compare: out += fmt::format("{} {}", compareSymbol(b.op), printExpr(s, *b.value)); break;
      case Bound::Kind::Range: out += fmt::format("[{}, {}]", printExpr(s, *b.value), printExpr(s, *b.high)); break;
    }
  }
  return out;
}

}  // namespace

std::string printExpr(const Scheme& s, const Expr& e) {
  auto args = [&](size_t from = 0) {
    std::string out;
    for (size_t i = from; i < e.args.size(); ++i) out += " " + (e.args[i] ? printExpr(s, *e.args[i]) : "_");
    return out;
  };
  std::string t = e.type.optional ? std::string(shortType(e.type)) + "?" : shortType(e.type);
  switch (e.op) {
    case Op::Const: return constantText(s, e);
    case Op::RowAttr: return "row." + e.text;
    case Op::SubjectAttr: return "subject." + s.subjectAttributes[e.index].name;
    case Op::VarAttr: return e.text;
    case Op::VarSubject: return e.text;
    case Op::CurrentSubject: return "subject";
    case Op::Param: return "param." + s.params[e.index].name;
    case Op::Figure: return "fig." + s.figures[e.index].name;
    case Op::Previous: return "(previous fig." + s.figures[e.index].name + ")";
    case Op::GroupSize: return "(size " + s.subjectAttributes[e.index].name + ")";
    case Op::EventAgg: return fmt::format("agg#{}", e.index);
    case Op::RelationAgg:
      return fmt::format("({} {}{}):{}", aggName(e.aggOp), s.relations[e.index].name, args(), t);
    case Op::GroupedAgg: return fmt::format("({} fig.{}):{}", aggName(e.aggOp), s.figures[e.index].name, t);
    case Op::Neg: return "(neg" + args() + "):" + t;
    case Op::Add: return "(+" + args() + "):" + t;
    case Op::Sub: return "(-" + args() + "):" + t;
    case Op::Mul: return "(*" + args() + "):" + t;
    case Op::Div: return "(/" + args() + "):" + t;
    case Op::Compare: return fmt::format("({}{})", compareSymbol(e.cmp), args());
    case Op::In: return "(in" + args() + ")";
    case Op::Not: return "(not" + args() + ")";
    case Op::And: return "(and" + args() + ")";
    case Op::Or: return "(or" + args() + ")";
    case Op::If: return "(if" + args() + "):" + t;
    case Op::Case: {
      std::string out = "(case" + args();
      for (const CaseArm& a : e.arms) out += " [" + pattern(s, a.pattern) + " => " + printExpr(s, *a.result) + "]";
      return out + "):" + t;
    }
    case Op::Default: return "(default" + args() + "):" + t;
    case Op::Round:
      return fmt::format("(round{} {} {}):{}", args(), e.places, roundingModeName(e.mode), t);
    case Op::Floor: return "(floor" + args() + "):" + t;
    case Op::Ceil: return "(ceil" + args() + "):" + t;
    case Op::Abs: return "(abs" + args() + "):" + t;
    case Op::Max: return "(max" + args() + "):" + t;
    case Op::Min: return "(min" + args() + "):" + t;
    case Op::ToDecimal: return "(dec" + args() + ")";
  }
  return "?";
}

static std::string printScheme(const Scheme& s) {
  static const char* periods[] = {"year", "half_year", "quarter", "month"};
  std::string out = fmt::format("scheme \"{}\" version \"{}\"\n  subjects {}\n  period {}\n  places {}\n  rounding {}\n", s.name,
                                s.version, s.subjects == SubjectKind::Persons ? "persons" : "units",
                                periods[static_cast<int>(s.period)], s.places, roundingModeName(s.rounding));
  for (size_t i = 0; i < s.enums.size(); ++i) {
    const EnumType& e = s.enums[i];
    out += fmt::format("  enum#{} {}{} {{", i, e.name, e.isTier ? " (tier)" : "");
    const char* sep = e.order == EnumOrder::Ascending ? " <" : e.order == EnumOrder::Descending ? " >" : ",";
    for (size_t v = 0; v < e.values.size(); ++v) out += (v ? std::string(sep) : std::string()) + " " + e.values[v];
    out += " }\n";
  }
  auto attr = [&](const Attribute& a) {
    std::string line = fmt::format("{}: {}", a.name, shortType(a.type));
    if (a.type.base == BaseType::Enum) line += "#" + std::to_string(a.type.enumId);
    if (a.optional) line += " optional";
    if (a.rangeDeclared) line += " in " + a.range.describe();
    if (a.builtin) line += " (built-in)";
    return line;
  };
  for (size_t i = 0; i < s.subjectAttributes.size(); ++i)
    out += fmt::format("  attribute#{} {}\n", i, attr(s.subjectAttributes[i]));
  for (size_t i = 0; i < s.eventKinds.size(); ++i) {
    out += fmt::format("  event#{} {}\n", i, s.eventKinds[i].name);
    for (const Attribute& a : s.eventKinds[i].attributes) out += "    " + attr(a) + "\n";
  }
  for (size_t i = 0; i < s.params.size(); ++i)
    out += fmt::format("  param#{} {}: {}{}\n", i, s.params[i].name, shortType(s.params[i].type),
                       s.params[i].defaultText.empty() ? "" : " default " + s.params[i].defaultText);
  for (size_t i = 0; i < s.relations.size(); ++i) {
    const Relation& r = s.relations[i];
    out += fmt::format("  relation#{} {}{}\n", i, r.name, r.body ? " = " + printExpr(s, *r.body) : "");
  }
  for (size_t i = 0; i < s.aggregates.size(); ++i) {
    const Aggregate& a = s.aggregates[i];
    out += fmt::format("  agg#{} {} {}", i, aggName(a.op), s.eventKinds[a.kind].name);
    if (a.value) out += " value " + printExpr(s, *a.value);
    if (a.weight) out += " weight " + printExpr(s, *a.weight);
    if (a.filter) out += " where " + printExpr(s, *a.filter);
    if (a.window == Window::Month) out += " per-month";
    if (a.groupedBy >= 0) out += " per-" + s.eventKinds[a.kind].attributes[a.groupedBy].name;
    if (a.trackRows) out += " tracked";
    out += "\n";
  }
  static const char* kinds[] = {"formula", "score", "grouped", "tier", "rank", "conditions", "reasons"};
  for (uint32_t i : s.evaluationOrder) {
    const Figure& f = s.figures[i];
    out += fmt::format("  figure#{} {} : {}{} [{}]{}{}\n", i, f.name, shortType(f.type), f.type.optional ? "?" : "",
                       kinds[static_cast<int>(f.kind)], f.output ? " output" : "",
                       f.citation.empty() ? "" : " cite \"" + f.citation + "\"");
    if (!f.dependsOn.empty()) {
      out += "    uses";
      for (uint32_t d : f.dependsOn) out += " " + s.figures[d].name;
      out += "\n";
    }
    if (f.kind == FigureKind::Grouped)
      out += fmt::format("    by {}.{}\n", s.eventKinds[f.groupKind].name, s.eventKinds[f.groupKind].attributes[f.groupAttr].name);
    if (f.expr) out += "    = " + printExpr(s, *f.expr) + "\n";
    if (f.base) out += "    base " + printExpr(s, *f.base) + "\n";
    if (f.floor) out += "    floor " + printExpr(s, *f.floor) + "\n";
    if (f.cap) out += "    cap " + printExpr(s, *f.cap) + "\n";
    if (f.declaredMax) out += "    max " + printExpr(s, *f.declaredMax) + "\n";
    if (f.declaredMin) out += "    min " + printExpr(s, *f.declaredMin) + "\n";
    for (const Rule& r : f.rules) {
      out += "    ";
      if (r.kind == RuleKind::Each) out += "each " + s.eventKinds[r.eventKind].name;
      else if (r.kind == RuleKind::Window) out += "each month";
      else out += "when";
      if (r.condition) out += " " + printExpr(s, *r.condition);
      out += ":";
      for (const Effect& e : r.effects) {
        out += fmt::format(" {} {}", e.sign == EffectSign::Deduct ? "deduct" : "add", printExpr(s, *e.amount));
        if (e.relation >= 0) out += " -> " + s.relations[e.relation].name;
        out += ";";
      }
      out += "\n";
    }
    for (const Figure::TierArm& a : f.tierArms)
      out += fmt::format("    {}: {}\n", s.enums[f.type.enumId].values[a.value], pattern(s, a.pattern));
    for (const Adjustment::Key& k : f.rankKeys)
      out += fmt::format("    rank by {} {}\n", printExpr(s, *k.key), k.descending ? "desc" : "asc");
    for (const Figure::Condition& c : f.conditions) out += fmt::format("    {}: {}\n", c.label, printExpr(s, *c.condition));
    for (const Adjustment& a : f.adjustments) {
      switch (a.kind) {
        case AdjustmentKind::CapAtMost:
          out += fmt::format("    cap at most {} when {}\n", s.enums[f.type.enumId].values[a.value], printExpr(s, *a.condition));
          break;
        case AdjustmentKind::Veto:
          out += fmt::format("    veto to {} when {}\n", printExpr(s, *a.replacement), printExpr(s, *a.condition));
          break;
        case AdjustmentKind::Quota:
          out += fmt::format("    quota {} at most {} per {}{} else {}\n", s.enums[f.type.enumId].values[a.value],
                             printExpr(s, *a.count), a.groupAttr >= 0 ? s.subjectAttributes[a.groupAttr].name : "?",
                             a.condition ? " when " + printExpr(s, *a.condition) : "", s.enums[f.type.enumId].values[a.demoteTo]);
          break;
      }
    }
  }
  for (const Constraint& c : s.constraints)
    out += fmt::format("  constraint{} {}{}\n", c.groupAttr >= 0 ? " per " + s.subjectAttributes[c.groupAttr].name : "",
                       c.when ? "when " + printExpr(s, *c.when) + ": " : "", printExpr(s, *c.condition));
  for (const Alert& a : s.alerts) out += fmt::format("  alert \"{}\" when {}\n", a.message, printExpr(s, *a.condition));
  out += "  output";
  for (uint32_t f : s.outputs) out += " " + s.figures[f].name;
  out += "\n";
  return out;
}

// Expressions nest up to syntax::Limits::maxExprDepth levels and printExpr recurses once
// per level: the printing runs on a large stack (support/large_stack.h), like the passes,
// since at the limit it needs more than a main thread's 8 MiB under AddressSanitizer.
std::string print(const Scheme& s) {
  std::string out;
  runWithLargeStack([&] { out = printScheme(s); });
  return out;
}

}  // namespace kaoping::ir
