#include "runtime/data/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kaoping::data {

std::optional<MappedFile> MappedFile::open(const std::string& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  MappedFile f;
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if (st.st_size == 0) {
      ::close(fd);
      return f;
    }
    void* m = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      madvise(m, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
      f.map_ = m;
      f.mapSize_ = static_cast<size_t>(st.st_size);
      f.data_ = static_cast<const char*>(m);
      f.size_ = f.mapSize_;
      ::close(fd);
      return f;
    }
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    error = path + ": " + std::strerror(EISDIR);
    return std::nullopt;
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = path + ": " + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    f.owned_.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  f.data_ = f.owned_.data();
  f.size_ = f.owned_.size();
  return f;
}

MappedFile::MappedFile(MappedFile&& o) noexcept { *this = std::move(o); }

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this == &o) return *this;
  if (map_) munmap(map_, mapSize_);
  map_ = o.map_;
  mapSize_ = o.mapSize_;
  owned_ = std::move(o.owned_);
  size_ = o.size_;
  data_ = map_ ? o.data_ : (owned_.empty() && size_ == 0 ? "" : owned_.data());
  o.map_ = nullptr;
  o.mapSize_ = 0;
  o.size_ = 0;
  o.data_ = "";
  return *this;
}

MappedFile::~MappedFile() {
  if (map_) munmap(map_, mapSize_);
}

}  // namespace kaoping::data
