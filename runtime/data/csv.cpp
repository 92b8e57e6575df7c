#include "runtime/data/csv.h"

#include <algorithm>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace kaoping::data {

namespace {

constexpr const char* kUnterminated = "unterminated quoted field";
constexpr const char* kTextAfterQuote = "text after a closing quote";

inline bool isBlank(char c) { return c == ' ' || c == '\t'; }

// The field [a, e) without the spaces and tabs around it and without a trailing '\r'.
inline std::string_view trimField(const char* a, const char* e) {
  while (a < e && isBlank(*a)) ++a;
  while (e > a && (isBlank(e[-1]) || e[-1] == '\r')) --e;
  return std::string_view(a, static_cast<size_t>(e - a));
}

// 1 for ' ', '\t' and '\r': the bytes trimming may remove.
struct TrimTable {
  uint8_t is[256] = {};
  constexpr TrimTable() {
    is[static_cast<unsigned char>(' ')] = 1;
    is[static_cast<unsigned char>('\t')] = 1;
    is[static_cast<unsigned char>('\r')] = 1;
  }
};
constexpr TrimTable kTrimmable;

// trimField(a, e) for a field [a, e) followed by a delimiter at e (so *e can be read):
// one test of the first and last byte decides whether there is anything to trim. For an
// empty field both bytes tested are the delimiter at e.
inline std::string_view trimDelimited(const char* a, const char* e) {
  const char* last = e > a ? e - 1 : e;
  if (__builtin_expect(kTrimmable.is[static_cast<unsigned char>(*a)] | kTrimmable.is[static_cast<unsigned char>(*last)],
                       0))
    return trimField(a, e);
  return std::string_view(a, static_cast<size_t>(e - a));
}

#ifndef __SSE2__
// 1 for the bytes the splitter stops at: ',', '\n', '"'.
struct DelimiterTable {
  uint8_t is[256] = {};
  constexpr DelimiterTable() {
    is[static_cast<unsigned char>(',')] = 1;
    is[static_cast<unsigned char>('\n')] = 1;
    is[static_cast<unsigned char>('"')] = 1;
  }
};
constexpr DelimiterTable kDelimiters;
#endif

// Bit i set <=> p[i] is ',', '\n' or '"', for the 64 bytes at p (all readable).
inline uint64_t delimiterMask64(const char* p) {
#ifdef __SSE2__
  const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
  auto part = [&](int i) -> uint64_t {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, newline)), _mm_cmpeq_epi8(v, quote));
    return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * i);
  };
  return part(0) | part(1) | part(2) | part(3);
#else
  uint64_t m = 0;
  for (int i = 0; i < 64; ++i) m |= static_cast<uint64_t>(kDelimiters.is[static_cast<unsigned char>(p[i])]) << i;
  return m;
#endif
}

// The delimiter mask of the block [p, min(p + 64, end)); p < end. The bits past `end` are 0:
// a short last block is copied into a zeroed buffer (no byte of it is a delimiter).
inline uint64_t blockMask(const char* p, const char* end) {
  if (end - p >= 64) return delimiterMask64(p);
  alignas(16) char buf[64] = {};
  std::memcpy(buf, p, static_cast<size_t>(end - p));
  return delimiterMask64(buf);
}

// The first ',' or '\n' in [p, end), or end (for unquoted fields on the general path).
inline const char* findFieldEnd(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, newline)));
    if (m) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  while (p < end && *p != ',' && *p != '\n') ++p;
  return p;
}

// The first '"' in [p, end), or end.
inline const char* findQuote(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  while (end - p >= 16) {
    int m = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), quote));
    if (m) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#endif
  while (p < end && *p != '"') ++p;
  return p;
}

// A quoted value without the spaces and tabs around it.
inline std::string_view trimBlanks(std::string_view v) {
  size_t a = 0, b = v.size();
  while (a < b && isBlank(v[a])) ++a;
  while (b > a && isBlank(v[b - 1])) --b;
  return v.substr(a, b - a);
}

inline bool hasBom(std::string_view bytes) {
  return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF &&
         static_cast<unsigned char>(bytes[1]) == 0xBB && static_cast<unsigned char>(bytes[2]) == 0xBF;
}

}  // namespace

// ------------------------------------------------------------------------------ CsvReader

CsvReader::CsvReader(std::string_view bytes) : CsvReader(bytes, 0, bytes.size()) {}

CsvReader::CsvReader(std::string_view bytes, size_t begin, size_t end) {
  if (end > bytes.size()) end = bytes.size();
  if (begin > end) begin = end;
  if (begin == 0 && end >= 3 && hasBom(bytes)) begin = 3;
  base_ = bytes.data();
  pos_ = base_ + begin;
  end_ = base_ + end;
  blk_ = blkEnd_ = pos_;
  mask_ = 0;
}

bool CsvReader::next(CsvRecord& rec) {
  std::vector<std::string_view>& fields = rec.fields;
  usesBuffer_ = false;
  for (;;) {
    fields.clear();
    rec.error = nullptr;
    if (pos_ >= end_) return false;
    rec.offset = static_cast<size_t>(pos_ - base_);

    // Fast path: walk the delimiter bits block by block. The block state lives in locals
    // here (the stores into `fields` could otherwise alias the members). push_back keeps
    // its capacity check; measured, it costs less than sizing the vector up front.
    const char* const end = end_;
    const char* start = pos_;  // start of the current field
    const char* blk = blk_;
    const char* blkEnd = blkEnd_;
    uint64_t m = mask_;
    for (;;) {
      if (__builtin_expect(m == 0, 0)) {
        if (blkEnd >= end) {  // the last record, without a final newline
          fields.push_back(trimField(start, end));
          pos_ = blk_ = blkEnd_ = end;
          mask_ = 0;
          break;
        }
        blk = blkEnd;
        blkEnd = end - blk >= 64 ? blk + 64 : end;
        m = blockMask(blk, end);
        continue;
      }
      const char* q = blk + __builtin_ctzll(m);
      m &= m - 1;
      const char c = *q;
      if (__builtin_expect(c == '"', 0)) {
        readQuoted(rec);  // the whole record again, on the general path
        ++quotedRecords_;
        break;
      }
      fields.push_back(trimDelimited(start, q));
      start = q + 1;
      if (c == '\n') {
        pos_ = start;
        blk_ = blk;
        blkEnd_ = blkEnd;
        mask_ = m;
        break;
      }
    }
    if (fields.size() == 1 && fields[0].empty() && !rec.error) continue;  // a blank line
    return true;
  }
}

namespace {

// The masks of a 64-byte block for nextBatch: every ',', '\n' or '"' (delimiters), the
// '\n's, the '"'s, and the bytes trimming may remove (' ', '\t', '\r').
struct BlockMasks {
  uint64_t delimiters = 0, newlines = 0, quotes = 0, blanks = 0;
};

inline BlockMasks blockMasks(const char* p, const char* end) {
  alignas(16) char buf[64];
  if (end - p < 64) {
    std::memset(buf, 0, sizeof buf);
    std::memcpy(buf, p, static_cast<size_t>(end - p));
    p = buf;
  }
  BlockMasks m;
#ifdef __SSE2__
  const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
  const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r');
  for (int i = 0; i < 4; ++i) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    __m128i n = _mm_cmpeq_epi8(v, newline), q = _mm_cmpeq_epi8(v, quote);
    __m128i d = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), n), q);
    __m128i b = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab)), _mm_cmpeq_epi8(v, cr));
    const int shift = 16 * i;
    m.delimiters |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(d))) << shift;
    m.newlines |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(n))) << shift;
    m.quotes |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(q))) << shift;
    m.blanks |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(b))) << shift;
  }
#else
  for (int i = 0; i < 64; ++i) {
    const char c = p[i];
    const uint64_t bit = uint64_t{1} << i;
    if (c == ',' || c == '\n' || c == '"') m.delimiters |= bit;
    if (c == '\n') m.newlines |= bit;
    if (c == '"') m.quotes |= bit;
    if (c == ' ' || c == '\t' || c == '\r') m.blanks |= bit;
  }
#endif
  return m;
}

}  // namespace

size_t CsvReader::nextBatch(CsvBatch& batch, size_t maxRecords) {
  const size_t width = batch.width;
  batch.records.clear();
  // Each record has width + 1 field slots: fields past the width go to the last one.
  const size_t stride = width + 1;
  if (batch.fields.size() < maxRecords * stride) batch.fields.resize(maxRecords * stride);
  usesBuffer_ = false;
  CsvField* const fields = batch.fields.data();
  const char* const end = end_;
  const char* rec = pos_;
  // The block at blk_ again, without the bytes before pos_ (already read).
  const char* blk = blk_;
  const char* blkEnd = blkEnd_;
  BlockMasks m;
  if (blk < blkEnd && rec < blkEnd) {
    m = blockMasks(blk, end);
    const size_t done = static_cast<size_t>(rec - blk);
    const uint64_t keep = done >= 64 ? 0 : ~uint64_t{0} << done;
    m.delimiters &= keep;
    m.newlines &= keep;
    m.quotes &= keep;
    m.blanks &= keep;
  } else {
    blk = blkEnd = rec;
  }
  size_t count = 0;
  while (count < maxRecords && rec < end) {
    CsvField* f = fields + count * stride;
    size_t nf = 0;
    const char* start = rec;
    const char* next = nullptr;
    uint64_t dirty = 0;  // blanks seen in the record: its fields may need trimming
    for (;;) {
      if (__builtin_expect(m.delimiters == 0, 0)) {
        dirty |= m.blanks;
        if (blkEnd >= end) {  // the last record, without a final newline
          f[nf < width ? nf : width] = CsvField{start, static_cast<uint32_t>(end - start)};
          ++nf;
          next = blk = blkEnd = end;
          m = BlockMasks{};
          break;
        }
        blk = blkEnd;
        blkEnd = end - blk >= 64 ? blk + 64 : end;
        m = blockMasks(blk, end);
        continue;
      }
      const uint64_t bit = m.delimiters & (0 - m.delimiters);
      m.delimiters ^= bit;
      if (__builtin_expect((m.quotes & bit) != 0, 0)) break;  // next stays null: the general path
      const char* q = blk + __builtin_ctzll(bit);
      f[nf < width ? nf : width] = CsvField{start, static_cast<uint32_t>(q - start)};
      ++nf;
      start = q + 1;
      if (m.newlines & bit) {
        const uint64_t upTo = bit ^ (bit - 1);  // the bits up to this newline
        dirty |= m.blanks & upTo;
        m.blanks &= ~upTo;
        m.quotes &= ~upTo;
        next = start;
        break;
      }
    }
    if (__builtin_expect(next == nullptr, 0)) {
      pos_ = rec;
      readQuoted(quotedRecord_);
      ++quotedRecords_;
      const CsvRecord& qr = quotedRecord_;
      next = pos_;
      blk = blkEnd = next;  // a fresh block at the next record
      m = BlockMasks{};
      nf = qr.fields.size();
      const size_t at = static_cast<size_t>(rec - base_);
      rec = next;
      if (nf == 1 && qr.fields[0].empty() && !qr.error) continue;  // a blank line
      for (size_t i = 0; i < nf && i < width; ++i)
        f[i] = CsvField{qr.fields[i].data(), static_cast<uint32_t>(qr.fields[i].size())};
      batch.records.push_back(CsvBatch::Record{at, static_cast<uint32_t>(nf), static_cast<uint32_t>(count * stride),
                                               qr.error, true});
      ++count;
      if (!quotedFields_.empty()) {
        usesBuffer_ = true;
        break;
      }
      continue;
    }
    if (__builtin_expect(nf == 1, 0) && trimRawField(f[0].data, f[0].size).empty()) {  // a blank line
      rec = next;
      continue;
    }
    // A record without blanks needs no trimming: its fields are as stored.
    batch.records.push_back(CsvBatch::Record{static_cast<size_t>(rec - base_), static_cast<uint32_t>(nf),
                                             static_cast<uint32_t>(count * stride), nullptr, dirty == 0});
    ++count;
    rec = next;
  }
  pos_ = rec;
  blk_ = blk;
  blkEnd_ = blkEnd;
  // mask_ (the delimiter bits next() walks) for the same block and position
  mask_ = m.delimiters;
  return count;
}

// The record at pos_ contains a '"' somewhere: parse it by RFC 4180 from its start.
void CsvReader::readQuoted(CsvRecord& rec) {
  std::vector<std::string_view>& fields = rec.fields;
  fields.clear();
  // The record starts without an error: nextBatch reuses one CsvRecord (quotedRecord_) for
  // every record with a '"', and fail() keeps only the first error of a record.
  rec.error = nullptr;
  quoted_.clear();
  quotedFields_.clear();
  auto fail = [&](const char* what) {
    if (!rec.error) rec.error = what;
  };
  const char* p = pos_;
  const char* const end = end_;
  for (;;) {
    const char* s = p;
    while (p < end && isBlank(*p)) ++p;
    if (p < end && *p == '"') {
      // The value between the quotes is used in place when it holds no doubled quote;
      // otherwise it is unescaped into quoted_.
      const char* body = ++p;
      const char* q = findQuote(p, end);
      bool closed = false;
      std::string_view value;
      if (q == end) {  // no closing quote: the value runs to the end
        p = end;
        value = std::string_view(body, static_cast<size_t>(end - body));
      } else if (q + 1 == end || q[1] != '"') {  // the common case: no "" inside
        p = q + 1;
        closed = true;
        value = std::string_view(body, static_cast<size_t>(q - body));
      } else {
        const size_t from = quoted_.size();
        for (;;) {
          quoted_.append(p, static_cast<size_t>(q - p));
          if (q == end) {
            p = end;
            break;
          }
          if (q + 1 < end && q[1] == '"') {  // "" stands for "
            quoted_.push_back('"');
            p = q + 2;
            q = findQuote(p, end);
            continue;
          }
          p = q + 1;
          closed = true;
          break;
        }
        // Kept as a position: quoted_ may still grow (and move) for later fields.
        value = std::string_view(nullptr, 0);
        quotedFields_.push_back(QuotedField{fields.size(), from, quoted_.size() - from});
      }
      if (!closed) fail(kUnterminated);
      while (p < end && (isBlank(*p) || *p == '\r')) ++p;
      if (p < end && *p != ',' && *p != '\n') {
        fail(kTextAfterQuote);
        p = findFieldEnd(p, end);
      }
      fields.push_back(trimBlanks(value));  // trim inside the quotes too
    } else {
      p = findFieldEnd(p, end);  // a '"' in an unquoted field is text
      fields.push_back(trimField(s, p));
    }
    if (p >= end) {
      p = end;
      break;
    }
    if (*p == ',') {
      ++p;
      continue;
    }
    ++p;  // '\n'
    break;
  }
  for (const QuotedField& f : quotedFields_)
    fields[f.field] = trimBlanks(std::string_view(quoted_.data() + f.offset, f.length));
  usesBuffer_ = !quotedFields_.empty();
  pos_ = blk_ = blkEnd_ = p;  // the fast path resumes with a fresh block at p
  mask_ = 0;
}

// --------------------------------------------------------------------------- line numbers

size_t countNewlines(const char* p, size_t n) {
  size_t count = 0;
#ifdef __SSE2__
  const __m128i newline = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  while (n >= 64) {
    // Up to 255 rounds of 4 vectors: each byte lane of an accumulator counts to at most 255.
    size_t rounds = std::min<size_t>(n / 64, 255);
    __m128i a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    for (size_t r = 0; r < rounds; ++r, p += 64) {
      a0 = _mm_sub_epi8(a0, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), newline));
      a1 = _mm_sub_epi8(a1, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), newline));
      a2 = _mm_sub_epi8(a2, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32)), newline));
      a3 = _mm_sub_epi8(a3, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48)), newline));
    }
    n -= rounds * 64;
    __m128i s = _mm_add_epi64(_mm_add_epi64(_mm_sad_epu8(a0, zero), _mm_sad_epu8(a1, zero)),
                              _mm_add_epi64(_mm_sad_epu8(a2, zero), _mm_sad_epu8(a3, zero)));
    count +=
        static_cast<size_t>(_mm_cvtsi128_si32(s)) + static_cast<size_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(s, s)));
  }
#endif
  for (size_t i = 0; i < n; ++i) count += p[i] == '\n';
  return count;
}

size_t lineOfOffset(std::string_view bytes, size_t offset) {
  return countNewlines(bytes.data(), std::min(offset, bytes.size())) + 1;
}

size_t LineIndex::lineOf(size_t offset) {
  offset = std::min(offset, bytes_.size());
  if (offset >= offset_)
    line_ += countNewlines(bytes_.data() + offset_, offset - offset_);
  else
    line_ -= countNewlines(bytes_.data() + offset, offset_ - offset);
  offset_ = offset;
  return line_;
}

// ------------------------------------------------------------------------------- chunks

bool hasQuote(std::string_view bytes) {
  return !bytes.empty() && std::memchr(bytes.data(), '"', bytes.size()) != nullptr;
}

std::vector<std::pair<size_t, size_t>> cutAtLineEnds(std::string_view bytes, size_t begin, unsigned n,
                                                     size_t minChunkBytes) {
  const size_t size = bytes.size();
  begin = std::min(begin, size);
  const size_t length = size - begin;
  size_t parts = n;
  if (minChunkBytes > 0) parts = std::min(parts, std::max<size_t>(1, length / minChunkBytes));
  std::vector<std::pair<size_t, size_t>> chunks;
  chunks.reserve(std::max<size_t>(parts, 1));
  size_t start = begin;
  for (size_t i = 1; i < parts; ++i) {
    size_t cut = std::max(start, begin + length / parts * i);
    if (cut >= size) break;
    const void* nl = std::memchr(bytes.data() + cut, '\n', size - cut);
    if (!nl) break;
    size_t next = static_cast<size_t>(static_cast<const char*>(nl) - bytes.data()) + 1;
    if (next >= size) break;
    chunks.emplace_back(start, next);
    start = next;
  }
  chunks.emplace_back(start, size);
  return chunks;
}

std::vector<std::pair<size_t, size_t>> splitIntoChunks(std::string_view bytes, size_t begin, unsigned n,
                                                       size_t minChunkBytes) {
  begin = std::min(begin, bytes.size());
  auto chunks = cutAtLineEnds(bytes, begin, n, minChunkBytes);
  // Only a range that is really cut must be free of '"' (one part needs no scan).
  if (chunks.size() > 1 && hasQuote(bytes.substr(begin))) return {{begin, bytes.size()}};
  return chunks;
}

}  // namespace kaoping::data
