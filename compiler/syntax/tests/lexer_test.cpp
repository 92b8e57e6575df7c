// The lexer parse.cpp uses (wide_dfa_lexer.h: ANTLR's DFA cache extended past code point
// 127) must produce exactly the tokens of the stock generated lexer: same types, same
// spans, same channels. Compared on every rule file of the repository and on random text
// built from keywords of both spellings, Chinese, full-width and other Unicode characters.
#include "compiler/syntax/tests/token_listing.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "compiler/support/utf8.h"

namespace kaoping::syntax {
namespace {

TEST(WideDfaLexer, SameTokensOnEveryRuleFileOfTheRepository) {
  namespace fs = std::filesystem;
  size_t files = 0;
  for (const char* dir : {"rulesets", "tests", "examples", "docs", "fuzz"}) {
    fs::path root = fs::path(KAOPING_SOURCE_DIR) / dir;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".kp") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      // ANTLR's input stream throws on invalid UTF-8; parse() rejects it before lexing.
      if (!utf8::isValid(text)) continue;
      EXPECT_EQ(tokenListing(text, false), tokenListing(text, true)) << entry.path();
      ++files;
    }
  }
  EXPECT_GT(files, 100u);
}

TEST(WideDfaLexer, SameTokensOnRandomText) {
  // Pieces that make the lexer's rules compete: keywords and their prefixes, names that
  // extend a keyword, numbers and dates, every bracket and operator spelling, comments,
  // strings (closed and not), and characters of other Unicode categories.
  const std::vector<std::string> pieces = {
      "每", "每月", "每月考勤", "扣", "扣完为止", "扣2", "不", "不超过", "不低于", "不满", "不等于", "以上",
      "以下", "至", "至多", "或", "或者", "且", "并且", "是", "否", "否则", "加", "加权", "为", "给", "元",
      "考评对象", "缺席", "请假", "处长", "满分", "—", "～", "~", "≤", "≥", "≠", "×", "÷", "％", "，", "、",
      "；", "：", "（", "）", "“", "”", "\"", "\\", "\"ab", "at", "at most", "at\n most", "atmost",
      "weighted", "weighted by", "each", "eachx", "deduct", "score", "tier", "2024-01-01", "2024-1-01",
      "12", "12.5", "12.", ".5", "..", "...", "=", "==", "!=", "!", "<", "<=", ">", ">=", "+", "-", "*",
      "/", "//", "/*", "*/", "#", "{", "}", "[", "]", "_", "x_1", "Ⅻ", "é", "e\xCC\x81", "٣", "𝒜",
      "😀", "\xE3\x80\x80", "\xC2\xA0", "\xEF\xBB\xBF", " ", "\t", "\n", "\r\n", "a", "Z9"};
  std::mt19937 random(20261203);
  std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1), length(1, 40);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = length(random); n > 0; --n) text += pieces[piece(random)];
    ASSERT_EQ(tokenListing(text, false), tokenListing(text, true)) << text;
  }
}

}  // namespace
}  // namespace kaoping::syntax
