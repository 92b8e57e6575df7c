// The streaming pass's view of the plan, prepared once per run: for every event kind, how
// to read each attribute and what each action needs, with the row programs the plan
// compiles to bytecode recognised in their common shapes ("quick" forms: an attribute
// compared with a constant, a constant amount, an attribute as the value), which are
// evaluated directly instead of by the VM. Whatever is not in one of those shapes runs on
// the VM (or on native code from the JIT, when there is one).
//
// Built after the parameters are read (a parameter in a row program is a fixed value
// then); read-only afterwards, shared by every reader thread.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"
#include "compiler/support/value.h"
#include "runtime/eval/strings.h"

namespace kaoping::eval {

struct State;

// A value a quick form reads: an attribute of the row, an attribute of the subject, or a
// value fixed for the run (a constant or a parameter).
struct QuickOperand {
  // Var/VarSubject: relation filters (attribute `index` of, or the subject in, variable `var`)
  enum class From : uint8_t { Row, Subject, Fixed, Var, VarSubject } from = From::Fixed;
  uint32_t index = 0;
  uint8_t var = 0;
  Value fixed;
};

// A condition or filter; `test` is true when the program's value is present and true.
struct QuickTest {
  enum class Shape : uint8_t {
    Always,   // no program
    Truthy,   // x
    Falsy,    // not x
    Compare,  // x op y, by raw bits (ints, dates, decimals, ==/!= on indexes)
    RowRange,    // row[x.index] op constant, as lo <= x <= hi (negated for !=)
    In,       // x in {fixed values}
    And, Or,  // parts[0], parts[1]
    Generic,  // the program, on the VM or JIT
  } shape = Shape::Always;
  ir::CompareOp op = ir::CompareOp::Eq;
  QuickOperand x, y;
  std::vector<Value> set;
  __int128 lo = 0, hi = 0;  // RowRange
  bool negate = false;      // RowRange: !=
  std::vector<QuickTest> parts;
  plan::Program program;
  int32_t native = -1;  // JIT: index of the compiled program, when there is one
};

// An amount, an aggregate's value or weight.
struct QuickValue {
  enum class Shape : uint8_t {
    None,       // no program: an absent value
    Operand,    // x
    ToDecimal,  // x (an int) as a decimal
    Generic,
  } shape = Shape::None;
  QuickOperand x;
  plan::Program program;
  int32_t native = -1;
};

// How one attribute of a kind is read from its text.
struct AttributeReader {
  const plan::Column* column = nullptr;
  plan::Kind kind = plan::Kind::String;
  bool hasDefault = false, optional = false;
  Value defaultValue;
  // The declared range on the raw representation (ints scaled to decimals).
  bool ranged = false, hasLo = false, hasHi = false, loOpen = false, hiOpen = false;
  __int128 lo = 0, hi = 0;
  int64_t intMin = INT64_MIN, intMax = INT64_MAX;  // Int: the range as whole numbers
  std::vector<std::string_view> enumValues;  // Enum: the values, in declared order
};

struct QuickEffect {
  const plan::Effect* effect = nullptr;
  QuickValue amount;
  bool fixed = false;  // the amount is a constant: `delta` is what is added
  __int128 delta = 0;
};

struct QuickAction {
  const plan::Action* action = nullptr;
  const plan::Aggregate* aggregate = nullptr;  // an aggregate update (else a rule)
  QuickTest test;                              // the rule's condition or the aggregate's filter
  QuickValue value, weight;                    // aggregate
  std::vector<QuickEffect> effects;            // rule
};

// Native code for a row program (runtime/jit): writes the program's value to `out` and
// returns 1, or returns 0 when the program must run on the VM instead (it failed: the VM
// reports the error with its span).
using NativeProgram = int (*)(const Value* row, const Value* const* subjectAttributes, const Value* params,
                              uint32_t subject, Value* out);

// A kind's kernel (runtime/jit): native code that parses the row's attributes and applies
// all of the kind's actions to the accumulators, for rows read from a CSV batch when no
// ledger is kept. `fields` are the record's raw fields (data::CsvField), `columns` the
// field index of each attribute in the file (-1: no such column).
//   0: done;
//   1: nothing done — read the row with the interpreter (an attribute it cannot parse,
//      which may be an error to report; a program that failed, which is reported then);
//   2: an accumulator overflowed (reported as by the interpreter).
struct KernelContext;
using KindKernel = int (*)(KernelContext* ctx, const void* fields, uint32_t trimmed, const int32_t* columns,
                           uint32_t subject);

// What a kernel works on: one per reader thread.
struct KernelContext {
  __int128* slots = nullptr;                            // the reader's dense accumulators
  const Value* const* subjectAttributes = nullptr;      // [attribute] → values by subject
  const uint32_t* const* relationOffsets = nullptr;     // [relation] → offsets by subject
  const uint32_t* const* relationMembers = nullptr;     // [relation] → members
  const Value* params = nullptr;                        // the run's parameters
  uint64_t subjects = 0;
  void* bound = nullptr;                                // the reader's DeltaBound
  void* reader = nullptr;                               // for the helpers
};

// Runtime functions kernels call (addresses given to the JIT).
struct KernelHelpers {
  // An attribute of a kind that is not parsed inline: readAttributeFast. 1 ok, 0 not valid.
  int (*readAttribute)(void* reader, uint32_t kind, uint32_t attribute, const char* text, uint64_t size, Value* out);
  // Trims a raw field in place.
  void (*trim)(const char** text, uint32_t* size);
  // An aggregate update not done inline (sparse cells, min/max/first/last, weighted means,
  // tracked rows), with its value, weight and group key. 0 ok, 2 overflow.
  int (*aggregate)(void* reader, uint32_t aggregate, uint32_t subject, const Value* value, const Value* weight,
                   const Value* key);
};

// Native code for a plan (runtime/jit): a kernel per kind (null: none) and the row programs
// compiled on their own, by their range in Plan::code. It depends on the plan only, so it
// can be compiled on another thread while the run reads its roster.
struct NativeCode {
  std::vector<KindKernel> kernels;
  std::vector<std::pair<uint64_t, NativeProgram>> programs;  // (begin << 32 | end, code)
  std::shared_ptr<void> owner;                               // keeps the code alive
};

// The JIT's work for one run (engine.cpp starts it).
struct NativeJob {
  bool synchronous = false;  // use the code from the first row (KAOPING_JIT=1), else once ready
  std::future<bool> done;    // true: `code` is ready; false: `error`
  NativeCode code;
  std::string error;
};

struct KindPlan {
  std::vector<AttributeReader> attributes;
  std::vector<QuickAction> actions;
  int32_t prefetchSlot = -1;  // a dense slot of the subject the kind's rows update, to prefetch
  KindKernel kernel = nullptr;
};



struct RowPlan {
  std::vector<KindPlan> kinds;
  std::vector<std::string> kindNames;  // for the kind lookup
  std::vector<NativeProgram> native;   // QuickTest/QuickValue::native index here
  std::shared_ptr<void> nativeCode;    // owns the JIT's code
  bool kernels = false;                // some kind has a kernel
};

// The quick form of a condition (Shape::Generic when it has none).
QuickTest makeQuickTest(const State& st, const plan::Program& program);

// Evaluates a quick test that is not Generic, for a subject (and relation variables).
bool evalQuickTest(const QuickTest& t, const State& st, const Value* row, uint32_t subject, const uint32_t* vars);

// How a column's text is read.
AttributeReader attributeReader(const plan::Plan& plan, const plan::Column& column);

// Prepares the row plan of a run (parameters already read).
RowPlan buildRowPlan(const State& st);

// Parses an attribute's text as the column declares it, including the range check and
// the default of an empty cell. Returns false when the text is not a valid value (the
// caller then reports it through readCell, which says why). Strings are interned into
// `strings`.
bool readAttribute(const AttributeReader& r, const plan::Plan& plan, std::string_view text, Interner& strings,
                   Value& out);

// The same, with the common cases (an empty cell, an integer, a yes/no, an enum value)
// inline.
inline bool readAttributeFast(const AttributeReader& r, const plan::Plan& plan, std::string_view text,
                              Interner& strings, Value& out) {
  const size_t n = text.size();
  if (n == 0) {
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
  const char* p = text.data();
  switch (r.kind) {
    case plan::Kind::Int: {
      if (n > 18 || static_cast<unsigned>(*p - '0') > 9) break;  // a sign, or long: the general path
      int64_t v = 0;
      for (size_t i = 0; i < n; ++i) {
        unsigned d = static_cast<unsigned char>(p[i]) - '0';
        if (d > 9) return false;
        v = v * 10 + d;
      }
      if (v < r.intMin || v > r.intMax) return false;
      out = Value::ofInt(v);
      return true;
    }
    case plan::Kind::Bool: {
      // 是 E6 98 AF, 否 E5 90 A6
      if (n != 3) return false;
      uint32_t v = static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[1]) << 8 |
                   static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16;
      if (v == 0xAF98E6u) out = Value::ofBool(true);
      else if (v == 0xA690E5u) out = Value::ofBool(false);
      else return false;
      return true;
    }
    default: break;
  }
  return readAttribute(r, plan, text, strings, out);
}

}  // namespace kaoping::eval
