#include "runtime/data/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace kaoping::data {

namespace {

std::string describe(const std::string& path, int err) { return path + ": " + std::strerror(err); }

// Closes fd on every path out of open().
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::optional<MappedFile> MappedFile::open(const std::string& path, std::string& error) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    error = describe(path, errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    error = describe(path, errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = describe(path, EISDIR);
    return std::nullopt;
  }

  MappedFile file;
  size_t expected = 0;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    expected = static_cast<size_t>(st.st_size);
    void* m = ::mmap(nullptr, expected, PROT_READ, MAP_PRIVATE, f.fd, 0);
    if (m != MAP_FAILED) {
      ::madvise(m, expected, MADV_SEQUENTIAL);
      file.map_ = m;
      file.mapSize_ = expected;
      return file;
    }
  }

  // Not mappable (pipe, FIFO, character device, size-0 /proc file, mmap refused): read it
  // to the end. A regular file that reports size 0 is read too, so it comes out empty
  // or with whatever it really holds.
  std::vector<char>& buf = file.owned_;
  buf.resize(expected > 0 ? expected + 1 : size_t{1} << 16);  // +1: see the end at once
  size_t got = 0;
  for (;;) {
    if (got == buf.size()) buf.resize(buf.size() * 2);
    ssize_t n = ::read(f.fd, buf.data() + got, buf.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = describe(path, errno);
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  buf.resize(got);
  buf.shrink_to_fit();
  return file;
}

void MappedFile::release() noexcept {
  if (map_) ::munmap(map_, mapSize_);
  map_ = nullptr;
  mapSize_ = 0;
  owned_.clear();
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : map_(std::exchange(o.map_, nullptr)), mapSize_(std::exchange(o.mapSize_, 0)), owned_(std::move(o.owned_)) {
  o.owned_.clear();
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    release();
    map_ = std::exchange(o.map_, nullptr);
    mapSize_ = std::exchange(o.mapSize_, 0);
    owned_ = std::move(o.owned_);
    o.owned_.clear();
  }
  return *this;
}

MappedFile::~MappedFile() { release(); }

}  // namespace kaoping::data
