#include "runtime/output/explain.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "runtime/data/csv.h"
#include "runtime/data/mapped_file.h"
#include "runtime/output/text.h"

namespace kaoping::output {

namespace fs = std::filesystem;

RowLocator::RowLocator(const eval::Results& results, std::vector<std::pair<uint32_t, uint64_t>> rows) : results_(results) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  for (size_t i = 0; i < rows.size();) {
    uint32_t file = rows[i].first;
    std::string error;
    auto mapped = data::MappedFile::open(results.files[file], error);
    std::string_view bytes = mapped ? mapped->bytes() : std::string_view();
    data::LineIndex lines(bytes);
    for (; i < rows.size() && rows[i].first == file; ++i) {
      uint64_t offset = rows[i].second;
      std::string text;
      if (offset < bytes.size()) {
        size_t end = bytes.find('\n', offset);
        text = std::string(bytes.substr(offset, (end == std::string_view::npos ? bytes.size() : end) - offset));
        if (!text.empty() && text.back() == '\r') text.pop_back();
      }
      found_[rows[i]] = {mapped ? lines.lineOf(offset) : 0, std::move(text)};
    }
  }
}

std::string RowLocator::where(uint32_t file, uint64_t offset) const {
  auto it = found_.find({file, offset});
  std::string path = results_.files[file];
  return it == found_.end() || !it->second.first ? path : path + ":" + std::to_string(it->second.first);
}

std::string RowLocator::text(uint32_t file, uint64_t offset) const {
  auto it = found_.find({file, offset});
  return it == found_.end() ? std::string() : it->second.second;
}

std::vector<std::pair<uint32_t, uint64_t>> referencedRows(const eval::Results& r, int64_t subject) {
  std::vector<std::pair<uint32_t, uint64_t>> rows;
  auto add = [&](size_t s) {
    if (s < r.ledger.size())
      for (const eval::LedgerEntry& e : r.ledger[s])
        if (e.hasRow) rows.emplace_back(e.file, e.offset);
    if (s < r.aggregateRows.size())
      for (const eval::AggregateRow& a : r.aggregateRows[s]) rows.emplace_back(a.file, a.offset);
  };
  if (subject >= 0) add(static_cast<size_t>(subject));
  else
    for (size_t s = 0; s < r.ids.size(); ++s) add(s);
  return rows;
}

namespace {

class Explainer {
 public:
  Explainer(const eval::Results& r, const SourceManager& sources, uint32_t subject, Lang lang)
      : r_(r), p_(r.plan), sources_(sources), s_(subject), zh_(lang == Lang::Zh),
        rows_(r, referencedRows(r, subject)) {}

  std::string run(int32_t only) {
    std::string out = header();
    std::set<uint32_t> done;
    for (const plan::Step& step : p_.steps) {
      if (only >= 0 && step.figure != static_cast<uint32_t>(only)) continue;
      if (!done.insert(step.figure).second) continue;
      out += figure(step.figure);
      if (step.kind == plan::StepKind::Conditions && step.reasonsFigure >= 0 &&
          (only < 0 || only == step.reasonsFigure)) {
        done.insert(static_cast<uint32_t>(step.reasonsFigure));
        out += figure(static_cast<uint32_t>(step.reasonsFigure));
      }
    }
    for (const eval::AlertHit& a : r_.alerts)
      out += fmt::format("{}{}\n", zh_ ? "警示：" : "ALERT: ", a.message);
    return out;
  }

 private:
  std::string label(const char* en, const char* zh) const { return zh_ ? zh : en; }

  std::string header() const {
    std::string out = r_.ids[s_];
    const std::string name(r_.strings.text(r_.attributes[ir::kAttrName][s_].asIndex()));
    if (name != r_.ids[s_]) out += " " + name;
    std::vector<std::string> facts;
    for (size_t a = ir::kAttrName + 1; a < p_.subjectColumns.size(); ++a) {
      const plan::Column& c = p_.subjectColumns[a];
      std::string v = r_.valueText(c.kind, c.enumId, 2, r_.attributes[a][s_]);
      if (v.empty()) continue;
      // The roster's own columns are named in the reader's language; the scheme's
      // attributes as the scheme names them.
      std::string column = c.name;
      if (zh_ && column == "unit") column = "单位";
      else if (zh_ && column == "dept") column = "处室";
      else if (zh_ && column == "role") column = "职务";
      else if (zh_ && column == "parent") column = "上级单位";
      facts.push_back(column + " " + v);
    }
    if (!facts.empty()) {
      out += " (";
      for (size_t i = 0; i < facts.size(); ++i) out += (i ? ", " : "") + facts[i];
      out += ")";
    }
    return out + "\n";
  }

  std::string amountText(const plan::Figure& fig, const Value& v, bool sign) const {
    return output::amountText(r_, fig, v, sign, zh_);
  }

  std::string row(uint32_t file, uint64_t offset) const {
    return fmt::format("{}  {}", rows_.where(file, offset), shorten(rows_.text(file, offset), 90));
  }

  std::string figure(uint32_t f) const {
    const plan::Figure& fig = p_.figures[f];
    std::string out;
    std::string value = fig.grouped ? std::string() : r_.text(f, s_);
    out += fmt::format("\n{} = {}", fig.name, value.empty() && !fig.grouped ? label("(no value)", "（无值）") : value);
    if (fig.citation.size()) out += fmt::format("   [{} {}]", label("cite", "依据"), fig.citation);
    out += fmt::format("   {}\n", sources_.describe(fig.span));
    if (fig.definition.valid()) out += fmt::format("  = {}\n", shorten(sources_.text(fig.definition), 110));
    // The base first, then everything in the order it happened.
    std::vector<const eval::LedgerEntry*> entries;
    for (const eval::LedgerEntry& e : r_.ledger[s_])
      if (e.figure == f && e.what == eval::LedgerEntry::What::Base) entries.push_back(&e);
    for (const eval::LedgerEntry& e : r_.ledger[s_])
      if (e.figure == f && e.what != eval::LedgerEntry::What::Base) entries.push_back(&e);
    for (const eval::LedgerEntry* entry : entries) {
      const eval::LedgerEntry& e = *entry;
      using W = eval::LedgerEntry::What;
      switch (e.what) {
        case W::Base: out += fmt::format("  {} {}\n", label("base", "基础分"), amountText(fig, e.amount, false)); break;
        case W::Rule: {
          out += fmt::format("  {:>8}  {} {}", amountText(fig, e.amount, true), label("rule", "规则"), sources_.describe(e.rule));
          if (!e.note.empty()) out += fmt::format(" [{}]", e.note);
          if (e.from != UINT32_MAX) out += fmt::format(" {} {}", label("for a row of", "连带自"), r_.ids[e.from]);
          out += "\n";
          if (e.hasRow) out += fmt::format("            ← {}\n", row(e.file, e.offset));
          break;
        }
        case W::Floor:
          out += fmt::format("  {} {} {}\n", label("floor", "下限"), amountText(fig, e.amount, false),
                             label("applied (扣完为止)", "生效（扣完为止）"));
          break;
        case W::Cap:
          out += fmt::format("  {} {} {}\n", label("cap", "上限"), amountText(fig, e.amount, false), label("applied", "生效"));
          break;
        case W::Unrounded:
          out += fmt::format("  {} {}\n", label("before rounding:", "舍入前："), e.amount.asDecimal().toString());
          break;
        case W::Value: break;
        case W::Condition:
          out += fmt::format("  {} `{}` {}\n", e.amount.asBool() ? label("holds", "符合  ") : label("fails", "不符合"),
                             shorten(sources_.text(e.rule), 70), sources_.describe(e.rule));
          break;
        case W::Tier:
          out += fmt::format("  {} `{}` {}\n", label("tier", "档次"), shorten(sources_.text(e.rule), 60), sources_.describe(e.rule));
          break;
        case W::Rank:
          out += fmt::format("  {} {} / {}: {}\n", label("place", "位次"), e.position, e.of, e.note);
          break;
        case W::Adjustment:
          if (e.of) {  // a quota
            bool kept = e.position <= e.keep;
            out += fmt::format("  {} {}: {} {} / {}, {} {}; {}\n", label("quota", "名额"), sources_.describe(e.rule),
                               label("place", "位次"), e.position, e.of, label("places kept:", "保留名额"), e.keep,
                               kept ? label("kept", "保留") : label("demoted to ", "调整为 ") + amountText(fig, e.amount, false));
            out += fmt::format("            {}\n", e.note);
          } else {
            out += fmt::format("  {} {} {}{}\n", label("→", "→"), amountText(fig, e.amount, false), sources_.describe(e.rule),
                               e.note.empty() ? "" : "  (" + e.note + ")");
          }
          break;
      }
    }
    // The figures and rows its definition read.
    if (fig.definition.valid()) {
      std::string uses;
      for (uint32_t u : fig.uses) {
        const plan::Figure& used = p_.figures[u];
        std::string value = r_.text(u, s_);
        if (used.grouped) {  // one value per group: 表彰加分 {抗洪 0.20, 创卫 0.10}
          value.clear();
          if (u < r_.grouped.size() && s_ < r_.grouped[u].size())
            for (const auto& [key, v] : r_.grouped[u][s_])
              value += (value.empty() ? "" : ", ") + r_.groupName(u, key) + " " + amountText(used, v, false);
          value = "{" + value + "}";
        }
        uses += (uses.empty() ? "" : ", ") + used.name + " " + value;
      }
      // previous(F): the value the history gave.
      const std::string text = std::string(sources_.text(fig.definition));
      for (uint32_t u = 0; u < r_.history.size(); ++u) {
        if (r_.history[u].empty() || text.find("previous(" + p_.figures[u].name + ")") == std::string::npos) continue;
        const Value& v = r_.history[u][s_];
        const plan::Figure& used = p_.figures[u];
        uses += (uses.empty() ? "" : ", ") + fmt::format("previous({}) {}", used.name,
                                                         v.absent ? label("(none in the history)", "（历史结果中无此项）")
                                                                  : r_.valueText(used.kind, used.enumId, used.places, v));
      }
      if (!uses.empty()) out += fmt::format("  {} {}\n", label("uses", "使用"), uses);
    }
    if (fig.grouped && f < r_.grouped.size() && s_ < r_.grouped[f].size())
      for (const auto& [key, v] : r_.grouped[f][s_])
        out += fmt::format("  [{}] {}\n", r_.groupName(f, key), amountText(fig, v, false));
    for (uint32_t a : fig.aggregates) {
      const plan::Aggregate& agg = p_.aggregates[a];
      size_t n = 0;
      std::string lines;
      for (const eval::AggregateRow& row_ : r_.aggregateRows[s_]) {
        if (row_.aggregate != a) continue;
        if (++n <= 12) lines += fmt::format("            {}\n", row(row_.file, row_.offset));
      }
      out += fmt::format("  {} `{}`: {} {}\n", label("aggregate", "汇总"), shorten(agg.text, 70), n, n == 1 ? label("row", "行") : label("rows", "行"));
      out += lines;
      if (n > 12) out += fmt::format("            … {} {}\n", n - 12, label("more", "行未列出"));
    }
    return out;
  }

  const eval::Results& r_;
  const plan::Plan& p_;
  const SourceManager& sources_;
  uint32_t s_;
  bool zh_;
  RowLocator rows_;
};

}  // namespace

std::string explain(const eval::Results& results, const SourceManager& sources, uint32_t subject, int32_t figure,
                    Lang lang) {
  return Explainer(results, sources, subject, lang).run(figure);
}

}  // namespace kaoping::output
