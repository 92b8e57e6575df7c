#include "runtime/output/report.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/support/utf8.h"
#include "runtime/output/explain.h"
#include "runtime/output/results.h"
#include "runtime/output/text.h"

namespace kaoping::output {

std::string htmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

bool anyParent(const eval::Results& r) {
  if (r.plan.subjects == plan::SubjectKind::Persons) return false;
  for (const Value& v : r.attributes[ir::kAttrParent])
    if (!v.absent) return true;
  return false;
}

}  // namespace

namespace {

}  // namespace

// A rule's source text without comments and without its leading `cite "…"`, on one line.
std::string ruleText(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      out += text.substr(i, std::min(j, text.size() - 1) - i + 1);
      i = j;
    } else if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      while (i < text.size() && text[i] != '\n') ++i;
      out += ' ';
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  out = oneLine(out);
  for (std::string_view cite : {"cite \"", "依据 \""})
    if (out.rfind(cite, 0) == 0) {
      size_t end = out.find('"', cite.size());
      if (end != std::string::npos) out = oneLine(out.substr(end + 1));
    }
  if (!out.empty() && out[0] == ' ') out.erase(0, 1);
  return out;
}

std::string unitGroup(const eval::Results& r, uint32_t s, Lang lang) {
  if (r.plan.subjects == plan::SubjectKind::Persons) return std::string(r.strings.text(r.attributes[ir::kAttrUnit][s].asIndex()));
  if (!anyParent(r)) return lang == Lang::Zh ? "全部单位" : "all units";
  uint32_t top = s;
  for (size_t steps = 0; steps <= r.ids.size() && !r.attributes[ir::kAttrParent][top].absent; ++steps)
    top = r.attributes[ir::kAttrParent][top].asIndex();
  std::string name(r.strings.text(r.attributes[ir::kAttrName][top].asIndex()));
  return name == r.ids[top] ? name : r.ids[top] + " " + name;
}

std::string unitGroupTitle(const eval::Results& r, Lang lang) {
  bool zh = lang == Lang::Zh;
  if (r.plan.subjects == plan::SubjectKind::Persons) return zh ? "单位" : "unit";
  if (!anyParent(r)) return zh ? "范围" : "scope";
  return zh ? "单位（含下属单位）" : "unit (with the units under it)";
}

namespace {

using Int128 = __int128;

// Tier colours from the best (green) to the worst (red); more than five tiers cycle.
const char* tierColour(const plan::EnumTable& tiers, size_t index) {
  static const char* const palettes[5][5] = {
      {"#2e7d32"},
      {"#2e7d32", "#c62828"},
      {"#2e7d32", "#f9a825", "#c62828"},
      {"#2e7d32", "#1565c0", "#f9a825", "#c62828"},
      {"#2e7d32", "#1565c0", "#f9a825", "#ef6c00", "#c62828"}};
  static const char* const more[] = {"#2e7d32", "#1565c0", "#00838f", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a", "#5d4037"};
  size_t n = tiers.values.size();
  size_t place = n - 1 - static_cast<size_t>(tiers.ordinal(static_cast<uint32_t>(index)));  // 0: the best
  return n <= 5 ? palettes[n - 1][place] : more[place % 8];
}

const char* kStyle = R"CSS(
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Zen Hei","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9;font-size:14px;line-height:1.45}
header{background:#243b55;color:#fff;padding:16px 28px}
header h1{margin:0 0 4px;font-size:22px}
header h1 small{font-weight:normal;opacity:.8;font-size:14px;margin-left:8px}
header p{margin:0;opacity:.9}
nav{margin-top:8px}
nav a{color:#cfe3ff;margin-right:16px;text-decoration:none}
nav a:hover{text-decoration:underline}
main{padding:8px 28px 40px;max-width:1400px}
section{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:12px 18px;margin:14px 0}
h2{font-size:18px;margin:4px 0 10px;color:#243b55}
h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;margin:4px 0}
th,td{border:1px solid #e1e4e8;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f3f6;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fafbfc}
.alert{color:#b71c1c;font-weight:600}
.muted{color:#666}
.charts svg{display:block;margin:6px 0 14px;max-width:100%;height:auto}
#filter{padding:5px 8px;width:320px;margin-bottom:8px;border:1px solid #c8ccd0;border-radius:4px}
details.subject{border:1px solid #e1e4e8;border-radius:6px;margin:8px 0;background:#fff}
details.subject>summary{cursor:pointer;padding:7px 12px;background:#f0f3f6;border-radius:6px}
details.subject[open]>summary{border-bottom:1px solid #e1e4e8;border-radius:6px 6px 0 0}
details.subject>div{padding:6px 14px 12px}
.fig{margin:10px 0 4px;padding-top:6px;border-top:1px dashed #e1e4e8}
.fig .name{font-weight:600}
.fig .value{font-weight:600;color:#0d47a1}
.cite{color:#6a1b9a;margin-left:8px}
.loc{color:#666;margin-left:8px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
code,.row{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
.def{margin:2px 0 2px 14px;color:#444}
table.ledger{margin-left:14px}
table.ledger td{border:none;border-bottom:1px solid #f0f0f0;padding:2px 8px}
table.ledger td.amt{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;min-width:70px}
td.minus{color:#c62828}
td.plus{color:#2e7d32}
.row{color:#555}
@media print{header,nav,#filter{display:none}details.subject{page-break-inside:avoid}}
)CSS";

// Opens the subject named by the address's #fragment; filters the list as one types.
const char* kScript = R"JS(
(function () {
  function openTarget() {
    var id = location.hash ? location.hash.substring(1) : "";
    if (!id) return;
    var el = document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  var filter = document.getElementById("filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.toLowerCase();
      var rows = document.querySelectorAll("#list tbody tr");
      for (var i = 0; i < rows.length; i++)
        rows[i].style.display = rows[i].textContent.toLowerCase().indexOf(q) < 0 ? "none" : "";
    });
  }
})();
)JS";

// A decimal (as its raw mantissa) in its shortest form: 95, 92.5.
std::string rawText(Int128 raw) { return Decimal::fromRaw(raw).toString(); }

class Report {
 public:
  Report(const eval::Results& r, const SourceManager* sources, Lang lang, const ReportInfo& info)
      : r_(r), p_(r.plan), sources_(sources), zh_(lang == Lang::Zh), info_(info) {
    for (uint32_t f : p_.outputs)
      if (p_.figures[f].kind == plan::Kind::Enum && p_.enums[p_.figures[f].enumId].ordered) {
        tier_ = static_cast<int>(f);
        break;
      }
    if (tier_ >= 0) score_ = p_.figures[tier_].tierOf;
    if (score_ < 0)
      for (uint32_t f : p_.outputs)
        if (numeric(f)) {
          score_ = static_cast<int>(f);
          break;
        }
    for (const plan::Step& st : p_.steps)
      if (st.kind == plan::StepKind::Rank) ranks_.insert(st.figure);
    persons_ = p_.subjects == plan::SubjectKind::Persons;
    if (!r_.ledger.empty()) rows_ = std::make_unique<RowLocator>(r_, referencedRows(r_));
    position_.assign(r_.ids.size(), 0);
    for (size_t i = 0; i < r_.byId.size(); ++i) position_[r_.byId[i]] = static_cast<uint32_t>(i);
  }

  std::string html() {
    std::string title = (zh_ ? "考评报告：" : "Appraisal report: ") + p_.name;
    out_ += fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", zh_ ? "zh-CN" : "en");
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out_ += "<title>" + esc(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
    header();
    out_ += "<main>\n";
    alerts();
    summaries();
    charts();
    list();
    subjects();
    out_ += "</main>\n<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  std::string L(const char* en, const char* zh) const { return zh_ ? zh : en; }
  static std::string esc(std::string_view s) { return htmlEscape(s); }

  bool numeric(uint32_t f) const {
    plan::Kind k = p_.figures[f].kind;
    return !p_.figures[f].grouped && (k == plan::Kind::Int || k == plan::Kind::Decimal || k == plan::Kind::Money);
  }
  // The value as a raw decimal mantissa, when it is a number.
  bool raw(uint32_t f, uint32_t s, Int128& out) const {
    const Value& v = r_.figures[f][s];
    if (v.absent || !numeric(f)) return false;
    out = p_.figures[f].kind == plan::Kind::Int ? Int128(v.asInt()) * Decimal::kOne : v.bits;
    return true;
  }
  std::string name(uint32_t s) const { return std::string(r_.strings.text(r_.attributes[ir::kAttrName][s].asIndex())); }
  std::string parentOf(uint32_t s) const {
    const Value& parent = r_.attributes[ir::kAttrParent][s];
    if (parent.absent) return "—";
    uint32_t q = parent.asIndex();
    std::string n = name(q);
    return n == r_.ids[q] ? n : r_.ids[q] + " " + n;
  }
  std::string deptOf(uint32_t s) const { return r_.departments[r_.attributes[ir::kAttrDept][s].asIndex()]; }
  std::string anchor(uint32_t s) const { return fmt::format("s-{}", position_[s]); }

  void header() {
    out_ += "<header>\n<h1>" + esc(p_.name);
    if (!p_.version.empty()) out_ += "<small>" + esc(p_.version) + "</small>";
    out_ += "</h1>\n<p>";
    std::vector<std::string> facts;
    if (!info_.period.empty()) facts.push_back(L("period ", "考评期 ") + esc(info_.period));
    facts.push_back(fmt::format(fmt::runtime(zh_ ? "考评对象 {} 个" : "{} subjects"), r_.ids.size()));
    facts.push_back(fmt::format(fmt::runtime(zh_ ? "事件 {} 条" : "{} events"), r_.events));
    if (!r_.alerts.empty()) facts.push_back(fmt::format(fmt::runtime(zh_ ? "警示 {} 条" : "{} alerts"), r_.alerts.size()));
    for (const auto& [k, v] : info_.params) facts.push_back(esc(k) + " = " + esc(v));
    for (size_t i = 0; i < facts.size(); ++i) out_ += (i ? " · " : "") + facts[i];
    out_ += "</p>\n<nav>";
    if (!r_.alerts.empty()) out_ += "<a href=\"#alerts\">" + L("Alerts", "警示") + "</a>";
    out_ += "<a href=\"#summary\">" + L("Summary", "汇总") + "</a>";
    out_ += "<a href=\"#charts\">" + L("Charts", "图表") + "</a>";
    out_ += "<a href=\"#subjects\">" + L("Subjects", "考评对象") + "</a>";
    out_ += "</nav>\n</header>\n";
  }

  void alerts() {
    if (r_.alerts.empty()) return;
    out_ += "<section id=\"alerts\">\n<h2>" + L("Alerts", "警示") + "</h2>\n<ul>\n";
    for (const eval::AlertHit& a : r_.alerts) out_ += "<li class=\"alert\">" + esc(alertText(r_, a, sources_)) + "</li>\n";
    out_ += "</ul>\n</section>\n";
  }

  // One group's row of a summary table.
  void groupRow(const std::string& label, const std::vector<uint32_t>& members, bool total) {
    out_ += total ? "<tr><th>" + esc(label) + "</th>" : "<tr><td>" + esc(label) + "</td>";
    out_ += fmt::format("<td class=\"n\">{}</td>", members.size());
    if (tier_ >= 0) {
      std::vector<size_t> counts(p_.enums[p_.figures[tier_].enumId].values.size(), 0);
      for (uint32_t s : members)
        if (!r_.figures[tier_][s].absent) ++counts[r_.figures[tier_][s].asIndex()];
      for (size_t c : counts) out_ += fmt::format("<td class=\"n\">{}</td>", c);
    }
    if (score_ >= 0) {
      Int128 sum = 0, lo = 0, hi = 0;
      size_t n = 0;
      for (uint32_t s : members) {
        Int128 v;
        if (!raw(static_cast<uint32_t>(score_), s, v)) continue;
        if (!n || v < lo) lo = v;
        if (!n || v > hi) hi = v;
        sum += v;
        ++n;
      }
      if (n) {
        Decimal mean = Decimal::fromRaw(sum) / Decimal::fromInt(static_cast<int64_t>(n));
        out_ += fmt::format("<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>", mean.toString(2),
                            Decimal::fromRaw(lo).toString(2), Decimal::fromRaw(hi).toString(2));
      } else {
        out_ += "<td class=\"n\">-</td><td class=\"n\">-</td><td class=\"n\">-</td>";
      }
    }
    out_ += "</tr>\n";
  }

  void summaryTable(const std::string& title, const std::string& groupLabel,
                    const std::map<std::string, std::vector<uint32_t>>& groups, bool withTotal) {
    out_ += "<h3>" + esc(title) + "</h3>\n<table>\n<thead><tr><th>" + esc(groupLabel) + "</th><th class=\"n\">" +
            L("subjects", "人数") + "</th>";
    if (tier_ >= 0)
      for (const std::string& t : p_.enums[p_.figures[tier_].enumId].values) out_ += "<th class=\"n\">" + esc(t) + "</th>";
    if (score_ >= 0) {
      const std::string& n = p_.figures[score_].name;
      out_ += "<th class=\"n\">" + L("mean ", "平均") + esc(n) + "</th><th class=\"n\">" + L("lowest ", "最低") + esc(n) +
              "</th><th class=\"n\">" + L("highest ", "最高") + esc(n) + "</th>";
    }
    out_ += "</tr></thead>\n<tbody>\n";
    for (const auto& [label, members] : groups) groupRow(label, members, false);
    if (withTotal) {
      out_ += "</tbody>\n<tfoot>\n";
      groupRow(L("total", "合计"), r_.byId, true);
      out_ += "</tfoot>\n";
    } else {
      out_ += "</tbody>\n";
    }
    out_ += "</table>\n";
  }

  std::map<std::string, std::vector<uint32_t>> byUnit() const {
    std::map<std::string, std::vector<uint32_t>> groups;
    for (uint32_t s : r_.byId) groups[unitGroup(r_, s, zh_ ? Lang::Zh : Lang::En)].push_back(s);
    return groups;
  }

  void summaries() {
    out_ += "<section id=\"summary\">\n<h2>" + L("Summary", "汇总") + "</h2>\n";
    if (persons_) {
      summaryTable(L("By unit", "按单位"), L("unit", "单位"), byUnit(), true);
      std::map<std::string, std::vector<uint32_t>> depts;
      for (uint32_t s : r_.byId) depts[deptOf(s)].push_back(s);
      summaryTable(L("By department", "按处室"), L("department", "处室"), depts, false);
    } else {
      summaryTable(L("By unit", "按单位"), unitGroupTitle(r_, zh_ ? Lang::Zh : Lang::En), byUnit(), true);
    }
    out_ += "</section>\n";
  }

  // Stacked bars: each group's subjects per tier.
  void tierChart() {
    const plan::EnumTable& tiers = p_.enums[p_.figures[tier_].enumId];
    std::vector<std::pair<std::string, std::vector<uint32_t>>> groups;
    groups.emplace_back(L("all", "全部"), r_.byId);
    auto units = byUnit();
    if (units.size() > 1 && units.size() <= 60)
      for (auto& [label, members] : units) groups.emplace_back(label, members);
    const int labelWidth = 220, barWidth = 620, rowHeight = 26, top = 34;
    const int width = labelWidth + barWidth + 70, height = top + rowHeight * static_cast<int>(groups.size()) + 10;
    out_ += "<h3>" + esc(L("Tier distribution: ", "等次分布：") + p_.figures[tier_].name) + "</h3>\n";
    out_ += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                        "role=\"img\" font-size=\"12\">\n",
                        width, height, width, height);
    int x = labelWidth;
    for (size_t t = 0; t < tiers.values.size(); ++t) {
      out_ += fmt::format("<rect x=\"{}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\"/>", x, tierColour(tiers, t));
      out_ += fmt::format("<text x=\"{}\" y=\"18\">{}</text>\n", x + 16, esc(tiers.values[t]));
      x += 34 + 7 * static_cast<int>(utf8::displayWidth(tiers.values[t]));
    }
    int y = top;
    for (const auto& [label, members] : groups) {
      std::vector<size_t> counts(tiers.values.size(), 0);
      size_t n = 0;
      for (uint32_t s : members)
        if (!r_.figures[tier_][s].absent) ++counts[r_.figures[tier_][s].asIndex()], ++n;
      out_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", labelWidth - 8, y + 16,
                          esc(shorten(label, 40)));
      double at = labelWidth;
      for (size_t t = 0; t < counts.size(); ++t) {
        if (!counts[t]) continue;
        double w = n ? barWidth * static_cast<double>(counts[t]) / static_cast<double>(n) : 0;
        out_ += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>",
                            at, y, w, rowHeight - 6, tierColour(tiers, t), esc(tiers.values[t]), counts[t]);
        if (w >= 22)
          out_ += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#fff\">{}</text>", at + w / 2,
                              y + 15, counts[t]);
        at += w;
      }
      out_ += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\">{}</text>\n", labelWidth + barWidth + 8, y + 15, n);
      y += rowHeight;
    }
    out_ += "</svg>\n";
  }

  // A histogram of a numeric figure over every subject, with "nice" bins (1, 2 or 5 × 10^k).
  void histogram(uint32_t f) {
    std::vector<Int128> values;
    for (uint32_t s : r_.byId) {
      Int128 v;
      if (raw(f, s, v)) values.push_back(v);
    }
    if (values.empty()) return;
    Int128 lo = *std::min_element(values.begin(), values.end()), hi = *std::max_element(values.begin(), values.end());
    Int128 width = Decimal::kOne / 100;  // 0.01
    const Int128 steps[] = {1, 2, 5};
    for (int k = 0; width > 0; ++k) {
      bool found = false;
      for (Int128 m : steps) {
        Int128 w = width * m;
        Int128 first = lo >= 0 ? lo / w * w : -((-lo + w - 1) / w) * w;
        if ((hi - first) / w + 1 <= 20) {
          width = w;
          found = true;
          break;
        }
      }
      if (found) break;
      width *= 10;
    }
    Int128 first = lo >= 0 ? lo / width * width : -((-lo + width - 1) / width) * width;
    size_t bins = static_cast<size_t>((hi - first) / width + 1);
    std::vector<size_t> counts(bins, 0);
    for (Int128 v : values) ++counts[static_cast<size_t>((v - first) / width)];
    size_t most = *std::max_element(counts.begin(), counts.end());
    const int left = 40, plotWidth = 800, plotHeight = 150, top = 14, bottom = 40;
    const int width_ = left + plotWidth + 20, height = top + plotHeight + bottom;
    double bar = static_cast<double>(plotWidth) / static_cast<double>(bins);
    const plan::Figure& fig = p_.figures[f];
    out_ += "<h3>" + esc(L("Distribution: ", "分布：") + fig.name) +
            fmt::format(fmt::runtime(zh_ ? " <span class=\"muted\">（{} 个值，组距 {}）</span>" : " <span class=\"muted\">({} values, bins of {})</span>"),
                        values.size(), rawText(width)) +
            "</h3>\n";
    out_ += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                        "role=\"img\" font-size=\"11\">\n",
                        width_, height, width_, height);
    out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>", left, top + plotHeight,
                        left + plotWidth, top + plotHeight);
    out_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>", left, top, left, top + plotHeight);
    out_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 4, top + 8, most);
    out_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\n", left - 4, top + plotHeight);
    size_t labelEvery = bins > 12 ? 2 : 1;
    for (size_t b = 0; b < bins; ++b) {
      double x = left + bar * static_cast<double>(b);
      double h = most ? static_cast<double>(plotHeight) * static_cast<double>(counts[b]) / static_cast<double>(most) : 0;
      Int128 from = first + width * static_cast<Int128>(b);
      std::string range = "[" + rawText(from) + ", " + rawText(from + width) + ")";
      if (counts[b])
        out_ += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#1565c0\">"
                            "<title>{}: {}</title></rect>",
                            x + 1, top + plotHeight - h, std::max(bar - 2, 1.0), h, range, counts[b]);
      if (counts[b] && bar >= 18) {
        bool inside = h > plotHeight - 12;  // no room above the bar: inside it, in white
        out_ += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"{}\">{}</text>", x + bar / 2,
                            inside ? top + plotHeight - h + 12 : top + plotHeight - h - 3, inside ? "#fff" : "#333", counts[b]);
      }
      if (b % labelEvery == 0)
        out_ += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x, top + plotHeight + 14,
                            rawText(from));
      out_ += "\n";
    }
    out_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", left + plotWidth,
                        top + plotHeight + 14, bins % labelEvery == 0 ? rawText(first + width * static_cast<Int128>(bins)) : "");
    out_ += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>\n",
                        left + plotWidth / 2, top + plotHeight + 32, esc(fig.name));
    out_ += "</svg>\n";
  }

  void charts() {
    out_ += "<section id=\"charts\" class=\"charts\">\n<h2>" + L("Charts", "图表") + "</h2>\n";
    if (tier_ >= 0) tierChart();
    size_t drawn = 0;
    for (uint32_t f : p_.outputs)
      if (numeric(f) && !ranks_.count(f) && drawn++ < 12) histogram(f);
    if (tier_ < 0 && !drawn) out_ += "<p class=\"muted\">" + L("No tier or numeric figure to chart.", "没有可作图的等次或数值指标。") + "</p>\n";
    out_ += "</section>\n";
  }

  void list() {
    out_ += "<section id=\"subjects\">\n<h2>" + L("Subjects", "考评对象") + "</h2>\n";
    out_ += "<input id=\"filter\" type=\"search\" placeholder=\"" + L("Filter: id, name, unit, tier…", "筛选：编号、姓名、单位、等次……") +
            "\" aria-label=\"" + L("filter", "筛选") + "\">\n";
    out_ += "<table id=\"list\">\n<thead><tr><th>id</th><th>" + L("name", "名称") + "</th><th>" +
            (persons_ ? L("department", "处室") : L("parent unit", "上级单位")) + "</th>";
    for (uint32_t f : p_.outputs) out_ += "<th" + std::string(numeric(f) ? " class=\"n\"" : "") + ">" + esc(p_.figures[f].name) + "</th>";
    out_ += "</tr></thead>\n<tbody>\n";
    for (uint32_t s : r_.byId) {
      out_ += "<tr><td><a href=\"#" + anchor(s) + "\">" + esc(r_.ids[s]) + "</a></td><td>" + esc(name(s)) + "</td><td>" +
              esc(persons_ ? deptOf(s) : parentOf(s)) + "</td>";
      for (uint32_t f : p_.outputs)
        out_ += "<td" + std::string(numeric(f) ? " class=\"n\"" : "") + ">" + esc(r_.text(f, s)) + "</td>";
      out_ += "</tr>\n";
    }
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  // ---- one subject

  std::string describe(Span span) const { return sources_ && span.valid() ? sources_->describe(span) : ""; }
  std::string sourceText(Span span) const {
    return sources_ && span.valid() ? std::string(sources_->text(span)) : std::string();
  }

  std::string amountText(const plan::Figure& fig, const Value& v, bool sign) const {
    return output::amountText(r_, fig, v, sign, zh_);
  }

  std::string rowHtml(uint32_t file, uint64_t offset) const {
    if (!rows_) return "";
    return "<span class=\"row\">" + esc(rows_->where(file, offset)) + "  " + esc(shorten(rows_->text(file, offset), 120)) +
           "</span>";
  }

  void entry(const std::string& amount, const std::string& cls, const std::string& what) {
    out_ += "<tr><td class=\"amt" + (cls.empty() ? "" : " " + cls) + "\">" + esc(amount) + "</td><td>" + what + "</td></tr>\n";
  }

  void figure(uint32_t s, uint32_t f) {
    const plan::Figure& fig = p_.figures[f];
    std::string value = fig.grouped ? std::string() : r_.text(f, s);
    out_ += "<div class=\"fig\"><span class=\"name\">" + esc(fig.name) + "</span>";
    if (!fig.grouped)
      out_ += " = <span class=\"value\">" + esc(value.empty() ? L("(no value)", "（无值）") : value) + "</span>";
    if (!fig.citation.empty()) out_ += "<span class=\"cite\">[" + L("cite ", "依据 ") + esc(fig.citation) + "]</span>";
    out_ += "<span class=\"loc\">" + esc(describe(fig.span)) + "</span>\n";
    if (fig.definition.valid() && sources_)
      out_ += "<div class=\"def\"><code>= " + esc(shorten(sourceText(fig.definition), 160)) + "</code></div>\n";
    std::vector<const eval::LedgerEntry*> entries;
    for (const eval::LedgerEntry& e : r_.ledger[s])
      if (e.figure == f && e.what == eval::LedgerEntry::What::Base) entries.push_back(&e);
    for (const eval::LedgerEntry& e : r_.ledger[s])
      if (e.figure == f && e.what != eval::LedgerEntry::What::Base && e.what != eval::LedgerEntry::What::Value)
        entries.push_back(&e);
    std::string table;
    std::swap(out_, table);
    std::set<const eval::LedgerEntry*> groupedRules;
    for (const eval::LedgerEntry* p : entries) {
      const eval::LedgerEntry& e = *p;
      using W = eval::LedgerEntry::What;
      switch (e.what) {
        case W::Base: entry(amountText(fig, e.amount, false), "", L("base", "基础分")); break;
        case W::Rule: {
          // Every application of the same rule (for the same subject's rows) on one line:
          // the total, how many times, and the first rows.
          auto same = [&](const eval::LedgerEntry& o) {
            return o.what == W::Rule && o.rule == e.rule && o.from == e.from && o.note == e.note;
          };
          if (!groupedRules.insert(p).second) break;
          Value total = e.amount;
          size_t times = 0, listed = 0;
          std::string rowsHtml;
          for (const eval::LedgerEntry* q : entries) {
            if (!same(*q)) continue;
            groupedRules.insert(q);
            if (q != p && !q->amount.absent) total.bits += q->amount.bits;
            ++times;
            if (q->hasRow && listed++ < 5) rowsHtml += "<br>← " + rowHtml(q->file, q->offset);
          }
          if (listed > 5) rowsHtml += "<br>" + fmt::format(fmt::runtime(zh_ ? "…… 另有 {} 行" : "… {} more rows"), listed - 5);
          std::string what = L("rule ", "规则 ") + "<span class=\"loc\">" + esc(describe(e.rule)) + "</span>";
          if (!e.note.empty()) what += "<span class=\"cite\">[" + esc(e.note) + "]</span>";
          if (e.from != UINT32_MAX) what += " " + L("for a row of ", "连带自 ") + esc(r_.ids[e.from]);
          if (times > 1) what += fmt::format(fmt::runtime(zh_ ? " ×{}（每次 {}）" : " ×{} (each {})"), times,
                                             esc(amountText(fig, e.amount, true)));
          if (sources_ && e.rule.valid()) what += "<br><code>" + esc(shorten(ruleText(sourceText(e.rule)), 120)) + "</code>";
          what += rowsHtml;
          bool minus = !total.absent && total.bits < 0;
          entry(amountText(fig, total, true), minus ? "minus" : "plus", what);
          break;
        }
        case W::Floor:
          entry(amountText(fig, e.amount, false), "", L("floor applied (扣完为止)", "下限生效（扣完为止）"));
          break;
        case W::Cap: entry(amountText(fig, e.amount, false), "", L("cap applied", "上限生效")); break;
        case W::Unrounded: entry(e.amount.asDecimal().toString(), "", L("before rounding", "舍入前")); break;
        case W::Value: break;
        case W::Condition:
          entry(e.amount.asBool() ? L("holds", "符合") : L("fails", "不符合"), e.amount.asBool() ? "" : "minus",
                L("condition ", "条件 ") + "<code>" + esc(shorten(sourceText(e.rule), 80)) + "</code><span class=\"loc\">" +
                    esc(describe(e.rule)) + "</span>");
          break;
        case W::Tier:
          entry(amountText(fig, e.amount, false), "",
                L("tier arm ", "档次 ") + "<code>" + esc(shorten(sourceText(e.rule), 80)) + "</code><span class=\"loc\">" +
                    esc(describe(e.rule)) + "</span>");
          break;
        case W::Rank:
          entry(fmt::format("{} / {}", e.position, e.of), "", L("place: ", "位次：") + esc(e.note));
          break;
        case W::Adjustment:
          if (e.of) {
            bool kept = e.position <= e.keep;
            entry(fmt::format("{} / {}", e.position, e.of), "",
                  L("quota ", "名额 ") + "<span class=\"loc\">" + esc(describe(e.rule)) + "</span> " +
                      fmt::format(fmt::runtime(zh_ ? "保留名额 {}；" : "places kept: {}; "), e.keep) +
                      (kept ? L("kept", "保留") : L("demoted to ", "调整为 ") + esc(amountText(fig, e.amount, false))) +
                      "<br><span class=\"row\">" + esc(e.note) + "</span>");
          } else {
            entry("→ " + amountText(fig, e.amount, false), "",
                  "<span class=\"loc\">" + esc(describe(e.rule)) + "</span>" +
                      (e.note.empty() ? "" : " " + esc(e.note)));
          }
          break;
      }
    }
    if (!fig.uses.empty() && fig.definition.valid()) {
      std::string uses;
      for (uint32_t u : fig.uses) {
        if (p_.figures[u].grouped) continue;
        uses += (uses.empty() ? "" : ", ") + esc(p_.figures[u].name) + " " + esc(r_.text(u, s));
      }
      if (!uses.empty()) entry("", "", L("uses ", "使用 ") + uses);
    }
    if (fig.grouped && f < r_.grouped.size() && s < r_.grouped[f].size())
      for (const auto& [key, v] : r_.grouped[f][s]) entry(amountText(fig, v, false), "", "[" + esc(r_.groupName(f, key)) + "]");
    for (uint32_t a : fig.aggregates) {
      const plan::Aggregate& agg = p_.aggregates[a];
      size_t n = 0;
      std::string lines;
      for (const eval::AggregateRow& row : r_.aggregateRows[s]) {
        if (row.aggregate != a) continue;
        if (++n <= 12) lines += "<br>" + rowHtml(row.file, row.offset);
      }
      if (n > 12) lines += "<br>" + fmt::format(fmt::runtime(zh_ ? "…… 另有 {} 行" : "… {} more"), n - 12);
      entry(fmt::format(fmt::runtime(zh_ ? "{} 行" : "{} rows"), n), "",
            L("aggregate ", "汇总 ") + "<code>" + esc(shorten(agg.text, 100)) + "</code>" + lines);
    }
    std::swap(out_, table);
    if (!table.empty()) out_ += "<table class=\"ledger\">\n" + table + "</table>\n";
    out_ += "</div>\n";
  }

  void subject(uint32_t s) {
    std::string summaryLine = esc(r_.ids[s]);
    std::string n = name(s);
    if (n != r_.ids[s]) summaryLine += " " + esc(n);
    if (tier_ >= 0 && !r_.figures[tier_][s].absent) summaryLine += " · " + esc(r_.text(static_cast<uint32_t>(tier_), s));
    if (score_ >= 0) summaryLine += " · " + esc(p_.figures[score_].name) + " " + esc(r_.text(static_cast<uint32_t>(score_), s));
    out_ += "<details class=\"subject\" id=\"" + anchor(s) + "\"><summary>" + summaryLine + "</summary><div>\n";
    std::vector<std::string> facts;
    for (size_t a = ir::kAttrName + 1; a < p_.subjectColumns.size(); ++a) {
      const plan::Column& c = p_.subjectColumns[a];
      std::string v = r_.valueText(c.kind, c.enumId, 2, r_.attributes[a][s]);
      if (!v.empty()) facts.push_back(esc(c.name) + " " + esc(v));
    }
    if (!facts.empty()) {
      out_ += "<p class=\"muted\">";
      for (size_t i = 0; i < facts.size(); ++i) out_ += (i ? " · " : "") + facts[i];
      out_ += "</p>\n";
    }
    out_ += "<table><tr>";
    for (uint32_t f : p_.outputs) out_ += "<th>" + esc(p_.figures[f].name) + "</th>";
    out_ += "</tr><tr>";
    for (uint32_t f : p_.outputs) out_ += "<td" + std::string(numeric(f) ? " class=\"n\"" : "") + ">" + esc(r_.text(f, s)) + "</td>";
    out_ += "</tr></table>\n";
    if (!r_.ledger.empty()) {
      std::set<uint32_t> done;
      for (const plan::Step& step : p_.steps) {
        if (!done.insert(step.figure).second) continue;
        figure(s, step.figure);
        if (step.kind == plan::StepKind::Conditions && step.reasonsFigure >= 0 &&
            done.insert(static_cast<uint32_t>(step.reasonsFigure)).second)
          figure(s, static_cast<uint32_t>(step.reasonsFigure));
      }
    }
    out_ += "</div></details>\n";
  }

  void subjects() {
    out_ += "<section id=\"ledgers\">\n<h2>" + L("Each subject", "逐个考评对象") + "</h2>\n";
    if (r_.ledger.empty())
      out_ += "<p class=\"muted\">" + L("The run was not traced (--no-ledger): figures only.", "本次运行未记录明细（--no-ledger），只列出各项结果。") + "</p>\n";
    else
      out_ += "<p class=\"muted\">" + L("Every figure with the rules, rows and decisions behind it.", "每项结果及其依据的规则、数据行和判定。") + "</p>\n";
    for (uint32_t s : r_.byId) subject(s);
    out_ += "</section>\n";
  }

  const eval::Results& r_;
  const plan::Plan& p_;
  const SourceManager* sources_;
  bool zh_;
  const ReportInfo& info_;
  int tier_ = -1, score_ = -1;
  bool persons_ = true;
  std::set<uint32_t> ranks_;
  std::unique_ptr<RowLocator> rows_;
  std::vector<uint32_t> position_;
  std::string out_;
};

}  // namespace

std::string reportHtml(const eval::Results& results, const SourceManager* sources, Lang lang, const ReportInfo& info) {
  return Report(results, sources, lang, info).html();
}

}  // namespace kaoping::output
