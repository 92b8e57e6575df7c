// Fuzz target: kaoping::Decimal against a slow reference on arbitrary-precision integers.
//
// The input is read two ways: as text (tokens separated by spaces or line breaks, each
// given to Decimal::parse and parseFast), and, when it starts with 'R', as raw 16-byte
// mantissas (to reach min(), max() and every bit pattern). For every value: formatting
// round-trips, round() at every place count in every mode, toString(places, mode),
// fractionDigits, toInt64, abs, negation; for consecutive pairs: + - * / and comparison.
// Every result must equal the reference, and every ArithmeticError must be thrown exactly
// when the exact (truncated) result is out of range or the divisor is zero.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/support/decimal.h"

using kaoping::ArithmeticError;
using kaoping::Decimal;
using kaoping::Int128;
using kaoping::RoundingMode;
using kaoping::UInt128;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "decimal mismatch: %s\n", what.c_str());
  std::abort();
}

// ---------------------------------------------------------------------------- reference

// Sign and magnitude, magnitude in base 2^32 limbs (little-endian, no leading zeros).
struct Big {
  bool neg = false;
  std::vector<uint32_t> mag;

  static Big fromU128(UInt128 v, bool negative = false) {
    Big b;
    while (v) {
      b.mag.push_back(static_cast<uint32_t>(v));
      v >>= 32;
    }
    b.neg = negative && !b.mag.empty();
    return b;
  }
  static Big fromI128(Int128 v) {
    UInt128 u = static_cast<UInt128>(v);
    return v < 0 ? fromU128(UInt128(0) - u, true) : fromU128(u);
  }
  static Big small(uint64_t v) { return fromU128(v); }
  bool zero() const { return mag.empty(); }
  void trim() {
    while (!mag.empty() && mag.back() == 0) mag.pop_back();
    if (mag.empty()) neg = false;
  }
};

int cmpMag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

std::vector<uint32_t> addMag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> r;
  uint64_t carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    uint64_t s = carry + (i < a.size() ? a[i] : 0) + (i < b.size() ? b[i] : 0);
    r.push_back(static_cast<uint32_t>(s));
    carry = s >> 32;
  }
  return r;
}

std::vector<uint32_t> subMag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {  // a >= b
  std::vector<uint32_t> r;
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = static_cast<int64_t>(a[i]) - borrow - (i < b.size() ? b[i] : 0);
    borrow = d < 0;
    r.push_back(static_cast<uint32_t>(d + (borrow ? (int64_t{1} << 32) : 0)));
  }
  return r;
}

Big add(const Big& a, const Big& b) {
  Big r;
  if (a.neg == b.neg) {
    r.mag = addMag(a.mag, b.mag);
    r.neg = a.neg;
  } else if (cmpMag(a.mag, b.mag) >= 0) {
    r.mag = subMag(a.mag, b.mag);
    r.neg = a.neg;
  } else {
    r.mag = subMag(b.mag, a.mag);
    r.neg = b.neg;
  }
  r.trim();
  return r;
}
Big negate(Big a) {
  if (!a.zero()) a.neg = !a.neg;
  return a;
}
Big sub(const Big& a, const Big& b) { return add(a, negate(b)); }

Big mul(const Big& a, const Big& b) {
  Big r;
  r.mag.assign(a.mag.size() + b.mag.size() + 1, 0);
  for (size_t i = 0; i < a.mag.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.mag.size() || carry; ++j) {
      uint64_t cur = r.mag[i + j] + carry + (j < b.mag.size() ? static_cast<uint64_t>(a.mag[i]) * b.mag[j] : 0);
      r.mag[i + j] = static_cast<uint32_t>(cur);
      carry = cur >> 32;
    }
  }
  r.neg = a.neg != b.neg;
  r.trim();
  return r;
}

// Truncating division (quotient toward zero, remainder with the sign of a), bit by bit.
UInt128 toU128(const Big& b) {  // |b|, which must fit
  UInt128 u = 0;
  for (size_t i = b.mag.size(); i-- > 0;) u = (u << 32) | b.mag[i];
  return u;
}

void divmod(const Big& a, const Big& b, Big& q, Big& r) {
  if (a.mag.size() <= 4 && b.mag.size() <= 4) {  // native 128-bit division of the magnitudes
    UInt128 x = toU128(a), y = toU128(b);
    q = Big::fromU128(x / y, a.neg != b.neg);
    r = Big::fromU128(x % y, a.neg);
    return;
  }
  if (b.mag.size() <= 4 && toU128(b) <= (UInt128(1) << 127)) {  // bit by bit, remainder in 128 bits
    const UInt128 y = toU128(b);
    UInt128 rem = 0;
    q = Big{};
    q.mag.assign(a.mag.size(), 0);
    for (size_t i = a.mag.size() * 32; i-- > 0;) {
      rem = (rem << 1) | ((a.mag[i / 32] >> (i % 32)) & 1);
      if (rem >= y) {
        rem -= y;
        q.mag[i / 32] |= 1u << (i % 32);
      }
    }
    q.neg = a.neg != b.neg;
    q.trim();
    r = Big::fromU128(rem, a.neg);
    return;
  }
  q = Big{};
  r = Big{};
  size_t bits = a.mag.size() * 32;
  q.mag.assign(a.mag.size(), 0);
  for (size_t i = bits; i-- > 0;) {
    // r = r * 2 + bit i of a
    r.mag = addMag(r.mag, r.mag);
    if ((a.mag[i / 32] >> (i % 32)) & 1) r.mag = addMag(r.mag, {1});
    r.trim();
    if (cmpMag(r.mag, b.mag) >= 0) {
      r.mag = subMag(r.mag, b.mag);
      r.trim();
      q.mag[i / 32] |= 1u << (i % 32);
    }
  }
  q.neg = a.neg != b.neg;
  q.trim();
  r.neg = a.neg;
  r.trim();
}

int cmp(const Big& a, const Big& b) {
  if (a.neg != b.neg) return a.neg ? -1 : 1;
  int c = cmpMag(a.mag, b.mag);
  return a.neg ? -c : c;
}

const Big& pow10(int n) {  // 0 <= n <= 36
  static const std::vector<Big> table = [] {
    std::vector<Big> t{Big::small(1)};
    for (int i = 1; i <= 36; ++i) t.push_back(mul(t.back(), Big::small(10)));
    return t;
  }();
  return table[n];
}

const Big& one() {
  static const Big v = pow10(18);
  return v;
}

// The Int128 of b when it is in range.
std::optional<Int128> toI128(const Big& b) {
  if (b.mag.size() > 4) return std::nullopt;
  UInt128 u = 0;
  for (size_t i = b.mag.size(); i-- > 0;) u = (u << 32) | b.mag[i];
  const UInt128 maxPos = ~UInt128(0) >> 1;
  if (!b.neg && u > maxPos) return std::nullopt;
  if (b.neg && u > maxPos + 1) return std::nullopt;
  return b.neg ? static_cast<Int128>(UInt128(0) - u) : static_cast<Int128>(u);
}

std::string digits(Big b) {  // of |b|
  if (b.zero()) return "0";
  std::string s;
  if (b.mag.size() <= 4) {
    for (UInt128 u = toU128(b); u; u /= 10) s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    return s;
  }
  Big ten = Big::small(10), q, r;
  b.neg = false;
  while (!b.zero()) {
    divmod(b, ten, q, r);
    s.insert(s.begin(), static_cast<char>('0' + (r.zero() ? 0 : r.mag[0])));
    b = q;
  }
  return s;
}

// Rounds the mantissa m to `places` fractional digits: the new mantissa (unbounded).
// Native 128-bit arithmetic on the magnitude: |m| <= 2^127, so the rounded magnitude
// (at most |m| + 10^18) still fits in 128 unsigned bits.
Big roundRef(const Big& m, int places, RoundingMode mode) {
  if (places == 18) return m;
  UInt128 unit = 1;
  for (int i = 0; i < 18 - places; ++i) unit *= 10;
  const UInt128 mag = toU128(m);
  UInt128 q = mag / unit, r = mag % unit;
  if (r == 0) return m;
  const bool neg = m.neg;
  const int half = 2 * r < unit ? -1 : 2 * r == unit ? 0 : 1;  // |r| against unit/2
  bool away = false;
  switch (mode) {
    case RoundingMode::Down: away = false; break;
    case RoundingMode::Up: away = true; break;
    case RoundingMode::Floor: away = neg; break;
    case RoundingMode::Ceiling: away = !neg; break;
    case RoundingMode::HalfUp: away = half >= 0; break;
    case RoundingMode::HalfDown: away = half > 0; break;
    case RoundingMode::HalfEven: away = half > 0 || (half == 0 && (q & 1)); break;
  }
  if (away) ++q;
  return Big::fromU128(q * unit, neg);
}

// Text of mantissa m with exactly `places` digits after the point (m a multiple of 10^(18-places)).
std::string textRef(const Big& m, int places) {
  Big q, r;
  divmod(m, pow10(18 - places), q, r);
  std::string d = digits(q);
  if (places > 0) {
    while (static_cast<int>(d.size()) <= places) d.insert(d.begin(), '0');
    d.insert(d.end() - places, '.');
  }
  return (q.neg ? "-" : "") + d;
}

std::string shortestRef(const Big& m) {
  std::string s = textRef(m, 18);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Reference parse: nullopt and the reason, or the value.
std::optional<Int128> parseRef(std::string_view s, Decimal::ParseError& why) {
  if (s.empty()) {
    why = Decimal::ParseError::Empty;
    return std::nullopt;
  }
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') neg = s[i++] == '-';
  size_t intStart = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  size_t intEnd = i, fracStart = i, fracEnd = i;
  bool ok = intEnd > intStart;
  if (ok && i < s.size() && s[i] == '.') {
    fracStart = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    fracEnd = i;
    ok = fracEnd > fracStart;
  }
  if (!ok || i != s.size()) {
    why = Decimal::ParseError::BadCharacter;
    return std::nullopt;
  }
  if (fracEnd - fracStart > 18) {
    why = Decimal::ParseError::TooManyFractionDigits;
    return std::nullopt;
  }
  Big v;
  for (size_t k = intStart; k < intEnd; ++k) v = add(mul(v, Big::small(10)), Big::small(s[k] - '0'));
  std::string frac(s.substr(fracStart, fracEnd - fracStart));
  frac.resize(18, '0');
  v = mul(v, one());
  Big f;
  for (char c : frac) f = add(mul(f, Big::small(10)), Big::small(c - '0'));
  v = add(v, f);
  if (neg) v = negate(v);
  auto r = toI128(v);
  if (!r) why = Decimal::ParseError::Overflow;
  return r;
}

// ---------------------------------------------------------------------------- checks

const RoundingMode kModes[] = {RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::HalfDown, RoundingMode::Down,
                               RoundingMode::Up,     RoundingMode::Floor,    RoundingMode::Ceiling};

std::string show(Decimal d) { return d.toString(); }

void checkParse(std::string_view s) {
  Decimal::ParseError why{}, refWhy{};
  std::optional<Decimal> got = Decimal::parse(s, &why);
  std::optional<Int128> want = parseRef(s, refWhy);
  if (got.has_value() != want.has_value()) fail("parse accepts '" + std::string(s) + "' differently");
  if (got && got->raw() != *want) fail("parse value of '" + std::string(s) + "'");
  if (!got && why != refWhy) fail("parse error kind of '" + std::string(s) + "'");
  Decimal fast;
  bool fastOk = Decimal::parseFast(s.data(), s.size(), fast);
  if (fastOk != got.has_value() || (fastOk && fast != *got)) fail("parseFast differs on '" + std::string(s) + "'");
}

void checkValue(Decimal d) {
  const Big m = Big::fromI128(d.raw());
  // Shortest form: exact and round-trips.
  std::string s = d.toString();
  if (s != shortestRef(m)) fail("toString() of " + s);
  auto back = Decimal::parse(s);
  if (!back || *back != d) fail("toString() does not round-trip: " + s);
  std::string appended = "x";
  d.appendTo(appended);
  if (appended != "x" + s) fail("appendTo() differs from toString()");
  if (fmt::format("{}", d) != s) fail("fmt {} differs from toString()");
  // Inspection.
  Big q, r;
  divmod(m, one(), q, r);
  if (d.isInteger() != r.zero()) fail("isInteger of " + s);
  if (d.sign() != (m.zero() ? 0 : m.neg ? -1 : 1)) fail("sign of " + s);
  int fd = 0;
  if (!r.zero()) {
    std::string t = textRef(m, 18);
    while (t.back() == '0') t.pop_back();
    fd = static_cast<int>(t.size() - t.find('.') - 1);
  }
  if (d.fractionDigits() != fd) fail("fractionDigits of " + s);
  std::optional<int64_t> i64 = d.toInt64();
  bool fits = r.zero() && cmp(q, Big::fromI128(INT64_MIN)) >= 0 && cmp(q, Big::fromI128(INT64_MAX)) <= 0;
  if (i64.has_value() != fits || (fits && Big::fromI128(*i64).mag != q.mag)) fail("toInt64 of " + s);
  // Negation and abs throw only for min().
  bool isMin = d == Decimal::min();
  try {
    Decimal n = -d;
    if (isMin || cmp(Big::fromI128(n.raw()), negate(m)) != 0) fail("negation of " + s);
    Decimal a = d.abs();
    if (a.sign() < 0 || (a != d && a != n)) fail("abs of " + s);
  } catch (const ArithmeticError& e) {
    if (!isMin || e.kind != ArithmeticError::Kind::Overflow) fail("negation threw for " + s);
  }
  // Rounding at every place count in every mode.
  for (int places = 0; places <= 18; ++places)
    for (RoundingMode mode : kModes) {
      Big want = roundRef(m, places, mode);
      std::optional<Int128> wantRaw = toI128(want);
      try {
        Decimal got = d.round(places, mode);
        if (!wantRaw || got.raw() != *wantRaw) fail("round(" + std::to_string(places) + ") of " + s);
      } catch (const ArithmeticError& e) {
        if (wantRaw || e.kind != ArithmeticError::Kind::Overflow) fail("round threw for " + s);
      }
      std::string text = d.toString(places, mode);
      std::string wantText = textRef(want, places);
      if (!wantText.empty() && wantText[0] == '-' && toI128(want) && *toI128(want) == 0) wantText.erase(0, 1);
      if (text != wantText) fail("toString(" + std::to_string(places) + ") of " + s + ": " + text + " vs " + wantText);
      char buf[Decimal::kMaxFormattedLength];
      if (std::string(buf, d.writeTo(buf, places, mode)) != text) fail("writeTo differs from toString(places)");
    }
  for (int bad : {-1, 19}) {
    try {
      (void)d.round(bad);
      fail("round accepted places " + std::to_string(bad));
    } catch (const std::invalid_argument&) {
    }
  }
}

template <typename Op>
void checkBinary(const char* name, Decimal a, Decimal b, const Big& exact, bool divByZero, Op op) {
  std::optional<Int128> want = toI128(exact);
  try {
    Decimal got = op(a, b);
    if (divByZero || !want || got.raw() != *want)
      fail(std::string(name) + " of " + show(a) + " and " + show(b) + " gave " + show(got));
  } catch (const ArithmeticError& e) {
    auto expected = divByZero ? ArithmeticError::Kind::DivisionByZero : ArithmeticError::Kind::Overflow;
    if ((!divByZero && want) || e.kind != expected) fail(std::string(name) + " threw for " + show(a) + " and " + show(b));
  }
}

void checkPair(Decimal a, Decimal b) {
  Big x = Big::fromI128(a.raw()), y = Big::fromI128(b.raw()), q, r;
  checkBinary("+", a, b, add(x, y), false, [](Decimal u, Decimal v) { return u + v; });
  checkBinary("-", a, b, sub(x, y), false, [](Decimal u, Decimal v) { return u - v; });
  divmod(mul(x, y), one(), q, r);
  checkBinary("*", a, b, q, false, [](Decimal u, Decimal v) { return u * v; });
  if (y.zero()) {
    checkBinary("/", a, b, Big{}, true, [](Decimal u, Decimal v) { return u / v; });
  } else {
    divmod(mul(x, one()), y, q, r);
    checkBinary("/", a, b, q, false, [](Decimal u, Decimal v) { return u / v; });
  }
  int c = cmp(x, y);
  if ((a < b) != (c < 0) || (a == b) != (c == 0) || (a > b) != (c > 0)) fail("comparison of " + show(a) + " and " + show(b));
  if ((a == b) && std::hash<Decimal>{}(a) != std::hash<Decimal>{}(b)) fail("hash");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<Decimal> values;
  if (!input.empty() && input[0] == 'R') {
    input.remove_prefix(1);
    while (input.size() >= 16 && values.size() < 8) {
      UInt128 u = 0;
      for (int i = 0; i < 16; ++i) u = (u << 8) | static_cast<unsigned char>(input[i]);
      values.push_back(Decimal::fromRaw(static_cast<Int128>(u)));
      input.remove_prefix(16);
    }
  } else {
    size_t start = 0;
    int tokens = 0;
    while (start <= input.size() && tokens++ < 16) {
      size_t end = input.find_first_of(" \n", start);
      if (end == std::string_view::npos) end = input.size();
      std::string_view token = input.substr(start, end - start);
      checkParse(token);
      if (auto d = Decimal::parse(token)) values.push_back(*d);
      start = end + 1;
    }
  }
  values.push_back(Decimal::fromRaw(values.size()));  // small values too
  for (Decimal d : values) checkValue(d);
  for (size_t i = 0; i + 1 < values.size(); ++i) checkPair(values[i], values[i + 1]);
  if (values.size() >= 2) checkPair(values.back(), values.front());
  return 0;
}
