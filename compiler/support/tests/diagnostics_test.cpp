// Tests for compiler/support/{diagnostics,source}.h: the diagnostics table, formatting
// in both languages, collection (limits, counts, order) and the three renderers.
#include "compiler/support/diagnostics.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/support/source.h"

namespace kaoping {
namespace {

constexpr DiagId kAllIds[] = {
#define KAOPING_DIAG(Id, Code, Sev, En, Zh) DiagId::Id,
#include "compiler/support/diagnostics.def"
#undef KAOPING_DIAG
};

std::set<std::string> placeholders(const std::string& text) {
  std::set<std::string> out;
  std::regex re("\\{([0-9]+)\\}");
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

// ---------------------------------------------------------------------------- the table

TEST(DiagnosticTable, CodesAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  std::regex form("(K0[0-9]|D01|R01|A01)[0-9]{2}");
  for (DiagId id : kAllIds) {
    std::string code = diagInfo(id).code;
    EXPECT_TRUE(std::regex_match(code, form)) << code;
    EXPECT_TRUE(seen.insert(code).second) << "code used twice: " << code;
  }
}

TEST(DiagnosticTable, EnglishAndChineseUseTheSameArguments) {
  for (DiagId id : kAllIds) {
    const DiagInfo& info = diagInfo(id);
    EXPECT_EQ(placeholders(info.en), placeholders(info.zh)) << info.code;
  }
}

TEST(DiagnosticTable, MessagesFollowTheStyleRules) {
  // diagnostics.def: "Messages start lowercase and have no trailing period."
  for (DiagId id : kAllIds) {
    const DiagInfo& info = diagInfo(id);
    std::string en = info.en;
    ASSERT_FALSE(en.empty()) << info.code;
    EXPECT_FALSE(en[0] >= 'A' && en[0] <= 'Z') << info.code << ": " << en;
    EXPECT_NE(en.back(), '.') << info.code << ": " << en;
    std::string zh = info.zh;
    EXPECT_FALSE(zh.size() >= 3 && zh.substr(zh.size() - 3) == "。") << info.code << ": " << zh;
  }
}

TEST(DiagnosticTable, EveryTemplateFormatsWithItsArguments) {
  for (DiagId id : kAllIds) {
    const DiagInfo& info = diagInfo(id);
    std::vector<std::string> args;
    for (size_t i = 0; i < placeholders(info.en).size(); ++i) args.push_back("ARG" + std::to_string(i));
    std::string en = formatMessage(id, args, Lang::En);
    std::string zh = formatMessage(id, args, Lang::Zh);
    for (const std::string& a : args) {
      EXPECT_NE(en.find(a), std::string::npos) << info.code << ": " << en;
      EXPECT_NE(zh.find(a), std::string::npos) << info.code << ": " << zh;
    }
    EXPECT_EQ(en.find('{'), std::string::npos) << info.code << ": " << en;
  }
}

TEST(DiagnosticTable, SeveritiesOfNotes) {
  EXPECT_EQ(diagInfo(DiagId::DidYouMean).severity, Severity::Note);
  EXPECT_EQ(diagInfo(DiagId::PreviousDeclaration).severity, Severity::Note);
  EXPECT_EQ(diagInfo(DiagId::CycleStep).severity, Severity::Note);
  EXPECT_EQ(diagInfo(DiagId::AlertRaised).severity, Severity::Warning);
  EXPECT_EQ(diagInfo(DiagId::TypeMismatch).severity, Severity::Error);
  EXPECT_STREQ(diagInfo(DiagId::TypeMismatch).code, "K0301");
  EXPECT_STREQ(diagInfo(DiagId::DataBadValue).code, "D0110");
}

// ---------------------------------------------------------------------------- formatting

TEST(DiagnosticFormat, PicksTheLanguageOfBilingualArguments) {
  std::vector<std::string> args = {bilingual("a number", "数值"), bilingual("text", "文本")};
  EXPECT_EQ(formatMessage(DiagId::TypeMismatch, args, Lang::En), "expected a number, found text");
  EXPECT_EQ(formatMessage(DiagId::TypeMismatch, args, Lang::Zh), "应为数值，实际为文本");
}

TEST(DiagnosticFormat, BilingualPiecesMixWithPlainText) {
  std::string arg = bilingual("the figure `", "指标 `") + "德" + "`";
  EXPECT_EQ(formatMessage(DiagId::NeedsSubject, {arg}, Lang::En), "the figure `德` needs a subject; it is evaluated per subject");
  EXPECT_EQ(formatMessage(DiagId::NeedsSubject, {arg}, Lang::Zh), "指标 `德`需要考评对象；它按对象计算");
  std::string two = bilingual("a", "甲") + "/" + bilingual("b", "乙");
  EXPECT_EQ(formatMessage(DiagId::SyntaxError, {two}, Lang::En), "syntax error: a/b");
  EXPECT_EQ(formatMessage(DiagId::SyntaxError, {two}, Lang::Zh), "语法错误：甲/乙");
}

TEST(DiagnosticFormat, MissingArgumentsDoNotThrow) {
  EXPECT_NO_THROW(formatMessage(DiagId::TypeMismatch, {}, Lang::En));
}

TEST(DiagnosticFormat, LanguageFromEnvironment) {
  auto saved = [](const char* n) { const char* v = std::getenv(n); return v ? std::optional<std::string>(v) : std::nullopt; };
  auto lcAll = saved("LC_ALL"), lcMessages = saved("LC_MESSAGES"), lang = saved("LANG");
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  setenv("LANG", "zh_CN.UTF-8", 1);
  EXPECT_EQ(langFromEnvironment(), Lang::Zh);
  setenv("LANG", "en_US.UTF-8", 1);
  EXPECT_EQ(langFromEnvironment(), Lang::En);
  setenv("LC_ALL", "zh_TW.UTF-8", 1);  // LC_ALL wins over LANG
  EXPECT_EQ(langFromEnvironment(), Lang::Zh);
  setenv("LC_ALL", "", 1);  // empty values are skipped
  EXPECT_EQ(langFromEnvironment(), Lang::En);
  unsetenv("LANG");
  unsetenv("LC_ALL");
  EXPECT_EQ(langFromEnvironment(), Lang::En);
  auto restore = [](const char* n, const std::optional<std::string>& v) {
    if (v) setenv(n, v->c_str(), 1);
    else unsetenv(n);
  };
  restore("LC_ALL", lcAll);
  restore("LC_MESSAGES", lcMessages);
  restore("LANG", lang);
}

// ---------------------------------------------------------------------------- collection

TEST(DiagnosticsCollection, KeepsAtMostTheLimitButCountsEveryError) {
  Diagnostics diags(2);
  for (int i = 0; i < 5; ++i) diags.report(DiagId::UnknownName, Span{}, "x" + std::to_string(i));
  diags.report(DiagId::AlertRaised, Span{}, "w");
  EXPECT_EQ(diags.all().size(), 2u);
  EXPECT_EQ(diags.errorCount(), 5u);
  EXPECT_EQ(diags.warningCount(), 1u);
  EXPECT_EQ(diags.omitted(), 4u);
  EXPECT_TRUE(diags.hasErrors());
  SourceManager sources;
  std::string text = DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Gnu);
  EXPECT_EQ(text,
            "kaoping: error[K0201]: unknown name `x0`\n"
            "kaoping: error[K0201]: unknown name `x1`\n"
            "note: 4 more diagnostics not shown\n");
  // A note added to a dropped diagnostic must not crash or show up.
  diags.report(DiagId::UnknownName, Span{}, "late").note(DiagId::DidYouMean, Span{}, "x");
  EXPECT_EQ(diags.all().size(), 2u);
}

TEST(DiagnosticsCollection, WarningsAndNotesAreNotErrors) {
  Diagnostics diags;
  diags.report(DiagId::AlertRaised, Span{}, "w");
  EXPECT_FALSE(diags.hasErrors());
  EXPECT_EQ(diags.warningCount(), 1u);
  diags.clear();
  EXPECT_EQ(diags.all().size(), 0u);
  EXPECT_EQ(diags.warningCount(), 0u);
}

TEST(DiagnosticsCollection, AppendKeepsTheErrorCountExact) {
  // "Keeps at most `limit` of them (the count of errors stays exact)": errors dropped by
  // the source collection are still errors of the combined one.
  Diagnostics part(1);
  for (int i = 0; i < 3; ++i) part.report(DiagId::UnknownName, Span{}, "x");
  Diagnostics all;
  all.append(part);
  EXPECT_EQ(all.errorCount(), 3u);
  EXPECT_EQ(all.omitted(), 2u);
}

TEST(DiagnosticsCollection, SortedByFilePositionThenInsertion) {
  SourceManager sources;
  FileId a = sources.add("a.kp", "0123456789\nabcdefghij\n");
  FileId b = sources.add("b.kp", "xyz\n");
  Diagnostics diags;
  diags.reportData(DiagId::DataEmptyFile, DataLocation{"z.csv", 3, ""});
  diags.reportData(DiagId::DataEmptyFile, DataLocation{"y.csv", 9, ""});
  diags.report(DiagId::UnknownName, Span{b, 0, 1}, "b0");
  diags.report(DiagId::UnknownName, Span{a, 12, 13}, "a12");
  diags.report(DiagId::UnknownName, Span{a, 2, 3}, "a2-first");
  diags.report(DiagId::UnknownName, Span{a, 2, 3}, "a2-second");
  diags.reportData(DiagId::DataEmptyFile, DataLocation{"y.csv", 2, ""});
  std::vector<std::string> order;
  for (const Diagnostic* d : diags.sorted()) {
    if (d->span.valid()) order.push_back(d->args[0]);
    else order.push_back(d->where.path + ":" + std::to_string(d->where.line));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a2-first", "a2-second", "a12", "b0", "y.csv:2", "y.csv:9", "z.csv:3"}));
}

// ---------------------------------------------------------------------------- rendering

class Rendering : public ::testing::Test {
 protected:
  void SetUp() override {
    // line 2 is `  扣分 = 请加 + 1`: 请加 starts at code point 8 (column 8), byte 12.
    file = sources.add("规则.kp", "scheme \"x\" {\r\n  扣分 = 请加 + 1\r\n}\r\n");
  }
  Span spanOf(std::string_view needle) {
    size_t at = sources.file(file).text().find(needle);
    return Span{file, static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())};
  }
  SourceManager sources;
  FileId file = 0;
};

TEST_F(Rendering, GnuLineCountsColumnsInCodePoints) {
  Diagnostics diags;
  diags.report(DiagId::UnknownName, spanOf("请加"), "请加").note(DiagId::DidYouMean, Span{}, "请假");
  EXPECT_EQ(DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Gnu),
            "规则.kp:2:8: error[K0201]: unknown name `请加`\n"
            "规则.kp:2:8: note: did you mean `请假`?\n");
  EXPECT_EQ(DiagnosticRenderer(sources, Lang::Zh).render(diags, DiagFormat::Gnu),
            "规则.kp:2:8: 错误[K0201]: 未知名称 `请加`\n"
            "规则.kp:2:8: 注: 是否想写 `请假`？\n");
}

TEST_F(Rendering, HumanShowsTheLineAndACaretUnderWideCharacters) {
  Diagnostics diags;
  diags.report(DiagId::UnknownName, spanOf("请加"), "请加")
      .note(DiagId::PreviousDeclaration, spanOf("扣分"))
      .note(DiagId::DidYouMean, Span{}, "请假")
      .fix(spanOf("请加"), "请假");
  EXPECT_EQ(DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Human),
            "规则.kp:2:8: error[K0201]: unknown name `请加`\n"
            " 2 |   扣分 = 请加 + 1\n"
            "   |          ^^^^\n"
            "规则.kp:2:3: note: first declared here\n"
            " 2 |   扣分 = 请加 + 1\n"
            "   |   ^^^^\n"
            "  = note: did you mean `请假`?\n"
            "  = fix: replace with `请假`\n");
}

TEST_F(Rendering, HumanCaretForAnEmptySpanAtTheEndOfTheFile) {
  Diagnostics diags;
  uint32_t end = static_cast<uint32_t>(sources.file(file).text().size());
  diags.report(DiagId::SyntaxError, Span{file, end, end}, "unexpected `end of file`");
  std::string text = DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Human);
  EXPECT_EQ(text.substr(0, text.find('\n')), "规则.kp:4:1: error[K0101]: syntax error: unexpected `end of file`");
}

TEST_F(Rendering, JsonCarriesStartAndEnd) {
  Diagnostics diags;
  diags.report(DiagId::UnknownName, spanOf("请加"), "请加").fix(spanOf("请加"), "请假");
  nlohmann::json j = nlohmann::json::parse(DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Json));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["code"], "K0201");
  EXPECT_EQ(j[0]["severity"], "error");
  EXPECT_EQ(j[0]["message"], "unknown name `请加`");
  EXPECT_EQ(j[0]["location"]["file"], "规则.kp");
  EXPECT_EQ(j[0]["location"]["line"], 2);
  EXPECT_EQ(j[0]["location"]["column"], 8);
  EXPECT_EQ(j[0]["location"]["endLine"], 2);
  EXPECT_EQ(j[0]["location"]["endColumn"], 10);
  EXPECT_EQ(j[0]["fixits"][0]["replacement"], "请假");
  EXPECT_TRUE(j[0]["notes"].is_array());
}

TEST_F(Rendering, DataLocationsNameFileLineAndColumn) {
  Diagnostics diags;
  diags.reportData(DiagId::DataBadValue, DataLocation{"data/events.csv", 7, "天数"}, "天数", "3.5",
                   bilingual("an integer", "整数"))
      .noteAt(DiagId::PreviousDeclaration, DataLocation{"data/events.csv", 2, ""});
  diags.reportData(DiagId::DataMissingParam, DataLocation{"--param", 0, "p"}, "p");
  DiagnosticRenderer en(sources, Lang::En);
  EXPECT_EQ(en.render(diags, DiagFormat::Gnu),
            "--param: error[D0123]: parameter `p` has no default; give it with --param p=VALUE\n"
            "data/events.csv:7: error[D0110]: column `天数`: `3.5` is not an integer\n"
            "data/events.csv:2: note: first declared here\n");
  nlohmann::json j = nlohmann::json::parse(en.render(diags, DiagFormat::Json));
  EXPECT_EQ(j[1]["location"]["file"], "data/events.csv");
  EXPECT_EQ(j[1]["location"]["line"], 7);
  EXPECT_EQ(j[1]["location"]["dataColumn"], "天数");
  EXPECT_FALSE(j[0]["location"].contains("line"));
  EXPECT_EQ(DiagnosticRenderer(sources, Lang::Zh).render(diags, DiagFormat::Gnu),
            "--param: 错误[D0123]: 参数 `p` 没有默认值；请用 --param p=值 指定\n"
            "data/events.csv:7: 错误[D0110]: 列 `天数`：`3.5` 不是整数\n"
            "data/events.csv:2: 注: 首次声明于此\n");
}

TEST_F(Rendering, Summary) {
  Diagnostics diags;
  DiagnosticRenderer en(sources, Lang::En), zh(sources, Lang::Zh);
  EXPECT_EQ(en.summary(diags), "0 errors, 0 warnings");
  diags.report(DiagId::UnknownName, Span{}, "x");
  diags.report(DiagId::AlertRaised, Span{}, "w");
  EXPECT_EQ(en.summary(diags), "1 error, 1 warning");
  diags.report(DiagId::UnknownName, Span{}, "y");
  EXPECT_EQ(en.summary(diags), "2 errors, 1 warning");
  EXPECT_EQ(zh.summary(diags), "2 个错误，1 个警告");
}

TEST_F(Rendering, EmptyJsonIsAnEmptyArray) {
  Diagnostics diags;
  EXPECT_EQ(DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Json), "[]\n");
}

// ---------------------------------------------------------------------------- sources

TEST(Sources, LineAndColumnOfOffsets) {
  SourceManager sources;
  FileId f = sources.add("t.kp", "ab\n考评x\r\n\nlast");
  const SourceFile& file = sources.file(f);
  EXPECT_EQ(file.lineCount(), 4u);
  auto lc = [&](uint32_t o) {
    LineColumn x = file.lineColumn(o);
    return std::to_string(x.line) + ":" + std::to_string(x.column);
  };
  EXPECT_EQ(lc(0), "1:1");
  EXPECT_EQ(lc(2), "1:3");   // the newline itself
  EXPECT_EQ(lc(3), "2:1");   // 考
  EXPECT_EQ(lc(6), "2:2");   // 评
  EXPECT_EQ(lc(9), "2:3");   // x
  EXPECT_EQ(lc(12), "3:1");  // empty line
  EXPECT_EQ(lc(13), "4:1");
  EXPECT_EQ(lc(17), "4:5");  // end of file
  EXPECT_EQ(lc(1000), "4:5");  // clamped
  EXPECT_EQ(file.lineText(2), "考评x");  // CR LF stripped
  EXPECT_EQ(file.lineText(3), "");
  EXPECT_EQ(file.lineText(4), "last");
  EXPECT_EQ(file.lineText(5), "");
  EXPECT_EQ(file.lineStart(2), 3u);
  EXPECT_EQ(sources.describe(Span{f, 6, 9}), "t.kp:2:2");
  EXPECT_EQ(sources.describe(Span{}), "<unknown>");
  EXPECT_EQ(sources.text(Span{f, 3, 9}), "考评");
  EXPECT_EQ(sources.text(Span{f, 15, 100}), "st");
  EXPECT_EQ(sources.text(Span{}), "");
}

TEST(Sources, SpanCover) {
  Span a{0, 5, 8}, b{0, 2, 6};
  EXPECT_EQ(Span::cover(a, b), (Span{0, 2, 8}));
  EXPECT_EQ(Span::cover(Span{}, b), b);
  EXPECT_EQ(Span::cover(a, Span{}), a);
  EXPECT_FALSE(Span{}.valid());
}

}  // namespace
}  // namespace kaoping
