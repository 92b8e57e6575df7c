// Diagnostics as data.
//
// Every diagnostic Kaoping can emit is declared once in diagnostics.def with a stable
// code (K0201), a severity and a message template in English and Chinese. Passes create
// Diagnostic values (id, span, arguments, notes, fix-its) and never format text
// themselves; rendering for people (source line and caret), for one-line
// `file:line:col` output and for JSON lives in DiagnosticRenderer.
//
// Rule-file diagnostics point at a Span. Diagnostics about data files point at a
// DataLocation (path, line, column name) because data files are not kept in memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "compiler/support/source.h"

namespace kaoping {

enum class Lang : uint8_t { En, Zh };
// Chinese when the LANG (or LC_ALL / LC_MESSAGES) environment variable starts with "zh".
Lang langFromEnvironment();

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagId : uint16_t {
#define KAOPING_DIAG(Id, Code, Sev, En, Zh) Id,
#include "compiler/support/diagnostics.def"
#undef KAOPING_DIAG
};

struct DiagInfo {
  const char* code;
  Severity severity;
  const char* en;  // fmt template with positional arguments {0}, {1}, ...
  const char* zh;
};
const DiagInfo& diagInfo(DiagId id);

struct DataLocation {
  std::string path;
  uint64_t line = 0;   // 1-based; 0 when the whole file is meant
  std::string column;  // column name, empty when the whole row is meant
  bool valid() const { return !path.empty(); }
};

struct Note {
  DiagId id;
  Span span;
  DataLocation where;
  std::vector<std::string> args;
};

struct FixIt {
  Span span;
  std::string replacement;
};

struct Diagnostic {
  DiagId id;
  Severity severity;
  Span span;
  DataLocation where;
  std::vector<std::string> args;
  std::vector<Note> notes;
  std::vector<FixIt> fixits;

  std::string_view code() const { return diagInfo(id).code; }
  std::string message(Lang lang) const;

  template <typename... Args>
  Diagnostic& note(DiagId noteId, Span at, const Args&... args) {
    notes.push_back(Note{noteId, at, {}, {fmt::format("{}", args)...}});
    return *this;
  }
  template <typename... Args>
  Diagnostic& noteAt(DiagId noteId, DataLocation at, const Args&... args) {
    notes.push_back(Note{noteId, Span{}, std::move(at), {fmt::format("{}", args)...}});
    return *this;
  }
  Diagnostic& fix(Span at, std::string replacement) {
    fixits.push_back(FixIt{at, std::move(replacement)});
    return *this;
  }
};

// An argument that reads differently in English and Chinese (type names, kinds of
// things): the renderer picks the half for the chosen language.
std::string bilingual(std::string_view en, std::string_view zh);

std::string formatMessage(DiagId id, const std::vector<std::string>& args, Lang lang);

// Collects diagnostics of one compilation or run. Keeps at most `limit` of them (the
// count of errors stays exact) so that a file with thousands of bad rows stays readable.
class Diagnostics {
 public:
  explicit Diagnostics(size_t limit = 200) : limit_(limit) {}

  template <typename... Args>
  Diagnostic& report(DiagId id, Span span, const Args&... args) {
    Diagnostic d;
    d.id = id;
    d.severity = diagInfo(id).severity;
    d.span = span;
    d.args = {fmt::format("{}", args)...};
    return add(std::move(d));
  }
  template <typename... Args>
  Diagnostic& reportData(DiagId id, DataLocation where, const Args&... args) {
    return add(Diagnostic{id, diagInfo(id).severity, Span{}, std::move(where),
                          {fmt::format("{}", args)...}, {}, {}});
  }
  Diagnostic& add(Diagnostic d);
  void append(const Diagnostics& other);

  bool hasErrors() const { return errors_ > 0; }
  size_t errorCount() const { return errors_; }
  size_t warningCount() const { return warnings_; }
  size_t omitted() const { return omitted_; }
  const std::vector<Diagnostic>& all() const { return list_; }
  // Sorted by file, position and insertion order, for stable output.
  std::vector<const Diagnostic*> sorted() const;
  void clear();

 private:
  size_t limit_;
  std::vector<Diagnostic> list_;
  Diagnostic overflow_{};  // sink for diagnostics beyond the limit
  size_t errors_ = 0, warnings_ = 0, omitted_ = 0;
  size_t omittedErrors_ = 0, omittedWarnings_ = 0;  // counted in errors_/warnings_, not kept
};

enum class DiagFormat : uint8_t { Human, Gnu, Json, Sarif };

class DiagnosticRenderer {
 public:
  DiagnosticRenderer(const SourceManager& sources, Lang lang) : sources_(sources), lang_(lang) {}
  // Human: "file:line:col: error[K0201]: message", the source line, a caret line, notes.
  std::string human(const Diagnostic& d) const;
  // Gnu: one line per diagnostic and per note.
  std::string gnu(const Diagnostic& d) const;
  // JSON object (one diagnostic) as text.
  std::string json(const Diagnostic& d) const;
  std::string render(const Diagnostics& all, DiagFormat format) const;
  // SARIF 2.1.0, for code-scanning tools in CI.
  std::string sarif(const Diagnostics& all, const std::string& toolVersion) const;
  // "3 errors, 1 warning" / "3 个错误，1 个警告"
  std::string summary(const Diagnostics& all) const;

 private:
  std::string location(Span span, const DataLocation& where) const;
  std::string severityWord(Severity s) const;
  void excerpt(std::string& out, Span span) const;
  const SourceManager& sources_;
  Lang lang_;
};

}  // namespace kaoping
