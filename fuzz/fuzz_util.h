// Helpers shared by the fuzz targets (fuzz/README.md).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace kaoping::fuzz {

// Several files in one input are separated by the two bytes F5 F5 (F5 never occurs in
// UTF-8, so seeds made of real files never contain it; the fuzzer still produces other
// invalid bytes). fuzz/make_seeds.sh writes seeds in this form.
inline constexpr std::string_view kSeparator = "\xF5\xF5";

inline std::vector<std::string_view> splitFiles(std::string_view input) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t at = input.find(kSeparator);
    if (at == std::string_view::npos) {
      parts.push_back(input);
      return parts;
    }
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + kSeparator.size());
  }
}

// A private directory for the whole process (removed at exit).
inline const std::string& scratchDir() {
  static std::string dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/kaoping-fuzz-XXXXXX";
    if (!mkdtemp(templ.data())) std::abort();
    static std::string removeAtExit;
    removeAtExit = templ;
    std::atexit([] { std::system(("rm -rf '" + removeAtExit + "'").c_str()); });
    return templ;
  }();
  return dir;
}

inline void writeFile(const std::string& path, std::string_view bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);
}

}  // namespace kaoping::fuzz
