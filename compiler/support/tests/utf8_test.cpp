// Tests for compiler/support/utf8.h: validation (with the exact byte offset of the first
// bad sequence), code point counting, decoding, display width and escaping.
#include "compiler/support/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace kaoping::utf8 {
namespace {

TEST(Utf8FindInvalid, AcceptsAsciiChineseAndFourByteSequences) {
  EXPECT_FALSE(findInvalid("").has_value());
  EXPECT_FALSE(findInvalid("scheme \"x\" { period year }").has_value());
  EXPECT_FALSE(findInvalid("考评对象 人员；扣完为止").has_value());
  EXPECT_FALSE(findInvalid("\xF0\x9F\x98\x80 emoji").has_value());  // U+1F600
  EXPECT_TRUE(isValid("全角：（）％"));
}

TEST(Utf8FindInvalid, AcceptsTheBoundariesOfEachSequenceLength) {
  EXPECT_TRUE(isValid("\xC2\x80"));          // U+0080, smallest 2-byte
  EXPECT_TRUE(isValid("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(isValid("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  EXPECT_TRUE(isValid("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(isValid("\xEE\x80\x80"));      // U+E000, just above the surrogates
  EXPECT_TRUE(isValid("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(isValid("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  EXPECT_TRUE(isValid("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the largest code point
}

TEST(Utf8FindInvalid, ReportsTheOffsetOfTheFirstBadByte) {
  EXPECT_EQ(findInvalid("\x80"), 0u);                     // lone continuation byte
  EXPECT_EQ(findInvalid("ab\xFF"), 2u);                   // never valid in UTF-8
  EXPECT_EQ(findInvalid("ab\xC0\x80"), 2u);               // overlong NUL
  EXPECT_EQ(findInvalid("ab\xC1\xBF"), 2u);               // overlong 2-byte
  EXPECT_EQ(findInvalid("\xE0\x80\x80"), 0u);             // overlong 3-byte
  EXPECT_EQ(findInvalid("x\xED\xA0\x80"), 1u);            // surrogate U+D800
  EXPECT_EQ(findInvalid("\xF0\x80\x80\x80"), 0u);         // overlong 4-byte
  EXPECT_EQ(findInvalid("\xF4\x90\x80\x80"), 0u);         // above U+10FFFF
  EXPECT_EQ(findInvalid("\xF5\x80\x80\x80"), 0u);         // lead byte above F4
  EXPECT_EQ(findInvalid("中\xE6\x96"), 3u);               // truncated at the end
  EXPECT_EQ(findInvalid("中\xE6\x96x"), 3u);              // truncated before ASCII
  EXPECT_EQ(findInvalid("\xC3("), 0u);                    // continuation missing
  EXPECT_EQ(findInvalid("中文\x80中文"), 6u);
}

TEST(Utf8FindInvalid, OffsetIsExactAroundTheEightByteAsciiFastPath) {
  // The validator skips ASCII eight bytes at a time; the offset must not be rounded.
  for (size_t prefix = 0; prefix < 40; ++prefix) {
    std::string s(prefix, 'a');
    s += '\xFF';
    s += "tail after the bad byte";
    ASSERT_EQ(findInvalid(s), prefix) << "prefix of " << prefix << " ASCII bytes";
  }
  std::string s = "考评" + std::string(17, 'x') + "\xED\xBF\xBF";  // surrogate U+DFFF at 23
  EXPECT_EQ(findInvalid(s), 23u);
}

TEST(Utf8Count, CountsCodePointsNotBytes) {
  EXPECT_EQ(countCodePoints(""), 0u);
  EXPECT_EQ(countCodePoints("abc"), 3u);
  EXPECT_EQ(countCodePoints("考评"), 2u);
  EXPECT_EQ(countCodePoints("a考\xF0\x9F\x98\x80" "b"), 4u);
}

TEST(Utf8Decode, DecodesEachLengthAndAdvances) {
  std::string s = "A\xC3\xA9考\xF0\x9F\x98\x80";
  size_t pos = 0;
  EXPECT_EQ(decode(s, pos), U'A');
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(decode(s, pos), U'\u00E9');
  EXPECT_EQ(pos, 3u);
  EXPECT_EQ(decode(s, pos), U'考');
  EXPECT_EQ(pos, 6u);
  EXPECT_EQ(decode(s, pos), U'\U0001F600');
  EXPECT_EQ(pos, 10u);
}

TEST(Utf8Width, WideCharactersTakeTwoColumns) {
  EXPECT_EQ(displayWidth(""), 0u);
  EXPECT_EQ(displayWidth("abc"), 3u);
  EXPECT_EQ(displayWidth("考评"), 4u);
  EXPECT_EQ(displayWidth("：（）"), 6u);  // full-width punctuation
  EXPECT_EQ(displayWidth("\t"), 4u);
  EXPECT_EQ(displayWidth("a考b"), 4u);
  EXPECT_EQ(displayWidth("\xC3\xA9"), 1u);  // é is narrow
}

TEST(Utf8Escape, ShowsInvalidBytesAsHexAndKeepsValidText) {
  EXPECT_EQ(escapeInvalid("abc"), "abc");
  EXPECT_EQ(escapeInvalid("考评"), "考评");
  EXPECT_EQ(escapeInvalid("a\xFF"
                          "b"),
            "a\\xFFb");
  EXPECT_EQ(escapeInvalid("\xE6\x96"), "\\xE6\\x96");  // truncated 中
  EXPECT_EQ(escapeInvalid("中\xC0\x80"), "中\\xC0\\x80");
}

}  // namespace
}  // namespace kaoping::utf8
