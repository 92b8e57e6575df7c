#include "runtime/testing/rule_tests.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>

#include "runtime/eval/engine.h"

namespace kaoping::testing {

namespace fs = std::filesystem;

size_t FileReport::covered() const {
  return static_cast<size_t>(std::count_if(rules.begin(), rules.end(), [](const RuleCoverage& r) { return r.covered; }));
}

namespace {

std::string csvCell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string fieldOf(const ir::TestCase::Row& row, const std::string& name, const std::string& fallback = "") {
  for (const auto& [k, v] : row.fields)
    if (k == name) return v;
  return fallback;
}

bool isNumeric(plan::Kind k) {
  return k == plan::Kind::Int || k == plan::Kind::Decimal || k == plan::Kind::Money || k == plan::Kind::Percent;
}

// A temporary directory removed when this goes out of scope.
struct TempDir {
  fs::path path;
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/kaoping-test-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (char* made = mkdtemp(buf.data())) path = made;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

class Runner {
 public:
  Runner(const plan::Plan& plan, const SourceManager& sources, Lang lang) : p_(plan), sources_(sources), lang_(lang) {}

  TestOutcome run(const ir::TestCase& t, std::set<std::pair<FileId, uint32_t>>& applied) {
    TestOutcome out;
    out.name = t.name;
    out.span = t.span;
    TempDir dir;
    if (dir.path.empty()) {
      out.failures.push_back(lang_ == Lang::Zh ? "无法创建临时目录" : "cannot create a temporary directory");
      return out;
    }
    std::vector<Span> eventLine = writeData(t, dir.path);
    eval::Inputs inputs;
    inputs.dataDirs = {dir.path.string()};
    inputs.params = t.params;
    inputs.traceLedger = true;
    if (!t.history.empty()) inputs.history = (dir.path / "history.csv").string();
    Diagnostics diags;
    std::unique_ptr<eval::Results> results = eval::run(p_, inputs, diags);
    if (results)
      for (const auto& entries : results->ledger)
        for (const eval::LedgerEntry& e : entries)
          if (e.rule.valid()) applied.emplace(e.rule.file, e.rule.begin);
    if (t.expectError) {
      bool matched = !results;
      if (matched && !t.errorText.empty()) {
        matched = false;
        for (const Diagnostic& d : diags.all())
          if (d.message(Lang::En).find(t.errorText) != std::string::npos ||
              d.message(Lang::Zh).find(t.errorText) != std::string::npos)
            matched = true;
      }
      if (!matched)
        out.failures.push_back(results ? (lang_ == Lang::Zh ? "预期输入错误，但运行成功" : "expected an input error, but the run succeeded")
                                       : (lang_ == Lang::Zh ? "出现了输入错误，但不含 “" : "the input errors do not mention \"") + t.errorText +
                                             (lang_ == Lang::Zh ? "”：\n" : "\":\n") + render(diags, dir.path, eventLine));
      out.passed = out.failures.empty();
      return out;
    }
    if (!results) {
      out.failures.push_back((lang_ == Lang::Zh ? "运行失败：\n" : "the run failed:\n") + render(diags, dir.path, eventLine));
      return out;
    }
    for (const ir::TestCase::Expect& x : t.expects) {
      auto it = std::find(results->ids.begin(), results->ids.end(), x.subject);
      uint32_t s = static_cast<uint32_t>(it - results->ids.begin());
      const plan::Figure& fig = p_.figures[x.figure];
      const Value& actual = results->figures[x.figure][s];
      if (holds(*results, fig, actual, x)) continue;
      std::string shown = actual.absent ? (lang_ == Lang::Zh ? "（无值）" : "(no value)") : results->text(x.figure, s);
      std::string block = fmt::format("{}: {} {}.{} {} {}, {} {}\n", sources_.describe(x.span), lang_ == Lang::Zh ? "预期" : "expected",
                                      x.subject, fig.name, ir::compareSymbol(x.op), x.expectedText,
                                      lang_ == Lang::Zh ? "实际为" : "actual", shown);
      block += ledger(*results, s, x.figure, eventLine);
      out.failures.push_back(block);
    }
    out.passed = out.failures.empty();
    return out;
  }

 private:
  // Writes roster/units, events and history of the test; returns, per line of
  // events.csv, the test event it came from.
  std::vector<Span> writeData(const ir::TestCase& t, const fs::path& dir) {
    const bool persons = p_.subjects == plan::SubjectKind::Persons;
    {
      std::ofstream f(dir / (persons ? "roster.csv" : "units.csv"));
      std::vector<std::string> columns;
      for (const plan::Column& c : p_.subjectColumns) columns.push_back(c.name);
      for (size_t i = 0; i < columns.size(); ++i) f << (i ? "," : "") << csvCell(columns[i]);
      f << "\n";
      for (const ir::TestCase::Row& row : t.subjects) {
        for (size_t i = 0; i < columns.size(); ++i) {
          std::string fallback;
          if (columns[i] == "id") fallback = row.id;
          else if (columns[i] == "name") fallback = row.id;
          else if (persons && columns[i] == "unit") fallback = "局";
          else if (persons && columns[i] == "dept") fallback = "处室";
          else if (persons && columns[i] == "role") fallback = "科员";
          f << (i ? "," : "") << csvCell(columns[i] == "id" ? row.id : fieldOf(row, columns[i], fallback));
        }
        f << "\n";
      }
    }
    std::vector<Span> lines = {Span{}, Span{}};  // lines 0 and 1 (the header)
    {
      std::ofstream f(dir / "events.csv");
      std::vector<std::string> columns = {"date", "kind", "subject"};
      for (const plan::EventKind& k : p_.kinds)
        for (const plan::Column& c : k.attributes)
          if (std::find(columns.begin(), columns.end(), c.name) == columns.end()) columns.push_back(c.name);
      for (size_t i = 0; i < columns.size(); ++i) f << (i ? "," : "") << csvCell(columns[i]);
      f << "\n";
      for (const ir::TestCase::Row& e : t.events)
        for (uint32_t n = 0; n < e.times; ++n) {
          f << e.date << "," << csvCell(p_.kinds[e.kind].name) << "," << csvCell(e.subject);
          for (size_t i = 3; i < columns.size(); ++i) f << "," << csvCell(fieldOf(e, columns[i]));
          f << "\n";
          lines.push_back(e.span);
        }
    }
    if (!t.history.empty()) {
      std::ofstream f(dir / "history.csv");
      std::vector<std::string> columns = {"id"};
      for (const plan::Figure& fig : p_.figures)
        if (fig.readFromHistory) columns.push_back(fig.name);
      for (size_t i = 0; i < columns.size(); ++i) f << (i ? "," : "") << csvCell(columns[i]);
      f << "\n";
      for (const ir::TestCase::Row& row : t.history) {
        f << csvCell(row.id);
        for (size_t i = 1; i < columns.size(); ++i) f << "," << csvCell(fieldOf(row, columns[i]));
        f << "\n";
      }
    }
    return lines;
  }

  bool holds(const eval::Results& r, const plan::Figure& fig, const Value& actual, const ir::TestCase::Expect& x) const {
    if (actual.absent) return x.op == ir::CompareOp::Ne;
    int c;
    if (isNumeric(fig.kind)) {
      Decimal a = fig.kind == plan::Kind::Int ? Decimal::fromInt(actual.asInt()) : actual.asDecimal();
      bool expectedDecimal = fig.kind != plan::Kind::Int || x.expectedText.find('.') != std::string::npos;
      Decimal e = expectedDecimal ? x.expected.asDecimal() : Decimal::fromInt(x.expected.asInt());
      c = (a > e) - (a < e);
    } else if (fig.kind == plan::Kind::Enum) {
      const plan::EnumTable& t = p_.enums[fig.enumId];
      int a = t.ordinal(actual.asIndex()), e = t.ordinal(x.expected.asIndex());
      c = (a > e) - (a < e);
    } else if (fig.kind == plan::Kind::String) {
      std::string_view a = r.strings.text(actual.asIndex());
      c = a == x.expectedText ? 0 : (a < x.expectedText ? -1 : 1);
    } else {
      c = actual.bits == x.expected.bits ? 0 : (actual.bits < x.expected.bits ? -1 : 1);
    }
    return ir::compareHolds(x.op, c);
  }

  std::string where(const eval::Results& r, const eval::LedgerEntry& e, const std::vector<Span>& eventLine) const {
    if (!e.hasRow) return "";
    std::string path = r.files[e.file];
    if (path.size() >= 10 && path.compare(path.size() - 10, 10, "events.csv") == 0) {
      std::ifstream f(path, std::ios::binary);
      std::string content((std::istreambuf_iterator<char>(f)), {});
      size_t line = 1 + static_cast<size_t>(std::count(content.begin(), content.begin() + std::min<size_t>(e.offset, content.size()), '\n'));
      if (line < eventLine.size() && eventLine[line].valid())
        return fmt::format(" ({} {})", lang_ == Lang::Zh ? "事件" : "event", sources_.describe(eventLine[line]));
    }
    return "";
  }

  std::string ledger(const eval::Results& r, uint32_t s, uint32_t figure, const std::vector<Span>& eventLine) const {
    std::string out;
    const plan::Figure& fig = p_.figures[figure];
    int places = fig.kind == plan::Kind::Int ? 0 : std::max(fig.places, 2);
    for (const eval::LedgerEntry& e : r.ledger[s]) {
      if (e.figure != figure) continue;
      std::string amount = r.valueText(fig.kind, fig.enumId, places, e.amount);
      if (fig.kind == plan::Kind::Int && !e.amount.absent && e.amount.asInt() > 0 && e.what == eval::LedgerEntry::What::Rule)
        amount = "+" + amount;
      // One name per LedgerEntry::What (Base … Unrounded).
      static const char* en[] = {"base", "rule", "floor", "cap", "value", "adjusted to", "rank", "tier", "before rounding", "condition"};
      static const char* zh[] = {"基础分", "规则", "下限", "上限", "取值", "调整为", "名次", "等次", "舍入前", "条件"};
      static_assert(static_cast<int>(eval::LedgerEntry::What::Condition) + 1 == std::size(en));
      int w = static_cast<int>(e.what);
      out += fmt::format("    {} {}", lang_ == Lang::Zh ? zh[w] : en[w], amount);
      if (e.rule.valid()) out += "  " + sources_.describe(e.rule);
      if (!e.note.empty()) out += fmt::format(" [{}]", e.note);
      if (e.from != UINT32_MAX) out += fmt::format(" ({} {})", lang_ == Lang::Zh ? "连带自" : "from", r.ids[e.from]);
      out += where(r, e, eventLine) + "\n";
    }
    return out;
  }

  std::string render(const Diagnostics& diags, const fs::path& dir, const std::vector<Span>& eventLine) const {
    std::string out;
    for (const Diagnostic* d : diags.sorted()) {
      std::string at;
      if (d->span.valid()) {
        at = sources_.describe(d->span);
      } else if (d->where.valid()) {
        at = fs::path(d->where.path).filename().string();
        if (d->where.line) at += ":" + std::to_string(d->where.line);
        if (at.rfind("events.csv", 0) == 0 && d->where.line < eventLine.size() && eventLine[d->where.line].valid())
          at = sources_.describe(eventLine[d->where.line]);
      }
      out += fmt::format("    {}: [{}] {}\n", at, d->code(), d->message(lang_));
    }
    (void)dir;
    return out;
  }

  const plan::Plan& p_;
  const SourceManager& sources_;
  Lang lang_;
};

}  // namespace

FileReport runTests(const plan::Plan& plan, const SourceManager& sources, Lang lang) {
  FileReport report;
  // Every rule, cap, veto and quota, once (a rule over several kinds is one rule).
  std::set<std::pair<FileId, uint32_t>> seen;
  auto addRule = [&](Span span, const std::string& citation) {
    if (span.valid() && seen.emplace(span.file, span.begin).second) report.rules.push_back(RuleCoverage{span, citation, false});
  };
  for (const plan::EventKind& k : plan.kinds)
    for (const plan::Action& a : k.actions)
      if (a.type == plan::Action::Type::Rule) addRule(a.span, a.citation);
  for (const plan::Step& s : plan.steps) {
    for (const plan::WhenRule& w : s.rules) addRule(w.span, w.citation);
    if (s.kind == plan::StepKind::CapAtMost || s.kind == plan::StepKind::Veto || s.kind == plan::StepKind::Quota)
      addRule(s.span, s.citation);
  }
  std::sort(report.rules.begin(), report.rules.end(), [](const RuleCoverage& a, const RuleCoverage& b) { return a.span.begin < b.span.begin; });
  Runner runner(plan, sources, lang);
  std::set<std::pair<FileId, uint32_t>> applied;
  for (const ir::TestCase& t : plan.tests) report.tests.push_back(runner.run(t, applied));
  for (RuleCoverage& r : report.rules) r.covered = applied.count({r.span.file, r.span.begin}) > 0;
  return report;
}

}  // namespace kaoping::testing
