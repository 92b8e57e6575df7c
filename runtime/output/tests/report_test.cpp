// Tests for report.html (runtime/output/report.h) and `kaoping diff` (runtime/output/diff.h):
// escaping, self-containment, the groups of the summaries, and the causes a diff finds.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "runtime/eval/tests/run_fixture.h"
#include "runtime/output/diff.h"
#include "runtime/output/report.h"

namespace kaoping::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Report : public RunFixture {};

const char* kScheme = R"KP(scheme "报告" version "1" {
  period year
  subjects persons
  places 2
  event 缺席 { 请假: bool }
  event 表彰 { 内容: string }
  score 德 base 100 floor 0 {
    cite "一"
    each 缺席 where not 请假: deduct 2
  }
  let 加分 by 表彰.内容 = count(表彰)
  rank 名次 by 德 desc, id asc
  tier 等次 on 德 { 优秀: >= 99; 合格: >= 95; 不合格: otherwise }
  output 德, 名次, 等次
})KP";


TEST(HtmlEscape, Everything) {
  EXPECT_EQ(output::htmlEscape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(output::htmlEscape("考评"), "考评");
}

TEST(RuleText, WithoutCitationAndComments) {
  EXPECT_EQ(output::ruleText("cite \"六(一)1-4\"  // 每缺席一次扣2分\n    each 缺席 where not 请假: deduct 2"),
            "each 缺席 where not 请假: deduct 2");
  EXPECT_EQ(output::ruleText("依据 \"三\" veto 奖 to 0 元 when x /* note */ reason \"a // b # c\" # end"),
            "veto 奖 to 0 元 when x reason \"a // b # c\"");
}

TEST_F(Report, EscapedAndSelfContained) {
  write("data/roster.csv",
        "id,name,unit,dept,role\nA,<script>alert(1)</script>,局,\"R&D\",科员\nB,乙,局,二处,科员\nC,丙,分局,一处,科员\n");
  write("data/events.csv",
        "date,kind,subject,请假,内容\n2024-01-01,缺席,A,否,\n2024-01-02,缺席,A,否,\n2024-01-03,缺席,B,否,\n"
        "2024-02-01,表彰,C,,<img src=x onerror=alert(2)>\n");
  eval::Inputs in;
  in.traceLedger = true;
  auto r = run(kScheme, in);
  ASSERT_TRUE(r->results) << r->gnu();
  output::ReportInfo info;
  info.period = "2024";
  std::string html = output::reportHtml(*r->results, &r->sources, Lang::Zh, info);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert(1)")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_THAT(html, HasSubstr("局/R&amp;D"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=\"")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  // One script: the report's own.
  size_t scripts = 0;
  for (size_t at = 0; (at = html.find("<script", at)) != std::string::npos; ++at) ++scripts;
  EXPECT_EQ(scripts, 1u);
  // Charts, summaries, the list, a section per subject with its ledger.
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, HasSubstr("考评期 2024"));
  EXPECT_THAT(html, HasSubstr("<h3>按单位</h3>"));
  EXPECT_THAT(html, HasSubstr("<h3>按处室</h3>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#s-0\">A</a>"));
  EXPECT_THAT(html, HasSubstr("<details class=\"subject\" id=\"s-2\">"));
  EXPECT_THAT(html, HasSubstr("×2（每次 -2）"));  // A's two absences on one line
  EXPECT_THAT(html, HasSubstr("scheme.kp:"));
  EXPECT_THAT(html, HasSubstr("[一]"));
}

TEST_F(Report, WithoutLedger) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,请假,内容\n");
  auto r = run(kScheme);
  ASSERT_TRUE(r->results) << r->gnu();
  std::string html = output::reportHtml(*r->results, &r->sources, Lang::En);
  EXPECT_THAT(html, HasSubstr("not traced (--no-ledger)"));
  EXPECT_THAT(html, HasSubstr("<html lang=\"en\">"));
}

TEST_F(Report, UnitGroups) {
  const char* units = R"KP(scheme "单位" {
  period year
  subjects units
  event 扣分
  score 得分 base 100 { each 扣分: deduct 1 }
  output 得分
})KP";
  write("data/units.csv", "id,name,parent\nU1,一局,\nU1-1,一局下属,U1\nU1-1-1,再下属,U1-1\nU2,二局,\n");
  write("data/events.csv", "date,kind,subject\n");
  auto r = run(units);
  ASSERT_TRUE(r->results) << r->gnu();
  const auto& ids = r->results->ids;
  auto groupOf = [&](const std::string& id) {
    return output::unitGroup(*r->results, static_cast<uint32_t>(std::find(ids.begin(), ids.end(), id) - ids.begin()), Lang::En);
  };
  EXPECT_EQ(groupOf("U1-1-1"), "U1 一局");
  EXPECT_EQ(groupOf("U2"), "U2 二局");
  EXPECT_EQ(output::unitGroupTitle(*r->results, Lang::En), "unit (with the units under it)");
  write("flat/units.csv", "id,name,parent\nU1,一局,\nU2,二局,\n");
  write("flat/events.csv", "date,kind,subject\n");
  auto flat = run(units, {}, {"flat"});
  ASSERT_TRUE(flat->results) << flat->gnu();
  EXPECT_EQ(output::unitGroup(*flat->results, 0, Lang::Zh), "全部单位");
}

class Diff : public RunFixture {
 protected:
  std::unique_ptr<RunResult> traced(const std::string& scheme) {
    eval::Inputs in;
    in.traceLedger = true;
    auto r = run(scheme, in);
    if (!r->results) ADD_FAILURE() << r->gnu();
    return r;
  }
  std::string diff(const std::string& a, const std::string& b, Lang lang = Lang::En) {
    auto x = traced(a), y = traced(b);
    if (!x->results || !y->results) return "";
    output::DiffReport report =
        output::diff({*x->results, x->sources, "old.kp"}, {*y->results, y->sources, "new.kp"}, lang);
    differs = report.differs;
    return report.text;
  }
  bool differs = false;  // of the last diff
  void SetUp() override {
    RunFixture::SetUp();
    write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\nC,丙,分局,一处,科员\n");
    write("data/events.csv", "date,kind,subject,请假,内容\n2024-01-01,缺席,A,否,\n2024-01-02,缺席,B,否,\n"
                             "2024-01-03,缺席,B,否,\n2024-01-04,缺席,C,是,\n");
  }
  static std::string replace(std::string s, const std::string& from, const std::string& to) {
    size_t at = s.find(from);
    if (at == std::string::npos) throw std::runtime_error("no " + from);
    return s.replace(at, from.size(), to);
  }
};

TEST_F(Diff, Identical) {
  std::string out = diff(kScheme, replace(kScheme, "scheme \"报告\"", "// a comment\nscheme \"报告\""));
  EXPECT_THAT(out, HasSubstr("3 subjects, 0 with changed results"));
  EXPECT_THAT(out, Not(HasSubstr("because")));
  EXPECT_FALSE(differs);
}

TEST_F(Diff, ChangedDeductionAndTier) {
  std::string changed = replace(replace(kScheme, "deduct 2", "deduct 3"), "合格: >= 95", "合格: >= 96");
  std::string out = diff(kScheme, changed);
  // A: 98 → 97, still 合格; B: 96 → 94, 合格 → 不合格; C: on leave, unchanged.
  EXPECT_THAT(out, HasSubstr("3 subjects, 2 with changed results; tier up 0, down 1; 名次 up 0, down 0"));
  EXPECT_TRUE(differs);
  EXPECT_THAT(out, HasSubstr("\nA 甲 (局/一处)\n  德: 98.00 → 97.00 (-1.00)\n"));
  EXPECT_THAT(out, HasSubstr("  等次: 合格 → 不合格 (down 1)\n"));
  EXPECT_THAT(out, HasSubstr("德: rule scheme.kp:9:5 `each 缺席 where not 请假: deduct 3` (was scheme.kp:9:5 `…请假: deduct 2`): "
                             "-4 (2×) → -6 (2×)"));
  EXPECT_THAT(out, HasSubstr("等次: tier arm `合格: >= 95` → `不合格: otherwise`; `合格: >= 95` became `合格: >= 96`"));
  EXPECT_THAT(out, Not(HasSubstr("C 丙")));
  EXPECT_THAT(out, HasSubstr("Changes by rule"));
  EXPECT_THAT(out, HasSubstr("  局           2       2       0         1       0         0\n"));
}

TEST_F(Diff, RemovedRuleAndRank) {
  std::string changed = replace(kScheme, "    cite \"一\"\n    each 缺席 where not 请假: deduct 2\n", "");
  std::string out = diff(kScheme, changed, Lang::Zh);
  EXPECT_THAT(out, HasSubstr("德：规则 已删除 scheme.kp:9:5 `each 缺席 where not 请假: deduct 2`：-4（2 次） → 未适用"));
  // Everyone at 100 now: the ranks follow the ids.
  EXPECT_THAT(out, HasSubstr("  德：96.00 → 100.00（+4.00）\n  名次：3 → 2（上升 1 位）\n  等次：合格 → 优秀（升 1 档）\n"));
  EXPECT_THAT(out, HasSubstr("C 丙 (分局/一处)\n  名次：1 → 3（下降 2 位）\n"));
  EXPECT_THAT(out, HasSubstr("适用于它的规则未变"));
  EXPECT_THAT(out, HasSubstr("考评对象 3 个，结果有变化的 3 个；等次升 2 降 0；名次上升 2 下降 1\n"));
}

}  // namespace
}  // namespace kaoping::testing
