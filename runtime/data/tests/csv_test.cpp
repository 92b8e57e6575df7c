// Tests of the CSV layer: MappedFile, CsvReader, line numbers and chunk splitting.
#include "runtime/data/csv.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/data/mapped_file.h"

namespace kaoping::data {
namespace {

using Fields = std::vector<std::string>;

struct Rec {
  Fields fields;
  size_t offset = 0;
  std::string error;  // "" for a good record
  bool operator==(const Rec& o) const { return fields == o.fields && offset == o.offset && error == o.error; }
};

std::ostream& operator<<(std::ostream& os, const Rec& r) {
  os << "{@" << r.offset;
  if (!r.error.empty()) os << " error=" << r.error;
  for (const auto& f : r.fields) os << " [" << f << "]";
  return os << "}";
}

// The bytes in a heap block of exactly their size, so that AddressSanitizer catches a
// read past the end (a std::string would have a terminating NUL there).
struct ExactBytes {
  std::unique_ptr<char[]> data;
  size_t size;
  explicit ExactBytes(std::string_view s) : data(new char[s.size() ? s.size() : 1]), size(s.size()) {
    if (!s.empty()) std::memcpy(data.get(), s.data(), s.size());
  }
  std::string_view view() const { return {data.get(), size}; }
};

std::vector<Rec> readRange(std::string_view bytes, size_t begin, size_t end) {
  CsvReader reader(bytes, begin, end);
  CsvRecord rec;
  std::vector<Rec> out;
  while (reader.next(rec)) {
    Rec r;
    for (std::string_view f : rec.fields) r.fields.emplace_back(f);
    r.offset = rec.offset;
    r.error = rec.error ? rec.error : "";
    out.push_back(std::move(r));
  }
  EXPECT_TRUE(rec.fields.empty());
  EXPECT_EQ(rec.error, nullptr);
  EXPECT_EQ(reader.position(), std::min(end, bytes.size()));
  return out;
}

std::vector<Rec> readAll(std::string_view text) {
  ExactBytes b(text);
  return readRange(b.view(), 0, b.size);
}

Rec rec(size_t offset, Fields fields, std::string error = "") {
  return Rec{std::move(fields), offset, std::move(error)};
}

// A plain byte-by-byte implementation of the rules documented in csv.h, to compare the
// optimised reader with on random inputs.
std::vector<Rec> referenceRead(std::string_view s, size_t begin, size_t end) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::vector<Rec> out;
  size_t p = begin;
  if (begin == 0 && end >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") p = 3;
  while (p < end) {
    Rec r;
    r.offset = p;
    auto fail = [&](const char* what) {
      if (r.error.empty()) r.error = what;
    };
    for (;;) {
      size_t s0 = p;
      while (p < end && blank(s[p])) ++p;
      if (p < end && s[p] == '"') {
        ++p;
        std::string v;
        bool closed = false;
        while (p < end) {
          if (s[p] == '"') {
            if (p + 1 < end && s[p + 1] == '"') {
              v += '"';
              p += 2;
            } else {
              ++p;
              closed = true;
              break;
            }
          } else {
            v += s[p++];
          }
        }
        if (!closed) fail("unterminated quoted field");
        while (p < end && (blank(s[p]) || s[p] == '\r')) ++p;
        if (p < end && s[p] != ',' && s[p] != '\n') {
          fail("text after a closing quote");
          while (p < end && s[p] != ',' && s[p] != '\n') ++p;
        }
        size_t a = 0, b = v.size();
        while (a < b && blank(v[a])) ++a;
        while (b > a && blank(v[b - 1])) --b;
        r.fields.push_back(v.substr(a, b - a));
      } else {
        while (p < end && s[p] != ',' && s[p] != '\n') ++p;
        size_t a = s0, b = p;
        while (a < b && blank(s[a])) ++a;
        while (b > a && (blank(s[b - 1]) || s[b - 1] == '\r')) --b;
        r.fields.emplace_back(s.substr(a, b - a));
      }
      if (p >= end) break;
      if (s[p++] == ',') continue;
      break;
    }
    if (r.fields.size() == 1 && r.fields[0].empty() && r.error.empty()) continue;
    out.push_back(std::move(r));
  }
  return out;
}

size_t naiveLine(std::string_view s, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < s.size(); ++i) line += s[i] == '\n';
  return line;
}

// ---------------------------------------------------------------------------- basics

TEST(CsvReader, HeaderAndRows) {
  EXPECT_EQ(
      readAll("id,name,unit\nP1,Ann,A\nP2,Bob,B\n"),
      (std::vector<Rec>{rec(0, {"id", "name", "unit"}), rec(13, {"P1", "Ann", "A"}), rec(22, {"P2", "Bob", "B"})}));
}

TEST(CsvReader, EmptyInput) {
  EXPECT_TRUE(readAll("").empty());
  EXPECT_TRUE(readAll("\n").empty());
  EXPECT_TRUE(readAll("\n\n\r\n").empty());
  CsvReader reader{std::string_view()};
  CsvRecord r;
  EXPECT_FALSE(reader.next(r));
  EXPECT_FALSE(reader.next(r));
}

TEST(CsvReader, HeaderOnly) {
  EXPECT_EQ(readAll("date,kind,subject\n"), (std::vector<Rec>{rec(0, {"date", "kind", "subject"})}));
  EXPECT_EQ(readAll("date,kind,subject"), (std::vector<Rec>{rec(0, {"date", "kind", "subject"})}));
}

TEST(CsvReader, ByteOrderMark) {
  EXPECT_EQ(readAll("\xEF\xBB\xBFid,name\nP1,x\n"), (std::vector<Rec>{rec(3, {"id", "name"}), rec(11, {"P1", "x"})}));
  EXPECT_TRUE(readAll("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(readAll("\xEF\xBB\xBF\r\n").empty());
  EXPECT_EQ(readAll("\xEF\xBB\xBF\"id\",x"), (std::vector<Rec>{rec(3, {"id", "x"})}));
  // Only at offset 0: a chunk that starts later does not skip these bytes.
  std::string s =
      "a\n\xEF\xBB\xBF"
      "b\n";
  EXPECT_EQ(readRange(s, 2, s.size()), (std::vector<Rec>{rec(2, {"\xEF\xBB\xBF"
                                                                 "b"})}));
  // A partial BOM is text.
  EXPECT_EQ(readAll("\xEF\xBB"), (std::vector<Rec>{rec(0, {"\xEF\xBB"})}));
}

TEST(CsvReader, LineEnds) {
  const std::vector<Rec> want{rec(0, {"a", "b"}), rec(4, {"1", "2"})};
  EXPECT_EQ(readAll("a,b\n1,2\n"), want);
  EXPECT_EQ(readAll("a,b\n1,2"), want);  // no final newline
  const std::vector<Rec> crlf{rec(0, {"a", "b"}), rec(5, {"1", "2"})};
  EXPECT_EQ(readAll("a,b\r\n1,2\r\n"), crlf);
  EXPECT_EQ(readAll("a,b\r\n1,2"), crlf);
  EXPECT_EQ(readAll("a,b\r\n1,2\r"), crlf);
  EXPECT_EQ(readAll("a\r,b\r\n"), (std::vector<Rec>{rec(0, {"a", "b"})}));
  // A lone '\r' inside a field is text.
  EXPECT_EQ(readAll("a\rb,c\n"), (std::vector<Rec>{rec(0, {"a\rb", "c"})}));
}

TEST(CsvReader, NoFinalNewline) {
  EXPECT_EQ(readAll("x"), (std::vector<Rec>{rec(0, {"x"})}));
  EXPECT_EQ(readAll("h\n1,"), (std::vector<Rec>{rec(0, {"h"}), rec(2, {"1", ""})}));
  EXPECT_EQ(readAll("h\n\"q\""), (std::vector<Rec>{rec(0, {"h"}), rec(2, {"q"})}));
  EXPECT_EQ(readAll("h\n\"q\",\"r\""), (std::vector<Rec>{rec(0, {"h"}), rec(2, {"q", "r"})}));
}

TEST(CsvReader, QuotedCommas) {
  EXPECT_EQ(readAll("a,\"b,c\",d\n\"x,\",\",y\"\n"),
            (std::vector<Rec>{rec(0, {"a", "b,c", "d"}), rec(10, {"x,", ",y"})}));
  EXPECT_EQ(readAll("\",\",\",,\",\"\"\n"), (std::vector<Rec>{rec(0, {",", ",,", ""})}));
}

TEST(CsvReader, DoubledQuotes) {
  EXPECT_EQ(readAll("\"say \"\"hi\"\"\",x\n"), (std::vector<Rec>{rec(0, {"say \"hi\"", "x"})}));
  EXPECT_EQ(readAll("\"\"\"\"\n"), (std::vector<Rec>{rec(0, {"\""})}));
  EXPECT_EQ(readAll("\"\"\"\"\"\"\n"), (std::vector<Rec>{rec(0, {"\"\""})}));
  EXPECT_EQ(readAll("a,\"\"\"x\"\"\"\n"), (std::vector<Rec>{rec(0, {"a", "\"x\""})}));
}

TEST(CsvReader, ManyEscapedFieldsInOneRecord) {
  // Unescaped values are stored in the reader while the record is read; the storage grows
  // (and moves) along the way, and every field must still come out right.
  std::string line, plain;
  Fields want;
  for (int i = 0; i < 60; ++i) {
    std::string v = std::string(static_cast<size_t>(i * 7), 'a' + i % 26) + "\"q\"" + std::to_string(i);
    std::string esc;
    for (char c : v) esc += c == '"' ? std::string("\"\"") : std::string(1, c);
    line += (i ? "," : "") + (i % 3 == 0   ? "\"" + esc + "\""
                              : i % 3 == 1 ? " \"plain" + std::to_string(i) + "\" "
                                           : "u" + std::to_string(i));
    want.push_back(i % 3 == 0 ? v : i % 3 == 1 ? "plain" + std::to_string(i) : "u" + std::to_string(i));
  }
  EXPECT_EQ(readAll(line + "\nx\n"), (std::vector<Rec>{rec(0, want), rec(line.size() + 1, {"x"})}));
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsText) {
  EXPECT_EQ(readAll("ab\"c,d\n5'11\",e\n"), (std::vector<Rec>{rec(0, {"ab\"c", "d"}), rec(7, {"5'11\"", "e"})}));
}

TEST(CsvReader, QuotedNewlines) {
  const std::string s = "h1,h2\n\"line1\nline2\",x\nnext,y\n\"a\r\nb\",\"\n\n\"\r\nlast,z\n";
  auto got = readAll(s);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[1], rec(6, {"line1\nline2", "x"}));
  EXPECT_EQ(got[2], rec(22, {"next", "y"}));
  EXPECT_EQ(got[3], rec(29, {"a\r\nb", "\n\n"}));
  EXPECT_EQ(got[4].fields, (Fields{"last", "z"}));
  // Physical line numbers: the record after a two-line record is on line 4.
  EXPECT_EQ(lineOfOffset(s, got[0].offset), 1u);
  EXPECT_EQ(lineOfOffset(s, got[1].offset), 2u);
  EXPECT_EQ(lineOfOffset(s, got[2].offset), 4u);
  EXPECT_EQ(lineOfOffset(s, got[3].offset), 5u);
  EXPECT_EQ(lineOfOffset(s, got[4].offset), 9u);
  LineIndex lines(s);
  EXPECT_EQ(lines.lineOf(got[1].offset), 2u);
  EXPECT_EQ(lines.lineOf(got[2].offset), 4u);
  EXPECT_EQ(lines.lineOf(got[4].offset), 9u);
}

TEST(CsvReader, QuotedValueKeepsInnerNewlinesButTrimsBlanks) {
  EXPECT_EQ(readAll("\"\n\n\",x\n"), (std::vector<Rec>{rec(0, {"\n\n", "x"})}));
  EXPECT_EQ(readAll("\"  \t\",x\n"), (std::vector<Rec>{rec(0, {"", "x"})}));
}

TEST(CsvReader, SpacesAroundValues) {
  EXPECT_EQ(readAll("  a  , b\t,\t c \n"), (std::vector<Rec>{rec(0, {"a", "b", "c"})}));
  EXPECT_EQ(readAll("  \" x \"  , y \r\n"), (std::vector<Rec>{rec(0, {"x", "y"})}));
  EXPECT_EQ(readAll("\" a, b \"\t,\"\t\"\n"), (std::vector<Rec>{rec(0, {"a, b", ""})}));
  EXPECT_EQ(readAll("a b , c\td\n"), (std::vector<Rec>{rec(0, {"a b", "c\td"})}));  // inner blanks kept
  EXPECT_EQ(readAll(" ,\t,  \n"), (std::vector<Rec>{rec(0, {"", "", ""})}));
}

TEST(CsvReader, ChineseText) {
  const std::string s = "id,姓名,单位,备注\nP001, 张三 ,市城管局,\"优秀，表彰\"\nP002,李四,\"区局\",\n";
  EXPECT_EQ(readAll(s), (std::vector<Rec>{rec(0, {"id", "姓名", "单位", "备注"}),
                                          rec(s.find("P001"), {"P001", "张三", "市城管局", "优秀，表彰"}),
                                          rec(s.find("P002"), {"P002", "李四", "区局", ""})}));
}

TEST(CsvReader, EmptyFields) {
  EXPECT_EQ(readAll(",,\n"), (std::vector<Rec>{rec(0, {"", "", ""})}));
  EXPECT_EQ(readAll("a,,b\n,\n"), (std::vector<Rec>{rec(0, {"a", "", "b"}), rec(5, {"", ""})}));
  EXPECT_EQ(readAll("2024-01-02,考勤,P1,,,,19,0,,,,,\n").at(0).fields.size(), 13u);
}

TEST(CsvReader, BlankLinesSkipped) {
  EXPECT_EQ(readAll("\na\n\n\r\n  \n\t\r\nb\n\n"), (std::vector<Rec>{rec(1, {"a"}), rec(12, {"b"})}));
  EXPECT_EQ(readAll("a\n\"\"\nb\n"), (std::vector<Rec>{rec(0, {"a"}), rec(5, {"b"})}));  // a lone "" too
}

TEST(CsvReader, UnterminatedQuote) {
  const std::string s = "a,b\n1,2\n3,\"oops\n4,5\n6,7\n";
  auto got = readAll(s);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1], rec(4, {"1", "2"}));
  EXPECT_EQ(got[2].offset, 8u);
  EXPECT_EQ(got[2].error, "unterminated quoted field");
  EXPECT_EQ(got[2].fields, (Fields{"3", "oops\n4,5\n6,7\n"}));
  EXPECT_EQ(lineOfOffset(s, got[2].offset), 3u);
  // A lone quote at the very end.
  got = readAll("a\n\"");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], rec(2, {""}, "unterminated quoted field"));  // not taken for a blank line
  got = readAll("\"ab\"\"");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].error, "unterminated quoted field");
}

TEST(CsvReader, TextAfterClosingQuote) {
  const std::string s = "h,i\n\"ab\"c,d\n1,2\n\"x\" \"y\",z\n\"ok\"  \t,w\r\n";
  auto got = readAll(s);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[1].offset, 4u);
  EXPECT_EQ(got[1].error, "text after a closing quote");
  EXPECT_EQ(got[1].fields.size(), 2u);
  EXPECT_EQ(got[1].fields[1], "d");  // the rest of the record is still split
  EXPECT_EQ(got[2], rec(12, {"1", "2"}));
  EXPECT_EQ(got[3].error, "text after a closing quote");
  EXPECT_EQ(lineOfOffset(s, got[3].offset), 4u);
  EXPECT_EQ(got[4], rec(26, {"ok", "w"}));
}

TEST(CsvReader, EveryBadRowIsReturned) {
  std::string s = "a,b\n";
  std::vector<size_t> bad;
  for (int i = 0; i < 50; ++i) {
    if (i % 7 == 3) {
      bad.push_back(s.size());
      s += "\"x\"y,1\n";
    } else {
      s += "v" + std::to_string(i) + ",1\n";
    }
  }
  std::vector<size_t> seen;
  for (const Rec& r : readAll(s))
    if (!r.error.empty()) seen.push_back(r.offset);
  EXPECT_EQ(seen, bad);
}

TEST(CsvReader, QuotedFieldsValidUntilNextCall) {
  const std::string s = "\"a\",\"b\",c\n\"d\"\n";
  CsvReader reader(s);
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.fields, (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(r.fields[2].data(), s.data() + 8);  // unquoted: points into the bytes
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.fields, (std::vector<std::string_view>{"d"}));
  EXPECT_FALSE(reader.next(r));
}

TEST(CsvReader, UnquotedFieldsPointIntoTheBytes) {
  const std::string s = "ab,cd\nef,gh\n";
  CsvReader reader(s);
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.fields[0].data(), s.data());
  EXPECT_EQ(r.fields[1].data(), s.data() + 3);
  EXPECT_EQ(r.offset, 0u);
  EXPECT_EQ(reader.position(), 6u);
}

TEST(CsvReader, NoAllocationPerRecordInSteadyState) {
  std::string s = "a,b,c,d\n";
  for (int i = 0; i < 1000; ++i) s += "1,22,333,4444\n";
  CsvReader reader(s);
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  const std::string_view* storage = r.fields.data();
  size_t n = 1;
  while (reader.next(r)) {
    ASSERT_EQ(r.fields.data(), storage);
    ++n;
  }
  EXPECT_EQ(n, 1001u);
}

TEST(CsvReader, LongFieldsSpanManyBlocks) {
  std::string big(1000, 'x');
  std::string s = big + "," + std::string(300, ' ') + big + "\n\"" + big + "\"\"," + big + "\"\n";
  EXPECT_EQ(readAll(s), (std::vector<Rec>{rec(0, {big, big}), rec(2302, {big + "\"," + big})}));
}

// ------------------------------------------------------------------ 64-byte block edges

// A record with every kind of delimiter, put at every offset 0..129 relative to the
// blocks, followed by different tails, in files whose length is (mostly) not a multiple
// of 64 bytes.
TEST(CsvReader, RecordsAtEveryBlockAlignment) {
  const std::vector<std::string> records = {"abc,de,fghij,klm\n", "p,\"q,r\",s\n", "x,\"multi\nline\",\"\"\"\"\n",
                                            "t,u\r\n", ",,,,,,,,,,,,,,,,,,,,\n"};
  for (const std::string& record : records) {
    for (size_t pad = 0; pad < 130; ++pad) {
      for (int tail = 0; tail < 3; ++tail) {
        std::string s;
        if (pad > 0) s = std::string(pad - 1, 'y') + "\n";  // a one-field record (or a blank line)
        const size_t at = s.size();
        s += record;
        if (tail == 1) s += "zz,1\n";
        if (tail == 2) s += record.substr(0, record.size() - 1);  // no final newline
        ExactBytes b(s);
        auto got = readRange(b.view(), 0, b.size);
        auto want = referenceRead(s, 0, s.size());
        ASSERT_EQ(got, want) << "pad " << pad << " tail " << tail << " record " << record;
        bool found = false;
        for (const Rec& r : got) found |= r.offset == at;
        EXPECT_TRUE(found);
      }
    }
  }
}

TEST(CsvReader, DelimiterExactlyAtBlockEnds) {
  for (size_t len = 1; len < 200; ++len) {
    // Fields of length len-1 so that delimiters fall on every residue modulo 64.
    std::string f(len - 1, 'a');
    std::string s = f + "," + f + "\n" + f + "\n" + f + "," + f;
    auto want = referenceRead(s, 0, s.size());
    ExactBytes b(s);
    ASSERT_EQ(readRange(b.view(), 0, b.size), want) << len;
  }
}

TEST(CsvReader, RangeEndsInsideTheBytes) {
  const std::string s = "a,b\nc,d\ne,f\n";
  EXPECT_EQ(readRange(s, 0, 5), (std::vector<Rec>{rec(0, {"a", "b"}), rec(4, {"c"})}));
  EXPECT_EQ(readRange(s, 4, 8), (std::vector<Rec>{rec(4, {"c", "d"})}));
  EXPECT_EQ(readRange(s, 4, 4), (std::vector<Rec>{}));
  EXPECT_EQ(readRange(s, 8, 100), (std::vector<Rec>{rec(8, {"e", "f"})}));  // end clamped
  // Delimiters just past the end of the range are not seen, at every position.
  std::string t(300, 'x');
  for (size_t i = 0; i < t.size(); i += 3) t[i] = ",\n\""[i % 9 / 3];
  for (size_t end = 0; end <= t.size(); ++end) ASSERT_EQ(readRange(t, 0, end), referenceRead(t, 0, end)) << end;
}

// ---------------------------------------------------------- random inputs vs reference

TEST(CsvReader, RandomInputsMatchReference) {
  std::mt19937_64 rng(20240601);
  const std::vector<std::string> pieces = {
      "a", "bc", "张", ",", ",", "\n", "\r\n", "\"", "\"\"", " ", "\t", "\r", "xyzxyzxyzxyz", ",,", "\xEF\xBB\xBF"};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const size_t n = rng() % (iter < 10000 ? 40 : 200);
    // Mostly unquoted, sometimes with quotes: both paths and their switches get exercised.
    const bool quotes = rng() % 3 == 0;
    for (size_t i = 0; i < n; ++i) {
      const std::string& p = pieces[rng() % pieces.size()];
      if (!quotes && p.find('"') != std::string::npos) continue;
      s += p;
    }
    ExactBytes b(s);
    ASSERT_EQ(readRange(b.view(), 0, b.size), referenceRead(s, 0, s.size())) << "input: " << s;
    // And a range that stops somewhere inside.
    size_t end = s.empty() ? 0 : rng() % (s.size() + 1);
    ASSERT_EQ(readRange(b.view(), 0, end), referenceRead(s, 0, end)) << "input: " << s << " end " << end;
  }
}

// ------------------------------------------------------------------------- batches

// Records read with nextBatch (the first `viaNext` records with next(), as the streaming
// pass reads a header), as (fields up to the width, the field count) — to compare with
// next()'s records cut to the same width.
struct BatchRec {
  Rec rec;
  size_t fieldCount;
  bool operator==(const BatchRec& o) const { return rec == o.rec && fieldCount == o.fieldCount; }
};
std::ostream& operator<<(std::ostream& os, const BatchRec& r) { return os << r.rec << "#" << r.fieldCount; }

std::vector<BatchRec> cut(const std::vector<Rec>& recs, size_t width) {
  std::vector<BatchRec> out;
  for (const Rec& r : recs) {
    BatchRec b{r, r.fields.size()};
    if (b.rec.fields.size() > width) b.rec.fields.resize(width);
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<BatchRec> readBatches(std::string_view bytes, size_t begin, size_t end, size_t width, size_t perBatch,
                                  size_t viaNext = 0) {
  CsvReader reader(bytes, begin, end);
  std::vector<BatchRec> out;
  CsvRecord first;
  for (size_t i = 0; i < viaNext && reader.next(first); ++i) {
    Rec r;
    for (std::string_view f : first.fields) r.fields.emplace_back(f);
    r.offset = first.offset;
    r.error = first.error ? first.error : "";
    out.push_back(BatchRec{r, r.fields.size()});
    if (out.back().rec.fields.size() > width) out.back().rec.fields.resize(width);
  }
  CsvBatch batch;
  batch.width = width;
  while (size_t n = reader.nextBatch(batch, perBatch)) {
    EXPECT_EQ(n, batch.records.size());
    for (const CsvBatch::Record& r : batch.records) {
      BatchRec b{Rec{}, r.fieldCount};
      for (size_t i = 0; i < r.fieldCount && i < width; ++i) b.rec.fields.emplace_back(batch.field(r, i));
      b.rec.offset = r.offset;
      b.rec.error = r.error ? r.error : "";
      out.push_back(std::move(b));
    }
  }
  EXPECT_EQ(reader.position(), std::min(end, bytes.size()));
  return out;
}

TEST(CsvBatch, SameRecordsAsNext) {
  const std::string s =
      "date,kind,subject\n2024-01-01, 考勤 ,P1\r\n\n2024-01-02,\"a,b\",\"x\"\"y\"\n  \nshort\n1,2,3,4,5\n"
      "\"unterminated,1,2\n";
  ExactBytes b(s);
  for (size_t width : {1, 2, 3, 5, 8})
    for (size_t per : {1, 2, 3, 32})
      for (size_t viaNext : {0, 1, 2})
        ASSERT_EQ(readBatches(b.view(), 0, b.size, width, per, viaNext), cut(readRange(b.view(), 0, b.size), width))
            << width << " " << per << " " << viaNext;
}

TEST(CsvBatch, RecordsWithoutBlanksNeedNoTrimming) {
  const std::string s = "a,b\nc ,d\ne,\tf\ng,h\r\ni,j\n";
  CsvReader reader(s);
  CsvBatch batch;
  batch.width = 2;
  ASSERT_EQ(reader.nextBatch(batch, 10), 5u);
  std::vector<bool> clean;
  for (const auto& r : batch.records) clean.push_back(r.trimmed);
  EXPECT_EQ(clean, (std::vector<bool>{true, false, false, false, true}));
  EXPECT_EQ(batch.field(batch.records[3], 1), "h");
}

// nextBatch reads every record with a '"' into the same CsvRecord: the error of one must
// not stay on the next (nor hide that record's own error).
TEST(CsvBatch, AQuotedRecordsErrorDoesNotCarryOver) {
  const std::string s = "\"a\"b,1\n\"c\",2\nd,3\n\"e\",4\n\"f\"g\n\"unterminated,5\n";
  CsvReader reader(s);
  CsvBatch batch;
  batch.width = 2;
  ASSERT_EQ(reader.nextBatch(batch, 10), 6u);
  std::vector<std::string> errors;
  for (const auto& r : batch.records) errors.push_back(r.error ? r.error : "");
  EXPECT_EQ(errors, (std::vector<std::string>{"text after a closing quote", "", "", "", "text after a closing quote",
                                              "unterminated quoted field"}));
  EXPECT_EQ(batch.field(batch.records[1], 0), "c");
  EXPECT_EQ(batch.field(batch.records[3], 1), "4");
}

TEST(CsvBatch, RandomInputsMatchNext) {
  std::mt19937_64 rng(7);
  const std::vector<std::string> pieces = {"a", "bc", "张", ",", ",", "\n", "\r\n", "\"", "\"\"", " ", "\t", "\r",
                                           "xyzxyzxyzxyzxyzxyzxyzxyzxyzxyz", ",,"};
  for (int iter = 0; iter < 6000; ++iter) {
    std::string s;
    const size_t n = rng() % (iter < 3000 ? 40 : 300);
    const bool quotes = rng() % 3 == 0;
    for (size_t i = 0; i < n; ++i) {
      const std::string& p = pieces[rng() % pieces.size()];
      if (!quotes && p.find('"') != std::string::npos) continue;
      s += p;
    }
    ExactBytes b(s);
    const size_t width = 1 + rng() % 6, per = 1 + rng() % 40, viaNext = rng() % 3;
    size_t end = rng() % 4 == 0 && !s.empty() ? rng() % (s.size() + 1) : s.size();
    ASSERT_EQ(readBatches(b.view(), 0, end, width, per, viaNext), cut(readRange(b.view(), 0, end), width))
        << "input: " << s << " width " << width << " per " << per << " via next " << viaNext << " end " << end;
  }
}

// ------------------------------------------------------------------------- chunks

std::string generateEvents(size_t targetBytes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  static const char* kinds[] = {"考勤", "缺席", "请假", "测评", "推诿"};
  std::string s =
      "\xEF\xBB\xBF"
      "date,kind,subject,活动,请假,迟到分钟,早退分钟,天数,备注\r\n";
  char buf[256];
  while (s.size() < targetBytes) {
    const uint64_t r = rng();
    int n = std::snprintf(buf, sizeof buf, "2024-%02d-%02d,%s,P%06u,%s,,%u,%u,%s,%s%s", int(r % 12) + 1,
                          int(r >> 8) % 28 + 1, kinds[(r >> 16) % 5], unsigned(r >> 24) % 100000,
                          (r >> 40) % 4 ? "" : "处务会", unsigned(r >> 44) % 40, unsigned(r >> 50) % 30,
                          (r >> 56) % 8 ? "" : " 1.5 ", (r >> 59) % 4 ? "" : "x y", (r >> 61) % 2 ? "\r\n" : "\n");
    s.append(buf, static_cast<size_t>(n));
    if (r % 97 == 0) s += "\n";  // a blank line now and then
  }
  return s;
}

std::vector<Rec> readChunks(std::string_view bytes, const std::vector<std::pair<size_t, size_t>>& chunks) {
  std::vector<Rec> all;
  for (auto [a, b] : chunks) {
    auto part = readRange(bytes, a, b);
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

TEST(CsvChunks, SplitGivesTheSameRecordsAsOnePass) {
  const std::string s = generateEvents(5u << 20, 7);
  ASSERT_FALSE(hasQuote(s));
  CsvReader header(s);
  CsvRecord r;
  ASSERT_TRUE(header.next(r));
  EXPECT_EQ(r.fields.size(), 9u);
  const size_t begin = header.position();
  const auto one = readRange(s, begin, s.size());
  EXPECT_GT(one.size(), 100000u);
  for (unsigned n : {1u, 2u, 3u, 4u, 7u, 8u, 16u, 64u}) {
    auto chunks = splitIntoChunks(s, begin, n);
    ASSERT_EQ(chunks.size(), n) << n;
    ASSERT_EQ(chunks.front().first, begin);
    ASSERT_EQ(chunks.back().second, s.size());
    for (size_t i = 0; i < chunks.size(); ++i) {
      EXPECT_LT(chunks[i].first, chunks[i].second);
      if (i > 0) {
        EXPECT_EQ(chunks[i].first, chunks[i - 1].second);
        EXPECT_EQ(s[chunks[i].first - 1], '\n');
      }
    }
    EXPECT_EQ(readChunks(s, chunks), one) << n;
  }
  // From offset 0 (header and BOM in the first chunk).
  auto chunks = splitIntoChunks(s, 0, 5);
  ASSERT_EQ(chunks.size(), 5u);
  auto all = readChunks(s, chunks);
  EXPECT_EQ(all, readRange(s, 0, s.size()));
  EXPECT_EQ(all.at(0).fields.at(0), "date");
}

TEST(CsvChunks, OneChunkWhenThereIsAQuote) {
  std::string s = generateEvents(1u << 20, 3);
  s += "2024-12-31,考勤,P000001,\"a\nb\",,,,,\n";
  auto chunks = splitIntoChunks(s, 0, 8);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0], std::make_pair(size_t{0}, s.size()));
  EXPECT_TRUE(hasQuote(s));
  EXPECT_FALSE(hasQuote("a,b\n"));
  EXPECT_FALSE(hasQuote(""));
}

TEST(CsvChunks, SmallInputsAndEdges) {
  EXPECT_EQ(splitIntoChunks("", 0, 4), (std::vector<std::pair<size_t, size_t>>{{0, 0}}));
  EXPECT_EQ(splitIntoChunks("a\nb\n", 0, 4), (std::vector<std::pair<size_t, size_t>>{{0, 4}}));  // < minimum
  EXPECT_EQ(splitIntoChunks("a\nb\n", 9, 4), (std::vector<std::pair<size_t, size_t>>{{4, 4}}));  // clamped
  // Without a minimum size: cuts after line ends, never an empty chunk.
  const std::string s = "aaaa\nbbbb\ncccc\ndddd";
  auto c = splitIntoChunks(s, 0, 4, 0);
  EXPECT_EQ(c, (std::vector<std::pair<size_t, size_t>>{{0, 5}, {5, 10}, {10, 15}, {15, 19}}));
  c = splitIntoChunks(s, 0, 100, 0);
  EXPECT_EQ(readChunks(s, c), readRange(s, 0, s.size()));
  for (size_t i = 0; i < c.size(); ++i) EXPECT_LT(c[i].first, c[i].second);
  // One long line: cannot be cut.
  const std::string line(1000, 'x');
  EXPECT_EQ(splitIntoChunks(line, 0, 4, 0), (std::vector<std::pair<size_t, size_t>>{{0, 1000}}));
}

// ------------------------------------------------------------------------- line numbers

TEST(LineNumbers, LineOfOffset) {
  const std::string s = "a\nbb\n\nccc\r\nd";
  EXPECT_EQ(lineOfOffset(s, 0), 1u);
  EXPECT_EQ(lineOfOffset(s, 1), 1u);  // the '\n' itself is still on line 1
  EXPECT_EQ(lineOfOffset(s, 2), 2u);
  EXPECT_EQ(lineOfOffset(s, 5), 3u);
  EXPECT_EQ(lineOfOffset(s, 6), 4u);
  EXPECT_EQ(lineOfOffset(s, 11), 5u);
  EXPECT_EQ(lineOfOffset(s, 1000), 5u);  // past the end
  EXPECT_EQ(lineOfOffset("", 0), 1u);
}

TEST(LineNumbers, LargeInputMatchesNaiveCount) {
  std::mt19937_64 rng(5);
  std::string s(300000, 'x');
  for (char& c : s)
    if (rng() % 13 == 0) c = '\n';
  for (size_t i = 100000; i < 100000 + 70000; ++i) s[i] = '\n';  // > 255 newlines per lane
  for (int k = 0; k < 200; ++k) {
    size_t off = rng() % (s.size() + 1);
    ASSERT_EQ(lineOfOffset(s, off), naiveLine(s, off)) << off;
  }
  EXPECT_EQ(countNewlines(s.data(), s.size()), naiveLine(s, s.size()) - 1);
  for (size_t n = 0; n < 300; ++n)
    ASSERT_EQ(countNewlines(s.data() + 99990, n), naiveLine(s, 99990 + n) - naiveLine(s, 99990)) << n;
}

TEST(LineNumbers, LineIndexForwardAndBackward) {
  std::mt19937_64 rng(9);
  std::string s;
  for (int i = 0; i < 20000; ++i) s += std::string(rng() % 50, 'v') + (rng() % 5 ? "\n" : "\r\n");
  LineIndex lines(s);
  std::vector<size_t> offs;
  for (int i = 0; i < 500; ++i) offs.push_back(rng() % (s.size() + 1));
  std::sort(offs.begin(), offs.end());
  for (size_t off : offs) ASSERT_EQ(lines.lineOf(off), naiveLine(s, off));
  for (int i = 0; i < 100; ++i) {  // any order works too
    size_t off = rng() % (s.size() + 10);
    ASSERT_EQ(lines.lineOf(off), naiveLine(s, off));
  }
  EXPECT_EQ(lines.lineOf(0), 1u);
}

TEST(LineNumbers, RecordsOfAFileWithQuotedNewlines) {
  // Each record's line, from the reader's offsets, matches a count of physical lines.
  std::string s = "h,i\n";
  std::vector<size_t> wantLines;
  size_t line = 2;
  for (int i = 0; i < 300; ++i) {
    wantLines.push_back(line);
    int breaks = i % 4;
    std::string v = "v";
    for (int b = 0; b < breaks; ++b) v += "\nw";
    s += std::to_string(i) + ",\"" + v + "\"\n";
    line += 1 + breaks;
  }
  auto got = readAll(s);
  ASSERT_EQ(got.size(), 301u);
  LineIndex lines(s);
  for (size_t i = 1; i < got.size(); ++i) ASSERT_EQ(lines.lineOf(got[i].offset), wantLines[i - 1]);
}

// ------------------------------------------------------------------------- MappedFile

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kaoping_csv_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const auto& f : files_) std::remove(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    files_.push_back(path);
    return path;
  }
  std::string dir_;
  std::vector<std::string> files_;
};

using MappedFileTest = TempDir;

TEST_F(MappedFileTest, MapsARegularFile) {
  const std::string content = "\xEF\xBB\xBFid,name\nP1,张三\n";
  std::string error;
  auto f = MappedFile::open(write("roster.csv", content), error);
  ASSERT_TRUE(f) << error;
  EXPECT_TRUE(f->isMapped());
  EXPECT_EQ(f->bytes(), content);
  EXPECT_EQ(f->size(), content.size());
  EXPECT_EQ(readAll(f->bytes()).at(1).fields.at(1), "张三");
}

TEST_F(MappedFileTest, EmptyFile) {
  std::string error;
  auto f = MappedFile::open(write("empty.csv", ""), error);
  ASSERT_TRUE(f) << error;
  EXPECT_TRUE(f->bytes().empty());
  EXPECT_NE(f->bytes().data(), nullptr);
  CsvReader reader(f->bytes());
  CsvRecord r;
  EXPECT_FALSE(reader.next(r));
}

TEST_F(MappedFileTest, MissingFileAndDirectory) {
  std::string error;
  const std::string missing = dir_ + "/no-such.csv";
  EXPECT_FALSE(MappedFile::open(missing, error));
  EXPECT_EQ(error, missing + ": " + std::strerror(ENOENT));
  error.clear();
  EXPECT_FALSE(MappedFile::open(dir_, error));
  EXPECT_EQ(error, dir_ + ": " + std::strerror(EISDIR));
}

TEST_F(MappedFileTest, MoveKeepsTheBytes) {
  const std::string content = "a,b\n1,2\n";
  std::string error;
  auto f = MappedFile::open(write("m.csv", content), error);
  ASSERT_TRUE(f);
  std::string_view before = f->bytes();
  MappedFile g = std::move(*f);
  EXPECT_EQ(g.bytes(), content);
  EXPECT_EQ(g.bytes().data(), before.data());
  EXPECT_TRUE(f->bytes().empty());
  auto h = MappedFile::open(write("n.csv", "x\n"), error);
  ASSERT_TRUE(h);
  *h = std::move(g);
  EXPECT_EQ(h->bytes(), content);
  static_assert(!std::is_copy_constructible_v<MappedFile>);
  static_assert(std::is_nothrow_move_constructible_v<MappedFile>);
}

TEST(MappedFilePipe, ReadsAPipeIntoABuffer) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string content;
  for (int i = 0; i < 20000; ++i) content += "P" + std::to_string(i) + ",考勤,\"q\"\n";  // > pipe buffer
  std::thread writer([&] {
    size_t done = 0;
    while (done < content.size()) {
      ssize_t n = ::write(fds[1], content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  std::string error;
  auto f = MappedFile::open("/dev/fd/" + std::to_string(fds[0]), error);
  writer.join();
  ::close(fds[0]);
  ASSERT_TRUE(f) << error;
  EXPECT_FALSE(f->isMapped());
  EXPECT_EQ(f->bytes(), content);
  MappedFile g = std::move(*f);
  EXPECT_EQ(g.bytes(), content);
  EXPECT_EQ(readAll(g.bytes()).size(), 20000u);
}

}  // namespace
}  // namespace kaoping::data
