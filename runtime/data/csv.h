// The CSV layer: RFC 4180 records read from a file's bytes without copying fields.
//
//   std::string error;
//   auto file = data::MappedFile::open(path, error);        // runtime/data/mapped_file.h
//   data::CsvReader reader(file->bytes());
//   data::LineIndex lines(file->bytes());
//   data::CsvRecord rec;
//   while (reader.next(rec)) {
//     if (rec.error) { report(path, lines.lineOf(rec.offset), rec.error); continue; }
//     ... rec.fields[i] ...                                  // std::string_view
//   }
//
// What is accepted (DATA.md, "Common rules for every CSV file"):
// - UTF-8 with or without a byte-order mark (EF BB BF at offset 0 is skipped); the reader
//   does not validate UTF-8, bytes other than ',', '"', '\n', '\r', ' ' and '\t' are text.
// - LF or CRLF line ends (a '\r' just before a field's end is dropped, see trimming).
// - RFC 4180 fields: a field whose first non-blank byte is '"' is quoted; it ends at the
//   next '"' that is not doubled, "" inside it stands for one '"', and it may hold ',',
//   '\r' and '\n' (a quoted line break is part of the value, and the record continues on
//   the next physical line). After the closing quote only spaces, tabs and '\r' may come
//   before the ',' or line end.
// - A '"' inside an unquoted field (ab"c) is taken as text, like the reference program
//   (bench/ref_w1.cpp) does; RFC 4180 forbids it but spreadsheets write it (5'11").
// - Trimming: spaces and tabs around every field are not significant and are removed,
//   and so is a trailing '\r' of an unquoted field (the CR of CRLF). Inside quotes the
//   unescaped value is trimmed of spaces and tabs too ("  a " reads as "a"), as the
//   reference program does; a quoted '\r' is kept.
// - A record whose only field is empty after trimming ("", "\r", "  ", or a quoted
//   empty field alone on its line) is a blank line and is skipped, unless it is bad.
// - An empty field is an empty string_view: "a,,b" has three fields, "a," has two.
//
// Errors: a bad record is returned (not thrown, not dropped) with CsvRecord::error set to
// a static English message, and reading continues with the next record so that every bad
// row can be reported:
// - "unterminated quoted field": no closing quote; the field runs to the end of the
//   input (or chunk), so this is the last record read.
// - "text after a closing quote": e.g. "ab"c, or "ab" "c"; the rest of that field is
//   skipped up to the next ',' or line end, and the record's other fields are still read.
// The fields of a bad record are best effort and should not be used as data.
//
// Speed: records made of unquoted fields are split by scanning 64 bytes at a time for
// ',', '\n' and '"' (SSE2 compares and movemask; a portable loop without SSE2) and
// walking the set bits, with no per-byte branch and no allocation per record once
// rec.fields has grown to the width of the file (reuse one CsvRecord for the whole file).
// A record that contains a '"' is re-read by a general (slower, still memchr/SIMD based)
// RFC 4180 parser. Files without any '"' can be read in parallel: splitIntoChunks() gives
// byte ranges starting at record boundaries, each read by its own CsvReader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kaoping::data {

// One record (row) of a CSV file.
struct CsvRecord {
  // The trimmed fields, in file order. Views of unquoted fields point into the file's
  // bytes (valid as long as those bytes). Views of quoted fields are valid until the next
  // call to next() on the reader that filled them (or its destruction): a quoted value
  // without a doubled quote is viewed in place in the bytes, one with "" is unescaped into
  // storage owned by the reader. Copy a field (std::string) to keep it longer.
  std::vector<std::string_view> fields;
  // Byte offset of the record's first byte in the whole file's bytes (not in the chunk;
  // after the BOM for the first record). Give it to LineIndex / lineOfOffset for a line.
  size_t offset = 0;
  // nullptr for a good record; otherwise a static English message (see the top of this
  // file): "unterminated quoted field" or "text after a closing quote".
  const char* error = nullptr;
};

// A field of a CsvBatch: its raw bytes, not yet trimmed.
struct CsvField {
  const char* data;
  uint32_t size;
};

// Trimming of a raw field (spaces, tabs, a trailing '\r'), as CsvRecord's fields are.
inline std::string_view trimRawField(const char* a, size_t n) {
  if (n == 0) return std::string_view(a, 0);
  const char* e = a + n;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  if (__builtin_expect(!blank(*a) && !blank(e[-1]) && e[-1] != '\r', 1)) return std::string_view(a, n);
  while (a < e && blank(*a)) ++a;
  while (e > a && (blank(e[-1]) || e[-1] == '\r')) --e;
  return std::string_view(a, static_cast<size_t>(e - a));
}

// Many records at once, for the streaming pass: each record's first `width` fields as raw
// byte ranges in one flat array, trimmed only when read (most fields of an events file are
// never read). Records with a '"' are parsed by the general path and stored trimmed.
struct CsvBatch {
  struct Record {
    size_t offset;        // of the record's first byte in the whole file
    uint32_t fieldCount;  // fields found (only the first `width` are stored)
    uint32_t first;       // index of its first field in `fields`
    const char* error;    // as CsvRecord::error
    bool trimmed;         // the stored fields need no trimming (trimmed, or no blank in the record)
  };
  size_t width = 0;  // fields stored per record: set before reading
  std::vector<Record> records;
  std::vector<CsvField> fields;  // width + 1 per record (the last: any fields past the width)

  // Field i (< width, < fieldCount) of record r, trimmed.
  std::string_view field(const Record& r, size_t i) const {
    const CsvField& f = fields[r.first + i];
    return r.trimmed ? std::string_view(f.data, f.size) : trimRawField(f.data, f.size);
  }
};

// Reads the records of a CSV file (or of a chunk of one) in order.
//
// Not thread-safe; use one reader per thread (readers of different chunks of the same
// bytes are independent). The bytes must outlive the reader and the records it fills.
class CsvReader {
 public:
  // All of `bytes` (a whole file). A UTF-8 BOM at offset 0 is skipped.
  explicit CsvReader(std::string_view bytes);

  // The byte range [begin, end) of `bytes` (the whole file), which must start at a record
  // boundary (0, a value of position(), or a chunk from splitIntoChunks). Offsets in the
  // records are still offsets in the whole file. A BOM is skipped only when begin == 0.
  // begin and end are clamped to bytes.size(), and end to at least begin.
  CsvReader(std::string_view bytes, size_t begin, size_t end);

  // Reads the next record into `rec` (reusing the capacity of rec.fields). Returns false
  // at the end of the range (rec is then left cleared). Blank lines are skipped.
  bool next(CsvRecord& rec);

  // Offset in the whole file of the first byte not yet read: after a call to next() that
  // returned true, the start of the following record (e.g. where the data rows begin after
  // the header, for splitIntoChunks). Equal to the end of the range once all is read.
  size_t position() const { return static_cast<size_t>(pos_ - base_); }

  // Reads up to maxRecords records into `batch` (replacing what it held; batch.width must
  // be set). Returns the number read, 0 at the end of the range. Blank lines are skipped.
  // A batch ends early after a record with a quoted field with "": that field lives in the
  // reader's storage until the next call (recordUsesBuffer() is true then).
  size_t nextBatch(CsvBatch& batch, size_t maxRecords);

  // True when some field of the record last read was unescaped into the reader's own
  // storage (a quoted field with ""): its view is only valid until the next call to next().
  bool recordUsesBuffer() const { return usesBuffer_; }
  // How many records so far contained a '"' (read by the general RFC 4180 path).
  size_t quotedRecords() const { return quotedRecords_; }

 private:
  void readQuoted(CsvRecord& rec);  // the general RFC 4180 path, for a record with a '"'

  const char* base_;  // the whole file's first byte
  const char* pos_;   // start of the next record
  const char* end_;   // end of the range
  // The 64-byte block being walked: [blk_, blkEnd_), with one bit per ',', '\n' and '"'
  // (bit i = blk_[i]) in mask_, cleared for the bytes already consumed.
  const char* blk_;
  const char* blkEnd_;
  uint64_t mask_ = 0;
  // Unescaped text of the quoted fields with a doubled quote in the current record, and
  // where each one is in it ({field index, offset in quoted_, length}) until the record
  // is complete (quoted_ may move while it grows).
  std::string quoted_;
  struct QuotedField {
    size_t field, offset, length;
  };
  std::vector<QuotedField> quotedFields_;
  CsvRecord quotedRecord_;  // nextBatch's record with a '"'
  bool usesBuffer_ = false;
  size_t quotedRecords_ = 0;
};

// Number of '\n' bytes in [data, data + n) (SIMD; for line numbers).
size_t countNewlines(const char* data, size_t n);

// 1-based physical line number of the byte at `offset`: the number of '\n' before it, plus
// one. An offset past the end is taken as bytes.size(). One pass over bytes[0, offset);
// to number many offsets use LineIndex.
size_t lineOfOffset(std::string_view bytes, size_t offset);

// Line numbers for many offsets of the same bytes. Each query counts only the newlines
// between the previous query's offset and this one, so increasing offsets (the order in
// which records are read or errors are found) cost one forward pass in all; a smaller
// offset than the previous one is also answered correctly (counting back).
class LineIndex {
 public:
  explicit LineIndex(std::string_view bytes) : bytes_(bytes) {}
  // Same answer as lineOfOffset(bytes, offset).
  size_t lineOf(size_t offset);

 private:
  std::string_view bytes_;
  size_t offset_ = 0, line_ = 1;  // line_ is the line of offset_
};

// True when the bytes contain a '"' (then a record may span several lines, so the file
// cannot be split at line ends).
bool hasQuote(std::string_view bytes);

// Splits [begin, bytes.size()) into at most n chunks [first, second) for parallel reading
// (one CsvReader(bytes, first, second) each); together they give the same records, in the
// same order, as one CsvReader over the range. `begin` must be a record boundary (usually
// the position() after reading the header). The range is cut into about equal parts, at
// most n and at most (range length / minChunkBytes) of them (0: no minimum), each cut just
// after a '\n'. When the range contains a '"' (a quoted field may hold a line break), or
// only one part is allowed, the result is the single chunk {begin, bytes.size()}. Chunks
// are never empty, except the single chunk of an empty range.
std::vector<std::pair<size_t, size_t>> splitIntoChunks(std::string_view bytes, size_t begin, unsigned n,
                                                       size_t minChunkBytes = size_t{1} << 16);

// The same cut without looking for '"' first: for a caller that finds out itself whether
// a quoted line break straddles a cut (and then reads the range as one).
std::vector<std::pair<size_t, size_t>> cutAtLineEnds(std::string_view bytes, size_t begin, unsigned n,
                                                     size_t minChunkBytes);

}  // namespace kaoping::data
