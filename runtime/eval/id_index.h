// Open addressing from a key's bytes to its index: subject ids (a lookup per event row)
// and event kind names.
//
// A slot keeps the key's first 8 bytes and its length next to the index, so a lookup of a
// key of at most 8 bytes (P000123, 2024-001) reads one slot and nothing else: no second
// memory access to the key's text, no memcmp call. Longer keys compare their remaining
// bytes with the stored text. The hash reads 8 bytes at a time.
//
// Lookups can be split in two for pipelining: hash(key) and prefetch(hash) for a batch of
// rows, then find(key, hash) for each (the slot is then in cache).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace kaoping::eval {

// ASan (GCC defines __SANITIZE_ADDRESS__, clang has __has_feature) reports the
// in-page read past a short key below, so sanitized builds read byte by byte.
#if defined(__SANITIZE_ADDRESS__)
#define KAOPING_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KAOPING_ASAN 1
#endif
#endif

// The first min(n, 8) bytes of p, zero-padded, as a little-endian word.
inline uint64_t loadHead8(const char* p, size_t n) {
  uint64_t v = 0;
  if (n >= 8) {
    std::memcpy(&v, p, 8);
    return v;
  }
#if !defined(KAOPING_ASAN)
  // Reading 8 bytes from p cannot fault while they stay in p's page (the bytes past the
  // key are masked off). Keys here point into mapped files or strings.
  if ((reinterpret_cast<uintptr_t>(p) & 4095) <= 4096 - 8) {
    std::memcpy(&v, p, 8);
    return n ? v & (~0ull >> (64 - 8 * n)) : 0;
  }
#endif
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// a[0, n) == b[0, n), without a call for short keys.
inline bool equalBytes(const char* a, const char* b, size_t n) {
  if (n <= 8) return loadHead8(a, n) == loadHead8(b, n);
  if (n <= 16) {
    uint64_t x0, y0, x1, y1;
    std::memcpy(&x0, a, 8);
    std::memcpy(&y0, b, 8);
    std::memcpy(&x1, a + n - 8, 8);
    std::memcpy(&y1, b + n - 8, 8);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  return std::memcmp(a, b, n) == 0;
}

inline uint64_t mix64(uint64_t h) {  // MurmurHash3's finaliser
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

inline uint64_t hashKey(const char* p, size_t n) {
  uint64_t h = loadHead8(p, n) ^ (n * 0x9E3779B97F4A7C15ull);
  for (size_t i = 8; i < n; i += 8) h = mix64(h) ^ loadHead8(p + i, n - i);
  return mix64(h);
}

class IdIndex {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  // Indexes keys[i] as i. With duplicate keys, find() gives the first.
  void build(const std::vector<std::string>& keys) {
    keys_ = &keys;
    size_t cap = 16;
    while (cap < keys.size() * 2 + 16) cap <<= 1;
    slots_.assign(cap, Slot{0, 0, 0});
    mask_ = cap - 1;
    for (uint32_t i = 0; i < keys.size(); ++i) {
      const std::string& k = keys[i];
      uint64_t h = hashKey(k.data(), k.size()) & mask_;
      while (slots_[h].index1) h = (h + 1) & mask_;
      slots_[h] = Slot{loadHead8(k.data(), k.size()), static_cast<uint32_t>(k.size()), i + 1};
    }
  }

  static uint64_t hash(std::string_view key) { return hashKey(key.data(), key.size()); }
  void prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }
  uint32_t find(std::string_view key) const { return find(key, hash(key)); }
  uint32_t find(std::string_view key, uint64_t hash) const {
    if (slots_.empty()) return kMissing;
    const uint64_t head = loadHead8(key.data(), key.size());
    const uint32_t n = static_cast<uint32_t>(key.size());
    for (uint64_t h = hash & mask_;; h = (h + 1) & mask_) {
      const Slot& s = slots_[h];
      if (s.index1 == 0) return kMissing;
      if (s.head == head && s.length == n && key.size() == n) {
        if (n <= 8) return s.index1 - 1;
        if (std::memcmp((*keys_)[s.index1 - 1].data() + 8, key.data() + 8, n - 8) == 0) return s.index1 - 1;
      }
    }
  }
  size_t size() const { return keys_ ? keys_->size() : 0; }

 private:
  struct Slot {
    uint64_t head;    // first 8 bytes of the key
    uint32_t length;  // its length
    uint32_t index1;  // index + 1; 0 = empty
  };
  const std::vector<std::string>* keys_ = nullptr;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace kaoping::eval
