// A runtime value: 32 bytes whose meaning comes from the static type the checker gave
// the expression. Ints are int64, decimals/money/percentages are Decimal mantissas,
// bools are 0/1, enum values, subjects, departments and strings are indexes (strings are
// interned per run), dates are days since 1970-01-01. `absent` marks "no value" (an empty
// optional cell, an aggregate over no rows, a subject without a previous period).
#pragma once

#include <cstdint>

#include "compiler/support/decimal.h"

namespace kaoping {

struct Value {
  __int128 bits = 0;
  bool absent = false;

  static Value ofInt(int64_t v) { return Value{v, false}; }
  static Value ofDecimal(Decimal d) { return Value{d.raw(), false}; }
  static Value ofBool(bool b) { return Value{b ? 1 : 0, false}; }
  static Value ofIndex(uint32_t i) { return Value{i, false}; }
  static Value ofDate(int32_t days) { return Value{days, false}; }
  static Value none() { return Value{0, true}; }

  int64_t asInt() const { return static_cast<int64_t>(bits); }
  Decimal asDecimal() const { return Decimal::fromRaw(bits); }
  bool asBool() const { return bits != 0; }
  uint32_t asIndex() const { return static_cast<uint32_t>(bits); }
  int32_t asDate() const { return static_cast<int32_t>(bits); }
};

}  // namespace kaoping
