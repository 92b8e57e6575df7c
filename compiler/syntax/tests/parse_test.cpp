// Tests for compiler/syntax: rule text → AST (ast::print), the bilingual and full-width
// spellings, every diagnostic the parser emits with its line:col, and the configurable
// limits (N accepted, N+1 rejected cleanly).
#include "compiler/syntax/parse.h"

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <memory>
#include <string>

#include "compiler/support/diagnostics.h"

namespace kaoping::syntax {
namespace {

struct Parsed {
  SourceManager sources;
  Diagnostics diags;
  std::unique_ptr<ast::Scheme> ast;

  std::string gnu() const { return DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Gnu); }
  std::string printed() const { return ast ? ast::print(*ast) : std::string("<no AST>"); }
  // "line:col" of a span of this file.
  std::string at(Span s) const {
    LineColumn lc = sources.file(s.file).lineColumn(s.begin);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
  std::string text(Span s) const { return std::string(sources.text(s)); }
};

std::unique_ptr<Parsed> parseText(std::string text, const Limits& limits = {}) {
  auto p = std::make_unique<Parsed>();
  FileId id = p->sources.add("t.kp", std::move(text));
  p->ast = parse(p->sources, id, p->diags, limits);
  return p;
}

// A scheme around some declarations: the declarations start on line 4.
std::string scheme(const std::string& body) {
  return "scheme \"t\" {\n  period year\n  subjects persons\n" + body + "\n}\n";
}

// The printed declarations after the three header lines of scheme().
std::string declsOf(const Parsed& p) {
  std::string s = p.printed();
  size_t at = s.find("  subjects persons\n");
  return at == std::string::npos ? s : s.substr(at + std::string("  subjects persons\n").size());
}

std::string exprOf(const std::string& expr) {
  auto p = parseText(scheme("  let a = " + expr));
  if (!p->ast) return "ERROR: " + p->gnu();
  std::string d = declsOf(*p);
  const std::string prefix = "  let a = ";
  if (d.rfind(prefix, 0) != 0) return d;
  return d.substr(prefix.size(), d.size() - prefix.size() - 1);
}

// ---------------------------------------------------------------------------- shapes

TEST(ParseShape, MinimalScheme) {
  auto p = parseText("scheme \"城管局\" version \"2024\" {\n  period year\n  subjects persons\n}\n");
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(p->printed(), "scheme \"城管局\" version \"2024\"\n  period year\n  subjects persons\n");
  EXPECT_EQ(p->ast->name, "城管局");
  EXPECT_EQ(p->ast->version, "2024");
  EXPECT_FALSE(p->ast->extends.has_value());
  EXPECT_FALSE(p->ast->chineseKeywords);
  EXPECT_EQ(p->ast->decls.size(), 2u);
  EXPECT_TRUE(p->diags.all().empty());
}

TEST(ParseShape, ExtendsAndEmptyBody) {
  auto p = parseText("scheme \"local\" extends \"base.kp\" {}");
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(p->printed(), "scheme \"local\" extends \"base.kp\"\n");
  EXPECT_EQ(p->text(p->ast->extendsSpan), "\"base.kp\"");
}

TEST(ParseShape, OperatorPrecedenceAndAssociativity) {
  EXPECT_EQ(exprOf("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(exprOf("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(exprOf("8 / 4 / 2"), "(/ (/ 8 4) 2)");
  EXPECT_EQ(exprOf("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(exprOf("-a * b"), "(* (- a) b)");
  EXPECT_EQ(exprOf("- -4"), "(- (- 4))");
  EXPECT_EQ(exprOf("+a"), "(+ a)");
  EXPECT_EQ(exprOf("a.b.c"), "(. (. a b) c)");
  EXPECT_EQ(exprOf("x default 0 + 1"), "(default x (+ 0 1))");
  EXPECT_EQ(exprOf("a + 1 > b default 0"), "(> (+ a 1) (default b 0))");
  EXPECT_EQ(exprOf("not a and b"), "(and (not a) b)");
  EXPECT_EQ(exprOf("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(exprOf("a and b or c and d"), "(or (and a b) (and c d))");
  EXPECT_EQ(exprOf("not a > 1"), "(not (> a 1))");
  EXPECT_EQ(exprOf("x in {1, 2} and y not in {\"a\"}"), "(and (in x 1 2) (not-in y \"a\"))");
  EXPECT_EQ(exprOf("if a then 1 else 2 + 3"), "(if a 1 (+ 2 3))");
}

TEST(ParseShape, Literals) {
  EXPECT_EQ(exprOf("0.15"), "0.15");
  EXPECT_EQ(exprOf("90%"), "90%");
  EXPECT_EQ(exprOf("12.5 %"), "12.5%");
  EXPECT_EQ(exprOf("2500 元"), "2500元");
  EXPECT_EQ(exprOf("3 yuan"), "3元");
  EXPECT_EQ(exprOf("\"处长\""), "\"处长\"");
  EXPECT_EQ(exprOf("“处长”"), "\"处长\"");
  EXPECT_EQ(exprOf("是"), "true");
  EXPECT_EQ(exprOf("否"), "false");
  EXPECT_EQ(exprOf("true"), "true");
  EXPECT_EQ(exprOf("2024-03-01"), "2024-03-01");
  EXPECT_EQ(exprOf("2024 - 3 - 1"), "(- (- 2024 3) 1)");
}

TEST(ParseShape, LiteralKindsAndTexts) {
  auto p = parseText(scheme("  let a = 90%\n  let b = 2500 元\n  let c = \"a\\\"b\\nc\"\n  let d = 是\n  let e = 2024-03-01"));
  ASSERT_TRUE(p->ast) << p->gnu();
  const auto& d = p->ast->decls;
  ASSERT_EQ(d.size(), 7u);
  EXPECT_EQ(d[2]->expr->kind, ast::ExprKind::Percent);
  EXPECT_EQ(d[2]->expr->text, "90");
  EXPECT_EQ(d[3]->expr->kind, ast::ExprKind::Money);
  EXPECT_EQ(d[3]->expr->text, "2500");
  EXPECT_EQ(d[4]->expr->kind, ast::ExprKind::String);
  EXPECT_EQ(d[4]->expr->text, "a\"b\nc");
  EXPECT_EQ(d[5]->expr->kind, ast::ExprKind::Bool);
  EXPECT_TRUE(d[5]->expr->boolValue);
  EXPECT_EQ(d[6]->expr->kind, ast::ExprKind::Date);
  EXPECT_EQ(d[6]->expr->text, "2024-03-01");
}

TEST(ParseShape, ChineseComparisonWordsKeepTheirSpelling) {
  struct Case {
    const char* text;
    ast::CompareOp op;
    ast::CompareSpelling spelling;
  } cases[] = {
      {"a 超过 1", ast::CompareOp::Gt, ast::CompareSpelling::Over},
      {"a 不超过 1", ast::CompareOp::Le, ast::CompareSpelling::NotOver},
      {"a 不满 1", ast::CompareOp::Lt, ast::CompareSpelling::Under},
      {"a 低于 1", ast::CompareOp::Lt, ast::CompareSpelling::Under},
      {"a 不足 1", ast::CompareOp::Lt, ast::CompareSpelling::Under},
      {"a 不低于 1", ast::CompareOp::Ge, ast::CompareSpelling::NotUnder},
      {"a 达到 1", ast::CompareOp::Ge, ast::CompareSpelling::Reach},
      {"a 等于 1", ast::CompareOp::Eq, ast::CompareSpelling::Word},
      {"a 不等于 1", ast::CompareOp::Ne, ast::CompareSpelling::Word},
      {"a ≠ 1", ast::CompareOp::Ne, ast::CompareSpelling::Symbol},
      {"a ≤ 1", ast::CompareOp::Le, ast::CompareSpelling::Symbol},
      {"a ≥ 1", ast::CompareOp::Ge, ast::CompareSpelling::Symbol},
      {"a == 1", ast::CompareOp::Eq, ast::CompareSpelling::Symbol},
  };
  for (const Case& c : cases) {
    auto p = parseText(scheme(std::string("  let x = ") + c.text));
    ASSERT_TRUE(p->ast) << c.text << "\n" << p->gnu();
    const ast::Expr& e = *p->ast->decls[2]->expr;
    EXPECT_EQ(e.kind, ast::ExprKind::Compare) << c.text;
    EXPECT_EQ(e.compareOp, c.op) << c.text;
    EXPECT_EQ(e.spelling, c.spelling) << c.text;
  }
}

TEST(ParseShape, TierBoundsAndPatterns) {
  auto p = parseText(scheme(
      "  tier 等次 on 总分 { 优秀: 95 以上; 良好: 85 至 95; 中: 80 ~ 85; 一般: 70 .. 80; 较差: 60 — 70; 差: 60 以下; "
      "近: 5 以内; 合格: >= 60, < 85; 不合格: otherwise }"));
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(declsOf(*p),
            "  tier 等次 = 总分\n"
            "    优秀: >= 95\n"
            "    良好: [85 .. 95]\n"
            "    中: [80 .. 85]\n"
            "    一般: [70 .. 80]\n"
            "    较差: [60 .. 70]\n"
            "    差: <= 60\n"
            "    近: <= 5\n"
            "    合格: >= 60, < 85\n"
            "    不合格: otherwise\n");
  const auto& arms = p->ast->decls[2]->arms;
  EXPECT_EQ(arms[0].pattern.bounds[0].kind, ast::BoundKind::Above);
  EXPECT_EQ(arms[1].pattern.bounds[0].kind, ast::BoundKind::Range);
  EXPECT_EQ(arms[5].pattern.bounds[0].kind, ast::BoundKind::Below);
  EXPECT_FALSE(arms[5].pattern.bounds[0].belowIsWithin);
  EXPECT_TRUE(arms[6].pattern.bounds[0].belowIsWithin);
  EXPECT_EQ(arms[7].pattern.bounds.size(), 2u);
  EXPECT_TRUE(arms[8].pattern.otherwise);
}

TEST(ParseShape, CaseExpressionWithValueLists) {
  EXPECT_EQ(exprOf("case 等次 { 优秀: 100; 良好, 一般: 80; otherwise: 0 }"),
            "(case 等次 [优秀 => 100] [良好, 一般 => 80] [otherwise => 0])");
  EXPECT_EQ(exprOf("按 x { >= 90: 1; 60 至 89: 2; 其余: 3 }"), "(case x [>= 90 => 1] [[60 .. 89] => 2] [otherwise => 3])");
}

TEST(ParseShape, CallsAndAggregateArguments) {
  EXPECT_EQ(exprOf("round(x, 2)"), "(round x 2)");
  EXPECT_EQ(exprOf("round(x, 2, half_even)"), "(round x 2 half_even)");
  EXPECT_EQ(exprOf("count(缺席 where not 请假)"), "(count 缺席 where (not 请假))");
  EXPECT_EQ(exprOf("sum(请假.天数 where 类型 == 私事)"), "(sum (. 请假 天数) where (== 类型 私事))");
  EXPECT_EQ(exprOf("mean(测评: 分值 weighted by 票数)"), "(mean 测评 : 分值 weighted-by 票数)");
  EXPECT_EQ(exprOf("mean(测评: 分值 weighted\n   by 票数)"), "(mean 测评 : 分值 weighted-by 票数)");
  EXPECT_EQ(exprOf("平均(测评: 分值 加权 票数)"), "(平均 测评 : 分值 weighted-by 票数)");
  EXPECT_EQ(exprOf("max(a, b)"), "(max a b)");
  EXPECT_EQ(exprOf("min(a, b)"), "(min a b)");
  EXPECT_EQ(exprOf("floor(x)"), "(floor x)");
  EXPECT_EQ(exprOf("f()"), "(f)");
}

TEST(ParseShape, EnumOrderFromSeparators) {
  auto p = parseText(scheme("  enum A { x, y }\n  enum B { x < y < z }\n  enum C { x > y }\n  enum D { x < y > z }"));
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(p->ast->decls[2]->enumBody->order, ast::EnumOrder::None);
  EXPECT_EQ(p->ast->decls[3]->enumBody->order, ast::EnumOrder::Ascending);
  EXPECT_EQ(p->ast->decls[4]->enumBody->order, ast::EnumOrder::Descending);
  EXPECT_EQ(p->ast->decls[5]->enumBody->order, ast::EnumOrder::Mixed);
  EXPECT_EQ(p->ast->decls[3]->enumBody->values.size(), 3u);
}

TEST(ParseShape, DeclarationsOfEveryKind) {
  auto p = parseText(scheme(R"KP(  places 2
  rounding half_up
  enum 学历 { 大专 < 本科 < 硕士 }
  attribute 类别: enum { 业务类, 党务类 }
  event 扣分 { 分值: decimal in [0, 20]; 备注: string optional; 次数: int >= 0 default 0 }
  event 重大差错, 推诿
  adjustable param 基数: decimal default 100 in [90, 110]
  relation 上级(p) = persons q where q.dept == p.dept and q != p
  relation 父(u) = u.parent
  依据 "六(一)"
  score 德 base 基数 floor 0 {
    依据 "六(一)1" each 扣分 where 分值 超过 5: deduct 分值; deduct 1 from 上级
    when count(扣分) >= 3: add 2
    each month: deduct 1
    每月: deduct 1
    each 重大差错, 推诿: 从 上级 扣 1; 给 上级 加 1
  }
  score 能 base 100 扣完为止 cap 100 max 100 min 0 places 1 { each 推诿: deduct 1 }
  let g by 扣分.备注 = sum(扣分.分值)
  let t: decimal = 1
  tier 等次 on 德 { 优秀: >= 95; 合格: otherwise }
  rank 名次 by 德 desc, id within dept
  cap 等次 at most 合格 when exists(扣分) reason "有扣分"
  veto 等次 to 合格 when count(扣分) > 10
  quota 等次 优秀 at most 1 per dept when size(dept) >= 6 by 德 desc, id asc else 合格
  conditions 可评优 reasons 未达原因 { "无扣分": count(扣分) == 0; 学历达标: true }
  constraint each dept when true: count(扣分) <= 100 reason "太多"
  constraint: count(扣分) <= 5
  alert "平均分过低" when mean(all: 德) < 60
  output 德, 等次
  set 基数 = 95)KP"));
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(declsOf(*p),
            "  places 2\n"
            "  rounding \"half_up\"\n"
            "  enum 学历 { 大专 < 本科 < 硕士 }\n"
            "  attribute 类别 : enum { 业务类 党务类 }\n"
            "  event 扣分\n"
            "    attribute 分值 : decimal in [0, 20]\n"
            "    attribute 备注 : string optional\n"
            "    attribute 次数 : int >= 0 default 0\n"
            "  event 重大差错 推诿\n"
            "  adjustable param 基数 : decimal default 100 in [90, 110]\n"
            "  relation 上级 / p = persons q = (and (== (. q dept) (. p dept)) (!= q p))\n"
            "  relation 父 / u = (. u parent)\n"
            "  score 德 [cite \"六(一)\"] base 基数 floor 0\n"
            "    each 扣分 (> 分值 5) [cite \"六(一)1\"]: deduct 分值; deduct 1 -> 上级;\n"
            "    when (>= (count 扣分) 3): add 2;\n"
            "    each month: deduct 1;\n"
            "    each-month: deduct 1;\n"
            "    each 重大差错, 推诿: deduct 1 -> 上级; add 1 -> 上级;\n"
            "  score 能 base 100 floor 0 cap 100 max 100 min 0 places 1\n"
            "    each 推诿: deduct 1;\n"
            "  let g by 扣分.备注 = (sum (. 扣分 分值))\n"
            "  let t : decimal = 1\n"
            "  tier 等次 = 德\n"
            "    优秀: >= 95\n"
            "    合格: otherwise\n"
            "  rank 名次 per dept\n"
            "    order 德 desc\n"
            "    order id asc\n"
            "  cap 等次 / 合格 when (exists 扣分) reason \"有扣分\"\n"
            "  veto 等次 = 合格 when (> (count 扣分) 10)\n"
            "  quota 等次 / 优秀 / 合格 per dept = 1 when (>= (size dept) 6)\n"
            "    order 德 desc\n"
            "    order id asc\n"
            "  conditions 可评优 / 未达原因\n"
            "    无扣分: (== (count 扣分) 0)\n"
            "    学历达标: true\n"
            "  constraint per dept = (<= (count 扣分) 100) when true reason \"太多\"\n"
            "  constraint = (<= (count 扣分) 5)\n"
            "  alert \"平均分过低\" when (< (mean all : 德) 60)\n"
            "  output 德 等次\n"
            "  set 基数 = 95\n");
  const auto& d = p->ast->decls;
  EXPECT_TRUE(d[8]->adjustable);
  const ast::Decl& score = *d[11];
  ASSERT_EQ(score.rules.size(), 5u);
  EXPECT_EQ(score.rules[0].effects[1].target->text, "上级");
  EXPECT_FALSE(score.rules[0].effects[1].targetFirst);
  EXPECT_EQ(score.rules[3].kind, ast::RuleKind::EachMonth);
  EXPECT_EQ(score.rules[4].sources.size(), 2u);
  EXPECT_TRUE(score.rules[4].effects[0].targetFirst);
  EXPECT_EQ(score.rules[4].effects[1].kind, ast::EffectKind::Add);
  EXPECT_TRUE(score.rules[4].effects[1].targetFirst);
  ASSERT_EQ(d.size(), 26u);
  EXPECT_EQ(d[12]->figureOptions[1].kind, ast::FigureOptionKind::Deplete);
  EXPECT_EQ(d[20]->conditions[0].labelQuoted, true);
  EXPECT_EQ(d[20]->conditions[1].labelQuoted, false);
  EXPECT_TRUE(d[16]->orderKeys[0].explicitDirection);
  EXPECT_FALSE(d[16]->orderKeys[1].explicitDirection);
}

TEST(ParseShape, TestBlocks) {
  auto p = parseText(scheme(R"KP(  test "缺席两次" {
    persons { P1: dept A, role 科员; "P 2" }
    events { 2024-03-01 缺席 P1 { 活动: 支部生活, 请假: 否 } ×2; 2024-03-02 缺席 "P 2" }
    history { P1: 等次 优秀 }
    param 基数 = 100
    expect P1.德 == 96
    expect error "除数为零"
  })KP"));
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(declsOf(*p),
            "  test \"缺席两次\"\n"
            "    subjects persons\n"
            "      P1 dept=A role=科员\n"
            "      P 2\n"
            "    events\n"
            "      2024-03-01 缺席 P1 活动=支部生活 请假=false x2\n"
            "      2024-03-02 缺席 P 2\n"
            "    history\n"
            "      P1 等次=优秀\n"
            "    param 基数 100\n"
            "    expect (== (. P1 德) 96)\n"
            "    expect-error \"除数为零\"\n");
}

TEST(ParseShape, CommentsAreKeptWithTheirSpans) {
  auto p = parseText("// 标题\nscheme \"t\" { # 注\n  period year /* 块\n 注释 */ subjects persons }\n");
  ASSERT_TRUE(p->ast) << p->gnu();
  ASSERT_EQ(p->ast->comments.size(), 3u);
  EXPECT_EQ(p->ast->comments[0].text, "// 标题");
  EXPECT_EQ(p->ast->comments[1].text, "# 注");
  EXPECT_EQ(p->at(p->ast->comments[1].span), "2:14");
  EXPECT_EQ(p->ast->comments[2].text, "/* 块\n 注释 */");
  EXPECT_EQ(p->at(p->ast->comments[2].span), "3:15");
}

TEST(ParseShape, SpansPointAtTheSource) {
  auto p = parseText(scheme("  依据 \"六\" let 总分 = (德 + 能) * 2\n  places 3"));
  ASSERT_TRUE(p->ast) << p->gnu();
  const ast::Decl& let = *p->ast->decls[2];
  EXPECT_THAT(p->text(let.span), ::testing::EndsWith("let 总分 = (德 + 能) * 2"));
  EXPECT_EQ(p->text(let.name.span), "总分");
  EXPECT_EQ(p->at(let.name.span), "4:14");
  EXPECT_EQ(p->text(let.citation->span), "依据 \"六\"");
  EXPECT_EQ(p->text(let.expr->span), "(德 + 能) * 2");
  EXPECT_EQ(p->text(let.expr->lhs->span), "(德 + 能)");  // the parentheses belong to the span
  EXPECT_EQ(p->text(let.expr->lhs->lhs->span), "德");
  const ast::Decl& places = *p->ast->decls[3];
  EXPECT_EQ(places.number, 3);
  EXPECT_EQ(p->text(places.textSpan), "3");
  EXPECT_EQ(p->ast->file, 0u);
}

TEST(ParseShape, KeywordsInsideLongerNamesAreNames) {
  // The longest match wins: 扣发十三月工资 is a name, `扣 2` is the keyword and a number.
  auto p = parseText(scheme("  let 扣发十三月工资 = 1\n  let 每月考勤 = 2\n  let 不合格率 = 3\n  let month = 4"));
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(declsOf(*p), "  let 扣发十三月工资 = 1\n  let 每月考勤 = 2\n  let 不合格率 = 3\n  let month = 4\n");
}

TEST(ParseShape, WhitespaceIncludesBomIdeographicSpaceAndNbsp) {
  auto p = parseText("\xEF\xBB\xBFscheme\xE3\x80\x80\"t\"\xC2\xA0{ period year\r\n subjects persons }");
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(p->printed(), "scheme \"t\"\n  period year\n  subjects persons\n");
}

TEST(ParseShape, AtMostAcrossALineBreak) {
  auto p = parseText(scheme("  cap 等次 at\n    most 合格 when true"));
  ASSERT_TRUE(p->ast) << p->gnu();
  EXPECT_EQ(declsOf(*p), "  cap 等次 / 合格 when true\n");
}

// ---------------------------------------------------------------------------- spellings

const char* kEnglish = R"KP(scheme "t" version "1" {
  period year
  subjects persons
  places 2
  enum 学历 { 大专 < 本科 < 硕士 }
  attribute 类别: enum { 业务类, 党务类 }
  event 扣分 { 分值: decimal in [0, 20]; 备注: string optional; 次数: int >= 0 default 0 }
  adjustable param 基数: decimal default 100
  relation 上级(p) = persons q where q.dept == p.dept and q != p
  cite "六" score 德 base 基数 floor 0 {
    cite "六1" each 扣分 where 分值 > 5 and not (次数 in {1, 2}): deduct 分值; deduct 1 from 上级
    when count(扣分) >= 3 or true: add 2 to 上级
  }
  let m = mean(扣分: 分值 weighted by 次数) default 0
  let x = if 德 > 1 then 1 else 2
  tier 等次 on 德 { 优秀: >= 95; 合格: otherwise }
  rank 名次 by 德 desc, id asc within dept
  cap 等次 at most 合格 when exists(扣分 where 分值 > 1) reason "r"
  veto 等次 to 合格 when false
  quota 等次 优秀 at most 1 per dept when size(dept) >= 6 by 德 desc else 合格
  conditions 可评 reasons 不可评原因 { 无: count(扣分) == 0 }
  constraint per dept: count(扣分) <= 100 reason "太多"
  alert "低" when mean(all: 德) < 60
  output 德, 等次
  test "t" { persons { P1: dept A } expect P1.德 == 100 }
})KP";

const char* kChinese = R"KP(方案 "t" 版本 "1" {
  周期 year
  考评对象 persons
  小数位 2
  枚举 学历 { 大专 < 本科 < 硕士 }
  属性 类别： 枚举 { 业务类，党务类 }
  事件 扣分 { 分值：decimal 属于 [0，20]；备注：string 可缺；次数：int >= 0 默认 0 }
  可调 参数 基数：decimal 默认 100
  关系 上级（p） = persons q 其中 q.dept == p.dept 并且 q != p
  依据 "六" 计分 德 基础分 基数 下限 0 {
    依据 "六1" 每 扣分 其中 分值 > 5 且 不 （次数 属于 {1、2}）：扣 分值；扣 1 从 上级
    当 count（扣分） >= 3 或者 是：加 2 给 上级
  }
  定义 m = mean（扣分： 分值 加权 次数） 默认 0
  定义 x = 如果 德 > 1 那么 1 否则 2
  分档 等次 按 德 { 优秀：>= 95；合格：其余 }
  排序 名次 按 德 降序，id 升序 分组 dept
  上限 等次 至多 合格 当 exists（扣分 其中 分值 > 1） 理由 "r"
  一票否决 等次 为 合格 当 否
  名额 等次 优秀 至多 1 每 dept 当 size（dept） >= 6 按 德 降序 否则 合格
  条件 可评 原因 不可评原因 { 无：count（扣分） == 0 }
  约束 每 dept：count（扣分） <= 100 理由 "太多"
  警示 "低" 当 mean（all： 德） < 60
  输出 德，等次
  测试 "t" { persons { P1： dept A } 预期 P1.德 == 100 }
})KP";

TEST(ParseSpelling, ChineseAndEnglishKeywordsGiveTheSameTree) {
  auto en = parseText(kEnglish);
  auto zh = parseText(kChinese);
  ASSERT_TRUE(en->ast) << en->gnu();
  ASSERT_TRUE(zh->ast) << zh->gnu();
  EXPECT_EQ(en->printed(), zh->printed());
  EXPECT_FALSE(en->ast->chineseKeywords);
  EXPECT_TRUE(zh->ast->chineseKeywords);
  // What the printer does not show is the same too.
  const auto& a = en->ast->decls;
  const auto& b = zh->ast->decls;
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a[3]->enumBody->order, b[3]->enumBody->order);
  EXPECT_EQ(a[6]->adjustable, b[6]->adjustable);
  EXPECT_EQ(a[12]->orderKeys[1].explicitDirection, b[12]->orderKeys[1].explicitDirection);
  EXPECT_EQ(a[8]->citation->text, b[8]->citation->text);
}

TEST(ParseSpelling, FullWidthPunctuationIsTheSameAsAscii) {
  auto ascii = parseText(scheme(
      "  event 缺席 { 请假: bool; 天数: int }\n"
      "  let a = (1 + 2) * 3 / 4 - 5%\n"
      "  let b = a >= 1 and a <= 2 and a != 3\n"
      "  let c = max(a, 1) in {1, 2, 3}\n"
      "  let d = \"文本\";"));
  auto wide = parseText(scheme(
      "  event 缺席 { 请假： bool； 天数： int }\n"
      "  let a = （1 + 2） × 3 ÷ 4 - 5％\n"
      "  let b = a ≥ 1 and a ≤ 2 and a ≠ 3\n"
      "  let c = max（a， 1） in {1、 2， 3}\n"
      "  let d = “文本”；"));
  ASSERT_TRUE(ascii->ast) << ascii->gnu();
  ASSERT_TRUE(wide->ast) << wide->gnu();
  EXPECT_EQ(ascii->printed(), wide->printed());
  EXPECT_EQ(declsOf(*ascii),
            "  event 缺席\n"
            "    attribute 请假 : bool\n"
            "    attribute 天数 : int\n"
            "  let a = (- (/ (* (+ 1 2) 3) 4) 5%)\n"
            "  let b = (and (and (>= a 1) (<= a 2)) (!= a 3))\n"
            "  let c = (in (max a 1) 1 2 3)\n"
            "  let d = \"文本\"\n");
}

// ---------------------------------------------------------------------------- diagnostics

TEST(ParseErrors, DoubleEqualsSuggestedForAssignment) {
  auto p = parseText(scheme("  event 缺席 { 请假: bool }\n  score 德 base 100 {\n    each 缺席 where 请假 = 是: deduct 2\n  }"));
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:6:22: error[K0103]: `=` defines a name; compare with `==`\n");
  ASSERT_EQ(p->diags.all().size(), 1u);
  ASSERT_EQ(p->diags.all()[0].fixits.size(), 1u);
  EXPECT_EQ(p->diags.all()[0].fixits[0].replacement, "==");
  EXPECT_EQ(p->text(p->diags.all()[0].fixits[0].span), "=");
}

TEST(ParseErrors, UnexpectedCharacter) {
  auto p = parseText(scheme("  let a = 1 $ 2\n  let b = 【3】"));
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(),
            "t.kp:4:13: error[K0102]: unexpected character `$`\n"
            "t.kp:5:11: error[K0102]: unexpected character `【`\n"
            "t.kp:5:13: error[K0102]: unexpected character `】`\n");
}

TEST(ParseErrors, UnterminatedString) {
  auto p = parseText(scheme("  let 名 = \"处长\n  let b = 1"));
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:4:11: error[K0107]: unterminated string\n");
}

TEST(ParseErrors, UnexpectedTokenListsWhatWasExpected) {
  auto p = parseText("scheme \"x\"\n  period year\n");
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:2:3: error[K0101]: syntax error: unexpected `period`; expected `version/版本`, `extends/继承`, `{`\n");
}

TEST(ParseErrors, UnexpectedToken) {
  auto p = parseText(scheme("  let a 1"));
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:4:9: error[K0101]: syntax error: unexpected `1`\n");
}

TEST(ParseErrors, MissingClosingParenthesis) {
  auto p = parseText(scheme("  let a = (1 + 2\n  let b = 3"));
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:5:3: error[K0101]: syntax error: missing `)` before `let`\n");
}

TEST(ParseErrors, UnexpectedEndOfFile) {
  auto p = parseText("scheme \"x\" {\n  period year\n  let a = 1\n");
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:4:1: error[K0101]: syntax error: unexpected end of file\n");
}

TEST(ParseErrors, MissingOperandPointsAtTheTokenAfterTheOperator) {
  // `(2 + )`: the `+` is fine, the `)` is where an operand is missing.
  auto p = parseText(scheme("  let a = 1 * (2 + )"));
  EXPECT_FALSE(p->ast);
  ASSERT_EQ(p->diags.all().size(), 1u) << p->gnu();
  const Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(d.code(), "K0101");
  EXPECT_EQ(p->at(d.span), "4:20") << p->gnu();
  EXPECT_NE(d.message(Lang::En).find("unexpected `)`"), std::string::npos) << p->gnu();
}

TEST(ParseErrors, MissingBraceDoesNotCascadeIntoAnEqualsError) {
  // One missing `}` must not make the correct `let b = 2` look like `=` for `==`.
  auto p = parseText(scheme("  event 缺席 { 请假: bool\n  let b = 2"));
  EXPECT_FALSE(p->ast);
  ASSERT_FALSE(p->diags.all().empty());
  EXPECT_EQ(p->gnu().substr(0, p->gnu().find('\n') + 1),
            "t.kp:5:3: error[K0101]: syntax error: unexpected `let`; expected `;`, `}`, `a name`\n");
  for (const Diagnostic& d : p->diags.all()) EXPECT_NE(d.code(), "K0103") << p->gnu();
}

TEST(ParseErrors, ExpectedTokensAreShownInBothSpellings) {
  // `rank 名次 德`: the expected keywords read `by` and `case/按`, never a raw ANTLR literal.
  auto p = parseText(scheme("  rank 名次 德 desc"));
  EXPECT_FALSE(p->ast);
  ASSERT_FALSE(p->diags.all().empty());
  std::string message = p->diags.all()[0].message(Lang::En);
  EXPECT_EQ(message.find('\''), std::string::npos) << message;
  EXPECT_NE(message.find("`case/按`"), std::string::npos) << message;
}

TEST(ParseErrors, KeywordGluedToANameIsSplit) {
  // `从上级` is one name to the lexer; the writer meant `从 上级`.
  auto p = parseText(scheme("  event 缺席 {}\n  score 德 base 100 {\n    each 缺席: deduct 2 从上级\n  }"));
  EXPECT_FALSE(p->ast);
  ASSERT_FALSE(p->diags.all().empty());
  const Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(d.code(), "K0104") << p->gnu();
  ASSERT_EQ(d.fixits.size(), 1u);
  EXPECT_EQ(d.fixits[0].replacement, "从 上级");
}

TEST(ParseErrors, InvalidUtf8IsRejectedWithTheByteOffset) {
  std::string text = scheme("  let a = \"ok\"\n  let b = \"\xE4\xB8\"");
  size_t bad = text.find("\xE4\xB8");
  auto p = parseText(text);
  EXPECT_FALSE(p->ast);
  ASSERT_EQ(p->diags.all().size(), 1u);
  const Diagnostic& d = p->diags.all()[0];
  EXPECT_EQ(d.code(), "K0002");
  EXPECT_EQ(d.message(Lang::En), "the file is not valid UTF-8 (byte offset " + std::to_string(bad) + ")");
  EXPECT_EQ(d.span.begin, bad);
  EXPECT_EQ(p->at(d.span), "5:12");
}

TEST(ParseErrors, SyntaxErrorsAreCappedToAvoidCascades) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "  let a" + std::to_string(i) + " 1\n";
  auto p = parseText(scheme(body));
  EXPECT_FALSE(p->ast);
  EXPECT_GE(p->diags.errorCount(), 1u);
  EXPECT_LE(p->diags.errorCount(), 20u);
}

TEST(ParseErrors, UnreadableFile) {
  SourceManager sources;
  Diagnostics diags;
  auto ast = parseFile(sources, "/nonexistent/规则.kp", diags);
  EXPECT_FALSE(ast);
  EXPECT_EQ(DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Gnu),
            "/nonexistent/规则.kp: error[K0001]: cannot read /nonexistent/规则.kp: No such file or directory\n");
  EXPECT_EQ(sources.size(), 0u);
}

// ---------------------------------------------------------------------------- limits

TEST(ParseLimits, FileSize) {
  std::string text = scheme("  let a = 1");
  Limits limits;
  limits.maxFileBytes = text.size();
  EXPECT_TRUE(parseText(text, limits)->ast);
  limits.maxFileBytes = text.size() - 1;
  auto p = parseText(text, limits);
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:1:1: error[K0003]: the rule file is " + std::to_string(text.size()) +
                          " bytes, more than the limit of " + std::to_string(text.size() - 1) + "\n");
}

TEST(ParseLimits, LineLength) {
  std::string line = "  let a = \"" + std::string(100, 'x') + "\"";  // 112 bytes
  Limits limits;
  limits.maxLineBytes = line.size();
  EXPECT_TRUE(parseText(scheme(line), limits)->ast);
  limits.maxLineBytes = line.size() - 1;
  auto p = parseText(scheme(line), limits);
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:4:1: error[K0008]: line is 112 bytes long, more than the limit of 111\n");
}

TEST(ParseLimits, NameLengthCountsCharacters) {
  std::string ok, tooLong;
  for (int i = 0; i < 200; ++i) ok += "名";
  tooLong = ok + "字";
  EXPECT_TRUE(parseText(scheme("  let " + ok + " = 1"))->ast);
  auto p = parseText(scheme("  let " + tooLong + " = 1"));
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:4:7: error[K0007]: name is 201 characters long, more than the limit of 200\n");
}

TEST(ParseLimits, BracketNesting) {
  // The scheme's own `{` is one level: 9 parentheses inside it make 10.
  Limits limits;
  limits.maxNesting = 10;
  EXPECT_TRUE(parseText(scheme("  let a = " + std::string(9, '(') + "1" + std::string(9, ')')), limits)->ast);
  auto p = parseText(scheme("  let a = " + std::string(10, '(') + "1" + std::string(10, ')')), limits);
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:4:20: error[K0004]: nesting is deeper than the limit of 10\n");
}

TEST(ParseLimits, BracketNestingWithTheDefaultLimit) {
  EXPECT_TRUE(parseText(scheme("  let a = " + std::string(99, '(') + "1" + std::string(99, ')')))->ast);
  auto p = parseText(scheme("  let a = " + std::string(100, '(') + "1" + std::string(100, ')')));
  EXPECT_FALSE(p->ast);
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].code(), "K0004");
}

TEST(ParseLimits, PrefixOperatorNesting) {
  // "brackets and prefix operators inside each other" count against maxNesting.
  Limits limits;
  limits.maxNesting = 10;
  EXPECT_TRUE(parseText(scheme("  let a = " + std::string(9, '-') + "1"), limits)->ast);
  auto minus = parseText(scheme("  let a = " + std::string(11, '-') + "1"), limits);
  EXPECT_FALSE(minus->ast) << "11 prefix operators were accepted with maxNesting = 10";
  ASSERT_EQ(minus->diags.all().size(), 1u);
  EXPECT_EQ(minus->diags.all()[0].code(), "K0004");
  std::string nots;
  for (int i = 0; i < 11; ++i) nots += "not ";
  auto notp = parseText(scheme("  let a = " + nots + "true"), limits);
  EXPECT_FALSE(notp->ast) << "11 `not` were accepted with maxNesting = 10";
  auto mixed = parseText(scheme("  let a = " + std::string(5, '-') + "(((((1)))))"), limits);
  EXPECT_FALSE(mixed->ast) << "5 prefix operators inside 5 parentheses and the scheme were accepted with maxNesting = 10";
}

TEST(ParseLimits, OperatorChain) {
  Limits limits;
  limits.maxChain = 5;
  auto chain = [](const std::string& op, int operators) {
    std::string e = "1";
    for (int i = 0; i < operators; ++i) e += " " + op + " 1";
    return scheme("  let a = " + e);
  };
  EXPECT_TRUE(parseText(chain("+", 5), limits)->ast);
  auto p = parseText(chain("+", 6), limits);
  EXPECT_FALSE(p->ast) << "6 operators in a row were accepted with maxChain = 5";
  ASSERT_EQ(p->diags.all().size(), 1u) << p->gnu();
  EXPECT_EQ(p->diags.all()[0].code(), "K0005");
  EXPECT_EQ(p->diags.all()[0].message(Lang::En), "expression has more than 5 operators in a row");
  EXPECT_TRUE(parseText(chain("and", 5), limits)->ast);
  EXPECT_FALSE(parseText(chain("and", 6), limits)->ast) << "6 `and` in a row were accepted with maxChain = 5";
}

TEST(ParseLimits, OperatorChainWithTheDefaultLimit) {
  auto chain = [](int operators) {
    std::string e = "1";
    for (int i = 0; i < operators; ++i) e += "+1";
    return scheme("  let a = " + e);
  };
  EXPECT_TRUE(parseText(chain(1000))->ast);
  auto p = parseText(chain(1001));
  EXPECT_FALSE(p->ast) << "1001 operators in a row were accepted with the default maxChain of 1000";
}

TEST(ParseLimits, Declarations) {
  Limits limits;
  limits.maxDeclarations = 3;  // period, subjects and one more
  EXPECT_TRUE(parseText(scheme("  let a = 1"), limits)->ast);
  auto p = parseText(scheme("  let a = 1\n  let b = 2"), limits);
  EXPECT_FALSE(p->ast);
  EXPECT_EQ(p->gnu(), "t.kp:5:3: error[K0006]: more than 3 declarations in one scheme\n");
}

}  // namespace
}  // namespace kaoping::syntax
