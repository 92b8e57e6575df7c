#include "runtime/output/results.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "compiler/support/utf8.h"
#include "runtime/output/explain.h"

namespace kaoping::output {

namespace {

// RFC 4180 quoting where needed. Text that a spreadsheet would run as a formula
// (starting with = + - @) gets a leading apostrophe: a cell of the scheme's own numbers
// never needs it, names and ids from data might.
// Text that already starts with apostrophes before such a character gets one more, so
// that reading the file back as history (which removes one) gives the text unchanged.
void csvCell(std::string& out, std::string_view s, bool text) {
  const size_t first = s.find_first_not_of('\'');
  bool formula = text && first != std::string_view::npos &&
                 (s[first] == '=' || s[first] == '+' || s[first] == '-' || s[first] == '@');
  bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos || formula;
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  if (formula) out += '\'';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

bool isText(plan::Kind k) { return k == plan::Kind::String || k == plan::Kind::Subject || k == plan::Kind::Department; }

void jsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  out += '"';
}

bool isNumber(plan::Kind k) { return k == plan::Kind::Int || k == plan::Kind::Decimal || k == plan::Kind::Money; }

// Appends a present number figure's text in place (the same as Results::text, without the
// temporary string): results.csv and results.json write numbers alike. False, appending
// nothing, for the other kinds.
bool appendNumber(std::string& out, const eval::Results& r, uint32_t f, uint32_t s) {
  const plan::Figure& fig = r.plan.figures[f];
  const Value& v = r.figures[f][s];
  switch (fig.kind) {
    case plan::Kind::Decimal:
    case plan::Kind::Money: v.asDecimal().appendTo(out, fig.places); return true;
    case plan::Kind::Int:
      if (fig.fixedPlaces) Decimal::fromInt(v.asInt()).appendTo(out, fig.places);
      else out += std::to_string(v.asInt());
      return true;
    default: return false;
  }
}

}  // namespace

std::string resultsCsv(const eval::Results& r) {
  std::string out;
  out.reserve(r.byId.size() * 64 + 256);
  out += "id";
  for (uint32_t f : r.plan.outputs) {
    out += ',';
    csvCell(out, r.plan.figures[f].name, true);
  }
  out += '\n';
  for (uint32_t s : r.byId) {
    csvCell(out, r.ids[s], true);
    for (uint32_t f : r.plan.outputs) {
      out += ',';
      if (r.figures[f][s].absent || appendNumber(out, r, f, s)) continue;
      csvCell(out, r.text(f, s), isText(r.plan.figures[f].kind));
    }
    out += '\n';
  }
  return out;
}

std::string resultsJson(const eval::Results& r, const SourceManager* sources) {
  std::unique_ptr<RowLocator> rows;
  if (!r.ledger.empty()) rows = std::make_unique<RowLocator>(r, referencedRows(r));
  std::string out = "{\n  \"scheme\": ";
  jsonString(out, r.plan.name);
  out += ",\n  \"version\": ";
  jsonString(out, r.plan.version);
  out += ",\n  \"columns\": [";
  for (size_t i = 0; i < r.plan.outputs.size(); ++i) {
    if (i) out += ", ";
    jsonString(out, r.plan.figures[r.plan.outputs[i]].name);
  }
  out += "],\n  \"subjects\": [";
  // Each output's `"name": ` (after the first, with its ", "), escaped once.
  std::vector<std::string> keys;
  for (size_t i = 0; i < r.plan.outputs.size(); ++i) {
    std::string key = i ? ", " : "";
    jsonString(key, r.plan.figures[r.plan.outputs[i]].name);
    keys.push_back(key + ": ");
  }
  out.reserve(out.size() + r.byId.size() * (48 + 24 * keys.size()));
  bool first = true;
  for (uint32_t s : r.byId) {
    out += first ? "\n    {\"id\": " : ",\n    {\"id\": ";
    first = false;
    jsonString(out, r.ids[s]);
    out += ", \"figures\": {";
    for (size_t i = 0; i < r.plan.outputs.size(); ++i) {
      uint32_t f = r.plan.outputs[i];
      out += keys[i];
      // Exact decimal text is a JSON number.
      if (r.figures[f][s].absent) out += "null";
      else if (!appendNumber(out, r, f, s)) jsonString(out, r.text(f, s));
    }
    out += "}";
    if (!r.ledger.empty()) {
      out += ", \"ledger\": [";
      bool firstEntry = true;
      for (const eval::LedgerEntry& e : r.ledger[s]) {
        out += firstEntry ? "" : ", ";
        firstEntry = false;
        const plan::Figure& fig = r.plan.figures[e.figure];
        static const char* what[] = {"base", "rule", "floor", "cap", "value", "adjustment", "rank", "tier", "unrounded", "condition"};
        out += "{\"figure\": ";
        jsonString(out, fig.name);
        out += ", \"step\": ";
        jsonString(out, what[static_cast<int>(e.what)]);
        out += ", \"amount\": ";
        plan::Kind k = fig.kind;
        std::string amount = e.what == eval::LedgerEntry::What::Unrounded
                                 ? e.amount.asDecimal().toString()
                                 : r.valueText(k, fig.enumId, std::max(fig.places, 2), e.amount);
        if ((isNumber(k) || e.what == eval::LedgerEntry::What::Unrounded) && !e.amount.absent) out += amount;
        else jsonString(out, amount);
        if (sources && e.rule.valid()) {
          out += ", \"rule\": ";
          jsonString(out, sources->describe(e.rule));
        }
        if (e.hasRow) {
          out += ", \"row\": ";
          jsonString(out, rows->where(e.file, e.offset));
        }
        if (e.of) out += fmt::format(", \"position\": {}, \"of\": {}", e.position, e.of);
        if (e.keep) out += fmt::format(", \"kept\": {}", e.keep);
        if (e.from != UINT32_MAX) {
          out += ", \"from\": ";
          jsonString(out, r.ids[e.from]);
        }
        if (!e.note.empty()) {
          out += ", \"note\": ";
          jsonString(out, e.note);
        }
        out += "}";
      }
      out += "]";
    }
    out += "}";
  }
  out += "\n  ],\n  \"alerts\": [";
  for (size_t i = 0; i < r.alerts.size(); ++i) {
    if (i) out += ", ";
    jsonString(out, r.alerts[i].message);
  }
  out += "]\n}\n";
  return out;
}

namespace {

// `content` into a new temporary file beside `path`, synced; its name, or "" on failure.
std::string writeTemporary(const std::string& path, const std::string& content, std::string& error) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = temp + ": " + std::strerror(errno);
    return "";
  }
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = temp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return "";
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = temp + ": " + std::strerror(errno);
    ::unlink(temp.c_str());
    return "";
  }
  return temp;
}

}  // namespace

bool writeAllAtomically(const std::vector<OutputFile>& files, std::string& error) {
  std::vector<std::string> temps;
  auto discard = [&] {
    for (const std::string& t : temps) ::unlink(t.c_str());
    return false;
  };
  for (const OutputFile& f : files) {
    std::string temp = writeTemporary(f.path, f.content, error);
    if (temp.empty()) return discard();
    temps.push_back(std::move(temp));
  }
  // What would make a rename fail, found before any file is replaced.
  for (const OutputFile& f : files) {
    struct stat st;
    if (::stat(f.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      error = f.path + ": " + std::strerror(EISDIR);
      return discard();
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (std::rename(temps[i].c_str(), files[i].path.c_str()) != 0) {
      error = files[i].path + ": " + std::strerror(errno);
      temps.erase(temps.begin(), temps.begin() + static_cast<std::ptrdiff_t>(i));
      return discard();
    }
  }
  return true;
}

bool writeAtomically(const std::string& path, const std::string& content, std::string& error) {
  return writeAllAtomically({OutputFile{path, content}}, error);
}

namespace {

// Pads to a display width (CJK characters take two columns).
std::string pad(const std::string& s, size_t width, bool right = false) {
  size_t w = utf8::displayWidth(s);
  std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

std::string alertText(const eval::Results& r, const eval::AlertHit& a, const SourceManager* sources) {
  if (!a.alert || !a.alert->lhs.valid() || !sources) return a.message;
  auto shown = [&](const Value& v) {
    std::string t = r.valueText(a.alert->kind, a.alert->enumId, 2, v);
    if (a.alert->kind == plan::Kind::Money && !v.absent) t = v.asDecimal().toString() + " 元";
    return t;
  };
  return fmt::format("{} ({} = {} {} {} = {})", a.message, sources->text(a.alert->lhsSpan), shown(a.lhs),
                     ir::compareSymbol(a.alert->op), sources->text(a.alert->rhsSpan), shown(a.rhs));
}

std::string summary(const eval::Results& r, const std::string& outDir, Lang lang, const SourceManager* sources,
                    bool report) {
  const plan::Plan& p = r.plan;
  bool zh = lang == Lang::Zh;
  std::string out;
  out += zh ? fmt::format("方案：{}  考评对象 {} 个，事件 {} 条\n", p.name, r.ids.size(), r.events)
            : fmt::format("Scheme: {}  {} subjects scored, {} events read\n", p.name, r.ids.size(), r.events);
  // The first tier among the outputs, and the figure it is based on (the score to average).
  int tier = -1, score = -1;
  for (uint32_t f : p.outputs)
    if (p.figures[f].kind == plan::Kind::Enum && p.enums[p.figures[f].enumId].ordered) {
      tier = static_cast<int>(f);
      break;
    }
  if (tier >= 0) score = p.figures[tier].tierOf;
  // Groups: units of persons, or all units together.
  const bool persons = p.subjects == plan::SubjectKind::Persons;
  std::map<std::string, std::vector<uint32_t>> groups;
  for (uint32_t s : r.byId) {
    std::string g = persons ? std::string(r.strings.text(r.attributes[ir::kAttrUnit][s].asIndex())) : (zh ? "全部" : "all");
    groups[g].push_back(s);
  }
  std::vector<std::string> header = {zh ? (persons ? "单位" : "范围") : (persons ? "unit" : "scope"), zh ? "人数" : "count"};
  if (!persons) header[1] = zh ? "单位数" : "count";
  const std::vector<std::string>* tiers = tier >= 0 ? &p.enums[p.figures[tier].enumId].values : nullptr;
  if (tiers)
    for (const std::string& t : *tiers) header.push_back(t);
  if (score >= 0) header.push_back((zh ? "平均" : "mean ") + p.figures[score].name);
  std::vector<std::vector<std::string>> rows;
  auto addRow = [&](const std::string& name, const std::vector<uint32_t>& members) {
    std::vector<std::string> row = {name, std::to_string(members.size())};
    if (tiers) {
      std::vector<size_t> counts(tiers->size(), 0);
      for (uint32_t s : members)
        if (!r.figures[tier][s].absent) ++counts[r.figures[tier][s].asIndex()];
      for (size_t c : counts) row.push_back(std::to_string(c));
    }
    if (score >= 0) {
      Decimal sum;
      size_t n = 0;
      for (uint32_t s : members) {
        const Value& v = r.figures[score][s];
        if (v.absent) continue;
        sum += p.figures[score].kind == plan::Kind::Int ? Decimal::fromInt(v.asInt()) : v.asDecimal();
        ++n;
      }
      row.push_back(n ? (sum / Decimal::fromInt(static_cast<int64_t>(n))).toString(2) : "-");
    }
    rows.push_back(std::move(row));
  };
  std::vector<uint32_t> everyone;
  for (auto& [name, members] : groups) {
    addRow(name, members);
    everyone.insert(everyone.end(), members.begin(), members.end());
  }
  if (groups.size() > 1) addRow(zh ? "合计" : "total", everyone);
  std::vector<size_t> widths(header.size(), 0);
  for (size_t c = 0; c < header.size(); ++c) widths[c] = utf8::displayWidth(header[c]);
  for (auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], utf8::displayWidth(row[c]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l = " ";
    for (size_t c = 0; c < cells.size(); ++c) l += " " + pad(cells[c], widths[c], c > 0) + " ";
    return l + "\n";
  };
  const size_t maxRows = 40;
  out += line(header);
  std::string rule = " ";
  for (size_t w : widths) rule += " " + std::string(w, '-') + " ";
  out += rule + "\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i == maxRows && rows.size() > maxRows + 1) {
      out += zh ? fmt::format("  …… 另有 {} 行\n", rows.size() - maxRows - 1) : fmt::format("  ... {} more rows\n", rows.size() - maxRows - 1);
      i = rows.size() - 1;
    }
    out += line(rows[i]);
  }
  for (const eval::AlertHit& a : r.alerts) out += (zh ? "警示：" : "ALERT: ") + alertText(r, a, sources) + "\n";
  if (!outDir.empty() && report)
    out += zh ? fmt::format("结果已写入 {0}/results.csv、{0}/results.json 和 {0}/report.html\n", outDir)
              : fmt::format("Results written to {0}/results.csv, {0}/results.json and {0}/report.html\n", outDir);
  else if (!outDir.empty())
    out += zh ? fmt::format("结果已写入 {}/results.csv 和 {}/results.json\n", outDir, outDir)
              : fmt::format("Results written to {}/results.csv and {}/results.json\n", outDir, outDir);
  return out;
}

}  // namespace kaoping::output
