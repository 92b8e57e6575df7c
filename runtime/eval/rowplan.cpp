// The row plan: quick forms of row programs and attribute readers (see rowplan.h).
#include "runtime/eval/rowplan.h"

#include "compiler/support/date.h"
#include "runtime/eval/id_index.h"
#include "runtime/eval/state.h"

namespace kaoping::eval {

namespace {

using plan::Code;

// A node of a decompiled straight-line program.
struct Node {
  enum class Type : uint8_t { Operand, ToDecimal, Test } type = Type::Operand;
  QuickOperand operand;
  QuickTest test;
};

QuickOperand fixed(Value v) {
  QuickOperand o;
  o.from = QuickOperand::From::Fixed;
  o.fixed = v;
  return o;
}

// A test from a node: an operand is tested for being present and true.
bool asTest(Node& n, QuickTest& out) {
  if (n.type == Node::Type::Test) {
    out = std::move(n.test);
    return true;
  }
  if (n.type != Node::Type::Operand) return false;
  out = QuickTest{};
  out.shape = QuickTest::Shape::Truthy;
  out.x = n.operand;
  return true;
}

// Decompiles a program without jumps into one node. False when it has another shape.
bool decompile(const State& st, const plan::Program& program, Node& result) {
  const plan::Plan& p = st.plan;
  std::vector<Node> stack;
  for (uint32_t pc = program.begin; pc < program.end; ++pc) {
    const plan::Instr& in = p.code[pc];
    switch (in.code) {
      case Code::Const: {
        Node n;
        n.operand = fixed(p.constants[in.c]);
        stack.push_back(n);
        break;
      }
      case Code::PushAbsent: {
        Node n;
        n.operand = fixed(Value::none());
        stack.push_back(n);
        break;
      }
      case Code::Param: {
        Node n;
        n.operand = fixed(in.c < st.params.size() ? st.params[in.c] : Value::none());
        stack.push_back(n);
        break;
      }
      case Code::RowAttr:
      case Code::SubjectAttr: {
        Node n;
        n.operand.from = in.code == Code::RowAttr ? QuickOperand::From::Row : QuickOperand::From::Subject;
        n.operand.index = in.c;
        stack.push_back(n);
        break;
      }
      case Code::VarAttr:
      case Code::VarSubject: {
        if (in.a > 1) return false;
        Node n;
        n.operand.from = in.code == Code::VarAttr ? QuickOperand::From::Var : QuickOperand::From::VarSubject;
        n.operand.index = in.c;
        n.operand.var = in.a;
        stack.push_back(n);
        break;
      }
      case Code::CmpInt:
      case Code::CmpDec:
      case Code::CmpIndex: {
        if (stack.size() < 2) return false;
        Node y = stack.back();
        stack.pop_back();
        Node x = stack.back();
        stack.pop_back();
        if (x.type != Node::Type::Operand || y.type != Node::Type::Operand) return false;
        Node n;
        n.type = Node::Type::Test;
        n.test.shape = QuickTest::Shape::Compare;
        n.test.op = static_cast<ir::CompareOp>(in.a);
        n.test.x = x.operand;
        n.test.y = y.operand;
        stack.push_back(std::move(n));
        break;
      }
      case Code::In: {
        if (stack.size() < static_cast<size_t>(in.a) + 1) return false;
        Node n;
        n.type = Node::Type::Test;
        n.test.shape = QuickTest::Shape::In;
        for (size_t i = stack.size() - in.a; i < stack.size(); ++i) {
          const Node& c = stack[i];
          if (c.type != Node::Type::Operand || c.operand.from != QuickOperand::From::Fixed) return false;
          if (!c.operand.fixed.absent) n.test.set.push_back(c.operand.fixed);
        }
        stack.resize(stack.size() - in.a);
        if (stack.back().type != Node::Type::Operand) return false;
        n.test.x = stack.back().operand;
        stack.back() = std::move(n);
        break;
      }
      case Code::Not: {
        if (stack.empty() || stack.back().type != Node::Type::Operand) return false;
        Node n;
        n.type = Node::Type::Test;
        n.test.shape = QuickTest::Shape::Falsy;
        n.test.x = stack.back().operand;
        stack.back() = std::move(n);
        break;
      }
      case Code::And:
      case Code::Or: {
        // Kleene logic, tested: `a and b` is true when both are, `a or b` when either is.
        if (stack.size() < 2) return false;
        Node n;
        n.type = Node::Type::Test;
        n.test.shape = in.code == Code::And ? QuickTest::Shape::And : QuickTest::Shape::Or;
        n.test.parts.resize(2);
        if (!asTest(stack[stack.size() - 2], n.test.parts[0]) || !asTest(stack.back(), n.test.parts[1])) return false;
        stack.pop_back();
        stack.back() = std::move(n);
        break;
      }
      case Code::ToDecimal: {
        if (stack.empty() || stack.back().type != Node::Type::Operand) return false;
        Node& n = stack.back();
        if (n.operand.from == QuickOperand::From::Fixed) {
          if (!n.operand.fixed.absent) n.operand.fixed = Value::ofDecimal(Decimal::fromInt(n.operand.fixed.asInt()));
        } else {
          n.type = Node::Type::ToDecimal;
        }
        break;
      }
      case Code::Return:
        if (stack.size() != 1) return false;
        result = std::move(stack.back());
        return true;
      default: return false;
    }
  }
  return false;
}

// A row attribute compared with a present constant is a range test.
void specialise(QuickTest& t) {
  for (QuickTest& part : t.parts) specialise(part);
  if (t.shape != QuickTest::Shape::Compare || t.x.from != QuickOperand::From::Row ||
      t.y.from != QuickOperand::From::Fixed || t.y.fixed.absent)
    return;
  const __int128 c = t.y.fixed.bits;
  const __int128 kMax = static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1), kMin = -kMax - 1;
  t.lo = kMin;
  t.hi = kMax;
  t.negate = false;
  switch (t.op) {
    case ir::CompareOp::Eq: t.lo = t.hi = c; break;
    case ir::CompareOp::Ne: t.lo = t.hi = c; t.negate = true; break;
    case ir::CompareOp::Lt: if (c == kMin) return; t.hi = c - 1; break;
    case ir::CompareOp::Le: t.hi = c; break;
    case ir::CompareOp::Gt: if (c == kMax) return; t.lo = c + 1; break;
    case ir::CompareOp::Ge: t.lo = c; break;
  }
  t.shape = QuickTest::Shape::RowRange;
}

QuickTest quickTest(const State& st, const plan::Program& program) {
  QuickTest t;
  if (!program.valid()) return t;  // Always
  Node n;
  if (decompile(st, program, n) && asTest(n, t)) {
    specialise(t);
    return t;
  }
  t = QuickTest{};
  t.shape = QuickTest::Shape::Generic;
  t.program = program;
  return t;
}

QuickValue quickValue(const State& st, const plan::Program& program) {
  QuickValue v;
  if (!program.valid()) return v;  // None
  Node n;
  if (decompile(st, program, n)) {
    if (n.type == Node::Type::Operand) {
      v.shape = QuickValue::Shape::Operand;
      v.x = n.operand;
      return v;
    }
    if (n.type == Node::Type::ToDecimal) {
      v.shape = QuickValue::Shape::ToDecimal;
      v.x = n.operand;
      return v;
    }
  }
  v.shape = QuickValue::Shape::Generic;
  v.program = program;
  return v;
}

}  // namespace

QuickTest makeQuickTest(const State& st, const plan::Program& program) { return quickTest(st, program); }

namespace {

Value operandValue(const QuickOperand& o, const State& st, const Value* row, uint32_t subject, const uint32_t* vars) {
  switch (o.from) {
    case QuickOperand::From::Row: return row[o.index];
    case QuickOperand::From::Subject: return st.results.attributes[o.index][subject];
    case QuickOperand::From::Fixed: return o.fixed;
    case QuickOperand::From::Var: return st.results.attributes[o.index][vars[o.var]];
    case QuickOperand::From::VarSubject: return Value::ofIndex(vars[o.var]);
  }
  return o.fixed;
}

}  // namespace

bool evalQuickTest(const QuickTest& t, const State& st, const Value* row, uint32_t subject, const uint32_t* vars) {
  auto get = [&](const QuickOperand& o) { return operandValue(o, st, row, subject, vars); };
  switch (t.shape) {
    case QuickTest::Shape::Always: return true;
    case QuickTest::Shape::Truthy: {
      Value v = get(t.x);
      return !v.absent && v.bits != 0;
    }
    case QuickTest::Shape::Falsy: {
      Value v = get(t.x);
      return !v.absent && v.bits == 0;
    }
    case QuickTest::Shape::RowRange:
    case QuickTest::Shape::Compare: {
      Value a = get(t.x), b = get(t.y);
      if (a.absent || b.absent) return t.op == ir::CompareOp::Ne;
      return ir::compareHolds(t.op, (a.bits > b.bits) - (a.bits < b.bits));
    }
    case QuickTest::Shape::In: {
      Value x = get(t.x);
      if (x.absent) return false;
      for (const Value& v : t.set)
        if (v.bits == x.bits) return true;
      return false;
    }
    case QuickTest::Shape::And:
      return evalQuickTest(t.parts[0], st, row, subject, vars) && evalQuickTest(t.parts[1], st, row, subject, vars);
    case QuickTest::Shape::Or:
      return evalQuickTest(t.parts[0], st, row, subject, vars) || evalQuickTest(t.parts[1], st, row, subject, vars);
    case QuickTest::Shape::Generic: break;
  }
  return false;
}

AttributeReader attributeReader(const plan::Plan& p, const plan::Column& c) {
  AttributeReader r;
  r.column = &c;
  r.kind = c.kind;
  r.hasDefault = c.defaultValue.has_value();
  if (r.hasDefault) r.defaultValue = *c.defaultValue;
  r.optional = c.optional;
  if (c.rangeDeclared) {
    r.ranged = true;
    if (c.range.lo) {
      r.hasLo = true;
      r.lo = c.range.lo->raw();
      r.loOpen = c.range.loOpen;
    }
    if (c.range.hi) {
      r.hasHi = true;
      r.hi = c.range.hi->raw();
      r.hiOpen = c.range.hiOpen;
    }
  }
  if (c.kind == plan::Kind::Enum)
    for (const std::string& v : p.enums[c.enumId].values) r.enumValues.emplace_back(v);
  if (c.kind == plan::Kind::Int && r.ranged) {
    // v·10^18 >= lo  ⇔  v >= ceil(lo / 10^18) (open: one more when lo is whole), and so on.
    auto floorDiv = [](__int128 a) {
      __int128 q = a / Decimal::kOne;
      return (a % Decimal::kOne != 0 && a < 0) ? q - 1 : q;
    };
    auto clamp = [](__int128 v) {
      return static_cast<int64_t>(v < INT64_MIN ? INT64_MIN : v > INT64_MAX ? INT64_MAX : v);
    };
    if (r.hasLo) {
      __int128 f = floorDiv(r.lo);
      bool whole = f * Decimal::kOne == r.lo;
      r.intMin = clamp(whole ? (r.loOpen ? f + 1 : f) : f + 1);
    }
    if (r.hasHi) {
      __int128 f = floorDiv(r.hi);
      bool whole = f * Decimal::kOne == r.hi;
      r.intMax = clamp(whole && r.hiOpen ? f - 1 : f);
    }
  }
  return r;
}

RowPlan buildRowPlan(const State& st) {
  const plan::Plan& p = st.plan;
  RowPlan rp;
  rp.kinds.resize(p.kinds.size());
  for (size_t k = 0; k < p.kinds.size(); ++k) {
    const plan::EventKind& kind = p.kinds[k];
    KindPlan& kp = rp.kinds[k];
    rp.kindNames.push_back(kind.name);
    for (const plan::Column& c : kind.attributes) kp.attributes.push_back(attributeReader(p, c));
    for (const plan::Action& action : kind.actions) {
      QuickAction qa;
      qa.action = &action;
      if (action.type == plan::Action::Type::Aggregate) {
        const plan::Aggregate& agg = p.aggregates[action.aggregate];
        qa.aggregate = &agg;
        qa.test = quickTest(st, agg.filter);
        qa.value = quickValue(st, agg.value);
        qa.weight = quickValue(st, agg.weight);
        if (kp.prefetchSlot < 0 && !agg.sparse) kp.prefetchSlot = static_cast<int32_t>(agg.slot);
      } else {
        qa.test = quickTest(st, action.condition);
        for (const plan::Effect& e : action.effects) {
          QuickEffect qe{&e, quickValue(st, e.amount)};
          if (qe.amount.shape == QuickValue::Shape::Operand && qe.amount.x.from == QuickOperand::From::Fixed) {
            qe.fixed = true;
            qe.delta = e.deduct ? -qe.amount.x.fixed.bits : qe.amount.x.fixed.bits;
          }
          qa.effects.push_back(std::move(qe));
          if (kp.prefetchSlot < 0 && e.relation < 0) kp.prefetchSlot = static_cast<int32_t>(e.slot);
        }
      }
      kp.actions.push_back(std::move(qa));
    }
  }
  return rp;
}

bool readAttribute(const AttributeReader& r, const plan::Plan& plan, std::string_view text, Interner& strings,
                   Value& out) {
  if (text.empty()) {
    if (r.hasDefault) {
      out = r.defaultValue;
      return true;
    }
    if (r.optional) {
      out = Value::none();
      return true;
    }
    return false;
  }
  switch (r.kind) {
    case plan::Kind::Int: {
      // As parseValue: an optional sign and at most 18 digits.
      const char* p = text.data();
      const char* e = p + text.size();
      bool negative = false;
      if (*p == '-' || *p == '+') negative = *p++ == '-';
      if (p == e || e - p > 18) return false;
      int64_t v = 0;
      for (; p < e; ++p) {
        unsigned d = static_cast<unsigned char>(*p) - '0';
        if (d > 9) return false;
        v = v * 10 + d;
      }
      out = Value::ofInt(negative ? -v : v);
      break;
    }
    case plan::Kind::Enum: {
      const size_t n = text.size();
      for (uint32_t i = 0; i < r.enumValues.size(); ++i) {
        std::string_view v = r.enumValues[i];
        if (v.size() == n && equalBytes(v.data(), text.data(), n)) {
          out = Value::ofIndex(i);
          return true;
        }
      }
      return false;
    }
    case plan::Kind::Bool: {
      // 是 E6 98 AF, 否 E5 90 A6
      if (text.size() != 3) return false;
      uint32_t v = static_cast<unsigned char>(text[0]) | static_cast<unsigned char>(text[1]) << 8 |
                   static_cast<uint32_t>(static_cast<unsigned char>(text[2])) << 16;
      if (v == 0xAF98E6u) out = Value::ofBool(true);
      else if (v == 0xA690E5u) out = Value::ofBool(false);
      else return false;
      return true;
    }
    case plan::Kind::Date: {
      int32_t days;
      if (!date::parseFast(text.data(), text.size(), days)) return false;
      out = Value::ofDate(days);
      break;
    }
    default: {
      std::string why;
      if (!parseValue(text, r.kind, r.column->enumId, plan, strings, out, why)) return false;
      break;
    }
  }
  if (r.ranged && !out.absent) {
    __int128 v = r.kind == plan::Kind::Int ? out.bits * Decimal::kOne : out.bits;
    if (r.hasLo && (v < r.lo || (r.loOpen && v == r.lo))) return false;
    if (r.hasHi && (v > r.hi || (r.hiOpen && v == r.hi))) return false;
  }
  return true;
}

}  // namespace kaoping::eval
