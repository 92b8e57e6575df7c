// The bytecode interpreter: one switch per instruction over a value stack.
#include <algorithm>

#include "runtime/eval/state.h"

namespace kaoping::eval {

using plan::Code;
using plan::Kind;

namespace {

bool isDecimal(Kind k) { return k == Kind::Decimal || k == Kind::Money || k == Kind::Percent; }

template <typename T>
int threeWay(T a, T b) {
  return (a > b) - (a < b);
}

}  // namespace

Vm::Vm(State& state) : s_(state) {
  texts_.pool = &state.results.strings;
  stack_.resize(static_cast<size_t>(state.plan.maxStack) * 8 + 256);
  locals_.resize(static_cast<size_t>(state.plan.maxLocals) * 16 + 64);
  cohort_.resize(state.plan.relationAggs.size());
}

void Vm::fail(DiagId id, uint32_t spanIndex, const Frame& frame, std::string detail) {
  Span span = spanIndex < s_.plan.spans.size() ? s_.plan.spans[spanIndex] : Span{};
  throw EvalError{id, span, frame.subject, std::move(detail)};
}

Value Vm::fromCells(const plan::Aggregate& agg, const __int128* v) const {
  switch (agg.op) {
    case ir::AggOp::Count: return Value::ofInt(static_cast<int64_t>(v[0]));
    case ir::AggOp::Exists: return Value::ofBool(v[0] != 0);
    case ir::AggOp::Sum: return Value{v[0], false};
    case ir::AggOp::Mean:
      if (v[1] == 0) return Value::none();
      return Value::ofDecimal(Decimal::fromRaw(v[0]) / Decimal::fromInt(static_cast<int64_t>(v[1])));
    case ir::AggOp::WeightedMean:
      if (v[1] == 0) return Value::none();
      return Value::ofDecimal(Decimal::fromRaw(v[0]) / Decimal::fromRaw(v[1]));
    case ir::AggOp::Min:
    case ir::AggOp::Max:
    case ir::AggOp::Last:
    case ir::AggOp::First:
      if (v[1] == 0) return Value::none();  // no row counted
      return Value{v[0], false};
  }
  return Value::none();
}

Value Vm::aggregate(uint32_t index, const Frame& frame) {
  const plan::Aggregate& agg = s_.plan.aggregates[index];
  static const __int128 kEmpty[2] = {0, 0};
  auto cellsOf = [&](uint32_t subject) -> const __int128* {
    if (!agg.sparse) {
      uint32_t offset = agg.slot;
      if (agg.groupedBy >= 0) offset += frame.groupKey * agg.slotsPerGroup;
      return s_.subjectSlots(subject) + offset;
    }
    const SparseCell* c = s_.findSparse(subject, index, agg.window == ir::Window::Month ? frame.window : INT32_MIN,
                                        agg.groupedBy >= 0 ? frame.groupKey : kNone);
    return c ? c->v : kEmpty;
  };
  if (!frame.members) return fromCells(agg, cellsOf(frame.subject));
  // An input constraint per group: the group's rows together.
  __int128 combined[2] = {0, 0};
  for (uint32_t m : *frame.members) {
    const __int128* v = cellsOf(m);
    switch (agg.op) {
      case ir::AggOp::Count:
      case ir::AggOp::Sum: combined[0] += v[0]; break;
      case ir::AggOp::Exists: combined[0] |= v[0]; break;
      case ir::AggOp::Min:
      case ir::AggOp::Max:
        if (v[1] == 0) break;
        if (combined[1] == 0 || compareValues(agg.valueKind, agg.valueEnum, Value{v[0], false}, Value{combined[0], false}) ==
                                    (agg.op == ir::AggOp::Min ? -1 : 1))
          combined[0] = v[0];
        combined[1] += v[1];
        break;
      default: break;
    }
  }
  return fromCells(agg, combined);
}

int Vm::compareValues(Kind kind, uint32_t enumId, const Value& a, const Value& b) const {
  switch (kind) {
    case Kind::String: return a.asIndex() == b.asIndex() ? 0 : threeWay(text(a.asIndex()), text(b.asIndex()));
    case Kind::Enum: {
      const plan::EnumTable& e = s_.plan.enums[enumId];
      return threeWay(e.ordinal(a.asIndex()), e.ordinal(b.asIndex()));
    }
    default: return threeWay(a.bits, b.bits);
  }
}

Value Vm::relationAggregate(const plan::RelationAgg& ra, const Frame& frame) {
  const bool decimal = isDecimal(ra.valueKind);
  __int128 acc = 0;
  int64_t count = 0;
  Value best = Value::none();
  auto visit = [&](uint32_t m) {
    Frame f;
    f.subject = m;
    if (ra.filter.valid() && !test(ra.filter, f)) return;
    ++count;
    if (ra.op == ir::AggOp::Count || ra.op == ir::AggOp::Exists) return;
    Value v = eval(ra.value, f);
    if (v.absent) {
      --count;
      return;
    }
    switch (ra.op) {
      case ir::AggOp::Sum:
      case ir::AggOp::Mean:
        if (__builtin_add_overflow(acc, v.bits, &acc)) fail(DiagId::EvalOverflow, kNone, frame);
        break;
      case ir::AggOp::Min:
      case ir::AggOp::Max: {
        if (best.absent) {
          best = v;
          break;
        }
        int c = compareValues(ra.valueKind, ra.valueEnum, v, best);
        if ((ra.op == ir::AggOp::Min && c < 0) || (ra.op == ir::AggOp::Max && c > 0)) best = v;
        break;
      }
      default: break;
    }
  };
  if (ra.relation == 0) {
    for (uint32_t m = 0; m < s_.n; ++m) visit(m);
  } else {
    const Relations& r = s_.relations[ra.relation];
    for (uint32_t i = r.offsets[frame.subject]; i < r.offsets[frame.subject + 1]; ++i) visit(r.members[i]);
  }
  switch (ra.op) {
    case ir::AggOp::Count: return Value::ofInt(count);
    case ir::AggOp::Exists: return Value::ofBool(count > 0);
    case ir::AggOp::Sum: return Value{acc, false};
    case ir::AggOp::Mean:
      if (count == 0) return Value::none();
      return Value::ofDecimal((decimal ? Decimal::fromRaw(acc) : Decimal::fromInt(static_cast<int64_t>(acc))) /
                              Decimal::fromInt(count));
    default: return best;
  }
}

Value Vm::groupedAggregate(const plan::GroupedAgg& ga, const Frame& frame) {
  const auto& groups = s_.results.grouped[ga.figure][frame.subject];
  const bool decimal = isDecimal(ga.valueKind);
  __int128 acc = 0;
  Value best = Value::none();
  for (const auto& [key, v] : groups) {
    if (ga.op == ir::AggOp::Sum || ga.op == ir::AggOp::Mean) {
      if (__builtin_add_overflow(acc, v.bits, &acc)) fail(DiagId::EvalOverflow, kNone, frame);
    } else if (ga.op == ir::AggOp::Min || ga.op == ir::AggOp::Max) {
      int c = best.absent ? 0 : compareValues(ga.valueKind, ga.valueEnum, v, best);
      if (best.absent || (ga.op == ir::AggOp::Min && c < 0) || (ga.op == ir::AggOp::Max && c > 0)) best = v;
    }
  }
  switch (ga.op) {
    case ir::AggOp::Count: return Value::ofInt(static_cast<int64_t>(groups.size()));
    case ir::AggOp::Sum: return Value{acc, false};
    case ir::AggOp::Mean:
      if (groups.empty()) return Value::none();
      return Value::ofDecimal((decimal ? Decimal::fromRaw(acc) : Decimal::fromInt(static_cast<int64_t>(acc))) /
                              Decimal::fromInt(static_cast<int64_t>(groups.size())));
    default: return best;
  }
}

Value Vm::eval(const plan::Program& program, const Frame& frame) {
  const plan::Instr* code = s_.plan.code.data();
  const size_t base = top_;
  Value* const stackBase = stack_.data() + base;
  Value* sp = stackBase;  // next free slot
  const size_t localsBase = localsTop_;
  Value* locals = locals_.data() + localsBase;
  localsTop_ += program.locals;
  if (localsTop_ > locals_.size() || base + s_.plan.maxStack + 8 > stack_.size()) {
    localsTop_ = localsBase;
    fail(DiagId::NestingTooDeep, kNone, frame, "evaluation");
  }
  struct Restore {
    Vm& vm;
    size_t top, locals;
    ~Restore() {
      vm.top_ = top;
      vm.localsTop_ = locals;
    }
  } restore{*this, base, localsBase};

  uint32_t pc = program.begin;
  for (;;) {
    const plan::Instr& in = code[pc++];
    switch (in.code) {
      case Code::Const: *sp++ = s_.plan.constants[in.c]; break;
      case Code::PushAbsent: *sp++ = Value::none(); break;
      case Code::RowAttr: *sp++ = frame.row[in.c]; break;
      case Code::SubjectAttr: *sp++ = s_.results.attributes[in.c][frame.subject]; break;
      case Code::VarAttr: *sp++ = s_.results.attributes[in.c][frame.vars[in.a]]; break;
      case Code::VarSubject: *sp++ = Value::ofIndex(frame.vars[in.a]); break;
      case Code::CurrentSubject: *sp++ = Value::ofIndex(frame.subject); break;
      case Code::Param: *sp++ = s_.params[in.c]; break;
      case Code::Figure: *sp++ = s_.results.figures[in.c][frame.subject]; break;
      case Code::Previous: *sp++ = s_.history[in.c][frame.subject]; break;
      case Code::GroupSize: *sp++ = Value::ofInt(s_.groupSize[in.c][frame.subject]); break;
      case Code::Agg: {
        top_ = static_cast<size_t>(sp - stack_.data());
        Value v = aggregate(in.c, frame);
        *sp++ = v;
        break;
      }
      case Code::RelationAgg: {
        const plan::RelationAgg& ra = s_.plan.relationAggs[in.c];
        if (ra.relation == 0 && cohort_[in.c]) {
          *sp++ = *cohort_[in.c];
          break;
        }
        top_ = static_cast<size_t>(sp - stack_.data());
        Value v = relationAggregate(ra, frame);
        if (ra.relation == 0) cohort_[in.c] = v;
        *sp++ = v;
        break;
      }
      case Code::GroupedAgg: {
        Value v = groupedAggregate(s_.plan.groupedAggs[in.c], frame);
        *sp++ = v;
        break;
      }
      case Code::LoadLocal: *sp++ = locals[in.c]; break;
      case Code::StoreLocal: locals[in.c] = *--sp; break;
      case Code::Pop: --sp; break;

#define BINARY_ABSENT                          \
  Value& a = sp[-2];                           \
  const Value& b = sp[-1];                     \
  --sp;                                        \
  if (a.absent || b.absent) {                  \
    a = Value::none();                         \
    break;                                     \
  }
      case Code::IAdd: {
        BINARY_ABSENT
        int64_t r;
        if (__builtin_add_overflow(a.asInt(), b.asInt(), &r)) fail(DiagId::EvalOverflow, in.c, frame);
        a = Value::ofInt(r);
        break;
      }
      case Code::ISub: {
        BINARY_ABSENT
        int64_t r;
        if (__builtin_sub_overflow(a.asInt(), b.asInt(), &r)) fail(DiagId::EvalOverflow, in.c, frame);
        a = Value::ofInt(r);
        break;
      }
      case Code::IMul: {
        BINARY_ABSENT
        int64_t r;
        if (__builtin_mul_overflow(a.asInt(), b.asInt(), &r)) fail(DiagId::EvalOverflow, in.c, frame);
        a = Value::ofInt(r);
        break;
      }
      case Code::DAdd:
      case Code::DSub:
      case Code::DMul:
      case Code::DDiv:
      case Code::DDivOrAbsent: {
        BINARY_ABSENT
        try {
          Decimal x = a.asDecimal(), y = b.asDecimal();
          switch (in.code) {
            case Code::DAdd: a = Value::ofDecimal(x + y); break;
            case Code::DSub: a = Value::ofDecimal(x - y); break;
            case Code::DMul: a = Value::ofDecimal(x * y); break;
            default:
              if (y.sign() == 0) {
                if (in.code == Code::DDivOrAbsent) {
                  a = Value::none();
                  break;
                }
                fail(DiagId::EvalDivisionByZero, in.c, frame);
              }
              a = Value::ofDecimal(x / y);
          }
        } catch (const ArithmeticError&) {
          fail(DiagId::EvalOverflow, in.c, frame);
        }
        break;
      }
#undef BINARY_ABSENT
      case Code::INeg:
      case Code::IAbs: {
        Value& a = sp[-1];
        if (a.absent) break;
        int64_t v = a.asInt();
        if (in.code == Code::IAbs && v >= 0) break;
        if (v == INT64_MIN) fail(DiagId::EvalOverflow, in.c, frame);
        a = Value::ofInt(-v);
        break;
      }
      case Code::DNeg:
      case Code::DAbs: {
        Value& a = sp[-1];
        if (a.absent) break;
        try {
          a = Value::ofDecimal(in.code == Code::DNeg ? -a.asDecimal() : a.asDecimal().abs());
        } catch (const ArithmeticError&) {
          fail(DiagId::EvalOverflow, in.c, frame);
        }
        break;
      }
      case Code::ToDecimal: {
        Value& a = sp[-1];
        if (!a.absent) a = Value::ofDecimal(Decimal::fromInt(a.asInt()));
        break;
      }
      case Code::Round: {
        Value& a = sp[-1];
        if (a.absent) break;
        try {
          a = Value::ofDecimal(a.asDecimal().round(in.a, static_cast<RoundingMode>(in.c)));
        } catch (const ArithmeticError&) {
          fail(DiagId::EvalOverflow, in.b, frame);
        }
        break;
      }
      case Code::FloorToInt:
      case Code::CeilToInt:
      case Code::FloorDec:
      case Code::CeilDec: {
        Value& a = sp[-1];
        if (a.absent) break;
        const bool down = in.code == Code::FloorToInt || in.code == Code::FloorDec;
        if (a.bits >= INT64_MIN && a.bits <= INT64_MAX) {
          // |value| < 9.3: 64-bit arithmetic gives the same floor or ceiling
          const int64_t m = static_cast<int64_t>(a.bits), one = static_cast<int64_t>(Decimal::kOne);
          int64_t q = m / one, r = m % one;
          if (down && r < 0) --q;
          if (!down && r > 0) ++q;
          a = (in.code == Code::FloorDec || in.code == Code::CeilDec) ? Value::ofDecimal(Decimal::fromInt(q)) : Value::ofInt(q);
          break;
        }
        try {
          bool floor = down;
          Decimal d = floor ? a.asDecimal().floor() : a.asDecimal().ceil();
          if (in.code == Code::FloorDec || in.code == Code::CeilDec) {
            a = Value::ofDecimal(d);
          } else {
            auto i = d.toInt64();
            if (!i) fail(DiagId::EvalOverflow, in.c, frame);
            a = Value::ofInt(*i);
          }
        } catch (const ArithmeticError&) {
          fail(DiagId::EvalOverflow, in.c, frame);
        }
        break;
      }
      case Code::IMax:
      case Code::IMin:
      case Code::DMax:
      case Code::DMin: {
        // Both representations order like their raw bits (int64 or Decimal mantissa).
        Value* first = sp - in.a;
        Value r = *first;
        bool isMax = in.code == Code::IMax || in.code == Code::DMax;
        for (Value* v = first + 1; v < sp; ++v) {
          if (v->absent || r.absent) {
            r = Value::none();
            break;
          }
          if (isMax ? v->bits > r.bits : v->bits < r.bits) r = *v;
        }
        sp = first;
        *sp++ = r;
        break;
      }
      case Code::CmpInt:
      case Code::CmpDec:
      case Code::CmpIndex:
      case Code::CmpOrdinal:
      case Code::CmpString: {
        Value& a = sp[-2];
        const Value& b = sp[-1];
        --sp;
        auto op = static_cast<ir::CompareOp>(in.a);
        if (a.absent || b.absent) {
          if (op == ir::CompareOp::Eq) a = Value::ofBool(false);  // "no value" equals nothing
          else if (op == ir::CompareOp::Ne) a = Value::ofBool(true);
          else a = Value::none();
          break;
        }
        int c;
        if (in.code == Code::CmpOrdinal) {
          const plan::EnumTable& e = s_.plan.enums[in.c];
          c = threeWay(e.ordinal(a.asIndex()), e.ordinal(b.asIndex()));
        } else if (in.code == Code::CmpString) {
          c = a.asIndex() == b.asIndex() ? 0 : threeWay(text(a.asIndex()), text(b.asIndex()));
        } else {
          c = threeWay(a.bits, b.bits);
        }
        a = Value::ofBool(ir::compareHolds(op, c));
        break;
      }
      case Code::In: {
        Value* first = sp - in.a - 1;
        bool found = false;
        if (!first->absent)
          for (Value* v = first + 1; v < sp; ++v)
            if (!v->absent && v->bits == first->bits) found = true;
        sp = first;
        *sp++ = Value::ofBool(found);
        break;
      }
      case Code::Not: {
        Value& a = sp[-1];
        if (!a.absent) a = Value::ofBool(!a.asBool());
        break;
      }
      case Code::And:
      case Code::Or: {
        Value& a = sp[-2];
        const Value& b = sp[-1];
        --sp;
        bool isAnd = in.code == Code::And;
        // Kleene logic: false and absent = false; true or absent = true.
        if (!a.absent && !b.absent) a = Value::ofBool(isAnd ? a.asBool() && b.asBool() : a.asBool() || b.asBool());
        else if (isAnd && ((!a.absent && !a.asBool()) || (!b.absent && !b.asBool()))) a = Value::ofBool(false);
        else if (!isAnd && ((!a.absent && a.asBool()) || (!b.absent && b.asBool()))) a = Value::ofBool(true);
        else a = Value::none();
        break;
      }
      case Code::Jump: pc = in.c; break;
      case Code::JumpIfFalse: {
        const Value& a = *--sp;
        if (a.absent || !a.asBool()) pc = in.c;
        break;
      }
      case Code::JumpIfPresent:
        if (!sp[-1].absent) pc = in.c;
        break;
      case Code::JumpIfAbsent:
        if (sp[-1].absent) pc = in.c;
        break;
      case Code::NoArm: fail(DiagId::EvalNoArm, in.c, frame);
      case Code::Return: return sp > stackBase ? sp[-1] : Value::none();
    }
  }
}

}  // namespace kaoping::eval
