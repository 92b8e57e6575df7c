// Fuzz target: bytes → data::CsvReader, checked against a slow reference reader written
// from the rules at the top of runtime/data/csv.h (fields of good records, which records
// are bad and why, record offsets), plus: reading in chunks gives the same records as one
// reader; LineIndex and lineOfOffset agree with counting '\n' by hand.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/data/csv.h"

using namespace kaoping::data;

namespace {

struct Rec {
  std::vector<std::string> fields;
  size_t offset = 0;
  const char* error = nullptr;
};

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string trimBlanks(std::string v) {
  size_t a = 0, b = v.size();
  while (a < b && blank(v[a])) ++a;
  while (b > a && blank(v[b - 1])) --b;
  return v.substr(a, b - a);
}

std::string trimUnquoted(std::string_view v) {
  size_t a = 0, b = v.size();
  while (a < b && blank(v[a])) ++a;
  while (b > a && (blank(v[b - 1]) || v[b - 1] == '\r')) --b;
  return std::string(v.substr(a, b - a));
}

// The reference: one byte at a time, straight from the documented rules.
std::vector<Rec> reference(std::string_view b, size_t begin, size_t end) {
  std::vector<Rec> out;
  size_t pos = begin;
  if (begin == 0 && b.size() >= 3 && b.substr(0, 3) == "\xEF\xBB\xBF" && end >= 3) pos = 3;
  while (pos < end) {
    Rec r;
    r.offset = pos;
    for (;;) {
      size_t p = pos;
      while (p < end && blank(b[p])) ++p;
      size_t q;
      if (p < end && b[p] == '"') {
        std::string v;
        q = p + 1;
        bool closed = false;
        while (q < end) {
          if (b[q] == '"') {
            if (q + 1 < end && b[q + 1] == '"') {
              v += '"';
              q += 2;
              continue;
            }
            closed = true;
            ++q;
            break;
          }
          v += b[q++];
        }
        if (!closed && !r.error) r.error = "unterminated quoted field";
        while (q < end && (blank(b[q]) || b[q] == '\r')) ++q;
        if (q < end && b[q] != ',' && b[q] != '\n') {
          if (!r.error) r.error = "text after a closing quote";
          while (q < end && b[q] != ',' && b[q] != '\n') ++q;
        }
        r.fields.push_back(trimBlanks(v));
      } else {
        q = pos;
        while (q < end && b[q] != ',' && b[q] != '\n') ++q;
        r.fields.push_back(trimUnquoted(b.substr(pos, q - pos)));
      }
      if (q >= end) {
        pos = end;
        break;
      }
      pos = q + 1;
      if (b[q] == '\n') break;
    }
    if (!r.error && r.fields.size() == 1 && r.fields[0].empty()) continue;  // blank line
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Rec> readAll(CsvReader& reader) {
  std::vector<Rec> out;
  CsvRecord rec;
  while (reader.next(rec)) {
    Rec r;
    r.offset = rec.offset;
    r.error = rec.error;
    for (std::string_view f : rec.fields) r.fields.emplace_back(f);
    out.push_back(std::move(r));
  }
  // Once at the end, it stays there.
  if (reader.next(rec) || !rec.fields.empty()) {
    std::fprintf(stderr, "next() returned a record after the end\n");
    std::abort();
  }
  return out;
}

[[noreturn]] void mismatch(const char* what, size_t i) {
  std::fprintf(stderr, "csv mismatch: %s (record %zu)\n", what, i);
  std::abort();
}

void compare(const std::vector<Rec>& got, const std::vector<Rec>& want, bool compareBadFields) {
  if (got.size() != want.size()) {
    std::fprintf(stderr, "got %zu records, want %zu\n", got.size(), want.size());
    mismatch("record count", 0);
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i].offset != want[i].offset) mismatch("offset", i);
    if ((got[i].error == nullptr) != (want[i].error == nullptr)) mismatch("error or not", i);
    if (got[i].error && std::string_view(got[i].error) != want[i].error) mismatch("error message", i);
    if ((!got[i].error || compareBadFields) && got[i].fields != want[i].fields) mismatch("fields", i);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A copy in a buffer of exactly `size` bytes, so that ASan sees any read past the end.
  std::vector<char> buffer(data, data + size);
  std::string_view bytes(buffer.data(), buffer.size());

  CsvReader whole(bytes);
  std::vector<Rec> got = readAll(whole);
  compare(got, reference(bytes, 0, bytes.size()), false);

  // Reading from the position after the first record (the header), in chunks.
  CsvReader first(bytes);
  CsvRecord rec;
  size_t begin = first.next(rec) ? first.position() : bytes.size();
  std::vector<Rec> rest = reference(bytes, begin, bytes.size());
  for (unsigned n : {2u, 3u, 7u}) {
    std::vector<Rec> chunked;
    size_t expectStart = begin;
    for (auto [from, to] : splitIntoChunks(bytes, begin, n, 1)) {
      if (from != expectStart || to < from || to > bytes.size()) mismatch("chunk bounds", 0);
      expectStart = to;
      CsvReader part(bytes, from, to);
      for (Rec& r : readAll(part)) chunked.push_back(std::move(r));
    }
    if (expectStart != bytes.size() && begin != bytes.size()) mismatch("chunks do not cover the range", 0);
    compare(chunked, rest, false);
  }

  // Line numbers: in order, backwards, and past the end.
  LineIndex lines(bytes);
  size_t newlines = 0;
  for (size_t i = 0; i <= bytes.size(); i += 1 + i / 3) {
    size_t want = 1;
    for (size_t j = 0; j < i; ++j) want += bytes[j] == '\n';
    if (lines.lineOf(i) != want || lineOfOffset(bytes, i) != want) mismatch("line number", i);
  }
  for (char c : bytes) newlines += c == '\n';
  if (lines.lineOf(0) != 1 || lines.lineOf(bytes.size() + 5) != newlines + 1) mismatch("line number at the ends", 0);
  if (countNewlines(bytes.data(), bytes.size()) != newlines) mismatch("countNewlines", 0);
  if (hasQuote(bytes) != (bytes.find('"') != std::string_view::npos)) mismatch("hasQuote", 0);
  return 0;
}
