// Interned strings of one run: constants of the plan first (ids 0..n-1, as the plan's
// bytecode refers to them), then every distinct string read from the data. Equal strings
// have equal ids, so equality is an integer comparison.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kaoping::eval {

class StringPool {
 public:
  explicit StringPool(const std::vector<std::string>& constants) {
    for (const std::string& s : constants) intern(s);
  }
  uint32_t intern(std::string_view s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    storage_.emplace_back(s);
    uint32_t id = static_cast<uint32_t>(storage_.size() - 1);
    ids_.emplace(std::string_view(storage_.back()), id);
    views_.push_back(storage_.back());
    return id;
  }
  std::string_view text(uint32_t id) const { return views_[id]; }
  size_t size() const { return views_.size(); }

 private:
  std::deque<std::string> storage_;  // stable addresses
  std::vector<std::string_view> views_;
  std::unordered_map<std::string_view, uint32_t> ids_;
};

}  // namespace kaoping::eval
