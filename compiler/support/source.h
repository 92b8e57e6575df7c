// Source files and spans.
//
// Every AST node, IR node and diagnostic carries a Span: a file id and a half-open byte
// range into that file's text. Line and column numbers are computed only when a
// diagnostic is rendered. Columns count characters (Unicode code points), not bytes, so
// that `file:line:col` points at the right character in a line of Chinese text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kaoping {

using FileId = uint32_t;
inline constexpr FileId kNoFile = 0xffffffffu;

struct Span {
  FileId file = kNoFile;
  uint32_t begin = 0;  // byte offset of the first byte
  uint32_t end = 0;    // byte offset one past the last byte

  bool valid() const { return file != kNoFile; }
  // The smallest span covering both (they must be in the same file).
  static Span cover(Span a, Span b);
  friend bool operator==(const Span&, const Span&) = default;
};

struct LineColumn {
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based, in code points
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  LineColumn lineColumn(uint32_t offset) const;
  // The text of a 1-based line without its line terminator.
  std::string_view lineText(uint32_t line) const;
  uint32_t lineStart(uint32_t line) const { return lineStarts_[line - 1]; }
  uint32_t lineCount() const { return static_cast<uint32_t>(lineStarts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> lineStarts_;
};

// Owns the text of every rule file of a compilation; FileIds index into it.
class SourceManager {
 public:
  FileId add(std::string path, std::string text);
  const SourceFile& file(FileId id) const { return *files_.at(id); }
  size_t size() const { return files_.size(); }
  std::string_view text(Span span) const;
  // "path:line:col" of the span's start.
  std::string describe(Span span) const;

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace kaoping
