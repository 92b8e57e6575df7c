// Tests for compiler/sema: AST → typed IR. Settings, name resolution (with did-you-mean),
// typing (int/decimal promotion, money and percentages, optional values, division by a
// divisor that can be 0), dependency order and cycles, and every diagnostic the checker
// emits, with its line:col.
#include "compiler/sema/analyze.h"

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <memory>
#include <string>

#include "compiler/support/diagnostics.h"
#include "compiler/syntax/parse.h"

namespace kaoping::sema {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Checked {
  SourceManager sources;
  Diagnostics diags;
  std::unique_ptr<ast::Scheme> ast;
  std::unique_ptr<ir::Scheme> ir;

  std::string gnu(Lang lang = Lang::En) const { return DiagnosticRenderer(sources, lang).render(diags, DiagFormat::Gnu); }
  std::string printed() const { return ir ? ir::print(*ir) : std::string("<no IR>\n") + gnu(); }
  const ir::Figure& figure(const std::string& name) const {
    int f = ir->figureIndex(name);
    if (f < 0) throw std::runtime_error("no figure " + name);
    return ir->figures[f];
  }
  std::string exprOf(const std::string& name) const { return ir::printExpr(*ir, *figure(name).expr); }
};

std::unique_ptr<Checked> analyzeText(const std::string& text) {
  auto c = std::make_unique<Checked>();
  FileId id = c->sources.add("t.kp", text);
  c->ast = syntax::parse(c->sources, id, c->diags);
  if (!c->ast) throw std::runtime_error("syntax errors:\n" + c->gnu());
  c->ir = analyze(*c->ast, c->sources, c->diags);
  return c;
}

// A scheme whose declarations start on line 4.
std::string scheme(const std::string& body) {
  return "scheme \"t\" {\n  period year\n  subjects persons\n" + body + "\n}\n";
}

std::unique_ptr<Checked> check(const std::string& body) { return analyzeText(scheme(body)); }

// The diagnostics of a scheme that must be rejected.
std::string errors(const std::string& body) {
  auto c = check(body);
  EXPECT_FALSE(c->ir) << "the scheme was accepted:\n" << body;
  return c->gnu();
}

// ---------------------------------------------------------------------------- settings

TEST(Settings, PeriodSubjectsPlacesRounding) {
  auto c = analyzeText("scheme \"t\" version \"2\" {\n  period 半年度\n  subjects 单位\n  places 3\n  rounding 银行家舍入\n}");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->ir->period, ir::PeriodKind::HalfYear);
  EXPECT_EQ(c->ir->subjects, ir::SubjectKind::Units);
  EXPECT_EQ(c->ir->places, 3);
  EXPECT_EQ(c->ir->rounding, RoundingMode::HalfEven);
  EXPECT_EQ(c->ir->version, "2");
  // Units have id, name and an optional parent.
  ASSERT_EQ(c->ir->subjectAttributes.size(), 3u);
  EXPECT_EQ(c->ir->subjectAttributes[ir::kAttrParent].name, "parent");
  EXPECT_TRUE(c->ir->subjectAttributes[ir::kAttrParent].optional);
}

TEST(Settings, PeriodSpellings) {
  for (auto [text, kind] : std::vector<std::pair<std::string, ir::PeriodKind>>{
           {"year", ir::PeriodKind::Year}, {"年度", ir::PeriodKind::Year}, {"quarter", ir::PeriodKind::Quarter},
           {"季度", ir::PeriodKind::Quarter}, {"month", ir::PeriodKind::Month}, {"月度", ir::PeriodKind::Month},
           {"half_year", ir::PeriodKind::HalfYear}}) {
    auto c = analyzeText("scheme \"t\" { period " + text + " subjects persons }");
    ASSERT_TRUE(c->ir) << text << "\n" << c->gnu();
    EXPECT_EQ(c->ir->period, kind) << text;
  }
}

TEST(Settings, RoundingSpellings) {
  for (auto [text, mode] : std::vector<std::pair<std::string, RoundingMode>>{
           {"half_up", RoundingMode::HalfUp}, {"四舍五入", RoundingMode::HalfUp}, {"half-even", RoundingMode::HalfEven},
           {"截断", RoundingMode::Down}, {"进一", RoundingMode::Up}, {"floor", RoundingMode::Floor}, {"ceiling", RoundingMode::Ceiling}}) {
    auto c = check("  rounding " + text);
    ASSERT_TRUE(c->ir) << text << "\n" << c->gnu();
    EXPECT_EQ(c->ir->rounding, mode) << text;
  }
}

TEST(Settings, UnknownValues) {
  EXPECT_EQ(errors("  rounding 随便"),
            "t.kp:4:12: error[K0212]: unknown rounding mode `随便`; expected one of half_up/四舍五入, half_even/银行家舍入, "
            "half_down/五舍六入, down/截断, up/进一, floor/向下, ceiling/向上\n");
  auto c = analyzeText("scheme \"t\" { period 十年\n subjects 大家 }");
  EXPECT_FALSE(c->ir);
  EXPECT_EQ(c->gnu(),
            "t.kp:1:21: error[K0212]: unknown period `十年`; expected one of year/年度, half_year/半年度, quarter/季度, month/月度\n"
            "t.kp:2:11: error[K0212]: unknown kind of subject `大家`; expected one of persons/人员, units/单位\n");
  EXPECT_EQ(errors("  places 13"), "t.kp:4:10: error[K0316]: places must be between 0 and 12\n");
}

TEST(Settings, SetTwiceNotesTheFirst) {
  EXPECT_EQ(errors("  period month"),
            "t.kp:4:3: error[K0404]: `period` is set twice\n"
            "t.kp:2:3: note: first declared here\n");
  EXPECT_EQ(errors("  output a\n  let a = 1\n  output a"),
            "t.kp:6:3: error[K0404]: the output list is set twice\n"
            "t.kp:4:3: note: first declared here\n");
}

TEST(Settings, MissingSubjects) {
  auto c = analyzeText("scheme \"t\" {\n  period year\n}");
  EXPECT_FALSE(c->ir);
  EXPECT_EQ(c->gnu(), "t.kp:1:1: error[K0403]: the scheme does not say whom it appraises; add `subjects persons` or `subjects units`\n");
  EXPECT_EQ(c->gnu(Lang::Zh), "t.kp:1:1: 错误[K0403]: 方案没有说明考评对象；请加上 `考评对象 人员` 或 `考评对象 单位`\n");
}

TEST(Settings, SetOnlyInALocalPlan) {
  EXPECT_EQ(errors("  set x = 1"), "t.kp:4:3: error[K0412]: `set` is only allowed in a local plan that extends a base scheme\n");
}

// ---------------------------------------------------------------------------- names

TEST(Names, UnknownNameSuggestsTheClosestVisibleName) {
  EXPECT_EQ(errors("  event 缺席 { 请假: bool }\n  score 德 base 100 floor 0 {\n    each 缺席 where not 请加: deduct 2\n  }"),
            "t.kp:6:23: error[K0201]: unknown name `请加`\n"
            "t.kp:6:23: note: did you mean `请假`?\n");
  // Nothing close enough: no suggestion.
  EXPECT_EQ(errors("  let 总分 = 1\n  let b = 完全不同的名字 + 1"), "t.kp:5:11: error[K0201]: unknown name `完全不同的名字`\n");
  // Chinese messages.
  auto c = check("  let 总分 = 1\n  let b = 总份 + 1");
  EXPECT_EQ(c->gnu(Lang::Zh), "t.kp:5:11: 错误[K0201]: 未知名称 `总份`\nt.kp:5:11: 注: 是否想写 `总分`？\n");
}

TEST(Names, UnknownEnumValueListsTheValues) {
  EXPECT_EQ(errors("  enum 等级 { 甲, 乙 }\n  attribute 级: 等级\n  let a = 级 == 丙"),
            "t.kp:6:16: error[K0201]: unknown name `丙`\n"
            "t.kp:4:8: note: the values of 等级 are: 甲, 乙\n"
            "t.kp:6:16: note: did you mean `级`?\n");
}

TEST(Names, UnknownEventKindInARule) {
  // In a rule file the kind is a name, not a data column.
  EXPECT_EQ(errors("  event 缺席 { 请假: bool }\n  score 德 base 100 { each 缺习: deduct 2 }"),
            "t.kp:5:27: error[K0202]: unknown event kind `缺习`\n"
            "t.kp:5:27: note: did you mean `缺席`?\n");
}

TEST(Names, UnknownAttributeTypeFunctionRelation) {
  EXPECT_EQ(errors("  event 缺席 { 天数: int }\n  let m = sum(缺席.天树)"),
            "t.kp:5:18: error[K0203]: `缺席` has no attribute `天树`\n"
            "t.kp:5:18: note: did you mean `天数`?\n");
  EXPECT_EQ(errors("  event 缺席 { 请假: boo }\n  attribute 学历: 学位"),
            "t.kp:4:18: error[K0204]: unknown type `boo`\n"
            "t.kp:4:18: note: did you mean `bool`?\n"
            "t.kp:5:17: error[K0204]: unknown type `学位`\n");
  EXPECT_EQ(errors("  let a = roud(1.5, 0)"),
            "t.kp:4:11: error[K0205]: unknown function `roud`\n"
            "t.kp:4:11: note: did you mean `round`?\n");
  EXPECT_EQ(errors("  event 缺席 {}\n  relation 上级(p) = persons q where q.dept == p.dept and q != p\n"
                   "  score 德 base 100 { each 缺席: deduct 1 from 上极 }"),
            "t.kp:6:45: error[K0206]: unknown relation `上极`\n"
            "t.kp:6:45: note: did you mean `上级`?\n");
  EXPECT_EQ(errors("  let a = previous(b)"), "t.kp:4:20: error[K0211]: unknown figure `b`\n");
}

TEST(Names, KeywordGluedToASubjectAttribute) {
  auto c = check("  attribute 类别: string\n  let a = 非类别");
  EXPECT_FALSE(c->ir);
  EXPECT_EQ(c->gnu(),
            "t.kp:5:11: error[K0104]: unknown name `非类别`; a keyword must be separated from what follows by a space: `非 类别`\n");
  ASSERT_EQ(c->diags.all()[0].fixits.size(), 1u);
  EXPECT_EQ(c->diags.all()[0].fixits[0].replacement, "非 类别");
}

TEST(Names, KeywordGluedToAnEventAttribute) {
  // `where 非请假` inside a rule on 缺席: 请假 is an attribute of the row.
  EXPECT_EQ(errors("  event 缺席 { 请假: bool }\n  score 德 base 100 { each 缺席 where 非请假: deduct 2 }"),
            "t.kp:5:36: error[K0104]: unknown name `非请假`; a keyword must be separated from what follows by a space: `非 请假`\n");
}

TEST(Names, DuplicateDeclarationsNoteTheFirst) {
  EXPECT_EQ(errors("  let a = 1\n  let a = 2"),
            "t.kp:5:7: error[K0208]: `a` is already declared\n"
            "t.kp:4:7: note: first declared here\n");
  EXPECT_EQ(errors("  param p: int default 1\n  score p = 3"),
            "t.kp:5:9: error[K0208]: `p` is already declared\n"
            "t.kp:4:9: note: first declared here\n");
  EXPECT_EQ(errors("  event 缺席 { 请假: bool; 请假: int }"),
            "t.kp:4:24: error[K0208]: `请假` is already declared\n"
            "t.kp:4:14: note: first declared here\n");
  EXPECT_EQ(errors("  event 缺席\n  event 迟到, 缺席"),
            "t.kp:5:13: error[K0208]: `缺席` is already declared\n"
            "t.kp:4:9: note: first declared here\n");
}

TEST(Names, DuplicateAttributeIsADuplicateNotABuiltIn) {
  EXPECT_EQ(errors("  attribute 类别: string\n  attribute 类别: int"),
            "t.kp:5:13: error[K0208]: `类别` is already declared\n"
            "t.kp:4:13: note: first declared here\n");
}

TEST(Names, DuplicateEnumNotesTheFirst) {
  EXPECT_EQ(errors("  enum E { x, y }\n  enum E { z }"),
            "t.kp:5:8: error[K0208]: `E` is already declared\n"
            "t.kp:4:8: note: first declared here\n");
}

TEST(Names, DuplicateEnumValueAndMixedOrder) {
  EXPECT_EQ(errors("  enum A { x, y, x }"), "t.kp:4:18: error[K0209]: value `x` is listed twice\n");
  EXPECT_EQ(errors("  enum A { x < y > z }"), "t.kp:4:10: error[K0318]: an ordered enum uses either `<` or `>` between all its values\n");
}

TEST(Names, ReservedNamesAndColumns) {
  EXPECT_EQ(errors("  let id = 1\n  attribute dept: string\n  let 本人 = 2"),
            "t.kp:4:7: error[K0210]: `id` is a built-in name and cannot be declared\n"
            "t.kp:5:13: error[K0210]: `dept` is a built-in name and cannot be declared\n"
            "t.kp:6:7: error[K0210]: `本人` is a built-in name and cannot be declared\n");
  EXPECT_EQ(errors("  event 缺席 { date: date; subject: string }"),
            "t.kp:4:14: error[K0329]: `date` is a column every events file has and cannot be an attribute name\n"
            "t.kp:4:26: error[K0329]: `subject` is a column every events file has and cannot be an attribute name\n");
}

TEST(Names, KindsAndRelationsAreNotValues) {
  EXPECT_EQ(errors("  event 缺席 { 请假: bool }\n  let a = 缺席\n  let b = 缺席.请假"),
            "t.kp:5:11: error[K0214]: `缺席` is an event kind; use it inside an aggregate such as count(缺席)\n"
            "t.kp:6:11: error[K0214]: `缺席` is an event kind; use it inside an aggregate such as count(缺席)\n");
  EXPECT_EQ(errors("  relation 同处(p) = persons q where q.dept == p.dept\n  let a = 同处"),
            "t.kp:5:11: error[K0326]: `同处` is a set of subjects; use it in an aggregate such as count(同处) or sum(同处.X), "
            "or as the target of a deduction\n");
  EXPECT_EQ(errors("  event 缺席 {}\n  let a = sum(1)\n  let b = count(dept)"),
            "t.kp:5:15: error[K0213]: `1` is not an event kind, a relation or a grouped figure\n"
            "t.kp:6:17: error[K0213]: `dept` is not an event kind, a relation or a grouped figure\n");
}

TEST(Names, EnumValuesResolveByContext) {
  auto c = check("  enum A { x, y }\n  enum B { y, z }\n  attribute a: A\n  let p = a == y\n  let q = y == a\n  let r = z");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->exprOf("p"), "(== subject.a y)");
  EXPECT_EQ(c->exprOf("q"), "(== y subject.a)");
  EXPECT_EQ(c->exprOf("r"), "z");
  EXPECT_EQ(errors("  enum A { x, y }\n  enum B { y, z }\n  let a = y"),
            "t.kp:6:11: error[K0327]: `y` is a value of several enums (A, B); compare it with something of the enum you mean\n");
}

TEST(Names, AdjustingAnUnknownFigureIsReported) {
  // A typo in the adjusted figure's name must not silently drop the cap or veto.
  auto c = check("  score 德 base 100 { }\n  tier 等次 on 德 { 优秀: >= 90; 合格: otherwise }\n"
                 "  cap 等级 at most 合格 when true\n  veto 等极 to 合格 when true");
  EXPECT_FALSE(c->ir) << "cap/veto of unknown figures were accepted";
  EXPECT_THAT(c->gnu(), HasSubstr("t.kp:6:7: error["));
  EXPECT_THAT(c->gnu(), HasSubstr("t.kp:7:8: error["));
}

// ---------------------------------------------------------------------------- types

TEST(Types, IntegerArithmeticStaysInteger) {
  auto c = check("  let a = 1 + 2 * 3\n  let b = -a\n  let c = floor(2.5)\n  let d = round(a)");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->figure("a").type, ir::Type::of(ir::BaseType::Int));
  EXPECT_EQ(c->exprOf("a"), "(+ 1 (* 2 3):int):int");
  EXPECT_EQ(c->exprOf("b"), "(neg fig.a):int");
  EXPECT_EQ(c->figure("c").type.base, ir::BaseType::Int);
  EXPECT_EQ(c->figure("d").type.base, ir::BaseType::Int);  // rounding an integer is the integer
}

TEST(Types, IntegersArePromotedToDecimalsExplicitly) {
  auto c = check("  event 扣分 { 次数: int }\n  let n = count(扣分)\n  let a = n + 0.5\n  let b = 7 / 2\n  let c = n * 1.5\n"
                 "  let d = max(n, 0.5)\n  let e = if n > 1 then n else 0.5");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->exprOf("a"), "(+ (dec fig.n) 0.5):dec");
  EXPECT_EQ(c->exprOf("b"), "(/ 7 2):dec");
  EXPECT_EQ(c->figure("b").type, ir::Type::of(ir::BaseType::Decimal));
  EXPECT_EQ(c->exprOf("c"), "(* (dec fig.n) 1.5):dec");
  EXPECT_EQ(c->exprOf("d"), "(max (dec fig.n) 0.5):dec");
  EXPECT_EQ(c->exprOf("e"), "(if (> fig.n 1) (dec fig.n) 0.5):dec");
}

TEST(Types, MoneyAndPercentages) {
  auto c = check("  param 奖金: money default 100 元\n  param 率: percentage default 90%\n"
                 "  let a = 奖金 * 2\n  let b = 奖金 / 奖金\n  let c = 率 * 奖金\n  let d = 率 * 率\n  let e = 率 * 2\n"
                 "  let f = 率 / 2\n  let g = points(率)\n  let h = 奖金 + 50 元\n  let i = 率 > 50%");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->figure("a").type.base, ir::BaseType::Money);
  EXPECT_EQ(c->figure("a").places, 0);  // money is printed in whole 元 unless `places` says otherwise
  EXPECT_EQ(c->figure("b").type.base, ir::BaseType::Decimal);
  EXPECT_EQ(c->figure("c").type.base, ir::BaseType::Money);
  EXPECT_EQ(c->figure("d").type.base, ir::BaseType::Percent);
  EXPECT_EQ(c->figure("e").type.base, ir::BaseType::Decimal);
  EXPECT_EQ(c->figure("f").type.base, ir::BaseType::Percent);
  EXPECT_EQ(c->exprOf("g"), "(* param.率 100):dec");
  EXPECT_EQ(c->figure("h").type.base, ir::BaseType::Money);
  EXPECT_EQ(c->figure("i").type.base, ir::BaseType::Bool);
  EXPECT_THAT(c->printed(), HasSubstr("  param#1 率: pct default 90%\n"));
}

TEST(Types, MixingMoneyOrPercentagesWithPlainNumbers) {
  EXPECT_EQ(errors("  param 奖金: money default 100 元\n  let a = 奖金 + 1\n  let b = 奖金 == 100"),
            "t.kp:5:11: error[K0310]: cannot mix an amount of money and a plain number in `+`; write the number in 元 (e.g. 100 元)\n"
            "t.kp:6:11: error[K0310]: cannot mix an amount of money and a plain number in `==`; write the number in 元 (e.g. 100 元)\n");
  EXPECT_EQ(errors("  param 率: percentage default 90%\n  let a = 率 > 0.5\n  let b = 率 - 1\n  let c = floor(率)"),
            "t.kp:5:11: error[K0309]: cannot mix a percentage and a plain number in `>`; write the number as a percentage (e.g. 90%)\n"
            "t.kp:6:11: error[K0309]: cannot mix a percentage and a plain number in `-`; write the number as a percentage (e.g. 90%)\n"
            "t.kp:7:17: error[K0301]: expected a number (write points(…) for the percentage points), found a percentage\n");
  // Money and a percentage: neither is a plain number, so it is not "mixing".
  EXPECT_EQ(errors("  param 奖金: money default 100 元\n  param 率: percentage default 90%\n  let a = 奖金 + 率"),
            "t.kp:6:11: error[K0302]: `+` cannot combine an amount of money (元) and a percentage\n");
}

TEST(Types, OperandsOfTheWrongKind) {
  EXPECT_EQ(errors("  let a = \"x\" + 1\n  let b = -\"x\""),
            "t.kp:4:11: error[K0302]: `+` cannot combine text and an integer\n"
            "t.kp:5:11: error[K0302]: `-` cannot combine text and text\n");
  EXPECT_EQ(errors("  let a = \"x\" == 1\n  let b = 2024-01-01 > 1"),
            "t.kp:4:11: error[K0303]: text and an integer cannot be compared\n"
            "t.kp:5:11: error[K0303]: a date and an integer cannot be compared\n");
  EXPECT_EQ(errors("  let a = max(1, \"x\")"), "t.kp:4:18: error[K0301]: expected a number, found text\n");
}

TEST(Types, OrderingNeedsAnOrderedType) {
  EXPECT_EQ(errors("  enum 等级 { 甲, 乙, 丙 }\n  attribute 级: 等级\n  let a = 级 > 甲\n  let b = true < false"),
            "t.kp:6:11: error[K0304]: a value of 等级 has no order; only `==` and `!=` apply\n"
            "t.kp:7:11: error[K0304]: yes/no (是/否) has no order; only `==` and `!=` apply\n");
  auto c = check("  enum 学历 { 大专 < 本科 < 硕士 }\n  attribute 学: 学历\n  attribute 入职: date\n"
                 "  let a = 学 >= 本科\n  let b = 入职 < 2020-01-01\n  let c = role > \"A\"");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->exprOf("a"), "(>= subject.学 本科)");
}

TEST(Types, ConditionsAndAmounts) {
  EXPECT_EQ(errors("  event 缺席 { 请假: bool; 天数: int }\n  score 德 base 100 floor 0 {\n"
                   "    each 缺席 where 天数: deduct 2\n    each 缺席: deduct 请假\n  }"),
            "t.kp:6:19: error[K0301]: expected a condition (是/否), found an integer\n"
            "t.kp:7:21: error[K0301]: expected a number, found yes/no (是/否)\n");
  auto c = check("  event 缺席 { 天数: int }\n  score 德 base 100 { each 缺席 where 天数: deduct 2 }");
  EXPECT_EQ(c->gnu(Lang::Zh), "t.kp:5:36: 错误[K0301]: 应为条件（是/否），实际为整数\n");
  EXPECT_EQ(errors("  let a = 1 and true\n  let b = not 2"),
            "t.kp:4:11: error[K0301]: expected a condition (是/否), found an integer\n"
            "t.kp:5:15: error[K0301]: expected a condition (是/否), found an integer\n");
  EXPECT_EQ(errors("  alert \"a\" when 1"), "t.kp:4:18: error[K0301]: expected a condition (是/否), found an integer\n");
}

TEST(Types, DeclaredTypesAndDefaults) {
  EXPECT_EQ(errors("  let t: string = 1"), "t.kp:4:19: error[K0301]: expected text, found an integer\n");
  auto c = check("  let u: decimal = 1");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->figure("u").type.base, ir::BaseType::Decimal);
  EXPECT_EQ(errors("  event 缺席 { 天数: int default 1.5; 标记: bool default 3; 名: string default \"x\" }"),
            "t.kp:4:30: error[K0311]: the value does not fit its declared type: expected an integer\n"
            "t.kp:4:52: error[K0311]: the value does not fit its declared type: expected yes/no (是/否)\n");
  EXPECT_EQ(errors("  attribute 名: string >= 3\n  attribute 日: date in [1, 2]"),
            "t.kp:4:23: error[K0312]: a range applies only to numbers, found text\n"
            "t.kp:5:21: error[K0312]: a range applies only to numbers, found a date\n");
}

TEST(Types, DeclaredRanges) {
  auto c = check("  event 扣分 { 分值: decimal in [10, 20]; 次数: int > 0; 率: percentage <= 100% }");
  ASSERT_TRUE(c->ir) << c->gnu();
  const auto& attrs = c->ir->eventKinds[0].attributes;
  EXPECT_EQ(attrs[0].range.describe(), "[10, 20]");
  EXPECT_EQ(attrs[1].range.describe(), "[1, +∞)");  // int > 0 is int >= 1
  EXPECT_EQ(attrs[2].range.describe(), "(-∞, 1]");
  EXPECT_TRUE(attrs[0].rangeDeclared);
}

TEST(Types, LiteralsOutOfRange) {
  EXPECT_EQ(errors("  let a = 2024-02-30\n  let b = 0.1234567890123456789\n  let c = 99999999999999999999999"),
            "t.kp:4:11: error[K0106]: invalid date `2024-02-30`\n"
            "t.kp:5:11: error[K0105]: invalid number `0.1234567890123456789`: more than 18 decimal places\n"
            "t.kp:6:11: error[K0105]: invalid number `99999999999999999999999`: too large\n");
}

TEST(Types, CallArguments) {
  EXPECT_EQ(errors("  let b = round(1.5, 2, half_up, 4)\n  let c = abs(1, 2)\n  let d = count()"),
            "t.kp:4:11: error[K0306]: `round` takes 1-3 argument(s), found 4\n"
            "t.kp:5:11: error[K0306]: `abs` takes 1 argument(s), found 2\n"
            "t.kp:6:11: error[K0306]: `count` takes 1 argument(s), found 0\n");
  EXPECT_EQ(errors("  let a = round(1.5, 20)\n  let b = round(1.5, 2, sideways)"),
            "t.kp:4:22: error[K0316]: places must be between 0 and 12\n"
            "t.kp:5:25: error[K0212]: unknown rounding mode `sideways`; expected one of half_up/四舍五入, half_even/银行家舍入, half_down/五舍六入, down/截断, up/进一, floor/向下, ceiling/向上\n");
  auto c = check("  let a = round(2.345, 2, half_even)");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->exprOf("a"), "(round 2.345 2 half-even):dec");
}

// ---------------------------------------------------------------------------- optional values

TEST(Optional, OptionalValuesNeedADefault) {
  EXPECT_EQ(errors("  event 扣分 { 分值: decimal optional }\n  score s base 10 {\n    each 扣分 where 分值 > 1: deduct 1\n"
                   "    each 扣分: deduct 分值\n  }"),
            "t.kp:6:19: error[K0305]: `分值` may have no value here (the attribute is optional and may be empty); say what it is then with `default`\n"
            "t.kp:7:21: error[K0305]: the amount may have no value here (the attribute is optional and may be empty); say what it is then with `default`\n");
  auto c = check("  event 扣分 { 分值: decimal optional; 等: int optional default 1 }\n  score s base 10 {\n"
                 "    each 扣分 where 分值 == 1: deduct 分值 default 0\n    each 扣分: deduct 等\n  }");
  EXPECT_TRUE(c->ir) << c->gnu();  // `==` with no value is false; a default makes it definite
}

TEST(Optional, AggregatesOverNoRows) {
  EXPECT_EQ(errors("  event 扣分 { 分值: decimal }\n  score t = mean(扣分.分值)\n"
                   "  tier 等次 on mean(扣分.分值) { 优: >= 1; 差: otherwise }"),
            "t.kp:5:13: error[K0305]: `t` may have no value here (there may be no `扣分` rows); say what it is then with `default`\n"
            "t.kp:6:14: error[K0305]: `mean(扣分.分值)` may have no value here (there may be no `扣分` rows); say what it is then with `default`\n");
  auto c = check("  event 扣分 { 分值: decimal }\n  score u = mean(扣分.分值) default 0\n  let v = mean(扣分.分值)\n"
                 "  score w = sum(扣分.分值) + count(扣分)");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_FALSE(c->figure("u").type.optional);
  EXPECT_TRUE(c->figure("v").type.optional);  // a `let` may have no value; it prints empty
  EXPECT_FALSE(c->figure("w").type.optional);
}

TEST(Optional, OptionalParameters) {
  EXPECT_EQ(errors("  param 基: int optional\n  score c = 基 + 1"),
            "t.kp:5:13: error[K0305]: `c` may have no value here (the parameter is optional and may not be given); say what it is then with `default`\n");
}

TEST(Optional, DivisionByADivisorThatCanBeZero) {
  EXPECT_EQ(errors("  event 扣分 { 分值: decimal }\n  let 人均 = sum(扣分.分值) / count(扣分)\n  score 德 base 100 { when 人均 > 1: deduct 1 }"),
            "t.kp:6:27: error[K0305]: `人均` may have no value here (the divisor `count(扣分)` can be 0); say what it is then with `default`\n");
  EXPECT_EQ(errors("  param 零: int >= 0 default 2\n  score b = 100 / 零\n  score d = 100 / 0"),
            "t.kp:5:13: error[K0305]: `b` may have no value here (the divisor `零` can be 0); say what it is then with `default`\n"
            "t.kp:6:19: error[K0323]: division by 0, which is always 0\n");
  // Divisors known to exclude 0 make a definite result.
  auto c = check("  event 扣分 {}\n  param 除: int in [1, 10] default 2\n  param 正: decimal > 0 default 1\n"
                 "  score a = 100 / 除\n  score b = 100 / 正\n  score e = 10 / (count(扣分) + 1)\n  score f = 10 / 4\n"
                 "  score g = 10 / count(扣分) default 0");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_FALSE(c->figure("e").type.optional);
  EXPECT_EQ(c->exprOf("g"), "(default (/ 10 (dec agg#0)):dec? 0):dec");
}

// ---------------------------------------------------------------------------- dependencies

TEST(Dependencies, FiguresAreOrderedAfterWhatTheyUse) {
  auto c = check("  let 总分 = 德 + 能\n  let 能 = 德 * 2\n  let 德 = 1\n  tier 等次 on 总分 { 优: >= 3; 差: otherwise }");
  ASSERT_TRUE(c->ir) << c->gnu();
  std::vector<std::string> order;
  for (uint32_t f : c->ir->evaluationOrder) order.push_back(c->ir->figures[f].name);
  EXPECT_EQ(order, (std::vector<std::string>{"德", "能", "总分", "等次"}));
  std::vector<std::string> uses;
  for (uint32_t f : c->figure("总分").dependsOn) uses.push_back(c->ir->figures[f].name);
  EXPECT_EQ(uses, (std::vector<std::string>{"能", "德"}));  // by index: 能 is figure 1, 德 figure 2
}

TEST(Dependencies, CycleOfThreeShowsEachStep) {
  EXPECT_EQ(errors("  let a = b + 1\n  let b = c * 2\n  let c = a - 3\n  let d = a"),
            "t.kp:4:7: error[K0401]: `a` depends on itself: a → b → c → a\n"
            "t.kp:4:11: note: `a` uses `b` here\n"
            "t.kp:5:11: note: `b` uses `c` here\n"
            "t.kp:6:11: note: `c` uses `a` here\n");
  auto c = check("  let a = b + 1\n  let b = c * 2\n  let c = a - 3");
  EXPECT_EQ(c->gnu(Lang::Zh),
            "t.kp:4:7: 错误[K0401]: `a` 依赖于自身：a → b → c → a\n"
            "t.kp:4:11: 注: `a` 在此处使用了 `b`\n"
            "t.kp:5:11: 注: `b` 在此处使用了 `c`\n"
            "t.kp:6:11: 注: `c` 在此处使用了 `a`\n");
}

TEST(Dependencies, SelfReferenceAndCyclesThroughTiersAndCaps) {
  EXPECT_EQ(errors("  let a = a + 1"),
            "t.kp:4:7: error[K0401]: `a` depends on itself: a → a\n"
            "t.kp:4:11: note: `a` uses `a` here\n");
  EXPECT_THAT(errors("  score 德 base 100 { when 等次 == 优: deduct 1 }\n  tier 等次 on 德 { 优: >= 90; 差: otherwise }"),
              HasSubstr("error[K0401]: `德` depends on itself: 德 → 等次 → 德\n"));
}

// ---------------------------------------------------------------------------- where names may be used

TEST(Contexts, RowConditionsSeeOnlyRowsAttributesAndParameters) {
  EXPECT_EQ(errors("  event 缺席 { 请假: bool }\n  let x = 1\n  score 德 base 100 {\n    each 缺席 where count(缺席) > 1: deduct 1\n"
                   "    each 缺席 where x > 1: deduct 1\n  }"),
            "t.kp:7:19: error[K0308]: an aggregate over events cannot appear inside a per-event condition\n"
            "t.kp:8:19: error[K0307]: the figure `x` cannot be used while reading events: only event attributes, roster attributes and parameters can\n");
}

TEST(Contexts, AlertsAndConstraints) {
  EXPECT_EQ(errors("  attribute 年龄: int\n  alert \"a\" when 年龄 > 3"),
            "t.kp:5:18: error[K0313]: `年龄` needs a subject; it is evaluated per subject\n");
  EXPECT_EQ(errors("  event 缺席 {}\n  let a = 1\n  constraint: count(缺席) <= a"),
            "t.kp:6:28: error[K0325]: an input constraint is checked before anything is computed, so it cannot use the figure `a`\n");
  EXPECT_EQ(errors("  event 缺席 {}\n  constraint per dept: count(缺席) <= 10 and role == \"x\"\n  constraint per dept: mean(缺席: 1) <= 10"),
            "t.kp:5:44: error[K0324]: a constraint per dept checks the group's events together: it can use aggregates (count, sum, "
            "exists, min, max), parameters and constants, not the attribute `role`\n"
            "t.kp:6:24: error[K0324]: a constraint per dept checks the group's events together: it can use aggregates (count, sum, "
            "exists, min, max), parameters and constants, not mean\n");
  EXPECT_EQ(errors("  event 缺席 {}\n  constraint per 1: count(缺席) <= 10"),
            "t.kp:5:18: error[K0420]: groups are formed by a roster attribute such as dept, found `1`\n");
}

TEST(Contexts, Relations) {
  EXPECT_EQ(errors("  relation 同处(p) = persons q where dept == p.dept"),
            "t.kp:4:36: error[K0328]: in a relation write `p.dept` or `q.dept` to say whose attribute is meant\n");
  EXPECT_THAT(errors("  relation 下属(u) = units q where q.parent == u"),
              HasSubstr("t.kp:4:20: error[K0321]: 下属 relates units, but the scheme appraises persons\n"));
  EXPECT_EQ(errors("  relation 同处(p) = persons q where q.部门 == p.dept"),
            "t.kp:4:38: error[K0203]: `q` has no attribute `部门`\n");
  auto c = check("  relation 上级(p) = persons q where q.dept == p.dept and q.role in { \"处长\", \"副处长\" } and q != p");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_THAT(c->printed(), HasSubstr("  relation#1 上级 = (and (and (== q.dept p.dept) (in q.role \"处长\" \"副处长\")) (!= q p))\n"));
}

TEST(Contexts, PreviousNeedsAnOutputColumn) {
  EXPECT_EQ(errors("  let a = 1\n  let b = previous(a)\n  output b"),
            "t.kp:5:11: error[K0320]: previous(a) needs `a` to be an output column, since history is read from the previous results.csv\n");
  auto c = check("  let a = 1\n  let b = previous(a) default 0\n  output a, b");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_TRUE(c->figure("a").usedByPrevious);
}

// ---------------------------------------------------------------------------- figures

TEST(Figures, ScoresAndTheirOptions) {
  EXPECT_EQ(errors("  event 缺席 {}\n  score 德 { each 缺席: deduct 1 }\n  score 能 base 100 = 1"),
            "t.kp:5:9: error[K0410]: score `德` has rules but no base; add `base 100` (or `base 0`)\n"
            "t.kp:6:11: error[K0409]: a score with `=` has no rule block; use `base` and rules, or a formula\n");
  auto c = check("  event 缺席 { 分值: decimal }\n  score 德 base 100 扣完为止 cap 100 places 1 { each 缺席: deduct 分值 }\n"
                 "  score 能 base 10 { each 缺席: deduct 1 }");
  ASSERT_TRUE(c->ir) << c->gnu();
  const ir::Figure& de = c->figure("德");
  EXPECT_EQ(de.kind, ir::FigureKind::Score);
  EXPECT_EQ(de.type.base, ir::BaseType::Decimal);  // base 100 and the decimal amounts
  EXPECT_EQ(de.places, 1);
  ASSERT_TRUE(de.floor);
  EXPECT_EQ(ir::printExpr(*c->ir, *de.floor), "0");
  EXPECT_EQ(c->figure("能").type.base, ir::BaseType::Int);
  EXPECT_TRUE(c->figure("能").declaredAsScore);
}

TEST(Figures, ScoreAmountsMustShareAType) {
  EXPECT_EQ(errors("  param 奖金: money default 1 元\n  event 缺席 {}\n  score 德 base 100 { each 缺席: deduct 奖金 }"),
            "t.kp:6:38: error[K0302]: `德` cannot combine an integer and an amount of money (元)\n");
}

TEST(Figures, TiersCapsVetoesQuotas) {
  auto c = check("  score 德 base 100 { }\n  tier 等次 on 德 { 优秀: 95 以上; 良好: 85 至 95; 合格: 超过 60; 不合格: otherwise }\n"
                 "  cap 等次 at most 良好 when 德 < 99 reason \"r\"\n  veto 等次 to 不合格 when 德 < 10\n"
                 "  quota 等次 优秀 at most 1 per dept when size(dept) >= 6 by 德 desc, id asc else 良好");
  ASSERT_TRUE(c->ir) << c->gnu();
  const ir::Figure& t = c->figure("等次");
  EXPECT_EQ(t.kind, ir::FigureKind::Tier);
  EXPECT_THAT(c->printed(), HasSubstr("    优秀: >= 95\n    良好: [85, 95]\n    合格: > 60\n    不合格: otherwise\n"));
  ASSERT_EQ(t.adjustments.size(), 3u);
  EXPECT_EQ(t.adjustments[0].kind, ir::AdjustmentKind::CapAtMost);
  EXPECT_EQ(t.adjustments[0].reason, "r");
  EXPECT_EQ(t.adjustments[1].kind, ir::AdjustmentKind::Veto);
  EXPECT_EQ(t.adjustments[2].kind, ir::AdjustmentKind::Quota);
  EXPECT_EQ(t.adjustments[2].groupAttr, static_cast<int32_t>(ir::kAttrDept));
  const ir::EnumType& values = c->ir->enums[t.type.enumId];
  EXPECT_TRUE(values.isTier);
  EXPECT_EQ(values.values, (std::vector<std::string>{"优秀", "良好", "合格", "不合格"}));
  EXPECT_GT(values.ordinal(0), values.ordinal(3));  // the first tier is the best
}

TEST(Figures, AdjustmentErrors) {
  EXPECT_EQ(errors("  score 德 base 100 { }\n  tier 等次 on 德 { 优秀: >= 90; 合格: otherwise }\n"
                   "  cap 等次 at most 良好 when true\n  quota 等次 优 at most 1 per dept by 德 desc else 合格\n  cap 德 at most 优秀 when true"),
            "t.kp:6:18: error[K0315]: `良好` is not a tier of 等次\n"
            "t.kp:7:12: error[K0315]: `优` is not a tier of 等次\n"
            "t.kp:7:12: note: did you mean `优秀`?\n"
            "t.kp:8:3: error[K0408]: `cap` can only adjust a tier or a figure, and `德` is an integer\n");
}

TEST(Figures, PatternsAndCases) {
  EXPECT_EQ(errors("  let a = case 1 { 1, >= 2: 3; otherwise: 0 }"),
            "t.kp:4:20: error[K0317]: a pattern lists either values (any matches) or bounds (all must hold), not both\n");
  EXPECT_EQ(errors("  enum E { a, b, c }\n  attribute e: E\n  let x = case e { a: 1; b: 2 }"),
            "t.kp:6:11: error[K0319]: `case` does not cover c; add an arm or `otherwise`\n");
  EXPECT_EQ(errors("  enum E { a, b }\n  attribute e: E\n  let x = case e { > a: 1; otherwise: 2 }"),
            "t.kp:6:20: error[K0304]: a value of E has no order; only `==` and `!=` apply\n");
}

TEST(Figures, RanksGroupsAndOutputs) {
  EXPECT_EQ(errors("  event 缺席 {}\n  rank r by exists(缺席)"),
            "t.kp:5:13: error[K0421]: a ranking key must be a number, a date, a string or an ordered value, found yes/no (是/否)\n");
  EXPECT_EQ(errors("  event 缺席 { 天数: int }\n  let g by 缺席.天数 = count(缺席)"),
            "t.kp:5:15: error[K0419]: a figure can be grouped by an enum or string attribute, not by an integer\n");
  EXPECT_EQ(errors("  event 缺席 { 类型: string }\n  let g by 缺席.类型 = count(缺席)\n  output g"),
            "t.kp:6:10: error[K0407]: `g` is a figure per group and cannot be an output column\n");
  EXPECT_EQ(errors("  let a = 1\n  output b, a"),
            "t.kp:5:10: error[K0406]: `b` in the output list is not a figure of this scheme\n"
            "t.kp:5:10: note: did you mean `a`?\n");
  auto c = check("  event 缺席 { 类型: string }\n  let g by 缺席.类型 = count(缺席)\n  let n = count(g)\n  let a = 1");
  ASSERT_TRUE(c->ir) << c->gnu();
  std::vector<std::string> outputs;
  for (uint32_t f : c->ir->outputs) outputs.push_back(c->ir->figures[f].name);
  EXPECT_EQ(outputs, (std::vector<std::string>{"n", "a"}));  // without `output`: every figure but grouped ones
}

TEST(Figures, AggregatesAreSharedWhenWrittenTheSame) {
  auto c = check("  event 缺席 { 请假: bool }\n  let a = count(缺席 where not 请假)\n  let b = count(缺席 where not 请假) + 1\n"
                 "  let c = count(缺席)");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_EQ(c->ir->aggregates.size(), 2u);
  EXPECT_EQ(c->exprOf("a"), "agg#0");
  EXPECT_EQ(c->exprOf("b"), "(+ agg#0 1):int");
  EXPECT_EQ(c->exprOf("c"), "agg#1");
}

TEST(Figures, RulesOnSeveralKindsAndWindows) {
  auto c = check("  event 未报告, 公文不符 { 分值: int }\n  event 请假 { 天数: decimal }\n  score 德 base 100 {\n"
                 "    each 未报告, 公文不符 where 分值 > 1: deduct 分值\n    each month: deduct floor(max(0, sum(请假.天数) - 3))\n  }");
  ASSERT_TRUE(c->ir) << c->gnu();
  const ir::Figure& de = c->figure("德");
  ASSERT_EQ(de.rules.size(), 3u);
  EXPECT_EQ(de.rules[0].kind, ir::RuleKind::Each);
  EXPECT_EQ(de.rules[0].eventKind, 0u);
  EXPECT_EQ(de.rules[1].eventKind, 1u);
  EXPECT_EQ(de.rules[2].kind, ir::RuleKind::Window);
  EXPECT_EQ(c->ir->aggregates[0].window, ir::Window::Month);
}

TEST(Analyze, TheBenchmarkSchemeIsAccepted) {
  auto c = analyzeText(R"KP(scheme "W1" version "1" {
  period year
  subjects persons
  places 2
  attribute 类别: enum { 业务类, 党务类 }
  enum 会议活动 { 支部生活, 处务会, 全局大会, 集体活动 }
  event 缺席 { 活动: 会议活动; 请假: bool }
  event 请假 { 天数: decimal >= 0; 类型: enum { 私事, 婚假 } }
  event 测评 { 等次: enum { 优秀, 良好, 一般, 差 }; 票数: int >= 0 }
  event 处务会, 廉政
  relation 上级(p) = persons q where q.dept == p.dept and q.role in { "处长", "副处长" } and q != p
  score 德 base 100 floor 0 { each 缺席 where not 请假: deduct 2; deduct 1 from 上级 }
  score 勤 base 100 floor 0 {
    each month: deduct floor(max(0, sum(请假.天数 where 类型 == 私事) - 3))
    when role == "处长" and count(处务会) < 24: deduct 5
  }
  score 民主测评 = round(mean(测评: case 等次 { 优秀: 100; 良好: 80; 一般: 60; 差: 40 } weighted by 票数) default 0, 2)
  score 总分 = round((德 + 勤 + 民主测评) / 3, 2)
  tier 等次 on 总分 { 优秀: >= 95; 良好: >= 85; 称职: >= 70; 不称职: otherwise }
  cap 等次 at most 称职 when exists(廉政)
  quota 等次 优秀 at most 1 per dept when size(dept) >= 6 by 总分 desc, id asc else 良好
  output 德, 勤, 民主测评, 总分, 等次
})KP");
  ASSERT_TRUE(c->ir) << c->gnu();
  EXPECT_TRUE(c->diags.all().empty());
  EXPECT_EQ(c->figure("民主测评").type.base, ir::BaseType::Decimal);
  EXPECT_EQ(c->figure("总分").type.base, ir::BaseType::Decimal);
  EXPECT_FALSE(c->figure("总分").type.optional);
  EXPECT_EQ(c->ir->outputs.size(), 5u);
}

}  // namespace
}  // namespace kaoping::sema
