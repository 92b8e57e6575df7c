// Tests for compiler/ir: intervals (what the checker knows about a value's range), enum
// order, type names in both languages, and lookups.
#include "compiler/ir/ir.h"

#include <gtest/gtest.h>

#include "compiler/support/diagnostics.h"

namespace kaoping::ir {
namespace {

Decimal D(const char* s) { return *Decimal::parse(s); }

TEST(Interval, ContainsRespectsOpenAndClosedEnds) {
  Interval closed{D("0"), D("20"), false, false};
  EXPECT_TRUE(closed.contains(D("0")));
  EXPECT_TRUE(closed.contains(D("20")));
  EXPECT_FALSE(closed.contains(D("20.000000000000000001")));
  EXPECT_FALSE(closed.contains(D("-0.5")));
  Interval open{D("0"), D("20"), true, true};
  EXPECT_FALSE(open.contains(D("0")));
  EXPECT_FALSE(open.contains(D("20")));
  EXPECT_TRUE(open.contains(D("10")));
  EXPECT_TRUE(Interval::all().contains(D("-100000")));
  Interval atLeast{D("1"), std::nullopt, false, false};
  EXPECT_TRUE(atLeast.contains(D("99999999")));
  EXPECT_FALSE(atLeast.contains(D("0.999")));
}

TEST(Interval, ExcludesZero) {
  EXPECT_FALSE(Interval::all().excludesZero());
  EXPECT_TRUE((Interval{D("1"), std::nullopt, false, false}).excludesZero());
  EXPECT_TRUE((Interval{D("0"), std::nullopt, true, false}).excludesZero());   // (0, +∞)
  EXPECT_FALSE((Interval{D("0"), std::nullopt, false, false}).excludesZero());  // [0, +∞)
  EXPECT_TRUE((Interval{std::nullopt, D("-1"), false, false}).excludesZero());
  EXPECT_TRUE((Interval{std::nullopt, D("0"), false, true}).excludesZero());   // (-∞, 0)
  EXPECT_FALSE((Interval{D("-1"), D("1"), false, false}).excludesZero());
  EXPECT_TRUE(Interval::point(D("3")).excludesZero());
  EXPECT_FALSE(Interval::point(D("0")).excludesZero());
}

TEST(Interval, Describe) {
  EXPECT_EQ((Interval{D("10"), D("20"), false, false}).describe(), "[10, 20]");
  EXPECT_EQ((Interval{D("0"), D("1.5"), true, true}).describe(), "(0, 1.5)");
  EXPECT_EQ((Interval{D("0"), std::nullopt, false, false}).describe(), "[0, +∞)");
  EXPECT_EQ((Interval{std::nullopt, D("20"), false, false}).describe(), "(-∞, 20]");
  EXPECT_EQ(Interval::all().describe(), "(-∞, +∞)");
}

TEST(EnumType, OrdinalFollowsTheDeclaredOrder) {
  EnumType asc{"学历", {"大专", "本科", "硕士"}, {}, EnumOrder::Ascending, false, {}};
  EXPECT_LT(asc.ordinal(0), asc.ordinal(2));
  EnumType desc{"等次", {"优秀", "良好", "合格"}, {}, EnumOrder::Descending, true, {}};
  EXPECT_GT(desc.ordinal(0), desc.ordinal(2));  // the first tier is the highest
  EXPECT_EQ(desc.find("良好"), 1u);
  EXPECT_FALSE(desc.find("差").has_value());
}

TEST(Types, NamesInBothLanguages) {
  Scheme s;
  s.enums.push_back(EnumType{"学历", {"大专", "本科"}, {}, EnumOrder::Ascending, false, {}});
  auto name = [&](Type t, Lang lang) { return formatMessage(DiagId::SyntaxError, {typeName(s, t)}, lang); };
  EXPECT_EQ(name(Type::of(BaseType::Int), Lang::En), "syntax error: an integer");
  EXPECT_EQ(name(Type::of(BaseType::Int), Lang::Zh), "语法错误：整数");
  EXPECT_EQ(name(Type::of(BaseType::Money), Lang::En), "syntax error: an amount of money (元)");
  EXPECT_EQ(name(Type::enumeration(0), Lang::En), "syntax error: a value of 学历");
  EXPECT_EQ(name(Type::enumeration(0), Lang::Zh), "语法错误：学历 的取值");
  EXPECT_EQ(name(Type::of(BaseType::Decimal).withOptional(true), Lang::En), "syntax error: a decimal number that may be absent");
  EXPECT_EQ(name(Type::of(BaseType::Subject), Lang::En), "syntax error: a person");
  s.subjects = SubjectKind::Units;
  EXPECT_EQ(name(Type::of(BaseType::Subject), Lang::En), "syntax error: a unit");
}

TEST(Types, SameAsIgnoresOptionalButNotTheEnum) {
  EXPECT_TRUE(Type::of(BaseType::Int).sameAs(Type::of(BaseType::Int).withOptional(true)));
  EXPECT_FALSE(Type::enumeration(0).sameAs(Type::enumeration(1)));
  EXPECT_TRUE(Type::of(BaseType::Money).isNumeric());
  EXPECT_TRUE(Type::of(BaseType::Percent).isNumeric());
  EXPECT_FALSE(Type::of(BaseType::Date).isNumeric());
}

TEST(Scheme, Lookups) {
  Scheme s;
  for (const char* n : {"id", "类别"}) {
    Attribute a;
    a.name = n;
    s.subjectAttributes.push_back(a);
  }
  s.eventKinds.push_back(EventKind{"缺席", {}, {}});
  Figure f;
  f.name = "德";
  s.figures.push_back(std::move(f));
  EXPECT_EQ(s.attributeIndex("类别"), 1);
  EXPECT_EQ(s.attributeIndex("x"), -1);
  EXPECT_EQ(s.eventKindIndex("缺席"), 0);
  EXPECT_EQ(s.figureIndex("德"), 0);
  EXPECT_EQ(s.figureIndex("能"), -1);
  EXPECT_STREQ(compareSymbol(CompareOp::Ge), ">=");
  EXPECT_STREQ(aggName(AggOp::WeightedMean), "mean");
}

}  // namespace
}  // namespace kaoping::ir
