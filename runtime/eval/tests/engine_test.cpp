// Tests for runtime/eval: small schemes run with eval::run on data written to a temporary
// directory. Figures are checked as results.csv prints them; every expected value is
// worked out by hand in the comments.
#include "runtime/eval/engine.h"

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "runtime/eval/tests/run_fixture.h"

namespace kaoping::testing {
namespace {

using ::testing::HasSubstr;

const char* kRoster = "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\nC,丙,局,一处,科员\nD,丁,局,一处,科员\n";

class Engine : public RunFixture {};

// ---------------------------------------------------------------------------- rules and scores

TEST_F(Engine, PerOccurrenceRulesBaseFloorAndCap) {
  write("data/roster.csv", kRoster);
  write("data/events.csv",
        "date,kind,subject,请假,分值\n"
        "2024-01-05,缺席,A,否,\n"
        "2024-01-06,缺席,A,是,\n"
        "2024-02-01,扣分,A,,1.5\n"
        "2024-03-01,缺席,B,否,\n"
        "2024-03-02,扣分,B,,9.5\n"
        "2024-03-03,缺席,B,否,\n"
        "2024-04-01,加分,D,,5\n");
  auto r = run(persons(R"KP(
  event 缺席 { 请假: bool }
  event 扣分 { 分值: decimal in [0, 20] }
  event 加分 { 分值: decimal }
  score 德 base 10 floor 0 cap 12 {
    each 缺席 where not 请假: deduct 2
    each 扣分: deduct 分值
    each 加分: add 分值
  })KP"));
  // A: 10 − 2 − 1.5 = 6.5; B: 10 − 2 − 9.5 − 2 = −3.5 → floor 0; C: 10; D: 10 + 5 = 15 → cap 12.
  EXPECT_EQ(r->table({"德"}), "A: 6.50\nB: 0.00\nC: 10.00\nD: 12.00\n");
  EXPECT_EQ(r->results->events, 7u);
}

TEST_F(Engine, IntegerScoresPrintWithTheSchemesPlaces) {
  write("data/roster.csv", kRoster);
  write("data/events.csv", "date,kind,subject\n2024-01-05,缺席,A\n");
  auto r = run(persons("  places 1\n  event 缺席 {}\n  score 德 base 100 { each 缺席: deduct 2 }\n  let n = count(缺席)"));
  EXPECT_EQ(r->value("A", "德"), "98.0");
  EXPECT_EQ(r->value("A", "n"), "1");  // a `let` integer prints as an integer
}

TEST_F(Engine, RoutingToRelatedSubjects) {
  write("data/roster.csv",
        "id,name,unit,dept,role\nA,甲,局,一处,科员\nC,丙,局,一处,处长\nD,丁,局,一处,副处长\nE,戊,分局,一处,处长\nF,己,局,二处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,态度,A\n2024-01-02,态度,C\n2024-01-03,态度,F\n");
  auto r = run(persons(R"KP(
  event 态度 {}
  relation 上级(p) = persons q where q.dept == p.dept and q.role in { "处长", "副处长" } and q != p
  score 德 base 100 { each 态度: deduct 3; deduct 1 from 上级 }
  let 上级数 = count(上级))KP"));
  // The supervisors of A are C and D; of C, D; of D, C; E heads 一处 of another unit (分局)
  // and F's 二处 has none. A: 100 − 3; C: − 3 (own) − 1 (A's); D: − 1 (A's) − 1 (C's).
  EXPECT_EQ(r->table({"德", "上级数"}), "A: 97.00 2\nC: 96.00 1\nD: 98.00 1\nE: 100.00 0\nF: 97.00 0\n");
}

TEST_F(Engine, WhenRulesWithThresholds) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,处长\nB,乙,局,二处,处长\nC,丙,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,处务会,A\n2024-02-01,处务会,A\n2024-01-01,处务会,B\n");
  auto r = run(persons("  event 处务会 {}\n  score 能 base 100 { when role == \"处长\" and count(处务会) < 2: deduct 5 }"));
  // A held 2 meetings (not fewer than 2); B held 1; C is not a 处长.
  EXPECT_EQ(r->table({"能"}), "A: 100.00\nB: 95.00\nC: 100.00\n");
}

TEST_F(Engine, MonthlyWindows) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\nC,丙,局,一处,科员\n");
  write("data/events.csv",
        "date,kind,subject,天数,类型\n"
        "2024-01-03,请假,A,2,私事\n"
        "2024-01-20,请假,A,2.5,私事\n"
        "2024-02-10,请假,A,3,私事\n"
        "2024-03-01,请假,A,10,病假\n"
        "2024-03-15,请假,A,5,私事\n"
        "2024-12-31,请假,B,3.5,私事\n"
        "2024-04-30,请假,B,7,私事\n");
  auto r = run(persons(R"KP(
  event 请假 { 天数: decimal >= 0; 类型: enum { 私事, 病假 } }
  score 勤 base 100 floor 0 { each month: deduct floor(max(0, sum(请假.天数 where 类型 == 私事) - 3)) })KP"));
  // A: January 4.5 − 3 = 1.5 → 1; February 0; March (私事 only) 5 − 3 = 2: 100 − 3.
  // B: April 7 − 3 = 4; December 0.5 → 0: 100 − 4.
  EXPECT_EQ(r->table({"勤"}), "A: 97.00\nB: 96.00\nC: 100.00\n");
}

// ---------------------------------------------------------------------------- arithmetic

TEST_F(Engine, RoundingHalfUpAndOtherModes) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  std::string scheme = persons(
      "  param x: decimal default 0\n  let a = round(x, 2)\n  let b = round(x)\n  let c = round(x, 2, half_even)\n"
      "  let d = round(x, 1, down)\n  let e = x");
  auto at = [&](const std::string& x) {
    eval::Inputs in;
    in.params = {{"x", x}};
    return run(scheme, in)->table({"a", "b", "c", "d", "e"});
  };
  EXPECT_EQ(at("2.345"), "A: 2.35 2.00 2.34 2.30 2.35\n");
  EXPECT_EQ(at("-2.345"), "A: -2.35 -2.00 -2.34 -2.30 -2.35\n");
  EXPECT_EQ(at("2.5"), "A: 2.50 3.00 2.50 2.50 2.50\n");
  EXPECT_EQ(at("2.355"), "A: 2.36 2.00 2.36 2.30 2.36\n");
  EXPECT_EQ(at("0.005"), "A: 0.01 0.00 0.00 0.00 0.01\n");
  EXPECT_EQ(at("2.344999"), "A: 2.34 2.00 2.34 2.30 2.34\n");
}

TEST_F(Engine, SchemeRoundingModeIsTheDefaultOfRound) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  eval::Inputs in;
  in.params = {{"x", "2.345"}};
  auto r = run(persons("  rounding half_even\n  param x: decimal\n  let a = round(x, 2)\n  let b = round(x, 2, half_up)"), in);
  EXPECT_EQ(r->table({"a", "b"}), "A: 2.34 2.35\n");
}

TEST_F(Engine, IntegerAndDecimalArithmetic) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,X,A\n2024-01-02,X,A\n2024-01-03,X,A\n");
  auto r = run(persons("  event X {}\n  let n = count(X)\n  let a = n * 2 + 1\n  let b = n / 2\n  let c = 10 / n\n"
                       "  let d = -n\n  let e = abs(d)\n  let f = floor(n / 2)\n  let g = ceil(n / 2)\n  let h = max(n, 2.5)\n"
                       "  let i = min(n, 2.5)\n  let j = round(10 / n, 3)"));
  // n = 3: 7, 1.5, 3.333… (printed 3.33), −3, 3, 1, 2, 3.00, 2.50, 3.333.
  EXPECT_EQ(r->table({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}), "A: 7 1.50 3.33 -3 3 1 2 3.00 2.50 3.33\n");
}

TEST_F(Engine, MoneyAndPercentages) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,满意率\n2024-01-01,调查,A,87.5%\n");
  auto r = run(persons(
      "  param 奖金: money default 2500 元\n  event 调查 { 满意率: percentage }\n  let 率 = last(调查.满意率) default 0%\n"
      "  let 差 = points(90% - 率)\n  let 扣减 = 差 * 1\n  let 发 = 奖金 * 率\n  let 半 = 奖金 / 2"));
  // 率 = 87.5%; 90% − 87.5% = 2.5 points; 2500 元 × 87.5% = 2187.5 元, printed in whole 元.
  EXPECT_EQ(r->table({"率", "差", "扣减", "发", "半"}), "A: 87.50% 2.50 2.50 2188 1250\n");
}

// ---------------------------------------------------------------------------- no value

TEST_F(Engine, AbsentValuesPropagate) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,分值\n2024-01-01,扣分,A,3\n2024-02-01,扣分,A,\n");
  auto r = run(persons(R"KP(
  event 扣分 { 分值: decimal optional }
  let l = last(扣分.分值)
  let p = l + 1
  let q = l default 0
  let e = l == 3
  let ne = l != 3
  let m = mean(扣分.分值)
  let c = count(扣分)
  let s = sum(扣分.分值)
  let mx = max(l, 1)
  let cs = case l { >= 3: 1; otherwise: 0 }
  let f = floor(l)
  let neg = -l)KP"));
  // A's last value is 3 (the empty cell of the second row has no value and is skipped);
  // B has no rows: every figure built on l has no value and prints empty, `==` is 否.
  EXPECT_EQ(r->table({"l", "p", "q", "e", "ne", "m", "c", "s", "mx", "cs", "f", "neg"}),
            "A: 3.00 4.00 3.00 是 否 3.00 2 3.00 3.00 1 3 -3.00\n"
            "B:   0.00 否 是  0 0.00    \n");
}

TEST_F(Engine, KleeneLogicInAlerts) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  std::string scheme = persons(R"KP(
  param p: int optional
  alert "or-true" when p > 3 or true
  alert "and-false" when p > 3 and false
  alert "and-true" when p > 3 and true
  alert "or-false" when p > 3 or false
  alert "not" when not (p > 3)
  alert "eq" when p == 3
  alert "ne" when p != 3
  alert "true-or" when true or p > 3
  alert "false-and" when false and p > 3)KP");
  auto fired = [&](std::optional<std::string> p) {
    eval::Inputs in;
    if (p) in.params = {{"p", *p}};
    auto r = run(scheme, in);
    if (!r->results) return "FAILED: " + r->gnu();
    std::string out;
    for (const eval::AlertHit& a : r->results->alerts) out += a.message + " ";
    return out;
  };
  // p has no value: `p > 3` has none; `no value or true` is true, `no value and false` is
  // false, the others have no value and do not fire; `== 3` is 否 and `!= 3` is 是.
  EXPECT_EQ(fired(std::nullopt), "or-true ne true-or ");
  EXPECT_EQ(fired("5"), "or-true and-true or-false ne true-or ");
  EXPECT_EQ(fired("3"), "or-true not eq true-or ");
}

// ---------------------------------------------------------------------------- tiers and cohorts

TEST_F(Engine, TiersCapsVetoesQuotasAndRanks) {
  write("data/roster.csv",
        "id,name,unit,dept,role\n"
        "P1,1,局,一处,科员\nP2,2,局,一处,科员\nP3,3,局,一处,科员\nP4,4,局,一处,科员\nP5,5,局,一处,科员\n"
        "P6,6,局,一处,科员\nP7,7,局,一处,科员\nP8,8,局,一处,科员\nP9,9,局,一处,科员\nP10,10,局,二处,科员\nP11,11,局,二处,科员\n");
  write("data/events.csv",
        "date,kind,subject,分值,查实\n"
        "2024-01-01,扣分,P1,5,\n2024-01-01,扣分,P2,4,\n2024-01-01,扣分,P3,4,\n2024-01-01,扣分,P4,15,\n"
        "2024-01-01,扣分,P5,14.99,\n2024-01-01,扣分,P6,40,\n2024-01-01,扣分,P7,40.01,\n2024-01-01,廉政,P8,,是\n"
        "2024-01-01,扣分,P9,1,\n2024-01-02,否决,P9,,\n2024-01-01,扣分,P10,10,\n");
  auto r = run(persons(R"KP(
  event 扣分 { 分值: decimal }
  event 廉政 { 查实: bool }
  event 否决 {}
  score 总 base 100 floor 0 { each 扣分: deduct 分值 }
  tier 等次 on 总 { 优秀: 95 以上; 良好: 超过 85; 合格: 60 至 85; 不合格: otherwise }
  cap 等次 at most 合格 when exists(廉政 where 查实)
  veto 等次 to 不合格 when exists(否决)
  quota 等次 优秀 at most 1 per dept by 总 desc, id asc else 良好
  rank 名次 by 总 desc within dept)KP"));
  // Tiers: 95 以上 includes 95 (P1); 超过 85 excludes 85 (P4 is 合格, P5 at 85.01 良好);
  // 60 至 85 includes 60 (P6); P7 at 59.99 不合格. P8 (100) is capped to 合格 and P9 (99)
  // vetoed to 不合格 before the quota: 一处 then has P2 96, P3 96, P1 95 at 优秀; P2 keeps
  // it (tie with P3 broken by id), P3 and P1 become 良好. 二处: P11 (100) keeps 优秀.
  // Ranks within each dept by 总 desc, ties by id.
  EXPECT_EQ(r->table({"总", "等次", "名次"}),
            "P1: 95.00 良好 5\n"
            "P10: 90.00 良好 2\n"
            "P11: 100.00 优秀 1\n"
            "P2: 96.00 优秀 3\n"
            "P3: 96.00 良好 4\n"
            "P4: 85.00 合格 7\n"
            "P5: 85.01 良好 6\n"
            "P6: 60.00 合格 8\n"
            "P7: 59.99 不合格 9\n"
            "P8: 100.00 合格 1\n"
            "P9: 99.00 不合格 2\n");
}

TEST_F(Engine, QuotaOnlyWhereTheGroupIsLargeEnough) {
  std::string roster = "id,name,unit,dept,role\n";
  for (int i = 1; i <= 6; ++i) roster += "S" + std::to_string(i) + ",x,局,大处,科员\n";
  roster += "T1,x,局,小处,科员\nT2,x,局,小处,科员\n";
  write("data/roster.csv", roster);
  write("data/events.csv", "date,kind,subject\n");
  auto r = run(persons(R"KP(
  event 扣分 {}
  score 总 base 100 { each 扣分: deduct 1 }
  tier 等次 on 总 { 优秀: >= 95; 合格: otherwise }
  quota 等次 优秀 at most 1 per dept when size(dept) >= 6 by 总 desc, id asc else 合格)KP"));
  // 大处 has 6: only S1 (first by id among equal scores) keeps 优秀. 小处 has 2: no quota.
  EXPECT_EQ(r->table({"等次"}), "S1: 优秀\nS2: 合格\nS3: 合格\nS4: 合格\nS5: 合格\nS6: 合格\nT1: 优秀\nT2: 优秀\n");
}

TEST_F(Engine, ConditionsAndReasons) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\nC,丙,局,一处,科员\n");
  write("data/events.csv",
        "date,kind,subject\n2024-01-01,缺席,A\n2024-01-02,缺席,A\n2024-01-03,缺席,A\n2024-01-04,处分,A\n2024-01-05,处分,C\n");
  auto r = run(persons("  event 缺席 {}\n  event 处分 {}\n"
                       "  conditions 可评优 reasons 不可评 { \"缺席过多\": count(缺席) <= 2; 有处分: not exists(处分) }"));
  EXPECT_EQ(r->table({"可评优", "不可评"}), "A: 否 缺席过多;有处分\nB: 是 \nC: 否 有处分\n");
}

TEST_F(Engine, GroupedFigures) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\n");
  write("data/events.csv",
        "date,kind,subject,分值,类型,内容\n"
        "2024-01-01,扣分,A,1,甲,x\n2024-01-02,扣分,A,2,甲,y\n2024-01-03,扣分,A,3,乙,x\n2024-01-04,扣分,A,0.5,丙,z\n");
  auto r = run(persons(R"KP(
  event 扣分 { 分值: decimal; 类型: enum { 甲, 乙, 丙 }; 内容: string }
  let g by 扣分.类型 = sum(扣分.分值)
  let h by 扣分.内容 = max(扣分.分值)
  let t = sum(g)
  let mx = max(g)
  let n = count(h)
  let hs = sum(h))KP"));
  // By 类型: 甲 3, 乙 3, 丙 0.5. By 内容, each counted once at its highest value: x 3,
  // y 2, z 0.5. B has no rows: the enum groups exist with 0, there are no 内容 groups.
  EXPECT_EQ(r->table({"t", "mx", "n", "hs"}), "A: 6.50 3.00 3 5.50\nB: 0.00 0.00 0 0.00\n");
}

TEST_F(Engine, WeightedBallots) {
  write("data/roster.csv", kRoster);
  write("data/events.csv",
        "date,kind,subject,等次,票数\n"
        "2024-12-01,测评,A,优秀,10\n2024-12-01,测评,A,良好,5\n2024-12-01,测评,A,差,1\n"
        "2024-12-01,测评,B,优秀,1\n2024-12-01,测评,B,一般,2\n2024-12-01,测评,C,良好,0\n");
  auto r = run(persons(R"KP(
  event 测评 { 等次: enum { 优秀, 良好, 一般, 差 }; 票数: int >= 0 }
  score 民主测评 = round(mean(测评: case 等次 { 优秀: 100; 良好: 80; 一般: 60; 差: 40 } weighted by 票数) default 0, 2))KP"));
  // A: (100×10 + 80×5 + 40×1) / 16 = 90; B: (100 + 60×2) / 3 = 73.333… → 73.33;
  // C: no votes (weights add up to 0) and D: no rows → default 0.
  EXPECT_EQ(r->table({"民主测评"}), "A: 90.00\nB: 73.33\nC: 0.00\nD: 0.00\n");
}

TEST_F(Engine, PreviousPeriodFromHistory) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\nC,丙,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,缺席,B\n");
  write("prev.csv", "id,德,上年,连续\nA,96.00,,否\nB,90.00,,否\nZ,99.00,,是\n");
  eval::Inputs in;
  in.history = "prev.csv";
  auto r = run(persons("  event 缺席 {}\n  score 德 base 100 { each 缺席: deduct 0.5 }\n  let 上年 = previous(德)\n"
                       "  let 连续 = previous(德) default 0 >= 95 and 德 >= 95\n  output 德, 上年, 连续"),
               in);
  // Z is no longer appraised and is ignored; C has no previous result.
  EXPECT_EQ(r->table({"德", "上年", "连续"}), "A: 100.00 96.00 是\nB: 99.50 90.00 否\nC: 100.00  否\n");
}

TEST_F(Engine, NoHistoryMeansNoPreviousValue) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  auto r = run(persons("  let 德 = 1\n  let 上年 = previous(德)\n  output 德, 上年"));
  EXPECT_EQ(r->table({"德", "上年"}), "A: 1 \n");
}

TEST_F(Engine, Units) {
  write("data/units.csv", "id,name,parent\n局,市局,\n一分局,一分局,局\n二分局,二分局,局\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,通报,一分局\n2024-01-02,通报,二分局\n2024-01-03,通报,二分局\n");
  auto r = run("scheme \"u\" {\n  period year\n  subjects units\n  event 通报 {}\n  relation 上级单位(u) = u.parent\n"
               "  score 分 base 100 { each 通报: deduct 5; deduct 1 from 上级单位 }\n  let 下属数 = count(全体 where parent == subject)\n}");
  // 一分局 − 5; 二分局 − 10; 局 − 1 − 2 for its units' notices.
  EXPECT_EQ(r->table({"分"}), "一分局: 95.00\n二分局: 90.00\n局: 97.00\n");
}

// ---------------------------------------------------------------------------- inputs

TEST_F(Engine, ParametersFromTheCommandLine) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,缺席,A\n");
  std::string scheme = persons("  param 基数: decimal in [0, 100]\n  param 系数: int default 2\n  event 缺席 {}\n"
                               "  score 德 base 基数 { each 缺席: deduct 系数 }");
  eval::Inputs in;
  in.params = {{"基数", "90"}};
  EXPECT_EQ(run(scheme, in)->table({"德"}), "A: 88.00\n");
  in.params = {{"基数", "90"}, {"系数", "5"}};
  EXPECT_EQ(run(scheme, in)->table({"德"}), "A: 85.00\n");
  in.params = {{"基数", "90"}, {"倍数", "3"}};
  auto unknown = run(scheme, in);
  EXPECT_FALSE(unknown->results);
  EXPECT_EQ(unknown->gnu(), "--param: error[D0122]: the scheme has no parameter `倍数`\n");
  auto missing = run(scheme);
  EXPECT_FALSE(missing->results);
  EXPECT_EQ(missing->gnu(), "--param: error[D0123]: parameter `基数` has no default; give it with --param 基数=VALUE\n");
}

TEST_F(Engine, AnInvalidParameterIsNotAlsoReportedAsMissing) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  std::string scheme = persons("  param 基数: decimal in [0, 100]\n  let a = 基数");
  eval::Inputs in;
  in.params = {{"基数", "101"}};
  auto range = run(scheme, in);
  EXPECT_FALSE(range->results);
  EXPECT_EQ(range->gnu(), "--param: error[D0121]: parameter 基数: 101 is outside [0, 100]\n");
  in.params = {{"基数", "abc"}};
  auto bad = run(scheme, in);
  EXPECT_FALSE(bad->results);
  EXPECT_EQ(bad->gnu(), "--param: error[D0121]: parameter 基数: `abc`: expected a number\n");
}

TEST_F(Engine, SeveralDataDirectoriesAreOneStream) {
  write("d1/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("d2/roster.csv", "id,name,unit,dept,role\nB,乙,局,二处,科员\n");
  write("d1/events.csv", "date,kind,subject\n2024-01-01,缺席,A\n");
  write("d2/events_2.csv", "date,kind,subject\n2024-01-02,缺席,B\n2024-01-03,缺席,A\n");
  write("d2/notes.txt", "not data");
  auto r = run(persons("  event 缺席 {}\n  let n = count(缺席)"), {}, {"d1", "d2"});
  EXPECT_EQ(r->table({"n"}), "A: 2\nB: 1\n");
  write("d2/roster.csv", "id,name,unit,dept,role\nB,乙,局,二处,科员\nA,重,局,二处,科员\n");
  auto dup = run(persons("  event 缺席 {}\n  let n = count(缺席)"), {}, {"d1", "d2"});
  EXPECT_FALSE(dup->results);
  EXPECT_EQ(dup->gnu(),
            "d2/roster.csv:3: error[D0115]: column `id`: `A` appears more than once\n"
            "d1/roster.csv:2: note: the first row with this id\n");
}

TEST_F(Engine, IdsAreSortedByBytes) {
  write("data/roster.csv", "id,name,unit,dept,role\nb,x,局,一处,科员\nB,x,局,一处,科员\nA10,x,局,一处,科员\nA2,x,局,一处,科员\n"
                           "中,x,局,一处,科员\na,x,局,一处,科员\n");
  auto r = run(persons("  let v = 1"));
  ASSERT_TRUE(r->results) << r->gnu();
  std::vector<std::string> order;
  for (uint32_t s : r->results->byId) order.push_back(r->results->ids[s]);
  EXPECT_EQ(order, (std::vector<std::string>{"A10", "A2", "B", "a", "b", "中"}));
  EXPECT_EQ(r->results->ids[0], "b");  // roster order is kept in ids
}

TEST_F(Engine, HeaderOnlyRosterHasNoSubjects) {
  write("data/roster.csv", "id,name,unit,dept,role\n");
  write("data/events.csv", "date,kind,subject\n");
  auto r = run(persons("  event 缺席 {}\n  score 德 base 100 { each 缺席: deduct 1 }"));
  ASSERT_TRUE(r->results) << r->gnu();
  EXPECT_TRUE(r->results->ids.empty());
}

// The same data written in every way DATA.md allows gives the same figures.
TEST_F(Engine, CsvAndJsonLinesVariantsGiveTheSameResults) {
  const std::string scheme = persons(R"KP(
  attribute 类别: enum { 业务类, 党务类 }
  event 缺席 { 请假: bool; 备注: string optional }
  event 扣分 { 分值: decimal in [0, 20] }
  score 德 base 10 floor 0 {
    each 缺席 where not 请假: deduct 2
    each 扣分 where 类别 == 业务类: deduct 分值
  })KP");
  const std::string expected = "A: 6.50\nB: 7.75\nC: 10.00\n";
  struct Variant {
    const char* name;
    std::string roster, events, eventsFile;
  };
  const std::string roster = "id,name,unit,dept,role,类别\nA,甲,局,一处,科员,业务类\nB,乙,局,一处,科员,业务类\nC,丙,局,一处,科员,党务类\n";
  const std::string events =
      "date,kind,subject,请假,分值,备注\n2024-01-05,缺席,A,否,,\n2024-02-01,扣分,A,,1.5,\n2024-02-01,扣分,B,,2.25,\n"
      "2024-02-02,扣分,C,,3,\n";
  std::vector<Variant> variants = {
      {"plain", roster, events, "events.csv"},
      {"BOM and CRLF",
       "\xEF\xBB\xBFid,name,unit,dept,role,类别\r\nA,甲,局,一处,科员,业务类\r\nB,乙,局,一处,科员,业务类\r\nC,丙,局,一处,科员,党务类\r\n",
       "\xEF\xBB\xBF"
       "date,kind,subject,请假,分值,备注\r\n2024-01-05,缺席,A,否,,\r\n2024-02-01,扣分,A,,1.5,\r\n2024-02-01,扣分,B,,2.25,\r\n"
       "2024-02-02,扣分,C,,3,\r\n",
       "events.csv"},
      {"quoted fields with commas, quotes and line breaks", roster,
       "date,kind,subject,请假,分值,备注\n2024-01-05,\"缺席\",\"A\",\"否\",,\"第一行\n第二行, 含逗号 \"\"引号\"\"\"\n"
       "2024-02-01,扣分,A,,\"1.5\",\n2024-02-01,扣分,B,,2.25,\"\"\n2024-02-02,扣分,C,,3,\n",
       "events.csv"},
      {"spaces around values and blank lines",
       "id , name , unit , dept , role , 类别\n A , 甲 , 局 , 一处 , 科员 , 业务类 \n\nB,乙,局,一处,科员,业务类\n C,丙,局,一处,科员,\t党务类\n",
       "date,kind,subject,请假,分值,备注\n 2024-01-05 , 缺席 , A , 否 , , \n\n2024-02-01,扣分,A,, 1.5 ,\n   \n"
       "2024-02-01,扣分,B,,2.25,\n2024-02-02,扣分,C,,3,\n",
       "events.csv"},
      {"columns in another order and undeclared columns",
       "类别,备注,role,dept,unit,name,id\n业务类,x,科员,一处,局,甲,A\n业务类,y,科员,一处,局,乙,B\n党务类,z,科员,一处,局,丙,C\n",
       "备注,分值,subject,来源,请假,kind,date\n,,A,人事处,否,缺席,2024-01-05\n,1.5,A,,,扣分,2024-02-01\n,2.25,B,,,扣分,2024-02-01\n"
       ",3,C,,,扣分,2024-02-02\n",
       "events.csv"},
      {"JSON Lines", roster,
       "{\"date\": \"2024-01-05\", \"kind\": \"缺席\", \"subject\": \"A\", \"请假\": false}\n"
       "{\"date\": \"2024-02-01\", \"kind\": \"扣分\", \"subject\": \"A\", \"分值\": 1.5, \"来源\": \"x\"}\n"
       "\n"
       "{\"subject\": \"B\", \"kind\": \"扣分\", \"date\": \"2024-02-01\", \"分值\": \"2.25\", \"备注\": null}\r\n"
       "{\"date\": \"2024-02-02\", \"kind\": \"扣分\", \"subject\": \"C\", \"分值\": 3}\n",
       "events.jsonl"},
  };
  for (const Variant& v : variants) {
    std::filesystem::remove_all(path("data"));
    write("data/roster.csv", v.roster);
    write("data/" + v.eventsFile, v.events);
    if (std::string(v.name) == "plain") write("data/events_empty.csv", "date,kind,subject\n");  // header only: no rows
    auto r = run(scheme);
    ASSERT_TRUE(r->results) << v.name << "\n" << r->gnu();
    EXPECT_EQ(r->table({"德"}), expected) << v.name;
  }
}

// ---------------------------------------------------------------------------- bad data

TEST_F(Engine, BadRowsAreReportedWithTheirLines) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("data/events.csv",
        "date,kind,subject,备注,天数\n"
        "2024-01-01,缺席,A,\"两行\n的备注\",1\n"  // a record over lines 2 and 3
        "2024-01-02,缺席,Z,x,1\n"
        "2024-01-03,缺席,A,x,3.5\n"
        "2024-01-04,缺席,A,x\n"
        "2024-01-05,迟到,A,x,1\n"
        "2024-01-32,缺席,A,x,1\n"
        "2024-01-06,缺席,A,x,\n"
        "2024-01-07,缺席,A,x,-1\n");
  auto r = run(persons("  event 缺席 { 备注: string; 天数: int >= 0 }\n  let n = count(缺席)"));
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(),
            "data/events.csv:4: error[D0114]: column `subject`: `Z` is not in roster.csv\n"
            "data/events.csv:5: error[D0110]: column `天数`: `3.5` is not an integer\n"
            "data/events.csv:6: error[D0106]: the row has 4 fields but the header has 5\n"
            "data/events.csv:7: error[D0113]: column `kind`: unknown event kind `迟到`\n"
            "data/events.csv:8: error[D0116]: column `date`: `2024-01-32` is not a date (YYYY-MM-DD)\n"
            "data/events.csv:9: error[D0109]: column `天数` is empty\n"
            "data/events.csv:10: error[D0111]: column `天数`: -1 is outside the declared range [0, +∞)\n");
  const Diagnostic* bad = nullptr;
  for (const Diagnostic& d : r->diags.all())
    if (d.id == DiagId::DataBadValue) bad = &d;
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->where.column, "天数");
  EXPECT_EQ(bad->where.line, 5u);
}

TEST_F(Engine, AnEmptyDateOnTheFirstRowIsAnError) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n,缺席,A\n2024-01-02,缺席,A\n");
  auto r = run(persons("  event 缺席 {}\n  let n = count(缺席)"));
  EXPECT_FALSE(r->results) << "an event without a date was counted";
  EXPECT_THAT(r->gnu(), HasSubstr("data/events.csv:2: error["));
}

TEST_F(Engine, EveryBadRosterRowIsReported) {
  // A bad value on one row must not hide the duplicate id on another.
  write("data/roster.csv", "id,name,unit,dept,role,年龄\nA,甲,局,一处,科员,30\nB,乙,局,一处,科员,17\nA,丙,局,二处,科员,40\n");
  auto r = run(persons("  attribute 年龄: int in [18, 65]\n  let a = 年龄"));
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(),
            "data/roster.csv:3: error[D0111]: column `年龄`: 17 is outside the declared range [18, 65]\n"
            "data/roster.csv:4: error[D0115]: column `id`: `A` appears more than once\n"
            "data/roster.csv:2: note: the first row with this id\n");
}

TEST_F(Engine, RosterAndFileLevelErrors) {
  auto scheme = persons("  attribute 类别: string\n  event 缺席 {}\n  let n = count(缺席)");
  auto r = run(scheme);
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(), "data: error[D0102]: no roster.csv in data\n");  // the temporary directory is removed
  write("data/roster.csv", "id,name,unit,role\nA,甲,局,科员\n");
  r = run(scheme);
  EXPECT_EQ(r->gnu(),
            "data/roster.csv:1: error[D0104]: the header has no column `dept` (every roster.csv needs it)\n"
            "data/roster.csv:1: error[D0104]: the header has no column `类别` (the scheme declares this attribute)\n");
  write("data/roster.csv", "id,name,unit,dept,role,类别\nA,甲,局,一处,科员,x\n");
  write("data/events.csv", "");
  r = run(scheme);
  EXPECT_EQ(r->gnu(), "data/events.csv:1: error[D0103]: the file is empty: it has no header row\n");
  write("data/events.csv", "date,kind,subject,kind\n");
  r = run(scheme);
  EXPECT_EQ(r->gnu(), "data/events.csv:1: error[D0105]: column `kind` appears twice in the header\n");
}

TEST_F(Engine, UnreadableRoster) {
  std::filesystem::create_directories(path("data/roster.csv"));
  auto r = run(persons("  let a = 1"));
  EXPECT_FALSE(r->results);
  ASSERT_EQ(r->diags.all().size(), 1u) << r->gnu();
  EXPECT_EQ(r->diags.all()[0].code(), "D0101");
  EXPECT_THAT(r->gnu(), ::testing::StartsWith("data/roster.csv: error[D0101]: cannot read "));
}

TEST_F(Engine, InvalidUtf8InValues) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,备注\n2024-01-01,缺席,A,a\xFF"
                           "b\n2024-01-01,缺\xE5,A,x\n");
  auto r = run(persons("  event 缺席 { 备注: string }\n  let n = count(缺席)"));
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(),
            "data/events.csv:2: error[D0129]: column `备注` is not valid UTF-8: `a\\xFFb`\n"
            "data/events.csv:3: error[D0113]: column `kind`: unknown event kind `缺\\xE5`\n");
}

TEST_F(Engine, UnitsWithUnknownOrCyclicParents) {
  std::string scheme = "scheme \"u\" {\n  period year\n  subjects units\n  let a = 1\n}";
  write("data/units.csv", "id,name,parent\n局,市局,\n一分局,一分局,总局\n");
  auto r = run(scheme);
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(), "data/units.csv:3: error[D0117]: column `parent`: `总局` is not a unit in units.csv\n");
  write("data/units.csv", "id,name,parent\n甲,甲,乙\n乙,乙,甲\n丙,丙,\n");
  r = run(scheme);
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(),
            "data/units.csv:2: error[D0118]: unit `甲` is its own ancestor\n"
            "data/units.csv:3: error[D0118]: unit `乙` is its own ancestor\n");
}

TEST_F(Engine, InputConstraintsReportTheRowsTheyCount) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\nC,丙,局,二处,科员\n");
  write("data/events.csv",
        "date,kind,subject,等次\n2024-12-01,工作评价,A,优秀\n2024-12-01,工作评价,C,优秀\n2024-12-01,工作评价,B,优秀\n");
  auto r = run(persons("  event 工作评价 { 等次: enum { 优秀, 良好 } }\n"
                       "  constraint per dept: count(工作评价 where 等次 == 优秀) <= 1 reason \"每处至多一个优秀\"\n  let a = 1"));
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(),
            "data/events.csv:2: error[D0119]: input constraint violated in dept `局/一处`: 每处至多一个优秀\n"
            "scheme.kp:5:3: note: `constraint` is declared here\n"
            "data/events.csv:4: note: row counted by the constraint\n");
}

// ---------------------------------------------------------------------------- evaluation errors

TEST_F(Engine, NoArmMatches) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,X,B\n2024-01-02,X,B\n");
  auto r = run(persons("  event X {}\n  let k = case count(X) { 0: \"无\"; 1: \"一\" }"));
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(), "scheme.kp:5:11: error[R0103]: the value matches no arm for subject `B`\n");
}

TEST_F(Engine, ArithmeticOverflow) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,X,B\n2024-01-02,X,B\n");
  auto r = run(persons("  event X {}\n  let o = count(X) * 99999999999999999999"));
  EXPECT_FALSE(r->results);
  EXPECT_EQ(r->gnu(), "scheme.kp:5:11: error[R0102]: arithmetic overflow for subject `B`\n");
}

}  // namespace
}  // namespace kaoping::testing
