// Tests for compiler/support/date.h: the strict YYYY-MM-DD form of DATA.md, days since
// 1970-01-01 (values checked against Python's datetime), month indexes.
#include "compiler/support/date.h"

#include <gtest/gtest.h>

namespace kaoping::date {
namespace {

TEST(DateParse, KnownDaysSinceEpoch) {
  EXPECT_EQ(parse("1970-01-01"), 0);
  EXPECT_EQ(parse("1969-12-31"), -1);
  EXPECT_EQ(parse("2024-01-01"), 19723);
  EXPECT_EQ(parse("2024-02-29"), 19782);
  EXPECT_EQ(parse("2024-03-01"), 19783);
  EXPECT_EQ(parse("2000-02-29"), 11016);
  EXPECT_EQ(parse("0001-01-01"), -719162);
  EXPECT_EQ(parse("9999-12-31"), 2932896);
}

TEST(DateParse, LeapYearRules) {
  EXPECT_TRUE(parse("2024-02-29").has_value());
  EXPECT_FALSE(parse("2023-02-29").has_value());
  EXPECT_FALSE(parse("1900-02-29").has_value());  // divisible by 100, not by 400
  EXPECT_TRUE(parse("2000-02-29").has_value());   // divisible by 400
  EXPECT_FALSE(parse("2024-02-30").has_value());
}

TEST(DateParse, RejectsImpossibleMonthsAndDays) {
  EXPECT_FALSE(parse("2024-00-10").has_value());
  EXPECT_FALSE(parse("2024-13-01").has_value());
  EXPECT_FALSE(parse("2024-01-00").has_value());
  EXPECT_FALSE(parse("2024-01-32").has_value());
  EXPECT_FALSE(parse("2024-04-31").has_value());
  EXPECT_FALSE(parse("2024-06-31").has_value());
  EXPECT_FALSE(parse("2024-09-31").has_value());
  EXPECT_FALSE(parse("2024-11-31").has_value());
  EXPECT_TRUE(parse("2024-12-31").has_value());
}

TEST(DateParse, OnlyTheStrictFormIsAccepted) {
  EXPECT_FALSE(parse("").has_value());
  EXPECT_FALSE(parse("2024-1-01").has_value());
  EXPECT_FALSE(parse("2024-01-1").has_value());
  EXPECT_FALSE(parse("2024/01/01").has_value());
  EXPECT_FALSE(parse("2024-01-01 ").has_value());
  EXPECT_FALSE(parse(" 2024-01-01").has_value());
  EXPECT_FALSE(parse("20240101").has_value());
  EXPECT_FALSE(parse("2024-01-0a").has_value());
  EXPECT_FALSE(parse("+024-01-01").has_value());
  EXPECT_FALSE(parse("2024年1月1日").has_value());
  EXPECT_FALSE(parse("２０２４-01-01").has_value());  // full-width digits
}

TEST(DateParse, ParseFastAgreesWithParse) {
  int32_t days = 0;
  EXPECT_TRUE(parseFast("2024-03-01", 10, days));
  EXPECT_EQ(days, 19783);
  EXPECT_FALSE(parseFast("2024-03-01", 9, days));
  EXPECT_FALSE(parseFast("2024-02-30", 10, days));
}

TEST(DateFormat, RoundTripsEveryDayOfSeveralYears) {
  for (int32_t d = parse("1999-12-01").value(); d <= parse("2025-01-31").value(); ++d) {
    std::string text = format(d);
    ASSERT_EQ(text.size(), 10u);
    ASSERT_EQ(parse(text), d) << text;
  }
  EXPECT_EQ(format(0), "1970-01-01");
  EXPECT_EQ(format(-1), "1969-12-31");
  EXPECT_EQ(format(19782), "2024-02-29");
}

TEST(DateCivil, FromAndToCivil) {
  EXPECT_EQ(fromCivil(2024, 3, 1), 19783);
  int y;
  unsigned m, d;
  toCivil(19782, y, m, d);
  EXPECT_EQ(y, 2024);
  EXPECT_EQ(m, 2u);
  EXPECT_EQ(d, 29u);
}

TEST(DateMonth, MonthIndexAndFormat) {
  EXPECT_EQ(monthIndex(parse("2024-01-31").value()), 2024 * 12 + 0);
  EXPECT_EQ(monthIndex(parse("2024-02-01").value()), 2024 * 12 + 1);
  EXPECT_EQ(monthIndex(parse("2024-12-31").value()), 2024 * 12 + 11);
  EXPECT_EQ(monthIndex(parse("2025-01-01").value()), 2025 * 12 + 0);
  EXPECT_EQ(formatMonth(2024 * 12 + 2), "2024-03");
  EXPECT_EQ(formatMonth(2024 * 12 + 11), "2024-12");
  EXPECT_EQ(formatMonth(monthIndex(parse("1999-07-15").value())), "1999-07");
}

}  // namespace
}  // namespace kaoping::date
