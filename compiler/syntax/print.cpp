// `--dump=ast`: the tree as written, one declaration per line, expressions in prefix form.
#include <fmt/format.h>

#include "compiler/syntax/ast.h"
#include "compiler/support/large_stack.h"

namespace kaoping::ast {

const char* declKindName(DeclKind kind) {
  static const char* names[] = {"period", "subjects", "places",     "rounding",   "enum",  "attribute",
                                "event",  "param",    "relation",   "let",        "score", "tier",
                                "rank",   "cap",      "veto",       "quota",      "conditions",
                                "constraint", "alert", "output",    "test",       "set"};
  return names[static_cast<int>(kind)];
}

const char* compareOpSymbol(CompareOp op) {
  static const char* names[] = {"==", "!=", "<", "<=", ">", ">="};
  return names[static_cast<int>(op)];
}

namespace {

std::string expr(const Expr* e);

std::string pattern(const Pattern& p) {
  if (p.otherwise) return "otherwise";
  std::string out;
  for (const Bound& b : p.bounds) {
    if (!out.empty()) out += ", ";
    switch (b.kind) {
      case BoundKind::Value: out += expr(b.value.get()); break;
      case BoundKind::Compare: out += fmt::format("{} {}", compareOpSymbol(b.op), expr(b.value.get())); break;
      case BoundKind::Above: out += fmt::format(">= {}", expr(b.value.get())); break;
      case BoundKind::Below: out += fmt::format("<= {}", expr(b.value.get())); break;
      case BoundKind::Range: out += fmt::format("[{} .. {}]", expr(b.value.get()), expr(b.high.get())); break;
    }
  }
  return out;
}

std::string expr(const Expr* e) {
  if (!e) return "<none>";
  switch (e->kind) {
    case ExprKind::Number: return e->text;
    case ExprKind::Percent: return e->text + "%";
    case ExprKind::Money: return e->text + "元";
    case ExprKind::String: return fmt::format("\"{}\"", e->text);
    case ExprKind::Bool: return e->boolValue ? "true" : "false";
    case ExprKind::Date: return e->text;
    case ExprKind::Name: return e->text;
    case ExprKind::Member: return fmt::format("(. {} {})", expr(e->lhs.get()), e->text);
    case ExprKind::Unary: return fmt::format("({} {})", e->unaryOp, expr(e->lhs.get()));
    case ExprKind::Binary: {
      static const char* ops[] = {"+", "-", "*", "/"};
      return fmt::format("({} {} {})", ops[static_cast<int>(e->binaryOp)], expr(e->lhs.get()), expr(e->rhs.get()));
    }
    case ExprKind::Compare:
      return fmt::format("({} {} {})", compareOpSymbol(e->compareOp), expr(e->lhs.get()), expr(e->rhs.get()));
    case ExprKind::Default: return fmt::format("(default {} {})", expr(e->lhs.get()), expr(e->rhs.get()));
    case ExprKind::In: {
      std::string items;
      for (const auto& i : e->items) items += " " + expr(i.get());
      return fmt::format("({} {}{})", e->negated ? "not-in" : "in", expr(e->lhs.get()), items);
    }
    case ExprKind::Not: return fmt::format("(not {})", expr(e->lhs.get()));
    case ExprKind::And: return fmt::format("(and {} {})", expr(e->lhs.get()), expr(e->rhs.get()));
    case ExprKind::Or: return fmt::format("(or {} {})", expr(e->lhs.get()), expr(e->rhs.get()));
    case ExprKind::Call: {
      std::string out = "(" + e->text;
      for (const CallArg& a : e->args) {
        out += " " + expr(a.value.get());
        if (a.mapped) out += " : " + expr(a.mapped.get());
        if (a.weight) out += " weighted-by " + expr(a.weight.get());
        if (a.filter) out += " where " + expr(a.filter.get());
      }
      return out + ")";
    }
    case ExprKind::If:
      return fmt::format("(if {} {} {})", expr(e->cond.get()), expr(e->lhs.get()), expr(e->rhs.get()));
    case ExprKind::Case: {
      std::string out = "(case " + expr(e->cond.get());
      for (const CaseArm& a : e->arms) out += fmt::format(" [{} => {}]", pattern(a.pattern), expr(a.value.get()));
      return out + ")";
    }
  }
  return "?";
}

}  // namespace

static std::string printScheme(const Scheme& s) {
  std::string out = fmt::format("scheme \"{}\"", s.name);
  if (s.version) out += fmt::format(" version \"{}\"", *s.version);
  if (s.extends) out += fmt::format(" extends \"{}\"", *s.extends);
  out += "\n";
  for (const DeclPtr& d : s.decls) {
    out += fmt::format("  {}{}", d->adjustable ? "adjustable " : "", declKindName(d->kind));
    if (!d->name.text.empty()) out += " " + d->name.text;
    for (const Name& n : d->names) out += " " + n.text;
    if (d->citation) out += fmt::format(" [cite \"{}\"]", d->citation->text);
    if (!d->secondName.text.empty()) out += " / " + d->secondName.text;
    if (!d->thirdName.text.empty()) out += " / " + d->thirdName.text;
    if (!d->text.empty()) out += fmt::format(" \"{}\"", d->text);
    if (d->kind == DeclKind::Places) out += fmt::format(" {}", d->number);
    if (d->type) {
      if (d->type->named) out += " : " + d->type->named->text;
      else out += " : enum";
    }
    if (d->enumBody || (d->type && d->type->inlineEnum)) {
      const EnumBody& b = d->enumBody ? *d->enumBody : *d->type->inlineEnum;
      const char* sep = b.order == EnumOrder::Ascending ? " <" : b.order == EnumOrder::Descending ? " >" : "";
      out += " {";
      for (size_t i = 0; i < b.values.size(); ++i) out += (i ? std::string(sep) : std::string()) + " " + b.values[i].text;
      out += " }";
    }
    for (const ValueOption& o : d->valueOptions) {
      if (o.kind == ValueOptionKind::Optional) out += " optional";
      if (o.kind == ValueOptionKind::Default) out += " default " + expr(o.value.get());
      if (o.kind == ValueOptionKind::Compare) out += fmt::format(" {} {}", compareOpSymbol(o.op), expr(o.value.get()));
      if (o.kind == ValueOptionKind::Range) out += fmt::format(" in [{}, {}]", expr(o.value.get()), expr(o.high.get()));
    }
    if (d->groupBy) out += fmt::format(" by {}.{}", d->groupBy->kind.text, d->groupBy->attribute.text);
    for (const FigureOption& o : d->figureOptions) {
      static const char* names[] = {"base", "floor", "floor 0", "cap", "max", "min", "places"};
      out += fmt::format(" {}", names[static_cast<int>(o.kind)]);
      if (o.value) out += " " + expr(o.value.get());
      if (o.kind == FigureOptionKind::Places) out += fmt::format(" {}", o.places);
    }
    if (d->relationKind) out += fmt::format(" = {} {}", d->relationKind->text, d->relationVar->text);
    if (d->per) out += " per " + expr(d->per.get());
    if (d->expr) out += " = " + expr(d->expr.get());
    if (d->when) out += " when " + expr(d->when.get());
    if (d->reason) out += fmt::format(" reason \"{}\"", *d->reason);
    out += "\n";
    for (const AttrDecl& a : d->attributes) {
      out += fmt::format("    attribute {} : {}", a.name.text, a.type.named ? a.type.named->text : "enum");
      if (a.type.inlineEnum) {
        out += " {";
        for (const Name& v : a.type.inlineEnum->values) out += " " + v.text;
        out += " }";
      }
      for (const ValueOption& o : a.options) {
        if (o.kind == ValueOptionKind::Optional) out += " optional";
        if (o.kind == ValueOptionKind::Default) out += " default " + expr(o.value.get());
        if (o.kind == ValueOptionKind::Compare) out += fmt::format(" {} {}", compareOpSymbol(o.op), expr(o.value.get()));
        if (o.kind == ValueOptionKind::Range) out += fmt::format(" in [{}, {}]", expr(o.value.get()), expr(o.high.get()));
      }
      out += "\n";
    }
    for (const Rule& r : d->rules) {
      static const char* kinds[] = {"each", "each-month", "when"};
      out += fmt::format("    {}", kinds[static_cast<int>(r.kind)]);
      if (r.kind == RuleKind::Each)
        for (size_t i = 0; i < r.sources.size(); ++i) out += (i ? ", " : " ") + r.sources[i].text;
      if (r.condition) out += " " + expr(r.condition.get());
      if (r.citation) out += fmt::format(" [cite \"{}\"]", r.citation->text);
      out += ":";
      for (const Effect& e : r.effects) {
        out += fmt::format(" {} {}", e.kind == EffectKind::Deduct ? "deduct" : "add", expr(e.amount.get()));
        if (e.target) out += " -> " + e.target->text;
        out += ";";
      }
      out += "\n";
    }
    for (const TierArm& a : d->arms) out += fmt::format("    {}: {}\n", a.value.text, pattern(a.pattern));
    for (const OrderKey& k : d->orderKeys)
      out += fmt::format("    order {} {}\n", expr(k.key.get()), k.descending ? "desc" : "asc");
    for (const CondItem& c : d->conditions) out += fmt::format("    {}: {}\n", c.label, expr(c.condition.get()));
    for (const TestItem& t : d->testItems) {
      static const char* kinds[] = {"subjects", "events", "history", "param", "expect", "expect-error"};
      out += fmt::format("    {}", kinds[static_cast<int>(t.kind)]);
      if (!t.name.text.empty()) out += " " + t.name.text;
      if (t.value) out += " " + expr(t.value.get());
      if (!t.message.empty()) out += fmt::format(" \"{}\"", t.message);
      out += "\n";
      for (const TestSubject& s : t.subjects) {
        out += "      " + s.id.text;
        for (const TestField& f : s.fields) out += fmt::format(" {}={}", f.name.text, expr(f.value.get()));
        out += "\n";
      }
      for (const TestEvent& e : t.events) {
        out += fmt::format("      {} {} {}", e.date, e.kind.text, e.subject.text);
        for (const TestField& f : e.fields) out += fmt::format(" {}={}", f.name.text, expr(f.value.get()));
        if (e.times != 1) out += fmt::format(" x{}", e.times);
        out += "\n";
      }
    }
  }
  return out;
}

// Expressions nest up to syntax::Limits::maxExprDepth levels and are printed recursively:
// on a large stack (support/large_stack.h), as the compiler's passes run.
std::string print(const Scheme& s) {
  std::string out;
  runWithLargeStack([&] { out = printScheme(s); });
  return out;
}

}  // namespace kaoping::ast
