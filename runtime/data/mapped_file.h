// A whole input file in memory, read-only.
//
//   std::string error;
//   auto file = data::MappedFile::open(path, error);
//   if (!file) { report(error); ... }        // error is "path: reason"
//   std::string_view bytes = file->bytes();  // valid while `file` lives
//
// A regular file is memory-mapped (PROT_READ, MAP_PRIVATE, MADV_SEQUENTIAL), so opening
// it costs no copy and the pages come from the page cache as they are read. When mapping
// is impossible (a pipe, /dev/stdin, a FIFO, a /proc file that reports size 0, a
// file system without mmap) the file is read to its end into a buffer owned by the
// MappedFile instead. An empty file gives empty bytes. Errors (cannot open, a directory,
// a read error) are returned as a message naming the path and the strerror reason; no
// exceptions are thrown (apart from std::bad_alloc).
//
// A MappedFile is movable (the bytes stay at the same address after a move, so views
// taken before the move stay valid) and not copyable.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kaoping::data {

class MappedFile {
 public:
  // Opens and maps (or reads) `path`. On failure returns nullopt and sets `error` to
  // "PATH: REASON" (REASON from strerror, e.g. "No such file or directory").
  static std::optional<MappedFile> open(const std::string& path, std::string& error);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // The file's contents. Never has a null data() pointer, even when empty.
  std::string_view bytes() const {
    if (map_) return {static_cast<const char*>(map_), mapSize_};
    return owned_.empty() ? std::string_view("", 0) : std::string_view(owned_.data(), owned_.size());
  }
  size_t size() const { return map_ ? mapSize_ : owned_.size(); }

  // True when the bytes are a memory mapping of the file (false: read into a buffer).
  bool isMapped() const { return map_ != nullptr; }

 private:
  MappedFile() = default;
  void release() noexcept;

  void* map_ = nullptr;      // the mapping, or nullptr
  size_t mapSize_ = 0;       // its length in bytes
  std::vector<char> owned_;  // the contents when not mapped
};

}  // namespace kaoping::data
