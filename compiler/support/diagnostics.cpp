#include "compiler/support/diagnostics.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/args.h>
#include <nlohmann/json.hpp>

#include "compiler/support/utf8.h"

namespace kaoping {

namespace {

constexpr DiagInfo kTable[] = {
#define KAOPING_DIAG(Id, Code, Sev, En, Zh) {Code, Severity::Sev, En, Zh},
#include "compiler/support/diagnostics.def"
#undef KAOPING_DIAG
};

bool startsWithZh(const char* value) { return value && value[0] == 'z' && value[1] == 'h'; }

}  // namespace

Lang langFromEnvironment() {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(var);
    if (value && *value) return startsWithZh(value) ? Lang::Zh : Lang::En;
  }
  return Lang::En;
}

const DiagInfo& diagInfo(DiagId id) { return kTable[static_cast<size_t>(id)]; }

std::string bilingual(std::string_view en, std::string_view zh) {
  std::string out = "\x1d";
  out += en;
  out += '\x1f';
  out += zh;
  out += '\x1e';
  return out;
}

namespace {
// Bilingual pieces are marked \x1d english \x1f chinese \x1e and may be mixed with
// plain text in one argument.
std::string pickLanguage(const std::string& arg, Lang lang) {
  if (arg.find('\x1d') == std::string::npos) return arg;
  std::string out;
  size_t i = 0;
  while (i < arg.size()) {
    size_t open = arg.find('\x1d', i);
    if (open == std::string::npos) {
      out.append(arg, i, std::string::npos);
      break;
    }
    out.append(arg, i, open - i);
    size_t sep = arg.find('\x1f', open);
    size_t close = arg.find('\x1e', open);
    if (sep == std::string::npos || close == std::string::npos || sep > close) {
      out.append(arg, open + 1, std::string::npos);
      break;
    }
    if (lang == Lang::Zh) out.append(arg, sep + 1, close - sep - 1);
    else out.append(arg, open + 1, sep - open - 1);
    i = close + 1;
  }
  return out;
}
}  // namespace

std::string formatMessage(DiagId id, const std::vector<std::string>& args, Lang lang) {
  const DiagInfo& info = diagInfo(id);
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const std::string& a : args) store.push_back(pickLanguage(a, lang));
  try {
    return fmt::vformat(lang == Lang::Zh ? info.zh : info.en, store);
  } catch (const fmt::format_error&) {
    return std::string(lang == Lang::Zh ? info.zh : info.en);
  }
}

std::string Diagnostic::message(Lang lang) const { return formatMessage(id, args, lang); }

Diagnostic& Diagnostics::add(Diagnostic d) {
  if (d.severity == Severity::Error) ++errors_;
  if (d.severity == Severity::Warning) ++warnings_;
  if (list_.size() >= limit_) {
    ++omitted_;
    if (d.severity == Severity::Error) ++omittedErrors_;
    if (d.severity == Severity::Warning) ++omittedWarnings_;
    overflow_ = std::move(d);
    return overflow_;
  }
  list_.push_back(std::move(d));
  return list_.back();
}

void Diagnostics::append(const Diagnostics& other) {
  for (const Diagnostic& d : other.list_) add(d);
  omitted_ += other.omitted_;
  omittedErrors_ += other.omittedErrors_;
  omittedWarnings_ += other.omittedWarnings_;
  errors_ += other.omittedErrors_;
  warnings_ += other.omittedWarnings_;
}

void Diagnostics::clear() {
  list_.clear();
  errors_ = warnings_ = omitted_ = omittedErrors_ = omittedWarnings_ = 0;
}

std::vector<const Diagnostic*> Diagnostics::sorted() const {
  std::vector<const Diagnostic*> out;
  for (const Diagnostic& d : list_) out.push_back(&d);
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic* a, const Diagnostic* b) {
    if (a->span.valid() != b->span.valid()) return a->span.valid();
    if (a->span.valid()) {
      if (a->span.file != b->span.file) return a->span.file < b->span.file;
      return a->span.begin < b->span.begin;
    }
    if (a->where.path != b->where.path) return a->where.path < b->where.path;
    return a->where.line < b->where.line;
  });
  return out;
}

// ---------------------------------------------------------------------------- rendering

std::string DiagnosticRenderer::severityWord(Severity s) const {
  if (lang_ == Lang::Zh) return s == Severity::Error ? "错误" : s == Severity::Warning ? "警告" : "注";
  return s == Severity::Error ? "error" : s == Severity::Warning ? "warning" : "note";
}

std::string DiagnosticRenderer::location(Span span, const DataLocation& where) const {
  if (span.valid()) return sources_.describe(span);
  if (where.valid()) {
    std::string s = where.path;
    if (where.line) s += ":" + std::to_string(where.line);
    return s;
  }
  return "kaoping";
}

void DiagnosticRenderer::excerpt(std::string& out, Span span) const {
  if (!span.valid()) return;
  const SourceFile& f = sources_.file(span.file);
  LineColumn start = f.lineColumn(span.begin);
  std::string_view line = f.lineText(start.line);
  std::string number = std::to_string(start.line);
  std::string pad(number.size(), ' ');
  out += fmt::format(" {} | {}\n", number, line);
  uint32_t lineStart = f.lineStart(start.line);
  uint32_t b = span.begin - lineStart;
  uint32_t e = std::min<uint32_t>(span.end > span.begin ? span.end - lineStart : b + 1,
                                   static_cast<uint32_t>(line.size()));
  size_t lead = utf8::displayWidth(line.substr(0, std::min<size_t>(b, line.size())));
  size_t width = e > b ? utf8::displayWidth(line.substr(b, e - b)) : 1;
  out += fmt::format(" {} | {}{}\n", pad, std::string(lead, ' '), std::string(std::max<size_t>(width, 1), '^'));
}

std::string DiagnosticRenderer::human(const Diagnostic& d) const {
  std::string out = fmt::format("{}: {}[{}]: {}\n", location(d.span, d.where), severityWord(d.severity),
                                d.code(), d.message(lang_));
  excerpt(out, d.span);
  for (const Note& n : d.notes) {
    std::string text = formatMessage(n.id, n.args, lang_);
    if (n.span.valid() || n.where.valid()) {
      out += fmt::format("{}: {}: {}\n", location(n.span, n.where), severityWord(Severity::Note), text);
      excerpt(out, n.span);
    } else {
      out += fmt::format("  = {}: {}\n", severityWord(Severity::Note), text);
    }
  }
  for (const FixIt& f : d.fixits) {
    out += fmt::format("  = {}: {} `{}`\n", lang_ == Lang::Zh ? "修改建议" : "fix", lang_ == Lang::Zh ? "改为" : "replace with",
                       f.replacement);
  }
  return out;
}

std::string DiagnosticRenderer::gnu(const Diagnostic& d) const {
  std::string out = fmt::format("{}: {}[{}]: {}\n", location(d.span, d.where), severityWord(d.severity),
                                d.code(), d.message(lang_));
  for (const Note& n : d.notes)
    out += fmt::format("{}: {}: {}\n", location(n.span.valid() ? n.span : d.span, n.where.valid() ? n.where : d.where),
                       severityWord(Severity::Note), formatMessage(n.id, n.args, lang_));
  return out;
}

namespace {
nlohmann::json spanJson(const SourceManager& sources, Span span, const DataLocation& where) {
  nlohmann::json j = nlohmann::json::object();
  if (span.valid()) {
    const SourceFile& f = sources.file(span.file);
    LineColumn b = f.lineColumn(span.begin), e = f.lineColumn(span.end);
    j["file"] = f.path();
    j["line"] = b.line;
    j["column"] = b.column;
    j["endLine"] = e.line;
    j["endColumn"] = e.column;
  } else if (where.valid()) {
    j["file"] = where.path;
    if (where.line) j["line"] = where.line;
    if (!where.column.empty()) j["dataColumn"] = where.column;
  }
  return j;
}
}  // namespace

std::string DiagnosticRenderer::json(const Diagnostic& d) const {
  nlohmann::json j;
  j["code"] = std::string(d.code());
  j["severity"] = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
  j["message"] = d.message(lang_);
  j["location"] = spanJson(sources_, d.span, d.where);
  j["notes"] = nlohmann::json::array();
  for (const Note& n : d.notes)
    j["notes"].push_back({{"message", formatMessage(n.id, n.args, lang_)},
                          {"location", spanJson(sources_, n.span, n.where)}});
  if (!d.fixits.empty()) {
    j["fixits"] = nlohmann::json::array();
    for (const FixIt& f : d.fixits)
      j["fixits"].push_back({{"location", spanJson(sources_, f.span, {})}, {"replacement", f.replacement}});
  }
  // Messages can quote bytes of data files that are not UTF-8: replaced, not thrown.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DiagnosticRenderer::render(const Diagnostics& all, DiagFormat format) const {
  std::string out;
  if (format == DiagFormat::Json) {
    out = "[";
    bool first = true;
    for (const Diagnostic* d : all.sorted()) {
      if (!first) out += ",";
      first = false;
      out += json(*d);
    }
    out += "]\n";
    return out;
  }
  for (const Diagnostic* d : all.sorted()) out += format == DiagFormat::Human ? human(*d) : gnu(*d);
  if (all.omitted())
    out += fmt::format("{}: {}\n", severityWord(Severity::Note),
                       formatMessage(DiagId::MoreErrors, {std::to_string(all.omitted())}, lang_));
  return out;
}

std::string DiagnosticRenderer::sarif(const Diagnostics& all, const std::string& toolVersion) const {
  auto location = [&](Span span, const DataLocation& where) {
    nlohmann::json physical = nlohmann::json::object();
    if (span.valid()) {
      const SourceFile& f = sources_.file(span.file);
      LineColumn b = f.lineColumn(span.begin), e = f.lineColumn(span.end);
      physical["artifactLocation"] = {{"uri", f.path()}};
      physical["region"] = {{"startLine", b.line}, {"startColumn", b.column}, {"endLine", e.line}, {"endColumn", e.column}};
    } else if (where.valid()) {
      physical["artifactLocation"] = {{"uri", where.path}};
      if (where.line) physical["region"] = {{"startLine", where.line}};
    }
    return nlohmann::json{{"physicalLocation", physical}};
  };
  nlohmann::json rules = nlohmann::json::array();
  std::vector<std::string> seen;
  nlohmann::json results = nlohmann::json::array();
  for (const Diagnostic* d : all.sorted()) {
    std::string code(d->code());
    if (std::find(seen.begin(), seen.end(), code) == seen.end()) {
      seen.push_back(code);
      const DiagInfo& info = diagInfo(d->id);
      rules.push_back({{"id", code}, {"shortDescription", {{"text", lang_ == Lang::Zh ? info.zh : info.en}}}});
    }
    nlohmann::json r = {{"ruleId", code},
                        {"level", d->severity == Severity::Error ? "error" : d->severity == Severity::Warning ? "warning" : "note"},
                        {"message", {{"text", d->message(lang_)}}},
                        {"locations", nlohmann::json::array({location(d->span, d->where)})}};
    if (!d->notes.empty()) {
      nlohmann::json related = nlohmann::json::array();
      int id = 0;
      for (const Note& n : d->notes) {
        nlohmann::json l = location(n.span.valid() ? n.span : d->span, n.where.valid() ? n.where : d->where);
        l["id"] = id++;
        l["message"] = {{"text", formatMessage(n.id, n.args, lang_)}};
        related.push_back(l);
      }
      r["relatedLocations"] = related;
    }
    results.push_back(r);
  }
  nlohmann::json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", nlohmann::json::array({{{"tool", {{"driver", {{"name", "kaoping"}, {"version", toolVersion}, {"rules", rules}}}}},
                                       {"results", results}}})}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string DiagnosticRenderer::summary(const Diagnostics& all) const {
  if (lang_ == Lang::Zh) return fmt::format("{} 个错误，{} 个警告", all.errorCount(), all.warningCount());
  return fmt::format("{} error{}, {} warning{}", all.errorCount(), all.errorCount() == 1 ? "" : "s",
                     all.warningCount(), all.warningCount() == 1 ? "" : "s");
}

}  // namespace kaoping
