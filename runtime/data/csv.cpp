#include "runtime/data/csv.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace kaoping::data {

namespace {

inline bool isSpace(char c) { return c == ' ' || c == '\t'; }

// The first ',', '\n' or '"' in [p, end), or end.
inline const char* findDelimiter(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, newline)), _mm_cmpeq_epi8(v, quote));
    int mask = _mm_movemask_epi8(hit);
    if (mask) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != ',' && *p != '\n' && *p != '"') ++p;
  return p;
}

inline std::string_view trimmed(const char* a, const char* e) {
  while (a < e && isSpace(*a)) ++a;
  while (e > a && (isSpace(e[-1]) || e[-1] == '\r')) --e;
  return std::string_view(a, static_cast<size_t>(e - a));
}

}  // namespace

CsvReader::CsvReader(std::string_view bytes) : CsvReader(bytes, 0, bytes.size()) {}

CsvReader::CsvReader(std::string_view bytes, size_t begin, size_t end)
    : bytes_(bytes), pos_(bytes.data() + begin), end_(bytes.data() + end) {
  if (begin == 0 && bytes.size() >= 3 && std::memcmp(bytes.data(), "\xEF\xBB\xBF", 3) == 0 && end >= 3) pos_ += 3;
}

const char* CsvReader::parseQuoted(const char* p, CsvRecord& rec) {
  // p is just after the opening quote.
  if (stored_ == store_.size()) store_.emplace_back();
  std::string& s = store_[stored_++];
  s.clear();
  bool closed = false;
  while (p < end_) {
    const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end_ - p)));
    if (!q) {
      s.append(p, static_cast<size_t>(end_ - p));
      p = end_;
      break;
    }
    s.append(p, static_cast<size_t>(q - p));
    if (q + 1 < end_ && q[1] == '"') {
      s.push_back('"');
      p = q + 2;
      continue;
    }
    p = q + 1;
    closed = true;
    break;
  }
  if (!closed && !rec.error) rec.error = "unterminated quoted field";
  while (p < end_ && (isSpace(*p) || *p == '\r')) ++p;
  if (p < end_ && *p != ',' && *p != '\n') {
    if (!rec.error) rec.error = "text after a closing quote";
    while (p < end_ && *p != ',' && *p != '\n') ++p;
  }
  rec.fields.push_back(trimmed(s.data(), s.data() + s.size()));
  return p;
}

bool CsvReader::next(CsvRecord& rec) {
  for (;;) {
    if (pos_ >= end_) return false;
    rec.fields.clear();
    rec.error = nullptr;
    rec.offset = static_cast<size_t>(pos_ - bytes_.data());
    stored_ = 0;
    const char* p = pos_;
    for (;;) {
      const char* start = p;
      while (p < end_ && isSpace(*p)) ++p;
      if (p < end_ && *p == '"') {
        p = parseQuoted(p + 1, rec);
      } else {
        p = start;
        const char* d = findDelimiter(p, end_);
        while (d < end_ && *d == '"') d = findDelimiter(d + 1, end_);  // a quote inside a field is text
        rec.fields.push_back(trimmed(start, d));
        p = d;
      }
      if (p >= end_) {
        pos_ = end_;
        break;
      }
      if (*p == ',') {
        ++p;
        continue;
      }
      pos_ = p + 1;  // '\n'
      break;
    }
    if (rec.fields.size() == 1 && rec.fields[0].empty() && !rec.error) continue;  // blank line
    return true;
  }
}

size_t lineOfOffset(std::string_view bytes, size_t offset) {
  LineIndex index(bytes);
  return index.lineOf(offset);
}

size_t LineIndex::lineOf(size_t offset) {
  if (offset > bytes_.size()) offset = bytes_.size();
  if (offset < offset_) {
    offset_ = 0;
    line_ = 1;
  }
  const char* p = bytes_.data() + offset_;
  const char* e = bytes_.data() + offset;
  while (p < e) {
    const char* q = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(e - p)));
    if (!q) break;
    ++line_;
    p = q + 1;
  }
  offset_ = offset;
  return line_;
}

std::vector<std::pair<size_t, size_t>> splitIntoChunks(std::string_view bytes, size_t begin, unsigned n) {
  std::vector<std::pair<size_t, size_t>> chunks;
  size_t end = bytes.size();
  if (n <= 1 || std::memchr(bytes.data() + begin, '"', end - begin)) {
    chunks.emplace_back(begin, end);
    return chunks;
  }
  size_t start = begin;
  for (unsigned i = 1; i < n && start < end; ++i) {
    size_t cut = begin + (end - begin) * i / n;
    if (cut < start) cut = start;
    const void* nl = std::memchr(bytes.data() + cut, '\n', end - cut);
    size_t next = nl ? static_cast<size_t>(static_cast<const char*>(nl) - bytes.data()) + 1 : end;
    chunks.emplace_back(start, next);
    start = next;
  }
  if (start < end) chunks.emplace_back(start, end);
  return chunks;
}

}  // namespace kaoping::data
