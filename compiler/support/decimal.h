// compiler/support/decimal.h
//
// kaoping::Decimal — the exact decimal number type used for every score and
// every amount of money in Kaoping. Binary floating point (`double`) is never
// used for such values: appraisal schemes are specified in decimal (满分 100
// 分, 扣 0.5 分, 保留两位小数, 四舍五入) and must be reproduced to the last
// digit.
//
// Representation
// --------------
// A Decimal is a signed 128-bit integer mantissa `m` with a FIXED scale of
// 10^18:
//
//     value = m / 10^18
//
// so every value has exactly 18 fractional digits of precision and the range
// is
//
//     Decimal::min() = -170141183460469231731.687303715884105728  (-2^127 / 10^18)
//     Decimal::max() =  170141183460469231731.687303715884105727  ((2^127-1) / 10^18)
//
// i.e. about ±1.7e20. Because the scale is fixed, each value has exactly one
// representation: equality, ordering and hashing simply compare mantissas
// (2.5 and 2.50 are the same Decimal).
//
// The type is trivially copyable, 16 bytes, and cheap to pass by value.
//
// Error handling
// --------------
// Arithmetic never wraps and never silently loses integer digits. Every
// operation that could leave the representable range (+, -, *, /, unary -,
// abs, round, floor, ceil, ...) checks for overflow and throws
// kaoping::ArithmeticError{Kind::Overflow}; division by zero throws
// ArithmeticError{Kind::DivisionByZero}. Digits beyond the 18th fractional
// place produced by * and / are truncated toward zero (see operator* and
// operator/ for why this is deliberate).
//
// Parsing and formatting never use locale, exponent notation or
// separators; see parse() and toString().

#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace kaoping {

// 128-bit integer types (GCC/Clang extension; `__extension__` keeps
// -Wpedantic quiet for anyone who enables it).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// Thrown by Decimal arithmetic. `kind` tells which failure happened; what()
// carries a human-readable message naming the operation.
struct ArithmeticError : std::runtime_error {
  enum class Kind { Overflow, DivisionByZero } kind;

  ArithmeticError(Kind k, const std::string& message)
      : std::runtime_error(message), kind(k) {}
};

// How to round a value to a given number of fractional places.
// "Tie" means the discarded part is exactly half a unit of the last kept
// place. Examples are for rounding to 2 places.
enum class RoundingMode {
  HalfUp,    // ties away from zero (四舍五入):   2.345 -> 2.35, -2.345 -> -2.35
  HalfEven,  // ties to even last digit (银行家舍入): 0.125 -> 0.12, 0.135 -> 0.14
  HalfDown,  // ties toward zero:                2.345 -> 2.34, -2.345 -> -2.34
  Down,      // toward zero (truncate, 截断):     2.349 -> 2.34, -2.349 -> -2.34
  Up,        // away from zero (进一法):          2.341 -> 2.35, -2.341 -> -2.35
  Floor,     // toward -infinity:                2.349 -> 2.34, -2.341 -> -2.35
  Ceiling,   // toward +infinity:                2.341 -> 2.35, -2.349 -> -2.34
};

// Canonical lower-case names used in rule files and diagnostics:
// "half-up", "half-even", "half-down", "down", "up", "floor", "ceiling".
std::string_view roundingModeName(RoundingMode mode) noexcept;

// Inverse of roundingModeName(). Exact, case-sensitive match only; returns
// nullopt for anything else.
std::optional<RoundingMode> parseRoundingMode(std::string_view name) noexcept;

namespace detail {
[[noreturn]] void throwDecimalOverflow(const char* operation);
[[noreturn]] void throwDecimalDivisionByZero();
}  // namespace detail

class Decimal {
 public:
  // Number of fractional decimal digits held exactly (the scale exponent).
  static constexpr int kScale = 18;
  // 10^kScale: the mantissa of Decimal::one().
  static constexpr Int128 kOne = 1000000000000000000;  // 10^18

  // Why parse() rejected its input. When several problems are present, the
  // first in this order is reported: Empty, BadCharacter,
  // TooManyFractionDigits, Overflow.
  enum class ParseError {
    Empty,                  // the string is empty
    BadCharacter,           // not of the form [+-]digits[.digits]
    TooManyFractionDigits,  // more than 18 digits after the '.'
    Overflow,               // syntactically fine but outside [min(), max()]
  };

  // ---- construction --------------------------------------------------------

  // Zero.
  constexpr Decimal() noexcept = default;

  // The Decimal whose mantissa is `raw`, i.e. the value raw / 10^18.
  static constexpr Decimal fromRaw(Int128 raw) noexcept { return Decimal(raw); }

  // The exact integer `v`. Always representable (|v| < 9.3e18 < 1.7e20).
  static constexpr Decimal fromInt(std::int64_t v) noexcept {
    return Decimal(static_cast<Int128>(v) * kOne);
  }

  static constexpr Decimal zero() noexcept { return Decimal(0); }
  static constexpr Decimal one() noexcept { return Decimal(kOne); }

  // Largest and smallest (most negative) representable values; see the
  // file comment. Note min() is the most negative value, as for integers.
  static constexpr Decimal max() noexcept {
    return Decimal(static_cast<Int128>(~static_cast<UInt128>(0) >> 1));
  }
  static constexpr Decimal min() noexcept { return Decimal(-max().m_ - 1); }

  // The mantissa: value * 10^18.
  constexpr Int128 raw() const noexcept { return m_; }

  // ---- parsing -------------------------------------------------------------

  // Parses a decimal literal. Accepted syntax, exactly:
  //
  //     [+|-] digit+ [ '.' digit+ ]        (ASCII digits only)
  //
  // with at most 18 fractional digits. No surrounding or embedded spaces, no
  // exponent, no thousands separators, no leading or trailing '.', no
  // "inf"/"nan". Leading zeros and trailing fractional zeros are fine
  // ("007.50" == 7.5); "-0" and "+0.0" are zero. More than 18 fractional
  // digits is an error (TooManyFractionDigits), never silently rounded.
  //
  // Returns nullopt on failure and, if `why` is non-null, stores the reason.
  static std::optional<Decimal> parse(std::string_view s, ParseError* why = nullptr) noexcept;

  // Hot-path variant of parse() for bulk input (CSV cells): same accepted
  // syntax and result, but only reports success/failure. On success stores
  // the value in `out` and returns true; on failure returns false and leaves
  // `out` unspecified. `p` need not be NUL-terminated; exactly `n` bytes are
  // read.
  static bool parseFast(const char* p, std::size_t n, Decimal& out) noexcept;

  // ---- arithmetic ----------------------------------------------------------
  // All operators throw ArithmeticError on overflow / division by zero.

  friend constexpr Decimal operator+(Decimal a, Decimal b) {
    Int128 r;
    if (__builtin_add_overflow(a.m_, b.m_, &r)) detail::throwDecimalOverflow("addition");
    return Decimal(r);
  }

  friend constexpr Decimal operator-(Decimal a, Decimal b) {
    Int128 r;
    if (__builtin_sub_overflow(a.m_, b.m_, &r)) detail::throwDecimalOverflow("subtraction");
    return Decimal(r);
  }

  // Negation. Throws on -min() (the only value without a negative).
  constexpr Decimal operator-() const {
    Int128 r;
    if (__builtin_sub_overflow(Int128(0), m_, &r)) detail::throwDecimalOverflow("negation");
    return Decimal(r);
  }
  constexpr Decimal operator+() const noexcept { return *this; }

  // Multiplication. The exact product is computed (with a 256-bit
  // intermediate when it does not fit in 128 bits) and then truncated toward
  // zero to 18 fractional places. The result is identical whichever internal
  // path is taken. Throws Overflow if the truncated result is out of range.
  // Truncation is deliberate: see operator/.
  friend Decimal operator*(Decimal a, Decimal b) {
    Int128 p;
    if (!__builtin_mul_overflow(a.m_, b.m_, &p)) return Decimal(p / kOne);
    return mulSlow(a, b);
  }

  // Division. The quotient is computed exactly from the 256-bit numerator
  // a * 10^18 and truncated toward zero to 18 fractional places.
  // Throws DivisionByZero if b is zero, Overflow if the quotient is out of
  // range.
  //
  // Why truncate rather than round at the 18th place: rule schemes round
  // results to a few places (normally 2) with 四舍五入 (HalfUp). Every
  // rounding boundary at p < 18 places (k.5 * 10^-p) is itself a multiple of
  // 10^-18, and the truncated quotient t satisfies |t| <= |x| < |t| + 10^-18
  // with the same sign as the exact quotient x. Hence no boundary can lie
  // strictly between t and x, and round(t, p, HalfUp) == round(x, p, HalfUp)
  // (likewise for Down): the later, user-visible rounding is EXACT, as if the
  // quotient had been computed with infinite precision. Rounding to nearest at
  // the 18th place would instead create double-rounding errors (e.g. a
  // quotient 0.1249999999999999999 would become 0.125 and then round to 0.13).
  // Caveat: for Up, Floor, Ceiling, HalfDown and HalfEven the guarantee can
  // fail in one situation only: the truncated quotient lies exactly ON a
  // boundary of that mode (a multiple of 10^-p, or a tie point) while the
  // exact quotient has further non-zero digits beyond the 18th place. E.g. an
  // exact quotient 0.12000000000000000001 is truncated to 0.12, which rounds
  // Up (2 places) to 0.12 instead of 0.13. Quotients with at most 18
  // fractional digits are always exact, so this never matters for them.
  friend Decimal operator/(Decimal a, Decimal b);

  Decimal& operator+=(Decimal b) { return *this = *this + b; }
  Decimal& operator-=(Decimal b) { return *this = *this - b; }
  Decimal& operator*=(Decimal b) { return *this = *this * b; }
  Decimal& operator/=(Decimal b) { return *this = *this / b; }

  // Absolute value. Throws Overflow for min().
  constexpr Decimal abs() const {
    if (m_ >= 0) return *this;
    return -*this;
  }

  // ---- comparison ----------------------------------------------------------

  friend constexpr bool operator==(Decimal a, Decimal b) noexcept { return a.m_ == b.m_; }
  friend constexpr std::strong_ordering operator<=>(Decimal a, Decimal b) noexcept {
    return a.m_ <=> b.m_;
  }

  // ---- rounding and inspection ---------------------------------------------

  // Rounds to `places` fractional digits (0..18) with the given mode.
  // places == 18 returns the value unchanged. Throws std::invalid_argument if
  // places is outside 0..18, ArithmeticError{Overflow} if the rounded value is
  // out of range (only possible within one unit of max()/min()).
  Decimal round(int places, RoundingMode mode = RoundingMode::HalfUp) const;

  // Integral results: toward -infinity, toward +infinity, toward zero.
  // Same as round(0, Floor / Ceiling / Down).
  Decimal floor() const { return round(0, RoundingMode::Floor); }
  Decimal ceil() const { return round(0, RoundingMode::Ceiling); }
  Decimal trunc() const { return round(0, RoundingMode::Down); }

  // True if the value has no fractional part.
  constexpr bool isInteger() const noexcept { return m_ % kOne == 0; }

  // -1, 0 or +1.
  constexpr int sign() const noexcept { return (m_ > 0) - (m_ < 0); }

  // The value as an int64 if it is integral and fits; nullopt otherwise
  // (no rounding is done: 2.5 -> nullopt).
  constexpr std::optional<std::int64_t> toInt64() const noexcept {
    if (m_ % kOne != 0) return std::nullopt;
    const Int128 q = m_ / kOne;
    if (q < INT64_MIN || q > INT64_MAX) return std::nullopt;
    return static_cast<std::int64_t>(q);
  }

  // Number of significant fractional digits, 0..18 (trailing zeros do not
  // count): 2.50 -> 1, 100 -> 0, 0.001 -> 3, -1.25 -> 2.
  int fractionDigits() const noexcept;

  // ---- formatting ----------------------------------------------------------

  // Fixed-point text with exactly `places` fractional digits (0..18), rounded
  // with `mode`: 100 -> "100.00" (places 2), 2500 -> "2500" (places 0),
  // 9.995 -> "10.00" (places 2, HalfUp). A value that rounds to zero is
  // printed without a sign ("0.00", never "-0.00"). Never throws for
  // representable values, even when round() would overflow (e.g. max() at 0
  // places prints "170141183460469231732"). Throws std::invalid_argument if
  // places is outside 0..18.
  std::string toString(int places, RoundingMode mode = RoundingMode::HalfUp) const;

  // Shortest exact text: no trailing fractional zeros, no '.' for integers:
  // 2.5 -> "2.5", 100 -> "100", -0.05 -> "-0.05", 0 -> "0". parse() of the
  // result gives back the same value.
  std::string toString() const;

  // Appends toString(places, mode) to `out` without building a temporary
  // string (digits are produced in a small stack buffer). For writing many
  // output cells into one buffer.
  void appendTo(std::string& out, int places, RoundingMode mode = RoundingMode::HalfUp) const;

  // Appends toString() (shortest form) to `out`, likewise without a temporary.
  void appendTo(std::string& out) const;

  // Lowest-level formatting: writes the same text as toString(places, mode) /
  // toString() to [first, first + kMaxFormattedLength) and returns the end of
  // the written text. No NUL terminator is written. `first` must have room
  // for kMaxFormattedLength chars.
  static constexpr std::size_t kMaxFormattedLength = 41;  // '-' + 21 + '.' + 18
  char* writeTo(char* first, int places, RoundingMode mode = RoundingMode::HalfUp) const;
  char* writeTo(char* first) const;

 private:
  constexpr explicit Decimal(Int128 raw) noexcept : m_(raw) {}

  static Decimal mulSlow(Decimal a, Decimal b);

  Int128 m_ = 0;
};

static_assert(sizeof(Decimal) == 16);

}  // namespace kaoping

// fmt support. "{}" prints the shortest exact form (Decimal::toString()).
// "{:.N}" (N in 0..18) prints exactly N fractional digits rounded HalfUp
// (Decimal::toString(N)). No other format specs are accepted.
template <>
struct fmt::formatter<kaoping::Decimal> {
  int places = -1;  // -1: shortest form

  constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin()) {
    auto it = ctx.begin();
    const auto end = ctx.end();
    if (it != end && *it == '.') {
      ++it;
      if (it == end || *it < '0' || *it > '9') throw fmt::format_error("invalid precision for Decimal");
      int p = 0;
      while (it != end && *it >= '0' && *it <= '9') {
        p = p * 10 + (*it - '0');
        if (p > kaoping::Decimal::kScale) throw fmt::format_error("Decimal precision must be 0..18");
        ++it;
      }
      places = p;
    }
    if (it != end && *it != '}') throw fmt::format_error("invalid format spec for Decimal");
    return it;
  }

  template <typename FormatContext>
  auto format(const kaoping::Decimal& d, FormatContext& ctx) const -> decltype(ctx.out()) {
    char buf[kaoping::Decimal::kMaxFormattedLength];
    char* end = places < 0 ? d.writeTo(buf) : d.writeTo(buf, places);
    auto out = ctx.out();
    for (const char* p = buf; p != end; ++p) *out++ = *p;
    return out;
  }
};

namespace std {
template <>
struct hash<kaoping::Decimal> {
  std::size_t operator()(const kaoping::Decimal& d) const noexcept {
    const auto u = static_cast<kaoping::UInt128>(d.raw());
    std::uint64_t h = static_cast<std::uint64_t>(u) ^
                      (static_cast<std::uint64_t>(u >> 64) * 0x9E3779B97F4A7C15ULL);
    // splitmix64 finalizer
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return static_cast<std::size_t>(h);
  }
};
}  // namespace std
