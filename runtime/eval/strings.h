// Interned strings of one run: constants of the plan first (ids 0..n-1, as the plan's
// bytecode refers to them), then every distinct string read from the data. Equal strings
// have equal ids, so equality is an integer comparison.
//
// A worker thread reading one chunk of an events file must not write the run's pool: it
// interns into a LocalStrings overlay, whose new strings get ids with kLocalString set.
// After the chunks are read, their local strings are interned into the run's pool chunk
// by chunk (in input order, so that every string gets the id a single thread would have
// given it) and the ids the chunk stored are remapped.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/eval/id_index.h"

namespace kaoping::eval {

inline constexpr uint32_t kLocalString = 0x80000000u;

// Something strings can be interned into (the run's pool, or a worker's overlay).
class Interner {
 public:
  virtual ~Interner() = default;
  virtual uint32_t intern(std::string_view s) = 0;
};

// An open-addressing table of (hash, id) over texts kept in an arena: interning a string
// costs one hash and, when it is new, one copy of its bytes.
class StringPool final : public Interner {
 public:
  explicit StringPool(const std::vector<std::string>& constants) {
    slots_.assign(1024, Slot{0, 0});
    for (const std::string& s : constants) intern(s);
  }
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  uint32_t intern(std::string_view s) override {
    const uint64_t h = hashKey(s.data(), s.size());
    size_t at = h & (slots_.size() - 1);
    for (;; at = (at + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[at];
      if (slot.id1 == 0) break;
      if (slot.hash == h && views_[slot.id1 - 1] == s) return slot.id1 - 1;
    }
    const uint32_t id = static_cast<uint32_t>(views_.size());
    views_.push_back(store(s));
    slots_[at] = Slot{h, id + 1};
    if (views_.size() * 2 > slots_.size()) grow();
    return id;
  }
  // The id of an interned string (read-only: safe while other threads only read too).
  std::optional<uint32_t> find(std::string_view s) const {
    const uint64_t h = hashKey(s.data(), s.size());
    for (size_t at = h & (slots_.size() - 1);; at = (at + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[at];
      if (slot.id1 == 0) return std::nullopt;
      if (slot.hash == h && views_[slot.id1 - 1] == s) return slot.id1 - 1;
    }
  }
  std::string_view text(uint32_t id) const { return views_[id]; }
  size_t size() const { return views_.size(); }

 private:
  struct Slot {
    uint64_t hash;
    uint32_t id1;  // id + 1; 0 = empty
  };
  std::string_view store(std::string_view s) {
    if (s.size() > kChunk / 4) {  // large: a block of its own
      big_.emplace_back(s);
      return big_.back();
    }
    if (chunks_.empty() || used_ + s.size() > kChunk) {
      chunks_.push_back(std::make_unique<char[]>(kChunk));
      used_ = 0;
    }
    char* at = chunks_.back().get() + used_;
    std::memcpy(at, s.data(), s.size());
    used_ += s.size();
    return std::string_view(at, s.size());
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{0, 0});
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.id1 == 0) continue;
      size_t at = slot.hash & (slots_.size() - 1);
      while (slots_[at].id1) at = (at + 1) & (slots_.size() - 1);
      slots_[at] = slot;
    }
  }

  static constexpr size_t kChunk = 64 * 1024;
  std::vector<Slot> slots_;
  std::vector<std::string_view> views_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t used_ = 0;
  std::deque<std::string> big_;
};

// A worker's strings: the run's pool (read only) plus the strings it has not seen.
class LocalStrings final : public Interner {
 public:
  explicit LocalStrings(const StringPool& base) : base_(&base) {}
  uint32_t intern(std::string_view s) override {
    if (auto id = base_->find(s)) return *id;
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    storage_.emplace_back(s);
    uint32_t id = kLocalString | static_cast<uint32_t>(storage_.size() - 1);
    ids_.emplace(std::string_view(storage_.back()), id);
    return id;
  }
  std::string_view text(uint32_t id) const {
    return (id & kLocalString) ? std::string_view(storage_[id & ~kLocalString]) : base_->text(id);
  }
  // The local strings in the order they were first seen.
  const std::deque<std::string>& added() const { return storage_; }

 private:
  const StringPool* base_;
  std::deque<std::string> storage_;
  std::unordered_map<std::string_view, uint32_t> ids_;
};

// Text of a string id as one reader sees it: the run's pool, and the reader's overlay.
struct Texts {
  const StringPool* pool = nullptr;
  const LocalStrings* local = nullptr;
  std::string_view operator()(uint32_t id) const {
    return (id & kLocalString) && local ? local->text(id) : pool->text(id);
  }
};

}  // namespace kaoping::eval
