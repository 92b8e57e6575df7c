// Tests for kaoping::Decimal (compiler/support/decimal.h).
//
// Expected values in the tables were computed independently with Python's
// arbitrary-precision integers / fractions. The randomized tests check
// multiplication and division against a tiny independent big-integer oracle
// defined below.

#include "compiler/support/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

namespace kaoping {
namespace {

using PE = Decimal::ParseError;
using RM = RoundingMode;

Decimal D(std::string_view s) {
  PE why{};
  auto d = Decimal::parse(s, &why);
  if (!d) {
    ADD_FAILURE() << "test literal did not parse: " << s;
    return Decimal::zero();
  }
  return *d;
}

// Mantissa of max() / min() written out, for readability of expectations.
constexpr const char* kMaxStr = "170141183460469231731.687303715884105727";
constexpr const char* kMinStr = "-170141183460469231731.687303715884105728";

template <typename F>
ArithmeticError::Kind expectArithmeticError(F&& f) {
  try {
    f();
  } catch (const ArithmeticError& e) {
    return e.kind;
  }
  ADD_FAILURE() << "expected ArithmeticError";
  return ArithmeticError::Kind::Overflow;
}

// ---------------------------------------------------------------------------
// Basics

TEST(Decimal, BasicProperties) {
  static_assert(sizeof(Decimal) == 16);
  static_assert(std::is_trivially_copyable_v<Decimal>);
  static_assert(Decimal::kScale == 18);
  static_assert(Decimal::fromInt(3).raw() == 3 * Decimal::kOne);
  static_assert(Decimal::zero().raw() == 0);
  static_assert(Decimal::one().raw() == Decimal::kOne);
  static_assert(Decimal::fromInt(2) + Decimal::fromInt(3) == Decimal::fromInt(5));
  static_assert(Decimal::fromInt(2) < Decimal::fromInt(3));
  static_assert(Decimal::fromInt(-7).sign() == -1);
  static_assert(Decimal::fromInt(-7).abs() == Decimal::fromInt(7));
  static_assert(Decimal::fromRaw(5).raw() == 5);
  static_assert(Decimal().raw() == 0);

  EXPECT_EQ(Decimal::fromInt(INT64_MAX).toString(), "9223372036854775807");
  EXPECT_EQ(Decimal::fromInt(INT64_MIN).toString(), "-9223372036854775808");
  EXPECT_EQ(Decimal::max().toString(), kMaxStr);
  EXPECT_EQ(Decimal::min().toString(), kMinStr);
  EXPECT_EQ(Decimal::fromRaw(1).toString(), "0.000000000000000001");
}

TEST(Decimal, Comparisons) {
  EXPECT_EQ(D("2.5"), D("2.50"));
  EXPECT_EQ(D("-0"), Decimal::zero());
  EXPECT_LT(D("-0.000000000000000001"), Decimal::zero());
  EXPECT_LT(D("1.99"), D("2"));
  EXPECT_GT(D("-1.99"), D("-2"));
  EXPECT_LT(Decimal::min(), Decimal::max());
  EXPECT_EQ(D("3") <=> D("3.0"), std::strong_ordering::equal);
  EXPECT_EQ(D("-3") <=> D("3"), std::strong_ordering::less);
  EXPECT_NE(D("0.1"), D("0.10000000000000001"));
}

TEST(Decimal, SignIsIntegerToInt64) {
  EXPECT_EQ(D("0").sign(), 0);
  EXPECT_EQ(D("-0.000000000000000001").sign(), -1);
  EXPECT_EQ(D("12").sign(), 1);

  EXPECT_TRUE(D("100").isInteger());
  EXPECT_TRUE(D("-100.000").isInteger());
  EXPECT_TRUE(D("0").isInteger());
  EXPECT_FALSE(D("100.5").isInteger());
  EXPECT_FALSE(D("-0.000000000000000001").isInteger());

  EXPECT_EQ(D("42").toInt64(), 42);
  EXPECT_EQ(D("-42.000").toInt64(), -42);
  EXPECT_EQ(D("0").toInt64(), 0);
  EXPECT_EQ(D("2.5").toInt64(), std::nullopt);
  EXPECT_EQ(D("9223372036854775807").toInt64(), INT64_MAX);
  EXPECT_EQ(D("-9223372036854775808").toInt64(), INT64_MIN);
  EXPECT_EQ(D("9223372036854775808").toInt64(), std::nullopt);
  EXPECT_EQ(D("-9223372036854775809").toInt64(), std::nullopt);
  EXPECT_EQ(Decimal::max().toInt64(), std::nullopt);
  EXPECT_EQ(D("100000000000000000000").toInt64(), std::nullopt);
}

TEST(Decimal, FractionDigits) {
  EXPECT_EQ(D("2.50").fractionDigits(), 1);
  EXPECT_EQ(D("2.5").fractionDigits(), 1);
  EXPECT_EQ(D("100").fractionDigits(), 0);
  EXPECT_EQ(D("100.000").fractionDigits(), 0);
  EXPECT_EQ(D("0").fractionDigits(), 0);
  EXPECT_EQ(D("0.001").fractionDigits(), 3);
  EXPECT_EQ(D("-1.25").fractionDigits(), 2);
  EXPECT_EQ(D("0.000000000000000001").fractionDigits(), 18);
  EXPECT_EQ(D("-0.123456789012345678").fractionDigits(), 18);
  EXPECT_EQ(Decimal::min().fractionDigits(), 18);
  EXPECT_EQ(Decimal::max().fractionDigits(), 18);
  EXPECT_EQ(D("10.10").fractionDigits(), 1);
}

TEST(Decimal, Hash) {
  std::hash<Decimal> h;
  EXPECT_EQ(h(D("2.5")), h(D("2.50")));
  EXPECT_EQ(h(D("-0")), h(Decimal::zero()));
  std::unordered_set<Decimal> set;
  for (int i = -500; i <= 500; ++i) set.insert(Decimal::fromInt(i) / Decimal::fromInt(4));
  EXPECT_EQ(set.size(), 1001u);
  EXPECT_TRUE(set.count(D("-0.25")));
  EXPECT_TRUE(set.count(D("125")));
  EXPECT_FALSE(set.count(D("125.01")));
  // Distinct values in the low and high halves hash differently (sanity).
  EXPECT_NE(h(Decimal::fromRaw(1)), h(Decimal::fromRaw(2)));
  EXPECT_NE(h(Decimal::max()), h(Decimal::min()));
}

// ---------------------------------------------------------------------------
// Parsing

struct AcceptCase {
  const char* in;
  const char* shortest;  // expected toString()
};

TEST(DecimalParse, Accepts) {
  const AcceptCase cases[] = {
      {"0", "0"},
      {"-0", "0"},
      {"+0", "0"},
      {"-0.000", "0"},
      {"1", "1"},
      {"+1", "1"},
      {"-1", "-1"},
      {"20", "20"},
      {"1.5", "1.5"},
      {"007.50", "7.5"},
      {"000000000000000000000000000000000001", "1"},  // > 19 leading zeros
      {"0000000000000000000000000000.1", "0.1"},
      {"2.500", "2.5"},
      {"-0.05", "-0.05"},
      {"100.00", "100"},
      {"0.000000000000000001", "0.000000000000000001"},
      {"-0.000000000000000001", "-0.000000000000000001"},
      {"0.100000000000000000", "0.1"},                       // exactly 18 digits
      {"123456789.123456789123456789", "123456789.123456789123456789"},
      {"9999999999999999999", "9999999999999999999"},        // 19 digits (u64 path)
      {"10000000000000000000", "10000000000000000000"},      // 20 digits (u128 path)
      {"99999999999999999999.999999999999999999", "99999999999999999999.999999999999999999"},
      {"170141183460469231731", "170141183460469231731"},
      {kMaxStr, kMaxStr},
      {"+170141183460469231731.687303715884105727", kMaxStr},
      {kMinStr, kMinStr},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    PE why = PE::Empty;
    auto d = Decimal::parse(c.in, &why);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->toString(), c.shortest);
    Decimal fast = Decimal::fromInt(12345);
    ASSERT_TRUE(Decimal::parseFast(c.in, std::strlen(c.in), fast));
    EXPECT_EQ(fast, *d);
  }
  EXPECT_EQ(D("1.5").raw(), Decimal::kOne + Decimal::kOne / 2);
  EXPECT_EQ(D("-0").raw(), 0);
  EXPECT_EQ(D(kMaxStr), Decimal::max());
  EXPECT_EQ(D(kMinStr), Decimal::min());
}

struct RejectCase {
  const char* in;
  PE error;
};

TEST(DecimalParse, Rejects) {
  const RejectCase cases[] = {
      {"", PE::Empty},
      {"-", PE::BadCharacter},
      {"+", PE::BadCharacter},
      {"1.", PE::BadCharacter},
      {"-1.", PE::BadCharacter},
      {".5", PE::BadCharacter},
      {"-.5", PE::BadCharacter},
      {".", PE::BadCharacter},
      {"1e3", PE::BadCharacter},
      {"1E3", PE::BadCharacter},
      {"1.5e-3", PE::BadCharacter},
      {" 1", PE::BadCharacter},
      {"1 ", PE::BadCharacter},
      {"1 000", PE::BadCharacter},
      {"1,000", PE::BadCharacter},
      {"1_000", PE::BadCharacter},
      {"1.2.3", PE::BadCharacter},
      {"--1", PE::BadCharacter},
      {"+-1", PE::BadCharacter},
      {"-+1", PE::BadCharacter},
      {"1-", PE::BadCharacter},
      {"0x10", PE::BadCharacter},
      {"inf", PE::BadCharacter},
      {"nan", PE::BadCharacter},
      {"abc", PE::BadCharacter},
      {"１", PE::BadCharacter},  // full-width digit
      {"1\t", PE::BadCharacter},
      {"\n", PE::BadCharacter},
      {"0.1234567890123456789", PE::TooManyFractionDigits},  // 19 fractional digits
      {"-0.0000000000000000001", PE::TooManyFractionDigits},
      {"1.0000000000000000000", PE::TooManyFractionDigits},  // even if only zeros
      {"-170141183460469231731.6873037158841057280", PE::TooManyFractionDigits},
      {"1.12345678901234567890x", PE::BadCharacter},         // syntax error wins
      {"170141183460469231731.687303715884105728", PE::Overflow},  // max + ulp
      {"-170141183460469231731.687303715884105729", PE::Overflow},  // min - ulp
      {"170141183460469231732", PE::Overflow},
      {"1000000000000000000000", PE::Overflow},
      {"99999999999999999999999999999999999999999999999999", PE::Overflow},
      // 2^128 and 2^128 + 1: would wrap to 0 / 1 in a 128-bit accumulator.
      {"340282366920938463463374607431768211456", PE::Overflow},
      {"-340282366920938463463374607431768211457.5", PE::Overflow},
      {"115792089237316195423570985008687907853269984665640564039457584007913129639936",
       PE::Overflow},  // 2^256
      {"999999999999999999999999999999.1234567890123456789", PE::TooManyFractionDigits},
      {"999999999999999999999999999999x", PE::BadCharacter},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string("input: \"") + c.in + "\"");
    PE why = PE::Empty;
    EXPECT_FALSE(Decimal::parse(c.in, &why).has_value());
    EXPECT_EQ(static_cast<int>(why), static_cast<int>(c.error));
    EXPECT_FALSE(Decimal::parse(c.in).has_value());  // null `why` is fine
    Decimal out;
    EXPECT_FALSE(Decimal::parseFast(c.in, std::strlen(c.in), out));
  }
}

TEST(DecimalParse, ParseFastRespectsLength) {
  const char buf[] = "12.3456,789";
  Decimal d;
  ASSERT_TRUE(Decimal::parseFast(buf, 4, d));  // "12.3"
  EXPECT_EQ(d, D("12.3"));
  ASSERT_TRUE(Decimal::parseFast(buf, 2, d));  // "12"
  EXPECT_EQ(d, D("12"));
  EXPECT_FALSE(Decimal::parseFast(buf, 3, d));  // "12."
  EXPECT_FALSE(Decimal::parseFast(buf, 0, d));
  EXPECT_FALSE(Decimal::parseFast(buf, 8, d));  // "12.3456,"
  EXPECT_FALSE(Decimal::parseFast(nullptr, 0, d));
  // Embedded NUL is a bad character, not a terminator.
  const char nul[] = {'1', '\0', '2'};
  EXPECT_FALSE(Decimal::parseFast(nul, 3, d));
  EXPECT_FALSE(Decimal::parse(std::string_view(nul, 3)).has_value());
}

// parse and parseFast agree on random strings over a hostile alphabet, and
// accepted strings round-trip through toString().
TEST(DecimalParse, RandomStringsAgreeAndRoundTrip) {
  std::mt19937_64 rng(12345);
  const std::string alphabet = "0123456789012345678901234567890123456789..-+e ";
  int accepted = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    const int len = static_cast<int>(rng() % 45);
    std::string s;
    for (int i = 0; i < len; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    const auto slow = Decimal::parse(s);
    Decimal fast;
    const bool ok = Decimal::parseFast(s.data(), s.size(), fast);
    ASSERT_EQ(ok, slow.has_value()) << s;
    if (ok) {
      ++accepted;
      ASSERT_EQ(fast, *slow) << s;
      ASSERT_EQ(Decimal::parse(slow->toString()), slow) << s;
      ASSERT_EQ(Decimal::parse(slow->toString(18)), slow) << s;
    }
  }
  EXPECT_GT(accepted, 1000);
}

TEST(DecimalParse, RandomValuesRoundTrip) {
  std::mt19937_64 rng(777);
  for (int iter = 0; iter < 100000; ++iter) {
    const int bits = static_cast<int>(rng() % 128);  // keep 1..128 random bits,
    UInt128 u = (static_cast<UInt128>(rng()) << 64) | rng();
    u >>= (127 - bits);
    u &= ~static_cast<UInt128>(0) >> 1;  // then clear the sign bit
    Int128 m = static_cast<Int128>(u);
    if (rng() & 1) m = -m;
    const Decimal d = Decimal::fromRaw(m);
    const std::string s = d.toString();
    Decimal back;
    ASSERT_TRUE(Decimal::parseFast(s.data(), s.size(), back)) << s;
    ASSERT_EQ(back, d) << s;
    ASSERT_EQ(Decimal::parse(d.toString(18)), d) << s;
  }
}

// ---------------------------------------------------------------------------
// Rounding

TEST(DecimalRounding, ModeNames) {
  const std::pair<RM, const char*> names[] = {
      {RM::HalfUp, "half-up"}, {RM::HalfEven, "half-even"}, {RM::HalfDown, "half-down"},
      {RM::Down, "down"},      {RM::Up, "up"},              {RM::Floor, "floor"},
      {RM::Ceiling, "ceiling"},
  };
  for (auto [mode, name] : names) {
    EXPECT_EQ(roundingModeName(mode), name);
    EXPECT_EQ(parseRoundingMode(name), mode);
  }
  EXPECT_EQ(parseRoundingMode(""), std::nullopt);
  EXPECT_EQ(parseRoundingMode("HALF-UP"), std::nullopt);
  EXPECT_EQ(parseRoundingMode("half_up"), std::nullopt);
  EXPECT_EQ(parseRoundingMode("halfup"), std::nullopt);
  EXPECT_EQ(parseRoundingMode("half-up "), std::nullopt);
}

struct RoundCase {
  const char* value;
  int places;
  // expected results for HalfUp, HalfEven, HalfDown, Down, Up, Floor, Ceiling
  const char* expected[7];
};

TEST(DecimalRounding, AllModesTable) {
  constexpr RM kModes[7] = {RM::HalfUp, RM::HalfEven, RM::HalfDown, RM::Down,
                            RM::Up,     RM::Floor,    RM::Ceiling};
  const RoundCase cases[] = {
      //  value       places  HalfUp   HalfEven  HalfDown  Down     Up       Floor    Ceiling
      {"2.345", 2, {"2.35", "2.34", "2.34", "2.34", "2.35", "2.34", "2.35"}},
      {"-2.345", 2, {"-2.35", "-2.34", "-2.34", "-2.34", "-2.35", "-2.35", "-2.34"}},
      {"2.355", 2, {"2.36", "2.36", "2.35", "2.35", "2.36", "2.35", "2.36"}},
      {"-2.355", 2, {"-2.36", "-2.36", "-2.35", "-2.35", "-2.36", "-2.36", "-2.35"}},
      {"0.125", 2, {"0.13", "0.12", "0.12", "0.12", "0.13", "0.12", "0.13"}},
      {"-0.125", 2, {"-0.13", "-0.12", "-0.12", "-0.12", "-0.13", "-0.13", "-0.12"}},
      {"0.135", 2, {"0.14", "0.14", "0.13", "0.13", "0.14", "0.13", "0.14"}},
      {"-0.135", 2, {"-0.14", "-0.14", "-0.13", "-0.13", "-0.14", "-0.14", "-0.13"}},
      // non-ties
      {"2.3449", 2, {"2.34", "2.34", "2.34", "2.34", "2.35", "2.34", "2.35"}},
      {"2.3451", 2, {"2.35", "2.35", "2.35", "2.34", "2.35", "2.34", "2.35"}},
      {"-2.3449", 2, {"-2.34", "-2.34", "-2.34", "-2.34", "-2.35", "-2.35", "-2.34"}},
      {"-2.3451", 2, {"-2.35", "-2.35", "-2.35", "-2.34", "-2.35", "-2.35", "-2.34"}},
      // tie detected even 16 places further down
      {"0.124999999999999999", 2, {"0.12", "0.12", "0.12", "0.12", "0.13", "0.12", "0.13"}},
      {"0.125000000000000001", 2, {"0.13", "0.13", "0.13", "0.12", "0.13", "0.12", "0.13"}},
      // already exact: no mode changes it
      {"2.34", 2, {"2.34", "2.34", "2.34", "2.34", "2.34", "2.34", "2.34"}},
      {"-2.3", 2, {"-2.3", "-2.3", "-2.3", "-2.3", "-2.3", "-2.3", "-2.3"}},
      {"0", 2, {"0", "0", "0", "0", "0", "0", "0"}},
      // to integers
      {"2.5", 0, {"3", "2", "2", "2", "3", "2", "3"}},
      {"3.5", 0, {"4", "4", "3", "3", "4", "3", "4"}},
      {"-2.5", 0, {"-3", "-2", "-2", "-2", "-3", "-3", "-2"}},
      {"-3.5", 0, {"-4", "-4", "-3", "-3", "-4", "-4", "-3"}},
      {"0.4", 0, {"0", "0", "0", "0", "1", "0", "1"}},
      {"-0.4", 0, {"0", "0", "0", "0", "-1", "-1", "0"}},
      {"-0.5", 0, {"-1", "0", "0", "0", "-1", "-1", "0"}},
      {"0.5", 0, {"1", "0", "0", "0", "1", "0", "1"}},
      {"1.5", 0, {"2", "2", "1", "1", "2", "1", "2"}},
      // carry across digits
      {"9.995", 2, {"10", "10", "9.99", "9.99", "10", "9.99", "10"}},
      {"-9.995", 2, {"-10", "-10", "-9.99", "-9.99", "-10", "-10", "-9.99"}},
      {"99.5", 0, {"100", "100", "99", "99", "100", "99", "100"}},
      // other place counts
      {"1.23456789", 4, {"1.2346", "1.2346", "1.2346", "1.2345", "1.2346", "1.2345", "1.2346"}},
      {"0.000000000000000015", 17,
       {"0.00000000000000002", "0.00000000000000002", "0.00000000000000001",
        "0.00000000000000001", "0.00000000000000002", "0.00000000000000001",
        "0.00000000000000002"}},
      {"0.000000000000000025", 17,
       {"0.00000000000000003", "0.00000000000000002", "0.00000000000000002",
        "0.00000000000000002", "0.00000000000000003", "0.00000000000000002",
        "0.00000000000000003"}},
      {"-0.000000000000000001", 18,
       {"-0.000000000000000001", "-0.000000000000000001", "-0.000000000000000001",
        "-0.000000000000000001", "-0.000000000000000001", "-0.000000000000000001",
        "-0.000000000000000001"}},
      {"-0.000000000000000001", 3, {"0", "0", "0", "0", "-0.001", "-0.001", "0"}},
  };
  for (const auto& c : cases) {
    for (int i = 0; i < 7; ++i) {
      SCOPED_TRACE(std::string(c.value) + " places=" + std::to_string(c.places) +
                   " mode=" + std::string(roundingModeName(kModes[i])));
      const Decimal r = D(c.value).round(c.places, kModes[i]);
      EXPECT_EQ(r.toString(), c.expected[i]);
      // toString(places, mode) agrees with round() then fixed formatting.
      EXPECT_EQ(D(c.value).toString(c.places, kModes[i]), r.toString(c.places, RM::Down));
    }
  }
}

TEST(DecimalRounding, DefaultModeIsHalfUp) {
  EXPECT_EQ(D("2.345").round(2), D("2.35"));
  EXPECT_EQ(D("-2.345").round(2), D("-2.35"));
  EXPECT_EQ(D("2.345").toString(2), "2.35");
}

TEST(DecimalRounding, FloorCeilTrunc) {
  EXPECT_EQ(D("2.7").floor(), D("2"));
  EXPECT_EQ(D("2.7").ceil(), D("3"));
  EXPECT_EQ(D("2.7").trunc(), D("2"));
  EXPECT_EQ(D("-2.7").floor(), D("-3"));
  EXPECT_EQ(D("-2.7").ceil(), D("-2"));
  EXPECT_EQ(D("-2.7").trunc(), D("-2"));
  EXPECT_EQ(D("-2").floor(), D("-2"));
  EXPECT_EQ(D("-2").ceil(), D("-2"));
  EXPECT_EQ(D("-0.000000000000000001").floor(), D("-1"));
  EXPECT_EQ(D("-0.000000000000000001").ceil(), D("0"));
  EXPECT_EQ(D("-0.000000000000000001").ceil().raw(), 0);  // no negative zero exists
  EXPECT_EQ(D("0.000000000000000001").ceil(), D("1"));
  EXPECT_EQ(Decimal::max().floor(), D("170141183460469231731"));
  EXPECT_EQ(Decimal::min().ceil(), D("-170141183460469231731"));
  EXPECT_EQ(Decimal::max().trunc(), D("170141183460469231731"));
}

TEST(DecimalRounding, OverflowAndBadPlaces) {
  EXPECT_EQ(expectArithmeticError([] { (void)Decimal::max().ceil(); }),
            ArithmeticError::Kind::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)Decimal::max().round(0); }),
            ArithmeticError::Kind::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)Decimal::min().floor(); }),
            ArithmeticError::Kind::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)Decimal::min().round(2, RM::Up); }),
            ArithmeticError::Kind::Overflow);
  // Rounding away from zero at 17 places already leaves the range at the extremes...
  EXPECT_EQ(expectArithmeticError([] { (void)Decimal::min().round(17, RM::HalfUp); }),
            ArithmeticError::Kind::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)Decimal::max().round(17, RM::HalfEven); }),
            ArithmeticError::Kind::Overflow);
  // ...while rounding toward zero is fine, and formatting never throws.
  EXPECT_EQ(Decimal::min().round(17, RM::Ceiling).toString(),
            "-170141183460469231731.68730371588410572");
  EXPECT_EQ(Decimal::max().round(17, RM::Down).toString(),
            "170141183460469231731.68730371588410572");
  EXPECT_EQ(Decimal::min().toString(17), "-170141183460469231731.68730371588410573");
  EXPECT_EQ(Decimal::max().toString(17), "170141183460469231731.68730371588410573");
  EXPECT_EQ(Decimal::max().round(18), Decimal::max());
  EXPECT_EQ(Decimal::min().round(18, RM::Up), Decimal::min());
  EXPECT_THROW((void)D("1").round(-1), std::invalid_argument);
  EXPECT_THROW((void)D("1").round(19), std::invalid_argument);
  EXPECT_THROW((void)D("1").toString(19), std::invalid_argument);
  EXPECT_THROW((void)D("1").toString(-1), std::invalid_argument);
}

// Random cross-check: round() agrees with an independent integer formula.
TEST(DecimalRounding, RandomAgainstIntegerFormula) {
  std::mt19937_64 rng(4242);
  for (int iter = 0; iter < 200000; ++iter) {
    const int64_t v = static_cast<int64_t>(rng() % 2000001) - 1000000;  // value v / 1000
    const Decimal d = Decimal::fromInt(v) / Decimal::fromInt(1000);
    const int64_t q = v / 10;  // truncated to 2 places, in hundredths
    const int64_t r = v % 10;  // same sign as v
    const int64_t ar = r < 0 ? -r : r;
    const int64_t s = v < 0 ? -1 : 1;
    const bool odd = (q % 2) != 0;
    const auto check = [&](RM mode, int64_t expectedHundredths) {
      ASSERT_EQ(d.round(2, mode), Decimal::fromInt(expectedHundredths) / Decimal::fromInt(100))
          << v << " " << roundingModeName(mode);
    };
    check(RM::HalfUp, ar >= 5 ? q + s : q);
    check(RM::HalfDown, ar > 5 ? q + s : q);
    check(RM::HalfEven, (ar > 5 || (ar == 5 && odd)) ? q + s : q);
    check(RM::Down, q);
    check(RM::Up, ar != 0 ? q + s : q);
    check(RM::Floor, (ar != 0 && v < 0) ? q - 1 : q);
    check(RM::Ceiling, (ar != 0 && v > 0) ? q + 1 : q);
  }
}

// ---------------------------------------------------------------------------
// Addition, subtraction, negation

TEST(DecimalArithmetic, AddSubNeg) {
  EXPECT_EQ(D("0.1") + D("0.2"), D("0.3"));  // the classic double failure
  EXPECT_EQ(D("1.005") - D("0.005"), D("1"));
  EXPECT_EQ(D("-2.5") + D("2.5"), Decimal::zero());
  EXPECT_EQ(-D("2.5"), D("-2.5"));
  EXPECT_EQ(-Decimal::zero(), Decimal::zero());
  EXPECT_EQ(+D("2.5"), D("2.5"));
  EXPECT_EQ(D("-2.5").abs(), D("2.5"));
  EXPECT_EQ(Decimal::max().abs(), Decimal::max());
  EXPECT_EQ(-Decimal::max(), D("-170141183460469231731.687303715884105727"));
  EXPECT_EQ(Decimal::max() + Decimal::min(), D("-0.000000000000000001"));

  Decimal acc;
  for (int i = 0; i < 10; ++i) acc += D("0.1");
  EXPECT_EQ(acc, D("1"));
  acc -= D("0.25");
  EXPECT_EQ(acc, D("0.75"));
  acc *= D("4");
  EXPECT_EQ(acc, D("3"));
  acc /= D("8");
  EXPECT_EQ(acc, D("0.375"));
}

TEST(DecimalArithmetic, AddSubNegOverflow) {
  const Decimal ulp = Decimal::fromRaw(1);
  using K = ArithmeticError::Kind;
  EXPECT_EQ(expectArithmeticError([&] { (void)(Decimal::max() + ulp); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([&] { (void)(Decimal::min() - ulp); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([&] { (void)(Decimal::max() - Decimal::min()); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([&] { (void)(Decimal::min() + Decimal::min()); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([&] { (void)(-Decimal::min()); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([&] { (void)Decimal::min().abs(); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([&] {
              Decimal d = Decimal::max();
              d += ulp;
            }),
            K::Overflow);
  EXPECT_EQ(Decimal::max() - ulp + ulp, Decimal::max());
  EXPECT_EQ(Decimal::min() + ulp - ulp, Decimal::min());
  try {
    (void)(Decimal::max() + ulp);
  } catch (const ArithmeticError& e) {
    EXPECT_NE(std::string(e.what()).find("overflow"), std::string::npos);
  }
  // It is also a std::runtime_error.
  EXPECT_THROW((void)(-Decimal::min()), std::runtime_error);
}

// ---------------------------------------------------------------------------
// Multiplication

struct BinCase {
  const char* a;
  const char* b;
  const char* expected;
};

TEST(DecimalArithmetic, MultiplicationTable) {
  const BinCase cases[] = {
      {"2", "3", "6"},
      {"2.5", "4", "10"},
      {"0.1", "0.1", "0.01"},
      {"-1.5", "2", "-3"},
      {"-1.5", "-2", "3"},
      {"0", "-5", "0"},
      {"100", "0.85", "85"},
      // Truncation toward zero beyond 18 places.
      {"1.000000000000000001", "1.000000000000000001", "1.000000000000000002"},
      {"-1.000000000000000001", "1.000000000000000001", "-1.000000000000000002"},
      {"0.000000000000000001", "0.5", "0"},
      {"-0.000000000000000001", "0.5", "0"},
      {"0.000000000000000001", "0.000000000000000001", "0"},
      {"0.333333333333333333", "3", "0.999999999999999999"},
      {"0.666666666666666667", "0.5", "0.333333333333333333"},
      {"-0.666666666666666667", "0.5", "-0.333333333333333333"},
      // Slow path (mantissa product >= 2^127), exact result.
      {"123456789.123456789", "987654321.987654321", "121932631356500531.347203169112635269"},
      {"-123456789.123456789", "987654321.987654321", "-121932631356500531.347203169112635269"},
      // Slow path with truncation.
      {"123456789.123456789123456789", "987654321.987654321987654321",
       "121932631356500531.591068431581771069"},
      {"-123456789.123456789123456789", "987654321.987654321987654321",
       "-121932631356500531.591068431581771069"},
      {"99999999999.999999999999999999", "99999999.999999999999999999",
       "9999999999999999999.9999998999"},
      // Either side of the fast/slow boundary (mantissa product vs 2^127).
      {"13.043817825332782212", "13.043817825332782212", "170.141183460469231722"},   // fast
      {"13.043817825332782213", "13.043817825332782213", "170.141183460469231748"},   // slow
      {"-13.043817825332782212", "13.043817825332782212", "-170.141183460469231722"},
      {"-13.043817825332782213", "13.043817825332782213", "-170.141183460469231748"},
      // Extremes.
      {kMaxStr, "1", kMaxStr},
      {kMinStr, "1", kMinStr},
      {kMaxStr, "-1", "-170141183460469231731.687303715884105727"},
      {kMinStr, "0.5", "-85070591730234615865.843651857942052864"},
      {kMaxStr, "0", "0"},
      {kMinStr, "0.000000000000000001", "-170.141183460469231731"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.a) + " * " + c.b);
    EXPECT_EQ((D(c.a) * D(c.b)).toString(), c.expected);
    EXPECT_EQ((D(c.b) * D(c.a)).toString(), c.expected);  // commutative
  }
}

TEST(DecimalArithmetic, MultiplicationOverflow) {
  using K = ArithmeticError::Kind;
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::max() * D("2")); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::min() * D("-1")); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::min() * Decimal::min()); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::max() * D("1.000000000000000001")); }),
            K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(D("13043817825.332782213") * D("13043817825.332782213")); }),
            K::Overflow);
  // Just inside the range.
  EXPECT_EQ((D("13043817825.332782212") * D("13043817825.332782212")).toString(),
            "170141183460469231722.567801800623612944");
  // min() * 1 hits the slow path with a magnitude of exactly 2^127.
  EXPECT_EQ(Decimal::min() * D("1"), Decimal::min());
}

// ---------------------------------------------------------------------------
// Division

TEST(DecimalArithmetic, DivisionTable) {
  const BinCase cases[] = {
      {"1", "3", "0.333333333333333333"},
      {"-1", "3", "-0.333333333333333333"},
      {"1", "-3", "-0.333333333333333333"},
      {"-1", "-3", "0.333333333333333333"},
      {"2", "3", "0.666666666666666666"},
      {"-2", "3", "-0.666666666666666666"},
      {"10", "4", "2.5"},
      {"1", "8", "0.125"},
      {"0", "7", "0"},
      {"0", "-7", "0"},
      {"-0.000000000000000001", "2", "0"},
      {"0.000000000000000001", "0.000000000000000001", "1"},
      {"583.33", "6", "97.221666666666666666"},
      // 64-bit divisor path (numerator >= 2^128).
      {"1000", "7", "142.857142857142857142"},
      {"-1000", "7", "-142.857142857142857142"},
      {"100000000000000000000", "0.7", "142857142857142857142.857142857142857142"},
      {"1", "-0.000000000000000007", "-142857142857142857.142857142857142857"},
      {kMaxStr, "3", "56713727820156410577.229101238628035242"},
      {kMaxStr, "1", kMaxStr},
      {kMinStr, "1", kMinStr},
      {kMaxStr, "-1", "-170141183460469231731.687303715884105727"},
      // 128-bit divisor path (Knuth D).
      {"1000000", "123.456", "8100.051840331778123379"},
      {"-98765432109876.54321", "-123456789.987654321", "800000.000970000000988"},
      {"12345678901234567890.123456789", "98765432109.000000000000000001",
       "124999998.862046875005420392"},
      {kMaxStr, kMaxStr, "1"},
      {kMinStr, kMinStr, "1"},
      {kMaxStr, kMinStr, "-0.999999999999999999"},
      {kMinStr, kMaxStr, "-1"},  // |min|/|max| = 1.0000...0000058..: truncates to 1
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.a) + " / " + c.b);
    EXPECT_EQ((D(c.a) / D(c.b)).toString(), c.expected);
  }
}

TEST(DecimalArithmetic, DivisionErrors) {
  using K = ArithmeticError::Kind;
  EXPECT_EQ(expectArithmeticError([] { (void)(D("1") / Decimal::zero()); }), K::DivisionByZero);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::zero() / Decimal::zero()); }),
            K::DivisionByZero);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::min() / D("-0")); }), K::DivisionByZero);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::min() / D("-1")); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::max() / D("0.5")); }), K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::max() / D("0.999999999999999999")); }),
            K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(Decimal::max() / Decimal::fromRaw(1)); }),
            K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(D("1000") / D("0.000000000000000001")); }),
            K::Overflow);
  EXPECT_EQ(expectArithmeticError([] { (void)(D("170.141183460469231732") / Decimal::fromRaw(1)); }),
            K::Overflow);
  EXPECT_EQ(D("170.141183460469231731") / Decimal::fromRaw(1), D("170141183460469231731"));
  EXPECT_EQ(D("-170.141183460469231731") / Decimal::fromRaw(1), D("-170141183460469231731"));
  try {
    (void)(D("1") / Decimal::zero());
    ADD_FAILURE();
  } catch (const ArithmeticError& e) {
    EXPECT_NE(std::string(e.what()).find("division by zero"), std::string::npos);
  }
}

// The typical scheme computation: an average of item scores rounded to 2
// places with 四舍五入. Because division truncates at 18 places, the HalfUp
// rounding of the truncated quotient equals the HalfUp rounding of the exact
// rational N/6; checked against pure integer arithmetic for every cent value.
TEST(DecimalArithmetic, AverageThenRoundHalfUpIsExact) {
  EXPECT_EQ(((D("500") + D("83.33")) / D("6")).round(2), D("97.22"));
  EXPECT_EQ(((D("500") + D("83.33")) / D("6")).toString(2), "97.22");
  EXPECT_EQ((D("0.03") / D("6")).toString(2), "0.01");     // exact tie 0.005
  EXPECT_EQ((D("-0.03") / D("6")).toString(2), "-0.01");   // exact tie -0.005
  EXPECT_EQ((D("0.02") / D("6")).toString(2), "0.00");     // 0.00333..
  EXPECT_EQ((D("-0.02") / D("6")).toString(2), "0.00");    // no "-0.00"
  EXPECT_EQ((D("2") / D("3")).round(2), D("0.67"));
  EXPECT_EQ((D("1") / D("3")).round(2, RM::Up), D("0.34"));

  const Decimal six = Decimal::fromInt(6);
  const Decimal hundred = Decimal::fromInt(100);
  for (int64_t cents = -120000; cents <= 120000; ++cents) {
    const Decimal sum = Decimal::fromInt(cents) / hundred;  // exact
    const Decimal avg = (sum / six).round(2, RM::HalfUp);
    // Exact: round_half_away(cents / 6) in cents = sign * floor((2|c| + 6) / 12).
    const int64_t ac = cents < 0 ? -cents : cents;
    int64_t expected = (2 * ac + 6) / 12;
    if (cents < 0) expected = -expected;
    ASSERT_EQ(avg, Decimal::fromInt(expected) / hundred) << cents;
  }
  // Same for sums of several items with 2 decimals each, divided by 7 (no
  // exact ties) and by 8 (exact ties).
  for (int64_t cents = 0; cents <= 100000; cents += 7) {
    for (int64_t div : {7, 8, 12}) {
      const Decimal avg =
          (Decimal::fromInt(cents) / hundred / Decimal::fromInt(div)).round(2);
      ASSERT_EQ(avg, Decimal::fromInt((2 * cents + div) / (2 * div)) / hundred)
          << cents << "/" << div;
    }
  }
}

// ---------------------------------------------------------------------------
// Randomized multiplication / division against an independent oracle.

// Minimal unsigned big integer (base 2^32), used only as a test oracle.
struct Big {
  std::vector<uint32_t> d;  // little-endian, no trailing zeros

  static Big from(UInt128 v) {
    Big b;
    while (v != 0) {
      b.d.push_back(static_cast<uint32_t>(v));
      v >>= 32;
    }
    return b;
  }
  friend Big operator*(const Big& x, const Big& y) {
    Big r;
    r.d.assign(x.d.size() + y.d.size(), 0);
    for (size_t i = 0; i < x.d.size(); ++i) {
      uint64_t carry = 0;
      for (size_t j = 0; j < y.d.size(); ++j) {
        const uint64_t cur = static_cast<uint64_t>(x.d[i]) * y.d[j] + r.d[i + j] + carry;
        r.d[i + j] = static_cast<uint32_t>(cur);
        carry = cur >> 32;
      }
      size_t k = i + y.d.size();
      while (carry != 0) {
        const uint64_t cur = static_cast<uint64_t>(r.d[k]) + carry;
        r.d[k] = static_cast<uint32_t>(cur);
        carry = cur >> 32;
        ++k;
      }
    }
    while (!r.d.empty() && r.d.back() == 0) r.d.pop_back();
    return r;
  }
  friend int cmp(const Big& x, const Big& y) {
    if (x.d.size() != y.d.size()) return x.d.size() < y.d.size() ? -1 : 1;
    for (size_t i = x.d.size(); i-- > 0;) {
      if (x.d[i] != y.d[i]) return x.d[i] < y.d[i] ? -1 : 1;
    }
    return 0;
  }
};

UInt128 magnitudeOf(Int128 v) {
  return v < 0 ? UInt128(0) - static_cast<UInt128>(v) : static_cast<UInt128>(v);
}

// Random mantissa with a random bit length, so every code path is exercised.
Int128 randomMantissa(std::mt19937_64& rng) {
  const int bits = static_cast<int>(rng() % 129);  // 0..128 significant bits
  UInt128 u = (static_cast<UInt128>(rng()) << 64) | rng();
  if (bits == 0) return 0;
  if (bits < 128) u >>= (128 - bits);
  Int128 m = static_cast<Int128>(u);  // bits == 128: any value incl. min()
  if (bits < 128 && (rng() & 1)) m = -m;
  // Sprinkle in "nice" values: whole numbers and short decimals.
  switch (rng() % 8) {
    case 0:
      return m - m % Decimal::kOne;
    case 1:
      return m - m % (Decimal::kOne / 100);
    default:
      return m;
  }
}

const UInt128 kLimitPos = ~static_cast<UInt128>(0) >> 1;  // 2^127 - 1
const UInt128 kLimitNeg = kLimitPos + 1;                  // 2^127
const Big kScaleBig = Big::from(static_cast<UInt128>(Decimal::kOne));

// Checks q == trunc(num / den) in magnitude: q*den <= num < (q+1)*den.
void expectQuotient(const Big& num, const Big& den, UInt128 q) {
  ASSERT_LE(cmp(Big::from(q) * den, num), 0);
  // q + 1 may be 2^128 only if q == 2^128 - 1, impossible for in-range q.
  ASSERT_GT(cmp(Big::from(q + 1) * den, num), 0);
}

// Checks that trunc(num / den) exceeds `limit`: (limit+1)*den <= num.
void expectQuotientAbove(const Big& num, const Big& den, UInt128 limit) {
  ASSERT_LE(cmp(Big::from(limit + 1) * den, num), 0);
}

TEST(DecimalArithmetic, RandomMultiplicationMatchesOracle) {
  std::mt19937_64 rng(2024);
  int overflows = 0, fast = 0, slow = 0;
  for (int iter = 0; iter < 300000; ++iter) {
    const Int128 a = randomMantissa(rng);
    Int128 b = randomMantissa(rng);
    if (iter % 3 == 0) b >>= (rng() % 128);  // more in-range products
    const bool negative = (a < 0) != (b < 0);
    Int128 dummy;
    (__builtin_mul_overflow(a, b, &dummy) ? slow : fast)++;
    const Big product = Big::from(magnitudeOf(a)) * Big::from(magnitudeOf(b));
    try {
      const Decimal r = Decimal::fromRaw(a) * Decimal::fromRaw(b);
      if (r.raw() != 0) {
        ASSERT_EQ(r.raw() < 0, negative);
      }
      expectQuotient(product, kScaleBig, magnitudeOf(r.raw()));
    } catch (const ArithmeticError& e) {
      ASSERT_EQ(e.kind, ArithmeticError::Kind::Overflow);
      ++overflows;
      expectQuotientAbove(product, kScaleBig, negative ? kLimitNeg : kLimitPos);
    }
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(overflows, 1000);
  EXPECT_GT(fast, 1000);
  EXPECT_GT(slow - overflows, 1000);  // slow path with in-range results
}

TEST(DecimalArithmetic, RandomDivisionMatchesOracle) {
  std::mt19937_64 rng(99);
  int overflows = 0;
  for (int iter = 0; iter < 300000; ++iter) {
    const Int128 a = randomMantissa(rng);
    const Int128 b = randomMantissa(rng);
    const bool negative = (a < 0) != (b < 0);
    if (b == 0) {
      EXPECT_THROW((void)(Decimal::fromRaw(a) / Decimal::fromRaw(b)), ArithmeticError);
      continue;
    }
    const Big num = Big::from(magnitudeOf(a)) * kScaleBig;
    const Big den = Big::from(magnitudeOf(b));
    try {
      const Decimal r = Decimal::fromRaw(a) / Decimal::fromRaw(b);
      if (r.raw() != 0) {
        ASSERT_EQ(r.raw() < 0, negative);
      }
      expectQuotient(num, den, magnitudeOf(r.raw()));
    } catch (const ArithmeticError& e) {
      ASSERT_EQ(e.kind, ArithmeticError::Kind::Overflow);
      ++overflows;
      expectQuotientAbove(num, den, negative ? kLimitNeg : kLimitPos);
    }
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(overflows, 1000);
}

// Divisors around 2^64 and numerators around 2^128 / 10^18: path boundaries.
TEST(DecimalArithmetic, DivisionPathBoundaries) {
  const UInt128 two64 = static_cast<UInt128>(1) << 64;
  const UInt128 fastLimit = ~static_cast<UInt128>(0) / static_cast<UInt128>(Decimal::kOne);
  std::vector<Int128> as, bs;
  for (int delta = -3; delta <= 3; ++delta) {
    as.push_back(static_cast<Int128>(fastLimit + delta));
    as.push_back(-static_cast<Int128>(fastLimit + delta));
    bs.push_back(static_cast<Int128>(two64 + delta));
    bs.push_back(-static_cast<Int128>(two64 + delta));
  }
  as.push_back(Decimal::max().raw());
  as.push_back(Decimal::min().raw());
  bs.push_back(Decimal::max().raw());
  bs.push_back(Decimal::min().raw());
  bs.push_back(static_cast<Int128>(kLimitPos >> 1) + 1);  // 2^126: shift 1 normalisation
  bs.push_back(static_cast<Int128>(Decimal::kOne));
  for (Int128 a : as) {
    for (Int128 b : bs) {
      const bool negative = (a < 0) != (b < 0);
      const Big num = Big::from(magnitudeOf(a)) * kScaleBig;
      const Big den = Big::from(magnitudeOf(b));
      try {
        const Decimal r = Decimal::fromRaw(a) / Decimal::fromRaw(b);
        expectQuotient(num, den, magnitudeOf(r.raw()));
      } catch (const ArithmeticError&) {
        expectQuotientAbove(num, den, negative ? kLimitNeg : kLimitPos);
      }
    }
  }
}

// Divisors of the bit shape 1 000..0 111..1 (and small perturbations) make
// the quotient-digit estimate of the long division too large by two, which
// exercises its correction loop; random operands rarely do.
TEST(DecimalArithmetic, DivisionEstimateCorrection) {
  std::mt19937_64 rng(31337);
  for (int iter = 0; iter < 100000; ++iter) {
    const int len = 65 + static_cast<int>(rng() % 63);  // divisor bit length 65..127
    const int zeros = static_cast<int>(rng() % (len - 1));
    UInt128 d = static_cast<UInt128>(1) << (len - 1);
    d |= (static_cast<UInt128>(1) << (len - 1 - zeros)) - 1;
    if (rng() & 1) d ^= rng() & 0xff;
    UInt128 a = ((static_cast<UInt128>(rng()) << 64) | rng()) >> (1 + rng() % 8);
    const Int128 sa = (rng() & 1) ? -static_cast<Int128>(a) : static_cast<Int128>(a);
    const Int128 sd = (rng() & 1) ? -static_cast<Int128>(d) : static_cast<Int128>(d);
    const Big num = Big::from(a) * kScaleBig;
    const Big den = Big::from(d);
    try {
      const Decimal r = Decimal::fromRaw(sa) / Decimal::fromRaw(sd);
      if (r.raw() != 0) {
        ASSERT_EQ(r.raw() < 0, (sa < 0) != (sd < 0));
      }
      expectQuotient(num, den, magnitudeOf(r.raw()));
    } catch (const ArithmeticError&) {
      expectQuotientAbove(num, den, (sa < 0) != (sd < 0) ? kLimitNeg : kLimitPos);
    }
    if (HasFatalFailure()) return;
  }
}

// ---------------------------------------------------------------------------
// Formatting

TEST(DecimalFormat, FixedPlaces) {
  struct Case {
    const char* value;
    int places;
    RM mode;
    const char* expected;
  };
  const Case cases[] = {
      {"100", 2, RM::HalfUp, "100.00"},
      {"2500", 0, RM::HalfUp, "2500"},
      {"2.5", 0, RM::HalfUp, "3"},
      {"2.5", 0, RM::HalfEven, "2"},
      {"9.995", 2, RM::HalfUp, "10.00"},
      {"-9.995", 2, RM::HalfUp, "-10.00"},
      {"99.999", 2, RM::HalfUp, "100.00"},
      {"0.999", 0, RM::HalfUp, "1"},
      {"-0.001", 2, RM::HalfUp, "0.00"},  // never "-0.00"
      {"-0.004", 2, RM::HalfUp, "0.00"},
      {"-0.005", 2, RM::HalfUp, "-0.01"},
      {"-0.005", 2, RM::HalfEven, "0.00"},
      {"-0.001", 2, RM::Ceiling, "0.00"},
      {"-0.001", 2, RM::Floor, "-0.01"},
      {"-0.4", 0, RM::HalfUp, "0"},
      {"0", 2, RM::HalfUp, "0.00"},
      {"-0", 3, RM::HalfUp, "0.000"},
      {"0.05", 1, RM::HalfUp, "0.1"},
      {"-0.05", 2, RM::HalfUp, "-0.05"},
      {"1.5", 18, RM::HalfUp, "1.500000000000000000"},
      {"-0.000000000000000001", 18, RM::HalfUp, "-0.000000000000000001"},
      {"123.456", 1, RM::Down, "123.4"},
      {"123.456", 1, RM::Up, "123.5"},
      {"0.5", 0, RM::HalfEven, "0"},
      {"1.5", 0, RM::HalfEven, "2"},
      {"12345678901234567890.5", 0, RM::HalfEven, "12345678901234567890"},
      {"12345678901234567891.5", 0, RM::HalfEven, "12345678901234567892"},
      {kMaxStr, 18, RM::HalfUp, kMaxStr},
      {kMinStr, 18, RM::HalfUp, kMinStr},
      {kMaxStr, 2, RM::HalfUp, "170141183460469231731.69"},
      {kMinStr, 2, RM::HalfUp, "-170141183460469231731.69"},
      // Formatting never throws even when round() would overflow.
      {kMaxStr, 0, RM::HalfUp, "170141183460469231732"},
      {kMinStr, 0, RM::Floor, "-170141183460469231732"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.value) + " @" + std::to_string(c.places) + " " +
                 std::string(roundingModeName(c.mode)));
    EXPECT_EQ(D(c.value).toString(c.places, c.mode), c.expected);
    std::string out = "x|";
    D(c.value).appendTo(out, c.places, c.mode);
    EXPECT_EQ(out, std::string("x|") + c.expected);
  }
  EXPECT_EQ(D("9.995").toString(2), "10.00");  // default HalfUp
}

TEST(DecimalFormat, Shortest) {
  const std::pair<const char*, const char*> cases[] = {
      {"2.5", "2.5"},
      {"100", "100"},
      {"-0.05", "-0.05"},
      {"0", "0"},
      {"-0", "0"},
      {"1.10", "1.1"},
      {"1000000", "1000000"},
      {"0.000000000000000001", "0.000000000000000001"},
      {"-12.000000000000000001", "-12.000000000000000001"},
      {"18446744073709551616", "18446744073709551616"},  // 2^64: u128 printing
      {"18446744073709551615.5", "18446744073709551615.5"},
      {"10000000000000000000", "10000000000000000000"},
      {"99999999999999999999", "99999999999999999999"},
      {"100000000000000000000", "100000000000000000000"},
  };
  for (auto [in, expected] : cases) {
    EXPECT_EQ(D(in).toString(), expected) << in;
    std::string out = "a,";
    D(in).appendTo(out);
    EXPECT_EQ(out, std::string("a,") + expected);
  }
}

TEST(DecimalFormat, AppendManyCells) {
  std::string out;
  for (int i = 0; i < 5; ++i) {
    if (i) out.push_back(',');
    (Decimal::fromInt(i) / Decimal::fromInt(3)).appendTo(out, 2);
  }
  EXPECT_EQ(out, "0.00,0.33,0.67,1.00,1.33");
}

TEST(DecimalFormat, WriteToBufferBound) {
  char buf[Decimal::kMaxFormattedLength];
  for (Decimal d : {Decimal::min(), Decimal::max()}) {
    for (int places = 0; places <= 18; ++places) {
      for (RM mode : {RM::Up, RM::Down}) {
        char* end = d.writeTo(buf, places, mode);
        ASSERT_LE(end - buf, static_cast<std::ptrdiff_t>(Decimal::kMaxFormattedLength));
      }
    }
    EXPECT_EQ(d.writeTo(buf) - buf, static_cast<std::ptrdiff_t>(Decimal::kMaxFormattedLength) -
                                         (d == Decimal::max() ? 1 : 0));
  }
}

TEST(DecimalFormat, Fmt) {
  EXPECT_EQ(fmt::format("{}", D("2.50")), "2.5");
  EXPECT_EQ(fmt::format("{}", D("-0.05")), "-0.05");
  EXPECT_EQ(fmt::format("{}", D("100")), "100");
  EXPECT_EQ(fmt::format("{:.2}", D("100")), "100.00");
  EXPECT_EQ(fmt::format("{:.2}", D("9.995")), "10.00");
  EXPECT_EQ(fmt::format("{:.0}", D("2.5")), "3");
  EXPECT_EQ(fmt::format("[{}|{:.3}]", D("1.5"), D("-0.0001")), "[1.5|0.000]");
  EXPECT_EQ(fmt::format("{}", Decimal::min()), kMinStr);
  EXPECT_THROW((void)fmt::format(fmt::runtime("{:.19}"), D("1")), fmt::format_error);
  EXPECT_THROW((void)fmt::format(fmt::runtime("{:>10}"), D("1")), fmt::format_error);
  EXPECT_THROW((void)fmt::format(fmt::runtime("{:.}"), D("1")), fmt::format_error);
}

}  // namespace
}  // namespace kaoping
