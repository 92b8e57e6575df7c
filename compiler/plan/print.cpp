// --dump=plan: the streaming actions per event kind, the steps, and their bytecode.
#include <fmt/format.h>

#include "compiler/plan/plan.h"

namespace kaoping::plan {

namespace {

const char* codeName(Code c) {
  static const char* names[] = {
      "const", "absent", "row", "subject.attr", "var.attr", "var", "subject", "param", "figure", "previous",
      "size", "agg", "relation-agg", "grouped-agg", "load", "store", "pop", "iadd", "isub", "imul", "ineg", "iabs",
      "dadd", "dsub", "dmul", "ddiv", "dneg", "dabs", "ddiv?", "todec", "round", "floor→int", "ceil→int",
      "floor", "ceil", "imax", "imin", "dmax", "dmin", "cmp.int", "cmp.dec", "cmp.index", "cmp.ordinal",
      "cmp.string", "in", "not", "and", "or", "jump", "jump-if-false", "jump-if-present", "jump-if-absent",
      "no-arm", "return"};
  return names[static_cast<int>(c)];
}

std::string valueText(const Plan& p, uint32_t index) {
  const Value& v = p.constants[index];
  if (v.absent) return "<none>";
  switch (index < p.constantKinds.size() ? p.constantKinds[index] : Kind::Decimal) {
    case Kind::Int: return std::to_string(v.asInt());
    case Kind::Decimal: return v.asDecimal().toString();
    case Kind::Money: return v.asDecimal().toString() + "元";
    case Kind::Percent: return (v.asDecimal() * Decimal::fromInt(100)).toString() + "%";
    case Kind::Bool: return v.asBool() ? "是" : "否";
    case Kind::String: return "\"" + p.strings[v.asIndex()] + "\"";
    case Kind::Date: return "date " + std::to_string(v.asDate());
    default: return "#" + std::to_string(v.asIndex());
  }
}

}  // namespace

std::string printProgram(const Plan& p, const Program& prog) {
  std::string out;
  for (uint32_t i = prog.begin; i < prog.end; ++i) {
    const Instr& in = p.code[i];
    out += fmt::format("      {:5} {}", i, codeName(in.code));
    switch (in.code) {
      case Code::Const: out += " " + valueText(p, in.c); break;
      case Code::RowAttr:
      case Code::SubjectAttr:
      case Code::Param:
      case Code::Figure:
      case Code::Previous:
      case Code::GroupSize:
      case Code::Agg:
      case Code::RelationAgg:
      case Code::GroupedAgg:
      case Code::LoadLocal:
      case Code::StoreLocal:
      case Code::Jump:
      case Code::JumpIfFalse:
      case Code::JumpIfPresent:
      case Code::JumpIfAbsent: out += fmt::format(" {}", in.c); break;
      case Code::VarAttr: out += fmt::format(" {}.{}", in.a ? "q" : "p", in.c); break;
      case Code::VarSubject: out += in.a ? " q" : " p"; break;
      case Code::Round: out += fmt::format(" {} {}", in.a, roundingModeName(static_cast<RoundingMode>(in.c))); break;
      case Code::IMax:
      case Code::IMin:
      case Code::DMax:
      case Code::DMin: out += fmt::format(" /{}", in.a); break;
      case Code::CmpInt:
      case Code::CmpDec:
      case Code::CmpIndex:
      case Code::CmpOrdinal:
      case Code::CmpString: out += std::string(" ") + ir::compareSymbol(static_cast<CompareOp>(in.a)); break;
      case Code::In: out += fmt::format(" /{}", in.a); break;
      default: break;
    }
    out += "\n";
  }
  return out;
}

std::string print(const Plan& p) {
  std::string out = fmt::format("plan \"{}\": {} slots per subject, {} instructions\n", p.name, p.slotsPerSubject, p.code.size());
  for (const EventKind& k : p.kinds) {
    out += fmt::format("  on {} ({} attributes)\n", k.name, k.attributes.size());
    for (const Action& a : k.actions) {
      if (a.type == Action::Type::Aggregate) {
        const Aggregate& g = p.aggregates[a.aggregate];
        out += fmt::format("    update agg#{} {} slot {}{}{}\n", a.aggregate, ir::aggName(g.op), g.slot,
                           g.sparse ? " (sparse)" : "", g.window == ir::Window::Month ? " per month" : "");
        if (g.filter.valid()) out += "     filter:\n" + printProgram(p, g.filter);
        if (g.value.valid()) out += "     value:\n" + printProgram(p, g.value);
        if (g.weight.valid()) out += "     weight:\n" + printProgram(p, g.weight);
      } else {
        out += fmt::format("    rule of {}\n", p.figures[a.figure].name);
        if (a.condition.valid()) out += "     condition:\n" + printProgram(p, a.condition);
        for (const Effect& e : a.effects) {
          out += fmt::format("     {} slot {}{}:\n", e.deduct ? "deduct from" : "add to", e.slot,
                             e.relation >= 0 ? " of " + p.relations[e.relation].name : "");
          out += printProgram(p, e.amount);
        }
      }
    }
  }
  for (const Relation& r : p.relations) {
    out += fmt::format("  relation {}", r.name);
    for (uint32_t a : r.joinAttributes) out += " join-on " + p.subjectColumns[a].name;
    out += "\n";
    if (r.filter.valid()) out += printProgram(p, r.filter);
    if (r.target.valid()) out += printProgram(p, r.target);
  }
  static const char* kinds[] = {"formula", "score", "grouped", "rank", "conditions", "cap", "veto", "quota"};
  for (const Step& s : p.steps) {
    out += fmt::format("  step {} {}\n", kinds[static_cast<int>(s.kind)], p.figures[s.figure].name);
    auto prog = [&](const char* label, const Program& pr) {
      if (pr.valid()) out += fmt::format("    {}:\n", label) + printProgram(p, pr);
    };
    prog("value", s.program);
    prog("base", s.base);
    prog("floor", s.floor);
    prog("cap", s.cap);
    prog("condition", s.condition);
    prog("count", s.count);
    for (const WhenRule& w : s.rules) {
      prog(w.window == ir::Window::Month ? "each month when" : "when", w.condition);
      for (const Effect& e : w.effects) prog(e.deduct ? "deduct" : "add", e.amount);
    }
    for (const Program& k : s.keys) prog("key", k);
    for (const Program& c : s.conditions) prog("condition", c);
  }
  for (const Constraint& c : p.constraints) {
    out += "  constraint\n";
    if (c.when.valid()) out += "    when:\n" + printProgram(p, c.when);
    out += "    condition:\n" + printProgram(p, c.condition);
  }
  for (const Alert& a : p.alerts) out += fmt::format("  alert \"{}\"\n", a.message) + printProgram(p, a.condition);
  return out;
}

}  // namespace kaoping::plan
