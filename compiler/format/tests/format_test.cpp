// Tests of compiler/format (`kaoping fmt`).
//
// Every rule file of the repository (rulesets/**/*.kp and tests/golden/run/*/scheme.kp)
// is formatted in its own keyword language, in Chinese and in English, and
//   (1) formatting is idempotent,
//   (2) converting to the other language and back gives the file's canonical form,
//   (3) every formatted text parses and compiles to the same IR as the original,
//   (4) every comment of the original is in the output, in the same order.
// Then the details: the Chinese-only words, comments, citations and the layout.
#include "compiler/format/format.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/driver/compile.h"
#include "compiler/ir/ir.h"
#include "compiler/syntax/parse.h"

#ifndef KAOPING_SOURCE_DIR
#error "KAOPING_SOURCE_DIR must name the source directory"
#endif

namespace kaoping::format {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<fs::path> repositoryRuleFiles() {
  const fs::path root = KAOPING_SOURCE_DIR;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "rulesets"))
    if (entry.is_regular_file() && entry.path().extension() == ".kp") files.push_back(entry.path());
  for (const auto& entry : fs::directory_iterator(root / "tests" / "golden" / "run"))
    if (fs::exists(entry.path() / "scheme.kp")) files.push_back(entry.path() / "scheme.kp");
  std::sort(files.begin(), files.end());
  return files;
}

// Formats text (named path); a parse failure fails the test.
std::string fmt(const std::string& path, const std::string& text, std::optional<Lang> keywords = std::nullopt) {
  SourceManager sources;
  Diagnostics diags;
  std::optional<std::string> out = formatText(sources, path, text, diags, keywords);
  if (!out) {
    ADD_FAILURE() << path << " does not parse:\n"
                  << DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Gnu) << "--- text:\n"
                  << text;
    return "";
  }
  return *out;
}

std::string zh(const std::string& path, const std::string& text) { return fmt(path, text, Lang::Zh); }
std::string en(const std::string& path, const std::string& text) { return fmt(path, text, Lang::En); }

// ir::print of the text compiled as `path` (a local plan finds its base from the path).
std::string irOf(const std::string& path, const std::string& text) {
  SourceManager sources;
  Diagnostics diags;
  driver::Options options;
  options.upTo = driver::Stage::Ir;
  driver::Compiled compiled = driver::compileText(sources, path, text, diags, options);
  if (!compiled.ir) return "<no IR>\n" + DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Gnu);
  return ir::print(*compiled.ir);
}

// The first line where two texts differ, for readable failures.
std::string firstDifference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string l, r;
  for (int n = 1;; ++n) {
    bool more = static_cast<bool>(std::getline(x, l)), moreToo = static_cast<bool>(std::getline(y, r));
    if (!more && !moreToo) return "(same)";
    if (!more || !moreToo || l != r)
      return "line " + std::to_string(n) + ":\n  " + (more ? l : "<end>") + "\n  " + (moreToo ? r : "<end>");
  }
}

struct Tree {
  std::string dump;                   // ast::print, `each-month` written as `each month`
  std::vector<std::string> comments;  // the comments' text, in order
  bool chinese = false;
};

Tree treeOf(const std::string& text) {
  SourceManager sources;
  Diagnostics diags;
  FileId id = sources.add("t.kp", text);
  std::unique_ptr<ast::Scheme> scheme = syntax::parse(sources, id, diags);
  Tree t;
  if (!scheme) {
    t.dump = "<does not parse>";
    return t;
  }
  t.dump = ast::print(*scheme);
  // The two spellings of the month window (`每月` and `each month`), of the rounding mode
  // `floor` and of the functions that are keywords (`下限(x)` is `floor(x)`) are the same.
  for (auto [from, to] : {std::pair<std::string, std::string>{"each-month", "each month"},
                          {"rounding \"下限\"", "rounding \"floor\""},
                          {"(下限 ", "(floor "},
                          {"(满分 ", "(max "},
                          {"(最低分 ", "(min "}}) {
    for (size_t at = t.dump.find(from); at != std::string::npos; at = t.dump.find(from, at + to.size()))
      t.dump.replace(at, from.size(), to);
  }
  for (const ast::Comment& c : scheme->comments) t.comments.push_back(c.text);
  t.chinese = scheme->chineseKeywords;
  return t;
}

// ---------------------------------------------------------------------------- every file

class RepositoryFile : public testing::TestWithParam<fs::path> {
 protected:
  void SetUp() override {
    path_ = GetParam().string();
    text_ = readFile(GetParam());
    ASSERT_FALSE(text_.empty()) << path_;
  }
  std::string path_, text_;
};

TEST_P(RepositoryFile, FormattingIsIdempotent) {
  std::string canonical = fmt(path_, text_);
  EXPECT_EQ(fmt(path_, canonical), canonical) << path_;
  std::string chinese = zh(path_, text_);
  EXPECT_EQ(zh(path_, chinese), chinese) << path_;
  EXPECT_EQ(fmt(path_, chinese), chinese) << path_ << ": the Chinese text keeps its language";
  std::string english = en(path_, text_);
  EXPECT_EQ(en(path_, english), english) << path_;
  EXPECT_EQ(fmt(path_, english), english) << path_ << ": the English text keeps its language";
}

TEST_P(RepositoryFile, ConvertingToTheOtherLanguageAndBackGivesTheCanonicalForm) {
  std::string canonical = fmt(path_, text_);
  if (treeOf(text_).chinese) {
    EXPECT_EQ(canonical, zh(path_, text_));
    // Words English has no spelling for (95 以上, 超过 85, 60 至 84.99) come back as
    // >= 95, > 85, 60 .. 84.99: the same meaning (TheFormattedFileCompilesToTheSameIr),
    // and from then on the round trip is exact.
    static const char* const chineseOnly[] = {"以上", "以下", "以内", "超过", "不满", "低于", "不足", "达到", "至"};
    bool usesChineseOnlyWords = false;
    for (const char* w : chineseOnly) usesChineseOnlyWords |= text_.find(w) != std::string::npos;
    std::string roundTrip = zh(path_, en(path_, text_));
    if (usesChineseOnlyWords) EXPECT_EQ(zh(path_, en(path_, roundTrip)), roundTrip) << path_;
    else EXPECT_EQ(roundTrip, canonical) << path_;
  } else {
    EXPECT_EQ(en(path_, zh(path_, text_)), canonical) << path_;
    EXPECT_EQ(canonical, en(path_, text_));
  }
  // English has no words of its own: from English, Chinese and back is always exact.
  std::string english = en(path_, text_);
  EXPECT_EQ(en(path_, zh(path_, english)), english) << path_;
}

TEST_P(RepositoryFile, TheFormattedFileCompilesToTheSameIr) {
  std::string original = irOf(path_, text_);
  ASSERT_EQ(original.rfind("<no IR>", 0), std::string::npos) << path_ << "\n" << original;
  for (const std::string& formatted : {fmt(path_, text_), zh(path_, text_), en(path_, text_)}) {
    std::string ir = irOf(path_, formatted);
    EXPECT_EQ(ir, original) << path_ << "\n" << firstDifference(ir, original);
  }
}

TEST_P(RepositoryFile, TheFormattedFileHasTheSameTree) {
  // ast::print shows what the IR leaves out: rule citations, reasons, tests.
  std::string original = treeOf(text_).dump;
  std::string chinese = treeOf(zh(path_, text_)).dump, english = treeOf(en(path_, text_)).dump;
  EXPECT_EQ(chinese, original) << path_ << "\n" << firstDifference(chinese, original);
  EXPECT_EQ(english, original) << path_ << "\n" << firstDifference(english, original);
}

TEST_P(RepositoryFile, EveryCommentIsKeptInOrder) {
  std::vector<std::string> original = treeOf(text_).comments;
  EXPECT_EQ(treeOf(fmt(path_, text_)).comments, original) << path_;
  EXPECT_EQ(treeOf(zh(path_, text_)).comments, original) << path_;
  EXPECT_EQ(treeOf(en(path_, text_)).comments, original) << path_;
}

TEST_P(RepositoryFile, LinesAreCleanAndIndentedByTwo) {
  for (std::string text : {fmt(path_, text_), zh(path_, text_), en(path_, text_)}) {
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      EXPECT_TRUE(line.empty() || line.back() != ' ') << path_ << ":" << number << ": trailing space";
      EXPECT_EQ(line.find('\t'), std::string::npos) << path_ << ":" << number;
      if (!line.empty()) {
        EXPECT_EQ(line.find_first_not_of(' ') % 2, 0u) << path_ << ":" << number << ": " << line;
      }
    }
    EXPECT_EQ(text.back(), '\n');
  }
}

std::string testName(const testing::TestParamInfo<fs::path>& info) {
  // gtest names allow letters, digits and `_` only: golden_c06_aggregates, rulesets_3, ...
  fs::path p = info.param;
  if (p.filename() == "scheme.kp") {
    std::string name = "golden_";
    for (char c : p.parent_path().filename().string()) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
  }
  std::string name = "rulesets_" + std::to_string(info.index);
  std::string ascii;
  for (char c : p.stem().string())
    if (std::isalnum(static_cast<unsigned char>(c))) ascii += c;
  return ascii.empty() ? name : name + "_" + ascii;
}

INSTANTIATE_TEST_SUITE_P(Repository, RepositoryFile, testing::ValuesIn(repositoryRuleFiles()), testName);

TEST(Repository, FindsTheRuleFiles) {
  std::vector<fs::path> files = repositoryRuleFiles();
  EXPECT_GE(files.size(), 19u);
  auto has = [&](const std::string& tail) {
    return std::any_of(files.begin(), files.end(), [&](const fs::path& p) {
      std::string s = p.generic_string();
      return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    });
  };
  EXPECT_TRUE(has("rulesets/bench/w1.kp"));
  EXPECT_TRUE(has("rulesets/local/城管直属大队绩效考评.kp"));
  EXPECT_TRUE(has("tests/golden/run/c01_header/scheme.kp"));
}

// ---------------------------------------------------------------------------- keywords

std::string wrap(const std::string& body, bool chinese = false) {
  return std::string(chinese ? "方案 \"t\" 版本 \"1\" {\n" : "scheme \"t\" version \"1\" {\n") + body + "}\n";
}

// Both spellings must compile to the same IR as the original.
void expectSameMeaning(const std::string& text) {
  std::string original = irOf("t.kp", text);
  ASSERT_EQ(original.rfind("<no IR>", 0), std::string::npos) << original;
  EXPECT_EQ(irOf("t.kp", zh("t.kp", text)), original);
  EXPECT_EQ(irOf("t.kp", en("t.kp", text)), original);
}

const char* kEnglish = R"KP(scheme "t" version "1" {
  period year
  subjects persons
  places 2
  enum 学历 { 大专 < 本科 < 硕士 }
  attribute 类别: enum { 业务类, 党务类 }
  event 扣分 { 分值: decimal in [0, 20]; 备注: string optional; 次数: int >= 0 default 0 }
  adjustable param 基数: decimal default 100
  relation 上级(p) = persons q where q.dept == p.dept and q != p
  cite "六"
  score 德 base 基数 floor 0 {
    cite "六1"
    each 扣分 where 分值 > 5 and not (次数 in { 1, 2 }): deduct 分值; deduct 1 from 上级
    when count(扣分) >= 3 or true: add 2 to 上级
  }
  let m = mean(扣分: 分值 weighted by 次数) default 0
  let x = if 德 > 1 then 1 else 2
  tier 等次 on 德 {
    优秀: >= 95
    合格: otherwise
  }
  rank 名次 by 德 desc, id asc within dept
  cap 等次 at most 合格 when exists(扣分 where 分值 > 1) reason "r"
  veto 等次 to 合格 when false
  quota 等次 优秀 at most 1 per dept when size(dept) >= 6 by 德 desc else 合格
  conditions 可评 reasons 不可评原因 {
    无: count(扣分) == 0
  }
  constraint per dept: count(扣分) <= 100 reason "太多"
  alert "低" when mean(all: 德) < 60
  output 德, 等次
  test "t" {
    persons { P1: dept A }
    expect P1.德 == 100
  }
}
)KP";

const char* kChinese = R"KP(方案 "t" 版本 "1" {
  周期 year
  考评对象 persons
  小数位 2
  枚举 学历 { 大专 < 本科 < 硕士 }
  属性 类别: 枚举 { 业务类, 党务类 }
  事件 扣分 { 分值: decimal 属于 [0, 20]; 备注: string 可缺; 次数: int >= 0 默认 0 }
  可调 参数 基数: decimal 默认 100
  关系 上级(p) = persons q 其中 q.dept == p.dept 且 q != p
  依据 "六"
  计分 德 基础分 基数 下限 0 {
    依据 "六1"
    每 扣分 其中 分值 > 5 且 非 (次数 属于 { 1, 2 }): 扣 分值; 扣 1 从 上级
    当 count(扣分) >= 3 或 是: 加 2 给 上级
  }
  定义 m = mean(扣分: 分值 加权 次数) 默认 0
  定义 x = 如果 德 > 1 那么 1 否则 2
  分档 等次 按 德 {
    优秀: >= 95
    合格: 其余
  }
  排序 名次 按 德 降序, id 升序 分组 dept
  上限 等次 至多 合格 当 exists(扣分 其中 分值 > 1) 理由 "r"
  一票否决 等次 为 合格 当 否
  名额 等次 优秀 至多 1 每 dept 当 size(dept) >= 6 按 德 降序 否则 合格
  条件 可评 原因 不可评原因 {
    无: count(扣分) == 0
  }
  约束 每 dept: count(扣分) <= 100 理由 "太多"
  警示 "低" 当 mean(all: 德) < 60
  输出 德, 等次
  测试 "t" {
    persons { P1: dept A }
    预期 P1.德 == 100
  }
}
)KP";

TEST(Keywords, EveryKeywordHasItsCanonicalSpellingInBothLanguages) {
  EXPECT_EQ(en("t.kp", kEnglish), kEnglish);
  EXPECT_EQ(zh("t.kp", kEnglish), kChinese);
  EXPECT_EQ(zh("t.kp", kChinese), kChinese);
  EXPECT_EQ(en("t.kp", kChinese), kEnglish);
  // Without --keywords a file keeps its own language.
  EXPECT_EQ(fmt("t.kp", kEnglish), kEnglish);
  EXPECT_EQ(fmt("t.kp", kChinese), kChinese);
  expectSameMeaning(kEnglish);
}

TEST(Keywords, SynonymsAndFullWidthPunctuationBecomeTheCanonicalSpelling) {
  // The Chinese sample of the parser's tests: 并且, 或者, 不, full-width punctuation.
  const char* messy = R"KP(方案 "t" 版本 "1" {
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
  EXPECT_EQ(fmt("t.kp", messy), kChinese);
  EXPECT_EQ(en("t.kp", messy), kEnglish);
  expectSameMeaning(messy);
}

TEST(Keywords, ChineseOnlyComparisonWordsKeepTheirMeaningInEnglish) {
  std::string text = wrap(R"KP(  period year
  subjects persons
  event 得分 { 分值: decimal 不低于 0 }
  score 总分 = sum(得分.分值)
  tier 等次 on 总分 {
    优秀: 95 以上
    良好: 超过 85
    称职: 不低于 70, 低于 85
    基本称职: 60 至 69.99
    较差: 达到 50, 不足 60
    差: 30 以内
    很差: 不超过 40, 10 以下
    极差: 等于 0
    不称职: otherwise
  }
  let a = 总分 不满 60 or 总分 不等于 100 or 总分 等于 99
  output 总分, 等次, a
)KP");
  std::string english = en("t.kp", text);
  EXPECT_EQ(english, wrap(R"KP(  period year
  subjects persons
  event 得分 { 分值: decimal >= 0 }
  score 总分 = sum(得分.分值)
  tier 等次 on 总分 {
    优秀: >= 95
    良好: > 85
    称职: >= 70, < 85
    基本称职: 60 .. 69.99
    较差: >= 50, < 60
    差: <= 30
    很差: <= 40, <= 10
    极差: == 0
    不称职: otherwise
  }
  let a = 总分 < 60 or 总分 != 100 or 总分 == 99
  output 总分, 等次, a
)KP"));
  // In Chinese the words stay as written.
  std::string chinese = zh("t.kp", text);
  EXPECT_NE(chinese.find("优秀: 95 以上"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("良好: 超过 85"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("称职: 不低于 70, 低于 85"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("基本称职: 60 至 69.99"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("较差: 达到 50, 不足 60"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("差: 30 以内"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("很差: 不超过 40, 10 以下"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("极差: 等于 0"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("总分 不满 60 或 总分 不等于 100 或 总分 等于 99"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("分值: decimal 不低于 0"), std::string::npos) << chinese;
  expectSameMeaning(text);
}

TEST(Keywords, DepleteAndTheMonthWindowExistInBothLanguages) {
  std::string text = wrap(R"KP(  period year
  subjects persons
  event 请假 { 天数: decimal }
  score 勤 base 100 扣完为止 {
    每月: deduct max(0, sum(请假.天数) - 3)
    each month where true: deduct 1
    每 月: deduct 1
  }
  output 勤
)KP");
  std::string english = en("t.kp", text);
  EXPECT_NE(english.find("score 勤 base 100 floor 0 {"), std::string::npos) << english;
  EXPECT_NE(english.find("    each month: deduct max(0, sum(请假.天数) - 3)\n"
                         "    each month where true: deduct 1\n"
                         "    each month: deduct 1\n"),
            std::string::npos)
      << english;
  std::string chinese = zh("t.kp", text);
  EXPECT_NE(chinese.find("计分 勤 基础分 100 扣完为止 {"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("    每月: 扣 满分(0, sum(请假.天数) - 3)\n"
                         "    每月 其中 是: 扣 1\n"
                         "    每月: 扣 1\n"),
            std::string::npos)
      << chinese;
  expectSameMeaning(text);
  // An event kind named `month` is an event kind, not the window.
  std::string kind = wrap("  period year\n  subjects persons\n  event month\n  score s base 0 { each month: add 1 }\n  output s\n");
  EXPECT_NE(zh("t.kp", kind).find("每 month: 加 1"), std::string::npos) << zh("t.kp", kind);
  expectSameMeaning(kind);
  // ... and then the window is `each 月` in English.
  std::string both = wrap("  period year\n  subjects persons\n  event month\n  score s base 0 {\n    each month: add 1\n    每月: add 2\n  }\n  output s\n");
  EXPECT_NE(en("t.kp", both).find("    each month: add 1\n    each 月: add 2\n"), std::string::npos) << en("t.kp", both);
  expectSameMeaning(both);
}

TEST(Keywords, FunctionsAndRoundingModesThatAreKeywordsAreTranslated) {
  std::string text = wrap(R"KP(  period year
  subjects persons
  event 得分 { 分值: decimal }
  let a = 下限(满分(最低分(sum(得分.分值), 100), 0))
  let b = round(sum(得分.分值) / 3, 2, floor)
  output a, b
)KP");
  std::string english = en("t.kp", text);
  EXPECT_NE(english.find("let a = floor(max(min(sum(得分.分值), 100), 0))"), std::string::npos) << english;
  EXPECT_NE(english.find("let b = round(sum(得分.分值) / 3, 2, floor)"), std::string::npos) << english;
  std::string chinese = zh("t.kp", text);
  EXPECT_NE(chinese.find("定义 a = 下限(满分(最低分(sum(得分.分值), 100), 0))"), std::string::npos) << chinese;
  EXPECT_NE(chinese.find("定义 b = round(sum(得分.分值) / 3, 2, 下限)"), std::string::npos) << chinese;
  expectSameMeaning(text);
}

TEST(Keywords, NamesStringsNumbersAndCommentsAreNotTouched) {
  std::string text = wrap(R"KP(  period 季度  // 每季度
  subjects 人员
  places 2
  event 加班 { 小时: 小数 >= 0.50; 备注: 文本 default "无" }
  score 勤 base 90.00 cap 100 { each 加班 where 备注 == “加班\”: add 小时 * 0.25 }  /* 依据 不变 */
  let 奖金: money = 2500元 * 10%
  output 勤, 奖金
)KP");
  std::string chinese = zh("t.kp", text);
  EXPECT_EQ(chinese, R"KP(方案 "t" 版本 "1" {
  周期 季度  // 每季度
  考评对象 人员
  小数位 2
  事件 加班 { 小时: 小数 >= 0.50; 备注: 文本 默认 "无" }
  计分 勤 基础分 90.00 上限 100 { 每 加班 其中 备注 == “加班\”: 加 小时 * 0.25 }  /* 依据 不变 */
  定义 奖金: money = 2500 元 * 10%
  输出 勤, 奖金
}
)KP");
  expectSameMeaning(text);
}

TEST(Keywords, ChineseKeywordsAreAlwaysFollowedByASpace) {
  // Glued to a name a keyword would read as one name (`扣当事人`); the output never glues.
  std::string chinese = zh("t.kp", kEnglish);
  for (const char* glued : {"扣分值", "从上级", "给上级", "其中分值", "非(", "当count", "按德"})
    EXPECT_EQ(chinese.find(glued), std::string::npos) << glued;
}

TEST(Keywords, UnusualSpellingsAndLayoutsKeepTheTree) {
  // Every alternative spelling, full-width punctuation, `;` where newlines would do,
  // several items on a line, comments of all three kinds. (Not a valid scheme: only the
  // tree is compared.)
  const std::string text = R"KP(/* leading block */ # hash comment
方案 “压力” 版本 "v\"1\"" {   # after brace
  周期 年度 ; 考评对象 人员；小数位 3
  舍入 四舍五入
  枚举 学历 { 大专 < 本科 > 硕士 , 博士 }
  属性 分数 : 小数 不低于 -5 不超过 100 默认 -1.50
  属性 备注: 文本 可缺
  事件 扣分, 加分 { 分值：小数 属于 [-1，20]；次数：整数 达到 0 默认 0 } ;
  可调 参数 基数：小数 默认 100 ≥ 0
  关系 自己（p） = p
  关系 同处（p） = persons q 其中 q.dept == p.dept 并且 q ≠ p 或者 不 q.role 属于 {“处长”}
  依据 "六"
  计分 德 按 扣分.次数 基础分 基数 下限 -(1 + 2) 上限 - -3 小数位 2 扣完为止 满分 100 最低分 0 {
    依据 "六1" /* c1 */ 每 扣分, 加分 其中 分值 > 5 且 非 （次数 属于 {1、2}）：扣 分值 × 2 ÷ 3；从 同处 扣 1 ; 给 同处 加 2
    当 count（扣分） >= 3 或者 是：加 如果 德 > 1 那么 如果 德 > 2 那么 3 否则 2 否则 1
    每 month 其中 假: 扣 0
  }
  定义 m: 小数 = mean（扣分： 分值 加权 次数 其中 分值 > 0） 默认 0 默认 1
  定义 n = 按 m { 90 以上: 1; 超过 80, 不满 90: 2; 60 至 79: 3 ; 低于 60, 50 以内: 4 ; 其余: 5 }
  定义 o = -m.x + (按 m { 1: 2; 其余: 3 }) * 2 - (如果 是 那么 1 否则 2)
  定义 p = 不 不 是 且 (m 不 属于 { 1, 2 }) 或 m 等于 1 且 m 不等于 2
  定义 日期 = 2024-01-01
  分档 等次 按 德 { 优秀：95 以上；良好: 80 ~ 94.99; 合格：其余 }   // 分档
  排序 名次 按 德 降序，id 分组 dept
  上限 等次 至多 合格 当 exists（扣分 其中 分值 > 1） 理由 “理由一”
  一票否决 等次 为 合格 当 否
  名额 等次 优秀 至多 10% 每 dept 按 德 降序, 名次 升序 否则 合格
  条件 可评 原因 不可评原因 { 无：count（扣分） == 0 ； "带 引号"： 是 }
  约束 每 dept 当 是：count（扣分） <= 100 理由 "太多"
  约束: 是
  警示 "低" 当 mean（all： 德） < 60
  输出 德，等次
  测试 "t" {
    人员 { P1： dept A, 分数 -1 ; "P 2" dept "B" ; 3 }
    事件 { 2024-01-01 扣分 P1 { 分值: 1 次数: 2 } * 3  2024-01-02 加分 "P 2" × 1 }
    历史 { P1: 等次 优秀 }
    参数 基数 = 90
    预期 P1.德 == 100
    预期 错误 "oops"
    预期 错误
  }
  测试 "空" { }
} // trailer
)KP";
  Tree original = treeOf(text);
  ASSERT_NE(original.dump, "<does not parse>");
  for (std::optional<Lang> keywords : {std::optional<Lang>(), std::optional<Lang>(Lang::Zh), std::optional<Lang>(Lang::En)}) {
    std::string once = fmt("t.kp", text, keywords);
    EXPECT_EQ(fmt("t.kp", once, keywords), once);
    Tree formatted = treeOf(once);
    EXPECT_EQ(formatted.dump, original.dump) << firstDifference(formatted.dump, original.dump);
    EXPECT_EQ(formatted.comments, original.comments);
  }
  std::string english = en("t.kp", text);
  EXPECT_EQ(en("t.kp", zh("t.kp", english)), english);
}

// ---------------------------------------------------------------------------- comments

TEST(Comments, StayWithWhatTheyPrecedeOrFollow) {
  std::string text = R"KP(// header comment

// about the scheme
scheme "t" version "1" {   // after the brace
  period year  // the period
  subjects persons


  /* a block comment
     over two lines */
  event 缺席 {  // after an event's brace
    请假: bool   // excused
    /* before 天数 */ 天数: int
    // last in the block
  }
  cite "六"  // about the clause
  // between the citation and the score
  score 德 base 100 floor 0 {
    cite "六1" /* inline */
    each 缺席 where not 请假: deduct 2  // two points
    // inside, at the end
  }  // after the score
  tier 等次 on 德 { 好: >= 90  /* good */; 差: otherwise }
  let x = 1 + /* inside an expression */ 2
  output 德, 等次, x
}
// trailer
)KP";
  std::string out = fmt("t.kp", text);
  EXPECT_EQ(out, R"KP(// header comment

// about the scheme
scheme "t" version "1" {  // after the brace
  period year  // the period
  subjects persons

  /* a block comment
     over two lines */
  event 缺席 {  // after an event's brace
    请假: bool  // excused
    /* before 天数 */
    天数: int
    // last in the block
  }
  cite "六"  // about the clause
  // between the citation and the score
  score 德 base 100 floor 0 {
    cite "六1"                          /* inline */
    each 缺席 where not 请假: deduct 2  // two points
    // inside, at the end
  }  // after the score
  tier 等次 on 德 {
    好: >= 90  /* good */
    差: otherwise
  }
  /* inside an expression */
  let x = 1 + 2
  output 德, 等次, x
}
// trailer
)KP");
  EXPECT_EQ(fmt("t.kp", out), out);
  EXPECT_EQ(treeOf(out).comments, treeOf(text).comments);
  EXPECT_EQ(treeOf(zh("t.kp", text)).comments, treeOf(text).comments);
}

TEST(Comments, AtTheEndOfConsecutiveLinesLineUp) {
  std::string text = wrap(R"KP(  period year  // a
  subjects persons // b
  attribute 学历: enum { 大专 < 本科 }   // c

  places 2 // after a blank line
)KP");
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  period year                           // a
  subjects persons                      // b
  attribute 学历: enum { 大专 < 本科 }  // c

  places 2  // after a blank line
)KP"));
}

// ---------------------------------------------------------------------------- layout

TEST(Layout, EventAttributesStayOnOneLineOnlyWhenTheyFit) {
  std::string text = wrap(R"KP(  event 短 {
    a: int
    b: bool
  }
  event 长 { 来源: enum { 局领导, 副科以上互评, 局属单位, 机关科员 }; 分值: decimal in [0, 100]; 备注: string optional }
)KP");
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  event 短 { a: int; b: bool }
  event 长 {
    来源: enum { 局领导, 副科以上互评, 局属单位, 机关科员 }
    分值: decimal in [0, 100]
    备注: string optional
  }
)KP"));
}

TEST(Layout, OneRulePerLineAndOneArmPerLine) {
  std::string text = wrap(R"KP(  event a event b
  score s base 10 { each a: deduct 1 each b: deduct 2; add 1 }
  score t base 10 { each a: deduct 1 }
  tier 等次 on s { 好: >= 9; 中: 5 至 8.99; 差: otherwise }
  let 奖: money = case 等次 { 好: 100 元; 中: 50 元; 差: 0 元 }
)KP");
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  event a
  event b
  score s base 10 {
    each a: deduct 1
    each b: deduct 2; add 1
  }
  score t base 10 { each a: deduct 1 }
  tier 等次 on s {
    好: >= 9
    中: 5 .. 8.99
    差: otherwise
  }
  let 奖: money = case 等次 { 好: 100 元; 中: 50 元; 差: 0 元 }
)KP"));
}

TEST(Layout, LongExpressionsBreakAtOperatorsAndArguments) {
  std::string text = wrap(R"KP(  let 很长的名字 = 第一个很长的名字 + 第二个很长的名字 + 第三个很长的名字 + 第四个很长的名字 + 第五个
  let 效能奖: money = case 总分 { >= 100: 2500 元; >= 95: 2400 元; >= 90: 2300 元; otherwise: 2200 元 }
  score 社会评价 max 20 = round(20 * mean(测评: case 等次 { 好: 1.0; 较好: 0.8; 一般: 0.6; 较差: 0.4 } weighted by 票数) default 0, 2)
)KP");
  // The value alone on the next line when it fits there; a `case` breaks into its arms.
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  let 很长的名字 =
    第一个很长的名字 + 第二个很长的名字 + 第三个很长的名字 + 第四个很长的名字 + 第五个
  let 效能奖: money = case 总分 {
    >= 100: 2500 元
    >= 95: 2400 元
    >= 90: 2300 元
    otherwise: 2200 元
  }
  score 社会评价 max 20 = round(
    20 * mean(测评: case 等次 { 好: 1.0; 较好: 0.8; 一般: 0.6; 较差: 0.4 } weighted by 票数)
      default 0,
    2)
)KP"));
  // Else a line breaks before the first operator whose operand does not fit.
  std::string chain = wrap("  let 名字 = 第一个很长的名字 + 第二个很长的名字 + 第三个很长的名字 + 第四个很长的名字 + 第五个很长的名字 + 第六个\n");
  EXPECT_EQ(fmt("t.kp", chain), wrap(R"KP(  let 名字 = 第一个很长的名字 + 第二个很长的名字 + 第三个很长的名字 + 第四个很长的名字
    + 第五个很长的名字 + 第六个
)KP"));
}

TEST(Layout, ParenthesesAreKeptAndAddedWhereNeeded) {
  std::string text = wrap(R"KP(  let a = (1 + 2) * 3
  let b = ((1)) + (2 * 3)
  let c = -(1 + 2) + (if 是 then 1 else 2) * 2
  let d = not (是 and 否) or not 是
)KP");
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  let a = (1 + 2) * 3
  let b = (1) + (2 * 3)
  let c = -(1 + 2) + (if true then 1 else 2) * 2
  let d = not (true and false) or not true
)KP"));
}

TEST(Layout, TestBlocks) {
  std::string text = wrap(R"KP(  test "t" { persons { A: role "科员"; B: role "处长", dept "一处" } events { 2024-01-02 考勤 A { 迟到分钟: 21, 早退分钟: 16 } × 2 } history { A: 等次 优秀 } param p = 3 expect A.勤 == 94 expect error "x" }
)KP");
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  test "t" {
    persons { A: role "科员"; B: role "处长", dept "一处" }
    events { 2024-01-02 考勤 A { 迟到分钟: 21, 早退分钟: 16 } × 2 }
    history { A: 等次 优秀 }
    param p = 3
    expect A.勤 == 94
    expect error "x"
  }
)KP"));
}

TEST(Layout, EventsOfATestAreOnePerLineAndLongSubjectListsBreak) {
  std::string text = wrap(R"KP(  test "t" {
    persons { 甲: role "处长", dept "第一业务处", 类别 业务类; 乙: role "副处长", dept "第一业务处", 类别 业务类 }
    events { 2024-01-02 考勤 甲; 2024-01-03 考勤 乙 }
  }
)KP");
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  test "t" {
    persons {
      甲: role "处长", dept "第一业务处", 类别 业务类
      乙: role "副处长", dept "第一业务处", 类别 业务类
    }
    events {
      2024-01-02 考勤 甲
      2024-01-03 考勤 乙
    }
  }
)KP"));
}

TEST(Layout, LongRulesBreakBeforeWhereAndBetweenEffects) {
  std::string text = wrap(R"KP(  score 能 base 100 {
    each 未报告, 未履行首问, 公文不符, 协调被投诉, 重大失误 where 类别 == 业务类 and 查实: deduct 3; deduct 2 from 上级; deduct 1 from 处长
  }
)KP");
  EXPECT_EQ(fmt("t.kp", text), wrap(R"KP(  score 能 base 100 {
    each 未报告, 未履行首问, 公文不符, 协调被投诉, 重大失误 where 类别 == 业务类 and 查实: deduct 3;
      deduct 2 from 上级; deduct 1 from 处长
  }
)KP"));
}

TEST(Layout, TextThatDoesNotParseIsReported) {
  SourceManager sources;
  Diagnostics diags;
  EXPECT_FALSE(formatText(sources, "bad.kp", "scheme \"x\" { let = }", diags).has_value());
  EXPECT_TRUE(diags.hasErrors());
}

}  // namespace
}  // namespace kaoping::format
