// RFC 4180 records from a file's bytes, without copying fields.
//
//   data::CsvReader reader(file.bytes());
//   data::CsvRecord rec;
//   while (reader.next(rec)) { ... rec.fields[i] ... }
//
// - A UTF-8 byte-order mark at the start is skipped; LF and CRLF line ends both work.
// - Fields are trimmed of spaces and tabs around them (inside quotes too): DATA.md says
//   leading and trailing spaces are not significant.
// - Quoted fields may hold commas, doubled quotes and line breaks; their text lives in the
//   reader and stays valid until the next call to next(). Other fields point into the file.
// - Blank lines are skipped.
// - A malformed record (unterminated quote, text after a closing quote) is returned with
//   `error` set, and reading continues with the next record, so every bad row is reported.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kaoping::data {

struct CsvRecord {
  std::vector<std::string_view> fields;
  size_t offset = 0;            // byte offset of the record's first byte in the file
  const char* error = nullptr;  // a static English message, or nullptr
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view bytes);
  // A chunk [begin, end) of the same bytes that starts at a record boundary.
  CsvReader(std::string_view bytes, size_t begin, size_t end);

  bool next(CsvRecord& rec);

 private:
  const char* parseQuoted(const char* p, CsvRecord& rec);
  std::string_view bytes_;
  const char* pos_;
  const char* end_;
  std::deque<std::string> store_;  // unescaped quoted fields of the current record
  size_t stored_ = 0;
};

// 1-based line number of a byte offset: newlines before it plus one.
size_t lineOfOffset(std::string_view bytes, size_t offset);

// Answers line numbers for offsets that mostly increase, in one forward pass.
class LineIndex {
 public:
  explicit LineIndex(std::string_view bytes) : bytes_(bytes) {}
  size_t lineOf(size_t offset);

 private:
  std::string_view bytes_;
  size_t offset_ = 0, line_ = 1;
};

// Splits [begin, end) of the bytes into at most n chunks that start at record boundaries:
// at line ends when the bytes hold no '"' at all, otherwise one chunk (a quoted field may
// contain a line break).
std::vector<std::pair<size_t, size_t>> splitIntoChunks(std::string_view bytes, size_t begin, unsigned n);

}  // namespace kaoping::data
