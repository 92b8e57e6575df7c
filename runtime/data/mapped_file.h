// A whole input file in memory: mapped read-only when possible, read into a buffer
// otherwise (pipes, /dev/stdin).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kaoping::data {

class MappedFile {
 public:
  // The file's bytes, or nullopt with `error` set to "path: reason".
  static std::optional<MappedFile> open(const std::string& path, std::string& error);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {data_, size_}; }

 private:
  MappedFile() = default;
  const char* data_ = "";
  size_t size_ = 0;
  void* map_ = nullptr;
  size_t mapSize_ = 0;
  std::string owned_;
};

}  // namespace kaoping::data
