// Tests for runtime/output: results.csv (places, 是/否, ids sorted by bytes, RFC 4180
// quoting), results.json, atomic writes, and that a results.csv reads back as history.
#include "runtime/output/results.h"

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "runtime/eval/tests/run_fixture.h"

namespace kaoping::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class Results : public RunFixture {};

const char* kScheme = R"KP(scheme "结果" version "2024" {
  period year
  subjects persons
  places 2
  param 奖金: money default 2500 元
  event 扣分 { 分值: decimal; 备注: string optional }
  event 调查 { 率: percentage }
  score 德 base 100 floor 0 { each 扣分: deduct 分值 }
  score 次 base 10 { each 扣分: deduct 1 }
  let n = count(扣分)
  let 均 = mean(扣分.分值)
  let 良 = 德 >= 99
  let 率 = last(调查.率)
  let 发 = 奖金 * 0.5
  let 说明 = last(扣分.备注) default "无"
  let 三位 places 3 = 德 / 3
  tier 等次 on 德 { 优秀: >= 99; 合格: otherwise }
  output 德, 次, n, 均, 良, 率, 发, 说明, 三位, 等次
})KP";

TEST_F(Results, CsvFormatting) {
  write("data/roster.csv", "id,name,unit,dept,role\nb,x,局,一处,科员\nB,x,局,一处,科员\nA10,x,局,一处,科员\nA2,x,局,一处,科员\n"
                           "中,x,局,一处,科员\n");
  write("data/events.csv",
        "date,kind,subject,分值,备注,率\n"
        "2024-01-01,扣分,b,0.125,\"含,逗号\",\n"
        "2024-01-02,扣分,B,1,\"含\"\"引号\"\"\",\n"
        "2024-01-03,扣分,A10,2,\"两\n行\",\n"
        "2024-01-04,扣分,A2,0.5,平常,\n"
        "2024-01-05,调查,中,,,87.5%\n");
  auto r = run(kScheme);
  ASSERT_TRUE(r->results) << r->gnu();
  // Ids sorted by bytes; decimals with 2 places (half-up: 99.875 → 99.88), an integer
  // score with the scheme's places, an integer `let` without, 是/否, percentages with %,
  // money in whole 元, a figure's own `places`, absent values empty, quoting only where
  // RFC 4180 needs it (comma, quote, line break).
  EXPECT_EQ(output::resultsCsv(*r->results),
            "id,德,次,n,均,良,率,发,说明,三位,等次\n"
            "A10,98.00,9.00,1,2.00,否,,1250,\"两\n行\",32.667,合格\n"
            "A2,99.50,9.00,1,0.50,是,,1250,平常,33.167,优秀\n"
            "B,99.00,9.00,1,1.00,是,,1250,\"含\"\"引号\"\"\",33.000,优秀\n"
            "b,99.88,9.00,1,0.13,是,,1250,\"含,逗号\",33.292,优秀\n"
            "中,100.00,10.00,0,,是,87.50%,1250,无,33.333,优秀\n");
}

TEST_F(Results, IdsAreQuotedByRfc4180AndGuardedAgainstFormulas) {
  // RFC 4180 quoting where needed; text a spreadsheet would run as a formula (= + - @
  // first) gets an apostrophe inside the quotes.
  write("data/roster.csv", "id,name,unit,dept,role\n-1,x,局,一处,科员\n=B,x,局,一处,科员\n\"C,1\",x,局,一处,科员\n@d,x,局,一处,科员\n");
  auto r = run("scheme \"q\" {\n  period year\n  subjects persons\n  let v = 1\n}\n");
  ASSERT_TRUE(r->results) << r->gnu();
  EXPECT_EQ(output::resultsCsv(*r->results), "id,v\n\"'-1\",1\n\"'=B\",1\n\"'@d\",1\n\"C,1\",1\n");
}

TEST_F(Results, ResultsReadBackAsHistory) {
  // The results.csv of one period is the --history of the next (DATA.md), whatever the
  // ids look like and whatever the figures' types.
  write("data/roster.csv",
        "id,name,unit,dept,role\nA,x,局,一处,科员\n-1,x,局,一处,科员\n=B,x,局,一处,科员\n+86,x,局,一处,科员\n\"C,1\",x,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,缺席,A\n");
  std::string scheme = "scheme \"h\" {\n  period year\n  subjects persons\n  event 缺席 {}\n"
                       "  let v = 90.5\n  let 上年 = previous(v)\n  output v, 上年\n}\n";
  auto first = run(scheme);
  ASSERT_TRUE(first->results) << first->gnu();
  write("prev.csv", output::resultsCsv(*first->results));
  eval::Inputs in;
  in.history = "prev.csv";
  auto second = run(scheme, in);
  ASSERT_TRUE(second->results) << second->gnu();
  EXPECT_EQ(second->table({"上年"}), "+86: 90.50\n-1: 90.50\n=B: 90.50\nA: 90.50\nC,1: 90.50\n");
}

TEST_F(Results, IntegerScoresReadBackAsHistory) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,x,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject\n2024-01-01,缺席,A\n");
  std::string scheme = "scheme \"h\" {\n  period year\n  subjects persons\n  event 缺席 {}\n"
                       "  score 德 base 100 { each 缺席: deduct 1 }\n  score 上年 = previous(德) default 0\n  output 德, 上年\n}\n";
  auto first = run(scheme);
  ASSERT_TRUE(first->results) << first->gnu();
  write("prev.csv", output::resultsCsv(*first->results));
  eval::Inputs in;
  in.history = "prev.csv";
  auto second = run(scheme, in);
  ASSERT_TRUE(second->results) << "results.csv of the previous run was rejected as history:\n" << second->gnu();
  EXPECT_EQ(second->table({"德", "上年"}), "A: 99.00 99.00\n");
}

TEST_F(Results, Json) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,分值,备注,率\n2024-01-01,扣分,A,1.5,\"说\"\"明\n\",\n");
  auto r = run(kScheme);
  ASSERT_TRUE(r->results) << r->gnu();
  nlohmann::json j = nlohmann::json::parse(output::resultsJson(*r->results, &r->sources));
  EXPECT_EQ(j["scheme"], "结果");
  EXPECT_EQ(j["version"], "2024");
  EXPECT_EQ(j["columns"], nlohmann::json::parse(R"(["德","次","n","均","良","率","发","说明","三位","等次"])"));
  ASSERT_EQ(j["subjects"].size(), 2u);
  const nlohmann::json& a = j["subjects"][0];
  EXPECT_EQ(a["id"], "A");
  EXPECT_TRUE(a["figures"]["德"].is_number());
  EXPECT_EQ(a["figures"]["德"].dump(), "98.5");
  EXPECT_EQ(a["figures"]["n"], 1);
  EXPECT_EQ(a["figures"]["良"], "否");
  EXPECT_TRUE(a["figures"]["率"].is_null());
  EXPECT_EQ(a["figures"]["说明"], "说\"明\n");  // a quoted line break is part of the value
  EXPECT_EQ(a["figures"]["等次"], "合格");
  EXPECT_EQ(j["subjects"][1]["figures"]["均"], nullptr);
  EXPECT_TRUE(j["alerts"].is_array());
}

TEST_F(Results, WriteAtomically) {
  std::string error;
  EXPECT_TRUE(output::writeAtomically(path("out.csv"), "id\n", error)) << error;
  std::ifstream in(path("out.csv"));
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "id\n");
  EXPECT_TRUE(output::writeAtomically(path("out.csv"), "id,x\n", error)) << error;
  std::ifstream again(path("out.csv"));
  std::string replaced((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_EQ(replaced, "id,x\n");
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(root_)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  EXPECT_FALSE(output::writeAtomically(path("missing/out.csv"), "x", error));
  EXPECT_THAT(error, HasSubstr("missing/out.csv"));
  EXPECT_THAT(error, HasSubstr("No such file or directory"));
}

TEST_F(Results, WriteSeveralFilesAsOne) {
  std::string error;
  ASSERT_TRUE(output::writeAllAtomically({{path("a.csv"), "old a"}, {path("b.json"), "old b"}}, error)) << error;
  // The second file cannot be written (a directory is in its way): neither file changes.
  std::filesystem::create_directories(path("c.html"));
  EXPECT_FALSE(output::writeAllAtomically(
      {{path("a.csv"), "new a"}, {path("b.json"), "new b"}, {path("c.html"), "new c"}}, error));
  auto read = [&](const std::string& name) {
    std::ifstream in(path(name));
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  EXPECT_EQ(read("a.csv"), "old a");
  EXPECT_EQ(read("b.json"), "old b");
  EXPECT_THAT(error, HasSubstr("c.html"));
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(root_)) files += e.is_regular_file();
  EXPECT_EQ(files, 2) << "temporary files left behind";
  ASSERT_TRUE(output::writeAllAtomically({{path("a.csv"), "new a"}, {path("b.json"), "new b"}}, error)) << error;
  EXPECT_EQ(read("a.csv"), "new a");
  EXPECT_EQ(read("b.json"), "new b");
}

TEST_F(Results, SummaryFirstLine) {
  write("data/roster.csv", "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,分局,一处,科员\n");
  write("data/events.csv", "date,kind,subject,分值,备注,率\n2024-01-01,扣分,A,1.5,,\n");
  auto r = run(kScheme);
  ASSERT_TRUE(r->results) << r->gnu();
  EXPECT_THAT(output::summary(*r->results, "out", Lang::En), StartsWith("Scheme: 结果  2 subjects scored, 1 events read\n"));
  EXPECT_THAT(output::summary(*r->results, "out", Lang::Zh), StartsWith("方案：结果  考评对象 2 个，事件 1 条\n"));
}

}  // namespace
}  // namespace kaoping::testing
