// compiler/support/decimal.cpp — see decimal.h.
//
// Internal conventions: magnitudes are handled as UInt128 (|min()| = 2^127
// fits), 256-bit intermediates as four little-endian 64-bit limbs.

#include "compiler/support/decimal.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace kaoping {

namespace detail {

void throwDecimalOverflow(const char* operation) {
  throw ArithmeticError(ArithmeticError::Kind::Overflow,
                        std::string("decimal overflow in ") + operation);
}

void throwDecimalDivisionByZero() {
  throw ArithmeticError(ArithmeticError::Kind::DivisionByZero, "decimal division by zero");
}

}  // namespace detail

namespace {

using u64 = std::uint64_t;

constexpr u64 kOne64 = 1000000000000000000ULL;  // 10^18
constexpr UInt128 kOneU = kOne64;
constexpr UInt128 kMaxMagPos = ~static_cast<UInt128>(0) >> 1;  // 2^127 - 1
constexpr UInt128 kMaxMagNeg = kMaxMagPos + 1;                  // 2^127

constexpr u64 kPow10[20] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
};

// |v| as an unsigned 128-bit number; well defined for min().
constexpr UInt128 magnitude(Int128 v) noexcept {
  const auto u = static_cast<UInt128>(v);
  return v < 0 ? UInt128(0) - u : u;
}

// Signed value from (negative, magnitude); nullopt-like `false` if it does not
// fit. The conversion of 2^127 to Int128 is modular (well defined in C++20).
inline bool fromMagnitude(bool negative, UInt128 mag, Int128& out) noexcept {
  if (negative) {
    if (mag > kMaxMagNeg) return false;
    out = static_cast<Int128>(UInt128(0) - mag);
  } else {
    if (mag > kMaxMagPos) return false;
    out = static_cast<Int128>(mag);
  }
  return true;
}

// ---- 256-bit helpers ---------------------------------------------------------

struct U256 {
  u64 limb[4];  // little-endian
};

inline U256 mul128(UInt128 a, UInt128 b) noexcept {
  const u64 a0 = static_cast<u64>(a), a1 = static_cast<u64>(a >> 64);
  const u64 b0 = static_cast<u64>(b), b1 = static_cast<u64>(b >> 64);
  const UInt128 p00 = static_cast<UInt128>(a0) * b0;
  const UInt128 p01 = static_cast<UInt128>(a0) * b1;
  const UInt128 p10 = static_cast<UInt128>(a1) * b0;
  const UInt128 p11 = static_cast<UInt128>(a1) * b1;

  U256 r;
  r.limb[0] = static_cast<u64>(p00);
  // Middle column: high(p00) + low(p01) + low(p10); fits in 66 bits.
  const UInt128 mid = (p00 >> 64) + static_cast<u64>(p01) + static_cast<u64>(p10);
  r.limb[1] = static_cast<u64>(mid);
  // Next column: carry(mid) + high(p01) + high(p10) + low(p11).
  const UInt128 hi = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + static_cast<u64>(p11);
  r.limb[2] = static_cast<u64>(hi);
  r.limb[3] = static_cast<u64>(hi >> 64) + static_cast<u64>(p11 >> 64);
  return r;
}

// Quotient of a 256-bit number by a non-zero 64-bit divisor (remainder
// discarded).
inline U256 divBy64(const U256& n, u64 d) noexcept {
  U256 q;
  u64 rem = 0;
  for (int i = 3; i >= 0; --i) {
    const UInt128 cur = (static_cast<UInt128>(rem) << 64) | n.limb[i];
    q.limb[i] = static_cast<u64>(cur / d);  // < 2^64 because rem < d
    rem = static_cast<u64>(cur % d);
  }
  return q;
}

// Quotient of a 256-bit number by a 128-bit divisor d >= 2^64 (remainder
// discarded). Knuth, TAOCP vol. 2, 4.3.1, Algorithm D with 64-bit digits and
// a two-digit divisor (as in Hacker's Delight "divmnu", scaled up).
U256 divBy128(const U256& n, UInt128 d) noexcept {
  constexpr UInt128 kBase = static_cast<UInt128>(1) << 64;

  // D1: normalise so the divisor's top bit is set.
  const u64 dHi = static_cast<u64>(d >> 64);
  const int s = __builtin_clzll(dHi);  // dHi != 0
  const UInt128 dn = d << s;
  const u64 v1 = static_cast<u64>(dn >> 64);
  const u64 v0 = static_cast<u64>(dn);

  u64 un[5];
  if (s == 0) {
    un[4] = 0;
    for (int i = 0; i < 4; ++i) un[i] = n.limb[i];
  } else {
    un[4] = n.limb[3] >> (64 - s);
    for (int i = 3; i > 0; --i) un[i] = (n.limb[i] << s) | (n.limb[i - 1] >> (64 - s));
    un[0] = n.limb[0] << s;
  }

  U256 q{};
  // m + n = 4 + ... : numerator has 4 digits, divisor 2 → quotient digits 0..2.
  for (int j = 2; j >= 0; --j) {
    // D3: estimate qhat from the top two numerator digits and v1.
    const UInt128 num = (static_cast<UInt128>(un[j + 2]) << 64) | un[j + 1];
    UInt128 qhat = num / v1;
    UInt128 rhat = num % v1;
    while (qhat >= kBase ||
           qhat * v0 > ((rhat << 64) | un[j])) {  // qhat < 2^64 here: no overflow
      --qhat;
      rhat += v1;
      if (rhat >= kBase) break;
    }

    // D4: multiply and subtract qhat * (v1 v0) from un[j .. j+2].
    const u64 qd = static_cast<u64>(qhat);
    u64 borrow = 0;
    u64 carry = 0;
    const u64 v[2] = {v0, v1};
    for (int i = 0; i < 2; ++i) {
      const UInt128 p = static_cast<UInt128>(qd) * v[i] + carry;
      carry = static_cast<u64>(p >> 64);
      const u64 plo = static_cast<u64>(p);
      const u64 x = un[i + j];
      const u64 t = x - plo;
      const u64 b1 = x < plo;
      const u64 t2 = t - borrow;
      const u64 b2 = t < borrow;
      un[i + j] = t2;
      borrow = b1 + b2;
    }
    const u64 x = un[j + 2];
    const u64 t = x - carry;
    const u64 b1 = x < carry;
    const u64 t2 = t - borrow;
    const u64 b2 = t < borrow;
    un[j + 2] = t2;

    q.limb[j] = qd;
    if (b1 | b2) {
      // D6: qhat was one too large; add the divisor back. With a two-digit
      // divisor the D3 test above compares against the exact three-digit
      // partial remainder, so this cannot actually happen; the step is kept
      // so the routine stays the textbook algorithm (and safe if reused).
      q.limb[j] = qd - 1;
      u64 c = 0;
      for (int i = 0; i < 2; ++i) {
        const UInt128 sum = static_cast<UInt128>(un[i + j]) + v[i] + c;
        un[i + j] = static_cast<u64>(sum);
        c = static_cast<u64>(sum >> 64);
      }
      un[j + 2] += c;
    }
  }
  return q;
}

// The 256-bit value as a UInt128 if its top two limbs are zero.
inline bool fitsU128(const U256& v, UInt128& out) noexcept {
  if (v.limb[3] != 0 || v.limb[2] != 0) return false;
  out = (static_cast<UInt128>(v.limb[1]) << 64) | v.limb[0];
  return true;
}

// ---- rounding core -------------------------------------------------------------

// Whether a value with magnitude q*unit + rem (0 <= rem < unit, unit even or
// rem == 0) and the given sign must be rounded away from zero, i.e. to
// (q+1)*unit, rather than toward zero (to q*unit). `qOdd` is q's parity.
template <typename U>
inline bool roundsAway(RoundingMode mode, bool negative, U rem, U unit, bool qOdd) noexcept {
  if (rem == 0) return false;
  switch (mode) {
    case RoundingMode::Down:
      return false;
    case RoundingMode::Up:
      return true;
    case RoundingMode::Floor:
      return negative;
    case RoundingMode::Ceiling:
      return !negative;
    case RoundingMode::HalfUp:
      return rem >= unit / 2;
    case RoundingMode::HalfDown:
      return rem > unit / 2;
    case RoundingMode::HalfEven: {
      const U half = unit / 2;
      return rem > half || (rem == half && qOdd);
    }
  }
  return false;
}

inline void checkPlaces(int places) {
  if (places < 0 || places > Decimal::kScale) {
    throw std::invalid_argument("decimal places must be in 0..18, got " + std::to_string(places));
  }
}

// ---- digit output ----------------------------------------------------------------

// Writes v in decimal (no padding) and returns the end.
inline char* writeU64(char* p, u64 v) noexcept {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}

// Writes v as exactly `width` digits with leading zeros (v < 10^width).
inline char* writeU64Padded(char* p, u64 v, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

inline char* writeU128(char* p, UInt128 v) noexcept {
  if ((v >> 64) == 0) return writeU64(p, static_cast<u64>(v));
  constexpr u64 k1e19 = kPow10[19];
  const UInt128 hi = v / k1e19;  // may exceed 64 bits for huge v: recurse
  const u64 lo = static_cast<u64>(v % k1e19);
  p = writeU128(p, hi);
  return writeU64Padded(p, lo, 19);
}

// ---- parsing core -----------------------------------------------------------------

// Largest integer part that can possibly be in range: floor(2^127 / 10^18).
constexpr UInt128 kMaxIntPart = kMaxMagNeg / kOneU;

inline bool isDigit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

enum class ParseStatus : unsigned char { Ok, Empty, BadCharacter, TooManyFractionDigits, Overflow };

// Single pass over [p, p+n). Validates the whole syntax before reporting
// TooManyFractionDigits or Overflow, so the error precedence documented in
// decimal.h holds.
inline ParseStatus parseImpl(const char* p, std::size_t n, Decimal& out) noexcept {
  if (n == 0) return ParseStatus::Empty;
  const char* const end = p + n;

  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    ++p;
  }

  // Integer part: up to 19 digits always fit in a u64.
  const char* const intStart = p;
  const char* const fastEnd = p + std::min<std::size_t>(static_cast<std::size_t>(end - p), 19);
  u64 ip = 0;
  while (p < fastEnd && isDigit(*p)) {
    ip = ip * 10 + static_cast<u64>(*p - '0');
    ++p;
  }
  if (p == intStart) return ParseStatus::BadCharacter;

  UInt128 bigIp = ip;
  bool big = false;
  bool overflow = false;
  if (p < end && isDigit(*p)) {  // more than 19 integer digits (maybe leading zeros)
    big = true;
    do {
      if (!overflow) {
        bigIp = bigIp * 10 + static_cast<unsigned>(*p - '0');  // bigIp <= 1.7e21: no wrap
        overflow = bigIp > kMaxIntPart;
      }
      ++p;
    } while (p < end && isDigit(*p));
  }

  // Fraction part.
  u64 frac = 0;
  bool tooManyFraction = false;
  if (p < end && *p == '.') {
    ++p;
    const char* const fracStart = p;
    const char* const fracFastEnd =
        p + std::min<std::size_t>(static_cast<std::size_t>(end - p), Decimal::kScale);
    while (p < fracFastEnd && isDigit(*p)) {
      frac = frac * 10 + static_cast<u64>(*p - '0');
      ++p;
    }
    const auto fracDigits = static_cast<int>(p - fracStart);
    if (fracDigits == 0) return ParseStatus::BadCharacter;
    if (p < end && isDigit(*p)) {
      tooManyFraction = true;
      do ++p;
      while (p < end && isDigit(*p));
    }
    frac *= kPow10[Decimal::kScale - fracDigits];
  }

  if (p != end) return ParseStatus::BadCharacter;
  if (tooManyFraction) return ParseStatus::TooManyFractionDigits;
  if (overflow) return ParseStatus::Overflow;

  Int128 m;
  if (!big) {
    // ip < 10^19, so ip * 10^18 + frac < 10^37: always in range.
    const UInt128 mag = static_cast<UInt128>(ip) * kOne64 + frac;
    m = negative ? -static_cast<Int128>(mag) : static_cast<Int128>(mag);
  } else {
    const UInt128 mag = bigIp * kOneU + frac;  // <= 1.7e38 + 1e18 < 2^128
    if (!fromMagnitude(negative, mag, m)) return ParseStatus::Overflow;
  }
  out = Decimal::fromRaw(m);
  return ParseStatus::Ok;
}

}  // namespace

// ---- rounding mode names --------------------------------------------------------

std::string_view roundingModeName(RoundingMode mode) noexcept {
  switch (mode) {
    case RoundingMode::HalfUp:
      return "half-up";
    case RoundingMode::HalfEven:
      return "half-even";
    case RoundingMode::HalfDown:
      return "half-down";
    case RoundingMode::Down:
      return "down";
    case RoundingMode::Up:
      return "up";
    case RoundingMode::Floor:
      return "floor";
    case RoundingMode::Ceiling:
      return "ceiling";
  }
  return "?";
}

std::optional<RoundingMode> parseRoundingMode(std::string_view name) noexcept {
  static constexpr RoundingMode kAll[] = {
      RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::HalfDown, RoundingMode::Down,
      RoundingMode::Up,     RoundingMode::Floor,    RoundingMode::Ceiling,
  };
  for (RoundingMode m : kAll) {
    if (roundingModeName(m) == name) return m;
  }
  return std::nullopt;
}

// ---- parsing --------------------------------------------------------------------

std::optional<Decimal> Decimal::parse(std::string_view s, ParseError* why) noexcept {
  Decimal d;
  const ParseStatus st = parseImpl(s.data(), s.size(), d);
  if (st == ParseStatus::Ok) return d;
  if (why != nullptr) {
    switch (st) {
      case ParseStatus::Empty:
        *why = ParseError::Empty;
        break;
      case ParseStatus::BadCharacter:
        *why = ParseError::BadCharacter;
        break;
      case ParseStatus::TooManyFractionDigits:
        *why = ParseError::TooManyFractionDigits;
        break;
      case ParseStatus::Overflow:
      case ParseStatus::Ok:
        *why = ParseError::Overflow;
        break;
    }
  }
  return std::nullopt;
}

bool Decimal::parseFast(const char* p, std::size_t n, Decimal& out) noexcept {
  return parseImpl(p, n, out) == ParseStatus::Ok;
}

// ---- arithmetic -------------------------------------------------------------------

Decimal Decimal::mulSlow(Decimal a, Decimal b) {
  // Reached only when a.m_ * b.m_ does not fit in 128 bits.
  const bool negative = (a.m_ < 0) != (b.m_ < 0);
  const U256 product = mul128(magnitude(a.m_), magnitude(b.m_));
  UInt128 q;
  Int128 r;
  if (!fitsU128(divBy64(product, kOne64), q) || !fromMagnitude(negative, q, r)) {
    detail::throwDecimalOverflow("multiplication");
  }
  return Decimal(r);
}

Decimal operator/(Decimal a, Decimal b) {
  if (b.m_ == 0) detail::throwDecimalDivisionByZero();
  const bool negative = (a.m_ < 0) != (b.m_ < 0);
  const UInt128 ua = magnitude(a.m_);
  const UInt128 ub = magnitude(b.m_);

  UInt128 q;
  if (ua <= ~static_cast<UInt128>(0) / kOneU) {
    // Fast path: the numerator |a| * 10^18 fits in 128 bits (|a| < ~340).
    q = ua * kOneU / ub;
  } else {
    const U256 num = mul128(ua, kOneU);
    const U256 quot = (ub >> 64) == 0 ? divBy64(num, static_cast<u64>(ub)) : divBy128(num, ub);
    if (!fitsU128(quot, q)) detail::throwDecimalOverflow("division");
  }
  Int128 r;
  if (!fromMagnitude(negative, q, r)) detail::throwDecimalOverflow("division");
  return Decimal(r);
}

// ---- rounding and inspection ------------------------------------------------------

Decimal Decimal::round(int places, RoundingMode mode) const {
  checkPlaces(places);
  if (places == kScale) return *this;
  const u64 unit = kPow10[kScale - places];  // 10^(18-places) >= 10, even
  const bool negative = m_ < 0;
  const UInt128 mag = magnitude(m_);
  UInt128 q = mag / unit;
  const UInt128 rem = mag % unit;
  if (roundsAway<UInt128>(mode, negative, rem, unit, (q & 1) != 0)) ++q;
  // q * unit <= mag + unit <= 2^127 + 10^18: no UInt128 wrap.
  Int128 r;
  if (!fromMagnitude(negative, q * unit, r)) detail::throwDecimalOverflow("rounding");
  return Decimal(r);
}

int Decimal::fractionDigits() const noexcept {
  u64 frac = static_cast<u64>(magnitude(m_) % kOneU);
  if (frac == 0) return 0;
  int digits = kScale;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  return digits;
}

// ---- formatting -------------------------------------------------------------------

char* Decimal::writeTo(char* first, int places, RoundingMode mode) const {
  checkPlaces(places);
  const bool negative = m_ < 0;
  const UInt128 mag = magnitude(m_);
  UInt128 ip = mag / kOneU;
  const u64 frac = static_cast<u64>(mag % kOneU);

  // Round the 18-digit fraction to `places` digits; a carry moves into ip.
  u64 kept = frac;
  if (places < kScale) {
    const u64 unit = kPow10[kScale - places];
    kept = frac / unit;
    const u64 rem = frac % unit;
    // Parity of the full quotient ip*10^places + kept: for places >= 1 the
    // first term is even.
    const bool qOdd = places == 0 ? (ip & 1) != 0 : (kept & 1) != 0;
    if (roundsAway<u64>(mode, negative, rem, unit, qOdd)) {
      if (++kept == kPow10[places]) {
        kept = 0;
        ++ip;  // ip <= 1.7e20: no wrap
      }
    }
  }

  char* p = first;
  if (negative && (ip != 0 || kept != 0)) *p++ = '-';  // never "-0.00"
  p = writeU128(p, ip);
  if (places > 0) {
    *p++ = '.';
    p = writeU64Padded(p, kept, places);
  }
  return p;
}

char* Decimal::writeTo(char* first) const {
  const UInt128 mag = magnitude(m_);
  const UInt128 ip = mag / kOneU;
  u64 frac = static_cast<u64>(mag % kOneU);

  char* p = first;
  if (m_ < 0) *p++ = '-';
  p = writeU128(p, ip);
  if (frac != 0) {
    int digits = kScale;
    while (frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
    *p++ = '.';
    p = writeU64Padded(p, frac, digits);
  }
  return p;
}

void Decimal::appendTo(std::string& out, int places, RoundingMode mode) const {
  char buf[kMaxFormattedLength];
  out.append(buf, writeTo(buf, places, mode));
}

void Decimal::appendTo(std::string& out) const {
  char buf[kMaxFormattedLength];
  out.append(buf, writeTo(buf));
}

std::string Decimal::toString(int places, RoundingMode mode) const {
  char buf[kMaxFormattedLength];
  return std::string(buf, writeTo(buf, places, mode));
}

std::string Decimal::toString() const {
  char buf[kMaxFormattedLength];
  return std::string(buf, writeTo(buf));
}

}  // namespace kaoping
