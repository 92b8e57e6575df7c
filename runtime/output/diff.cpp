#include "runtime/output/diff.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/support/utf8.h"
#include "runtime/output/report.h"
#include "runtime/output/text.h"

namespace kaoping::output {

namespace {

using Int128 = __int128;
using W = eval::LedgerEntry::What;

// The text with every number replaced by '#': "deduct 2" and "deduct 3" are the same rule.
std::string signature(std::string_view text) {
  std::string out;
  for (char c : oneLine(text)) {
    bool digit = (c >= '0' && c <= '9') || (c == '.' && !out.empty() && out.back() == '#');
    if (digit) {
      if (out.empty() || out.back() != '#') out += '#';
    } else {
      out += c;
    }
  }
  return out;
}

// The part of two one-line texts that differs, with a word or two around it:
// "… >= 95: 2400 元 >= 90 …" and "… >= 95: 2450 元 >= 90 …".
std::pair<std::string, std::string> changedPart(const std::string& a, const std::string& b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
    ++suffix;
  // Out to word boundaries, then two more words before and one after.
  auto back = [&](size_t at, int words) {
    while (at > 0 && a[at - 1] != ' ') --at;
    for (int w = 0; w < words && at > 0; ++w) {
      --at;
      while (at > 0 && a[at - 1] != ' ') --at;
    }
    return at;
  };
  size_t from = back(prefix, 2);
  auto forward = [](const std::string& s, size_t at, int words) {  // `at`: index where the common suffix starts
    while (at < s.size() && s[at] != ' ') ++at;
    for (int w = 0; w < words && at < s.size(); ++w) {
      ++at;
      while (at < s.size() && s[at] != ' ') ++at;
    }
    return at;
  };
  size_t toA = forward(a, a.size() - suffix, 1), toB = forward(b, b.size() - suffix, 1);
  auto cut = [&](const std::string& s, size_t to) {
    std::string out = (from > 0 ? "…" : "") + s.substr(from, to - from);
    if (to < s.size()) out += "…";
    return out;
  };
  return {cut(a, toA), cut(b, toB)};
}

std::string pad(const std::string& s, size_t width, bool right) {
  size_t w = utf8::displayWidth(s);
  std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string signedRaw(Int128 raw) {
  std::string t = Decimal::fromRaw(raw).toString();
  return raw > 0 ? "+" + t : t;
}

struct Side {
  const eval::Results& r;
  const plan::Plan& p;
  const SourceManager& src;
  std::string path;
  std::unordered_map<std::string, uint32_t> figure;   // by name
  std::unordered_map<std::string, uint32_t> subject;  // by id
  std::set<uint32_t> ranks;                           // figures computed by a rank step

  explicit Side(const DiffSide& d) : r(d.results), p(d.results.plan), src(d.sources), path(d.path) {
    for (uint32_t f = 0; f < p.figures.size(); ++f) figure.emplace(p.figures[f].name, f);
    for (uint32_t s = 0; s < r.ids.size(); ++s) subject.emplace(r.ids[s], s);
    for (const plan::Step& st : p.steps)
      if (st.kind == plan::StepKind::Rank) ranks.insert(st.figure);
  }
  int find(const std::string& name) const {
    auto it = figure.find(name);
    return it == figure.end() ? -1 : static_cast<int>(it->second);
  }
  std::string text(Span span) const { return span.valid() ? ruleText(src.text(span)) : std::string(); }
  // Where the rule itself starts: after a leading `cite "…"` and comments.
  std::string where(Span span) const {
    if (!span.valid()) return "";
    std::string_view t = src.text(span);
    size_t i = 0;
    for (bool moved = true; moved && i < t.size();) {
      moved = false;
      while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i, moved = true;
      if (t.substr(i, 2) == "//" || t.substr(i, 1) == "#") {
        while (i < t.size() && t[i] != '\n') ++i;
        moved = true;
      } else if (t.substr(i, 2) == "/*") {
        size_t end = t.find("*/", i + 2);
        i = end == std::string_view::npos ? t.size() : end + 2;
        moved = true;
      } else {
        for (std::string_view cite : {"cite", "依据"})
          if (t.substr(i, cite.size()) == cite) {
            size_t open = t.find_first_not_of(" \t", i + cite.size());
            if (open != std::string_view::npos && t[open] == '"') {
              size_t close = t.find('"', open + 1);
              if (close != std::string_view::npos) i = close + 1, moved = true;
            }
          }
      }
    }
    if (i >= t.size()) i = 0;
    return src.describe(Span{span.file, span.begin + static_cast<uint32_t>(i), span.end});
  }
  // What defines a figure, as one line: its defining expression, or for a ranking and
  // for conditions (which have none) its declaration from the name to the end of the
  // statement. "" for scores: their rules are compared one by one.
  std::string definition(uint32_t f) const {
    const plan::Figure& fig = p.figures[f];
    if (fig.definition.valid()) return text(fig.definition);
    bool declared = false;
    for (const plan::Step& st : p.steps)
      if ((st.kind == plan::StepKind::Rank || st.kind == plan::StepKind::Conditions) &&
          (st.figure == f || st.reasonsFigure == static_cast<int32_t>(f)))
        declared = true;
    if (!declared || !fig.span.valid()) return "";
    const std::string& all = src.file(fig.span.file).text();
    size_t i = fig.span.begin;
    int depth = 0;
    for (; i < all.size(); ++i) {
      char c = all[i];
      if (c == '"') {
        for (++i; i < all.size() && all[i] != '"'; ++i)
          if (all[i] == '\\') ++i;
      } else if (c == '/' && i + 1 < all.size() && all[i + 1] == '/') {
        while (i < all.size() && all[i] != '\n') ++i;
        if (depth == 0) break;
      } else if (c == '{' || c == '(' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ')' || c == ']') {
        if (--depth < 0) break;
      } else if ((c == '\n' || c == ';') && depth == 0) {
        break;
      }
    }
    return ruleText(std::string_view(all).substr(fig.span.begin, std::min(i, all.size()) - fig.span.begin));
  }
  // The text of the first tier arm giving `value` ("" when none).
  std::string armText(uint32_t f, const std::string& value) const {
    const plan::Figure& fig = p.figures[f];
    for (const auto& [index, span] : fig.tierArms)
      if (p.enums[fig.enumId].values[index] == value) return text(span);
    return "";
  }
  bool numeric(uint32_t f) const {
    plan::Kind k = p.figures[f].kind;
    return !p.figures[f].grouped && (k == plan::Kind::Int || k == plan::Kind::Decimal || k == plan::Kind::Money);
  }
  // A number as a raw decimal mantissa (ints scaled), for comparing across schemes.
  Int128 raw(uint32_t f, const Value& v) const {
    return p.figures[f].kind == plan::Kind::Int ? Int128(v.asInt()) * Decimal::kOne : v.bits;
  }
  // What results.csv prints; grouped figures as "group value; ...".
  std::string valueText(uint32_t f, uint32_t s) const {
    if (!p.figures[f].grouped) return r.text(f, s);
    std::string out;
    if (f < r.grouped.size() && s < r.grouped[f].size())
      for (const auto& [key, v] : r.grouped[f][s])
        out += (out.empty() ? "" : "; ") + r.groupName(f, key) + " " +
               r.valueText(p.figures[f].kind, p.figures[f].enumId, p.figures[f].places, v);
    return out;
  }
  std::string amount(uint32_t f, const Value& v) const {
    if (v.absent) return "-";
    if (numeric(f)) return Decimal::fromRaw(raw(f, v)).toString();
    return r.valueText(p.figures[f].kind, p.figures[f].enumId, p.figures[f].places, v);
  }
  std::string unitOf(uint32_t s, bool zh) const { return unitGroup(r, s, zh ? Lang::Zh : Lang::En); }
  std::string who(uint32_t s) const {
    std::string out = r.ids[s];
    std::string name(r.strings.text(r.attributes[ir::kAttrName][s].asIndex()));
    if (name != out) out += " " + name;
    if (p.subjects == plan::SubjectKind::Persons) out += " (" + r.departments[r.attributes[ir::kAttrDept][s].asIndex()] + ")";
    return out;
  }
  // The first output that is an ordered enum (the tier), of money (the award), a rank.
  int firstOutput(int what) const {
    for (uint32_t f : p.outputs) {
      const plan::Figure& fig = p.figures[f];
      if (what == 0 && fig.kind == plan::Kind::Enum && p.enums[fig.enumId].ordered) return static_cast<int>(f);
      if (what == 1 && fig.kind == plan::Kind::Money && !fig.grouped) return static_cast<int>(f);
      if (what == 2 && ranks.count(f)) return static_cast<int>(f);
    }
    return -1;
  }
};

// A rule (or a veto, cap or quota) of one scheme, and its partner in the other.
struct Site {
  Span old, neu;
  std::string figure;
  bool adjustment = false;
};

// Everything the ledger says about one figure of one subject.
struct Items {
  std::optional<std::string> base, floor, cap, unrounded;
  std::optional<std::pair<std::string, Span>> tier;  // value, arm
  std::map<uint32_t, std::pair<Int128, uint32_t>> rules;  // site → (sum, applications)
  std::map<uint32_t, std::string> adjustments;            // site → outcome
};

class Differ {
 public:
  Differ(const DiffSide& a, const DiffSide& b, Lang lang, const DiffOptions& options)
      : old_(a), new_(b), zh_(lang == Lang::Zh), options_(options) {
    pairSites();
  }

  DiffReport run() {
    header();
    // Subjects of both runs, in the new run's id order.
    std::vector<std::pair<uint32_t, uint32_t>> subjects;
    for (uint32_t s : new_.r.byId) {
      auto it = old_.subject.find(new_.r.ids[s]);
      if (it != old_.subject.end()) subjects.emplace_back(it->second, s);
    }
    // Outputs: the new scheme's, then the old one's it dropped.
    for (uint32_t f : new_.p.outputs) outputs_.push_back(new_.p.figures[f].name);
    for (uint32_t f : old_.p.outputs)
      if (!std::count(outputs_.begin(), outputs_.end(), old_.p.figures[f].name)) outputs_.push_back(old_.p.figures[f].name);
    tier_ = new_.firstOutput(0), award_ = new_.firstOutput(1), rank_ = new_.firstOutput(2);

    std::string body;
    size_t changed = 0, shown = 0;
    for (auto [so, sn] : subjects) {
      std::string block = subject(so, sn);
      if (block.empty()) continue;
      ++changed;
      if (!options_.limit || shown < options_.limit) {
        body += block;
        ++shown;
      }
    }
    out_ += zh_ ? fmt::format("考评对象 {} 个，结果有变化的 {} 个", subjects.size(), changed)
                : fmt::format("{} subjects, {} with changed results", subjects.size(), changed);
    if (changed) {
      auto count = [&](int which, int dir) {
        size_t n = 0;
        for (auto& [unit, c] : units_) n += c.moves[which][dir];
        return n;
      };
      if (tier_ >= 0)
        out_ += zh_ ? fmt::format("；等次升 {} 降 {}", count(0, 0), count(0, 1))
                    : fmt::format("; tier up {}, down {}", count(0, 0), count(0, 1));
      if (award_ >= 0)
        out_ += zh_ ? fmt::format("；{}增 {} 减 {}", new_.p.figures[award_].name, count(1, 0), count(1, 1))
                    : fmt::format("; {} up {}, down {}", new_.p.figures[award_].name, count(1, 0), count(1, 1));
      if (rank_ >= 0)
        out_ += zh_ ? fmt::format("；{}上升 {} 下降 {}", new_.p.figures[rank_].name, count(2, 0), count(2, 1))
                    : fmt::format("; {} up {}, down {}", new_.p.figures[rank_].name, count(2, 0), count(2, 1));
    }
    out_ += "\n";
    size_t onlyOld = old_.r.ids.size() - subjects.size(), onlyNew = new_.r.ids.size() - subjects.size();
    if (onlyOld || onlyNew)
      out_ += zh_ ? fmt::format("仅旧方案有 {} 个考评对象，仅新方案有 {} 个\n", onlyOld, onlyNew)
                  : fmt::format("{} subjects only in the old run, {} only in the new\n", onlyOld, onlyNew);
    // Alerts that fired in one run only.
    std::vector<std::string> alertsOld, alertsNew;
    for (const eval::AlertHit& a : old_.r.alerts) alertsOld.push_back(a.message);
    for (const eval::AlertHit& a : new_.r.alerts) alertsNew.push_back(a.message);
    bool alertsDiffer = false;
    for (const std::string& m : alertsOld)
      if (!std::count(alertsNew.begin(), alertsNew.end(), m)) {
        out_ += L("alert no longer fires: ", "警示不再触发：") + m + "\n";
        alertsDiffer = true;
      }
    for (const std::string& m : alertsNew)
      if (!std::count(alertsOld.begin(), alertsOld.end(), m)) {
        out_ += L("alert now fires: ", "警示新触发：") + m + "\n";
        alertsDiffer = true;
      }
    out_ += body;
    if (options_.limit && changed > shown)
      out_ += zh_ ? fmt::format("\n…… 另有 {} 个考评对象的结果有变化（--limit {}）\n", changed - shown, options_.limit)
                  : fmt::format("\n... {} more subjects with changed results (--limit {})\n", changed - shown, options_.limit);
    byRule();
    perUnit();
    return DiffReport{std::move(out_), changed > 0 || onlyOld > 0 || onlyNew > 0 || alertsDiffer};
  }

 private:
  std::string L(const char* en, const char* zh) const { return zh_ ? zh : en; }

  void header() {
    out_ += zh_ ? "方案变更影响：" : "Impact of the change: ";
    out_ += fmt::format("{} {} → {} {}\n", old_.p.name, old_.p.version, new_.p.name, new_.p.version);
    out_ += "  " + L("old: ", "旧：") + old_.path + "\n  " + L("new: ", "新：") + new_.path + "\n";
    // Parameters whose default changed, appeared or went.
    auto defaultText = [](const Side& side, const plan::Param& prm) {
      if (!prm.defaultValue) return std::string("-");
      return side.r.valueText(prm.kind, prm.enumId, 2, *prm.defaultValue);
    };
    std::map<std::string, std::pair<std::string, std::string>> params;
    for (const plan::Param& prm : old_.p.params) params[prm.name].first = defaultText(old_, prm);
    for (const plan::Param& prm : new_.p.params) params[prm.name].second = defaultText(new_, prm);
    for (auto& [name, v] : params) {
      if (v.first == v.second) continue;
      std::string a = v.first.empty() ? L("(none)", "（无）") : v.first, b = v.second.empty() ? L("(none)", "（无）") : v.second;
      out_ += fmt::format("  {} {}: {} → {}\n", L("parameter default", "参数默认值"), name, a, b);
    }
  }

  // ---- matching the rules of the two files

  void pairSites() {
    // (figure name, adjustment?) → spans, in file order, with the citation of rules.
    std::map<std::pair<std::string, bool>, std::vector<std::pair<Span, std::string>>> spans[2];
    for (int side = 0; side < 2; ++side) {
      const Side& sd = side ? new_ : old_;
      std::set<std::tuple<uint32_t, uint32_t, uint32_t>> seen;
      for (const auto& entries : sd.r.ledger)
        for (const eval::LedgerEntry& e : entries) {
          if ((e.what != W::Rule && e.what != W::Adjustment) || !e.rule.valid()) continue;
          if (!seen.insert({e.figure, e.rule.file, e.rule.begin}).second) continue;
          spans[side][{sd.p.figures[e.figure].name, e.what == W::Adjustment}].emplace_back(
              e.rule, e.what == W::Rule ? e.note : std::string());
        }
      for (auto& [key, list] : spans[side])
        std::sort(list.begin(), list.end(), [](const auto& x, const auto& y) {
          return std::tie(x.first.file, x.first.begin) < std::tie(y.first.file, y.first.begin);
        });
    }
    std::set<std::pair<std::string, bool>> keys;
    for (int side = 0; side < 2; ++side)
      for (auto& [key, list] : spans[side]) keys.insert(key);
    for (const auto& key : keys) {
      auto& olds = spans[0][key];
      auto& news = spans[1][key];
      std::vector<bool> oldDone(olds.size()), newDone(news.size());
      auto pass = [&](auto same) {
        for (size_t i = 0; i < olds.size(); ++i) {
          if (oldDone[i]) continue;
          for (size_t j = 0; j < news.size(); ++j)
            if (!newDone[j] && same(olds[i], news[j])) {
              oldDone[i] = newDone[j] = true;
              add(key, olds[i].first, news[j].first);
              break;
            }
        }
      };
      pass([&](const auto& a, const auto& b) { return oneLine(old_.text(a.first)) == oneLine(new_.text(b.first)); });
      pass([&](const auto& a, const auto& b) { return signature(old_.text(a.first)) == signature(new_.text(b.first)); });
      // The same citation, when it names only one remaining rule on each side.
      auto unique = [](const auto& list, const std::vector<bool>& done, const std::string& cite) {
        size_t n = 0;
        for (size_t i = 0; i < list.size(); ++i) n += !done[i] && list[i].second == cite;
        return n == 1;
      };
      pass([&](const auto& a, const auto& b) {
        return !a.second.empty() && a.second == b.second && unique(olds, oldDone, a.second) && unique(news, newDone, b.second);
      });
      for (size_t i = 0; i < olds.size(); ++i)
        if (!oldDone[i]) add(key, olds[i].first, Span{});
      for (size_t j = 0; j < news.size(); ++j)
        if (!newDone[j]) add(key, Span{}, news[j].first);
    }
  }

  void add(const std::pair<std::string, bool>& key, Span o, Span n) {
    uint32_t id = static_cast<uint32_t>(sites_.size());
    sites_.push_back(Site{o, n, key.first, key.second});
    if (o.valid()) siteOf_[0][spanKey(o)] = id;
    if (n.valid()) siteOf_[1][spanKey(n)] = id;
  }
  static uint64_t spanKey(Span s) { return (uint64_t(s.file) << 32) | s.begin; }

  std::string siteText(const Site& site) const {
    std::string out;
    if (site.old.valid() && site.neu.valid()) {
      std::string a = oneLine(old_.text(site.old)), b = oneLine(new_.text(site.neu));
      out = fmt::format("{} `{}`", new_.where(site.neu), shorten(b, 90));
      if (a != b) out += fmt::format(" ({} {} `{}`)", L("was", "原为"), old_.where(site.old), shorten(changedPart(a, b).first, 60));
      else out += fmt::format(" ({} {})", L("was", "原为"), old_.where(site.old));
    } else if (site.old.valid()) {
      out = fmt::format("{} {} `{}`", L("removed", "已删除"), old_.where(site.old), shorten(old_.text(site.old), 90));
    } else {
      out = fmt::format("{} {} `{}`", L("added", "新增"), new_.where(site.neu), shorten(new_.text(site.neu), 90));
    }
    return out;
  }

  // ---- one subject

  std::map<uint32_t, Items> items(const Side& side, int which, uint32_t s) const {
    std::map<uint32_t, Items> out;
    for (const eval::LedgerEntry& e : side.r.ledger[s]) {
      Items& it = out[e.figure];
      switch (e.what) {
        case W::Base: it.base = side.amount(e.figure, e.amount); break;
        case W::Floor: it.floor = side.amount(e.figure, e.amount); break;
        case W::Cap: it.cap = side.amount(e.figure, e.amount); break;
        case W::Unrounded: it.unrounded = e.amount.asDecimal().toString(); break;
        case W::Tier: it.tier = {side.amount(e.figure, e.amount), e.rule}; break;
        case W::Rule: {
          auto site = siteOf_[which].find(spanKey(e.rule));
          if (site == siteOf_[which].end()) break;
          auto& [sum, n] = it.rules[site->second];
          sum += e.amount.absent ? 0 : side.raw(e.figure, e.amount);
          ++n;
          break;
        }
        case W::Adjustment: {
          auto site = siteOf_[which].find(spanKey(e.rule));
          if (site == siteOf_[which].end()) break;
          std::string outcome = side.amount(e.figure, e.amount);
          if (e.of) outcome = fmt::format(fmt::runtime(zh_ ? "位次 {}/{}，保留 {}：{}" : "place {}/{}, {} kept: {}"),
                                          e.position, e.of, e.keep,
                                          e.position <= e.keep ? L("kept", "保留") : outcome);
          else if (!e.note.empty()) outcome += " (" + e.note + ")";
          it.adjustments[site->second] = outcome;
          break;
        }
        case W::Value:
        case W::Rank:
        case W::Condition: break;  // conditions are compared by their text (changedDefinitions)
      }
    }
    return out;
  }

  // "(+2.50)", "(up 1)", ... for an output that changed.
  std::string delta(int fo, int fn, uint32_t so, uint32_t sn, int& direction) const {
    direction = 0;
    if (fo < 0 || fn < 0) return "";
    const Value& a = old_.r.figures[fo][so];
    const Value& b = new_.r.figures[fn][sn];
    if (a.absent || b.absent) return "";
    const plan::Figure& fig = new_.p.figures[fn];
    if (new_.ranks.count(fn) && old_.ranks.count(fo)) {
      int64_t d = a.asInt() - b.asInt();
      direction = d > 0 ? 1 : d < 0 ? -1 : 0;
      if (!d) return "";
      return zh_ ? fmt::format("（{} {} 位）", d > 0 ? "上升" : "下降", d > 0 ? d : -d)
                 : (d > 0 ? fmt::format("(up {})", d) : fmt::format("(down {})", -d));
    }
    if (old_.numeric(fo) && new_.numeric(fn)) {
      Int128 d = new_.raw(fn, b) - old_.raw(fo, a);
      direction = d > 0 ? 1 : d < 0 ? -1 : 0;
      int places = fig.kind == plan::Kind::Int && !fig.fixedPlaces ? 0 : fig.places;
      std::string t = (d > 0 ? "+" : "") + Decimal::fromRaw(d).toString(places);
      if (fig.kind == plan::Kind::Money) t += " 元";
      return zh_ ? "（" + t + "）" : "(" + t + ")";
    }
    if (fig.kind == plan::Kind::Enum && new_.p.enums[fig.enumId].ordered) {
      const plan::EnumTable& e = new_.p.enums[fig.enumId];
      std::string oldName = old_.r.text(fo, so);
      auto it = e.lookup.find(oldName);
      if (it == e.lookup.end()) return "";
      int d = e.ordinal(b.asIndex()) - e.ordinal(it->second);
      direction = d > 0 ? 1 : d < 0 ? -1 : 0;
      if (!d) return "";
      return zh_ ? fmt::format("（{} {} 档）", d > 0 ? "升" : "降", d > 0 ? d : -d)
                 : (d > 0 ? fmt::format("(up {})", d) : fmt::format("(down {})", -d));
    }
    return "";
  }

  struct UnitCounts {
    size_t subjects = 0, changed = 0;
    size_t moves[3][2] = {{0, 0}, {0, 0}, {0, 0}};  // tier, award, rank × up, down
  };

  std::string subject(uint32_t so, uint32_t sn) {
    UnitCounts& unit = units_[new_.unitOf(sn, zh_)];
    ++unit.subjects;
    std::string lines;
    for (const std::string& name : outputs_) {
      int fo = old_.find(name), fn = new_.find(name);
      std::string a = fo >= 0 && std::count(old_.p.outputs.begin(), old_.p.outputs.end(), uint32_t(fo)) ? old_.valueText(fo, so) : "—";
      std::string b = fn >= 0 && std::count(new_.p.outputs.begin(), new_.p.outputs.end(), uint32_t(fn)) ? new_.valueText(fn, sn) : "—";
      if (a == b) continue;
      int direction = 0;
      std::string d = delta(fo, fn, so, sn, direction);
      lines += fmt::format("  {}{}{} → {}{}\n", name, L(": ", "："), a.empty() ? L("(none)", "（无值）") : a,
                           b.empty() ? L("(none)", "（无值）") : b, d.empty() || zh_ ? d : " " + d);
      int which = fn == tier_ ? 0 : fn == award_ ? 1 : fn == rank_ ? 2 : -1;
      if (which >= 0 && direction) ++unit.moves[which][direction > 0 ? 0 : 1];
    }
    if (lines.empty()) return "";
    ++unit.changed;
    std::string out = "\n" + new_.who(sn) + "\n" + lines;
    // Causes: for every figure whose value changed, what differs in its ledger.
    auto oldItems = items(old_, 0, so), newItems = items(new_, 1, sn);
    std::string causes;
    std::set<std::string> done;
    auto visit = [&](const std::string& name) {
      if (!done.insert(name).second) return;
      int fo = old_.find(name), fn = new_.find(name);
      std::string a = fo >= 0 ? old_.valueText(fo, so) : "—", b = fn >= 0 ? new_.valueText(fn, sn) : "—";
      if (a == b) return;
      static const Items none;
      const Items& x = fo >= 0 && oldItems.count(fo) ? oldItems[fo] : none;
      const Items& y = fn >= 0 && newItems.count(fn) ? newItems[fn] : none;
      std::vector<std::string> why;
      if (fo < 0) why.push_back(L("new figure", "新增指标"));
      if (fn < 0) why.push_back(L("figure removed", "指标已删除"));
      if (fo >= 0 && fn >= 0) {
        std::string da = old_.definition(fo), db = new_.definition(fn);
        if (da != db) {
          auto [pa, pb] = changedPart(da, db);
          why.push_back(fmt::format("{} `{}` → `{}`", L("definition", "定义"), shorten(pa, 90), shorten(pb, 90)));
          ++byRule_["\x01" + name];
        }
      }
      auto opt = [&](const std::optional<std::string>& v) { return v ? *v : std::string("-"); };
      if (x.base != y.base) why.push_back(fmt::format("{} {} → {}", L("base", "基础分"), opt(x.base), opt(y.base)));
      // Rules, in the new file's order (removed ones last).
      std::set<uint32_t> sites;
      for (auto& [site, v] : x.rules) sites.insert(site);
      for (auto& [site, v] : y.rules) sites.insert(site);
      for (uint32_t site : sites) {
        auto ix = x.rules.find(site), iy = y.rules.find(site);
        std::pair<Int128, uint32_t> va = ix == x.rules.end() ? std::pair<Int128, uint32_t>{0, 0} : ix->second;
        std::pair<Int128, uint32_t> vb = iy == y.rules.end() ? std::pair<Int128, uint32_t>{0, 0} : iy->second;
        if (va == vb) continue;
        auto shown = [&](std::pair<Int128, uint32_t> v) {
          return v.second ? fmt::format(fmt::runtime(zh_ ? "{}（{} 次）" : "{} ({}×)"), signedRaw(v.first), v.second)
                          : L("not applied", "未适用");
        };
        why.push_back(fmt::format("{} {}{}{} → {}", L("rule", "规则"), siteText(sites_[site]), L(": ", "："), shown(va), shown(vb)));
        ++byRule_[fmt::format("{:08}", site)];
      }
      if (x.floor != y.floor)
        why.push_back(fmt::format("{} {} → {}", L("floor applied", "下限生效"), opt(x.floor), opt(y.floor)));
      if (x.cap != y.cap) why.push_back(fmt::format("{} {} → {}", L("cap applied", "上限生效"), opt(x.cap), opt(y.cap)));
      if ((x.tier || y.tier) && fo >= 0 && fn >= 0) {
        std::string ta = x.tier ? old_.text(x.tier->second) : "-", tb = y.tier ? new_.text(y.tier->second) : "-";
        if (ta != tb || (x.tier && y.tier && x.tier->first != y.tier->first)) {
          std::string line = fmt::format("{} `{}` → `{}`", L("tier arm", "档次"), ta, tb);
          // The arms of these two tiers whose text changed.
          std::set<std::string> values;
          if (x.tier) values.insert(x.tier->first);
          if (y.tier) values.insert(y.tier->first);
          for (const std::string& v : values) {
            std::string was = old_.armText(fo, v), now = new_.armText(fn, v);
            if (was == now) continue;
            std::string change = fmt::format("`{}` → `{}`", was.empty() ? "-" : was, now.empty() ? "-" : now);
            line += fmt::format(fmt::runtime(zh_ ? "；{} 改为 {}" : "; {} became {}"), was.empty() ? "-" : "`" + was + "`",
                                now.empty() ? "-" : "`" + now + "`");
            ++byRule_["\x02" + name + ": " + change];
          }
          why.push_back(line);
        }
      }
      std::set<uint32_t> adjustments;
      for (auto& [site, v] : x.adjustments) adjustments.insert(site);
      for (auto& [site, v] : y.adjustments) adjustments.insert(site);
      for (uint32_t site : adjustments) {
        auto ix = x.adjustments.find(site), iy = y.adjustments.find(site);
        std::string va = ix == x.adjustments.end() ? L("not applied", "未适用") : ix->second;
        std::string vb = iy == y.adjustments.end() ? L("not applied", "未适用") : iy->second;
        if (va == vb) continue;
        why.push_back(fmt::format("{}{}{} → {}", siteText(sites_[site]), L(": ", "："), va, vb));
        ++byRule_[fmt::format("{:08}", site)];
      }
      for (const std::string& w : why) causes += "    " + name + L(": ", "：") + w + "\n";
    };
    for (const Side* side : {&new_, &old_}) {
      for (const plan::Step& st : side->p.steps) {
        visit(side->p.figures[st.figure].name);
        if (st.reasonsFigure >= 0) visit(side->p.figures[st.reasonsFigure].name);
      }
      for (const plan::Figure& fig : side->p.figures) visit(fig.name);
    }
    out += "  " + L("because:", "原因：") + "\n";
    out += causes.empty() ? "    " + L("no rule applied to it changed: the results of others moved it (ranks, quotas)\n",
                                       "适用于它的规则未变：因其他考评对象的结果变化而变（排名、名额等）\n")
                          : causes;
    return out;
  }

  void byRule() {
    if (byRule_.empty()) return;
    out_ += "\n" + L("Changes by rule (subjects whose results changed through it):", "按规则（因其结果变化的考评对象数）：") + "\n";
    for (auto& [key, n] : byRule_) {
      std::string what;
      if (key[0] == '\x01') what = L("definition of ", "定义：") + key.substr(1);
      else if (key[0] == '\x02') what = L("tier arm of ", "档次：") + key.substr(1);
      else what = siteText(sites_[std::stoul(key)]);
      out_ += fmt::format(fmt::runtime(zh_ ? "  {}：{} 个\n" : "  {}: {}\n"), what, n);
    }
  }

  void perUnit() {
    const bool persons = new_.p.subjects == plan::SubjectKind::Persons;
    std::vector<std::string> header = {unitGroupTitle(new_.r, zh_ ? Lang::Zh : Lang::En), L("subjects", "人数"),
                                       L("changed", "有变化")};
    if (!persons) header[1] = L("subjects", "单位数");
    const char* names[3][2] = {{"tier up", "等次升"}, {"award up", "奖金增"}, {"rank up", "排名升"}};
    const char* downs[3][2] = {{"tier down", "等次降"}, {"award down", "奖金减"}, {"rank down", "排名降"}};
    int which[3] = {tier_, award_, rank_};
    for (int w = 0; w < 3; ++w)
      if (which[w] >= 0) {
        header.push_back(L(names[w][0], names[w][1]));
        header.push_back(L(downs[w][0], downs[w][1]));
      }
    std::vector<std::vector<std::string>> rows;
    UnitCounts total;
    auto row = [&](const std::string& name, const UnitCounts& c) {
      std::vector<std::string> r = {name, std::to_string(c.subjects), std::to_string(c.changed)};
      for (int w = 0; w < 3; ++w)
        if (which[w] >= 0) {
          r.push_back(std::to_string(c.moves[w][0]));
          r.push_back(std::to_string(c.moves[w][1]));
        }
      rows.push_back(std::move(r));
    };
    for (auto& [name, c] : units_) {
      row(name, c);
      total.subjects += c.subjects, total.changed += c.changed;
      for (int w = 0; w < 3; ++w) total.moves[w][0] += c.moves[w][0], total.moves[w][1] += c.moves[w][1];
    }
    if (units_.size() > 1) row(L("total", "合计"), total);
    std::vector<size_t> widths(header.size());
    for (size_t c = 0; c < header.size(); ++c) widths[c] = utf8::displayWidth(header[c]);
    for (auto& r : rows)
      for (size_t c = 0; c < r.size(); ++c) widths[c] = std::max(widths[c], utf8::displayWidth(r[c]));
    auto line = [&](const std::vector<std::string>& cells) {
      std::string l = " ";
      for (size_t c = 0; c < cells.size(); ++c) l += " " + pad(cells[c], widths[c], c > 0);
      return l + "\n";
    };
    out_ += "\n" + L("Per unit:", "按单位：") + "\n" + line(header);
    for (auto& r : rows) out_ += line(r);
  }

  Side old_, new_;
  bool zh_;
  DiffOptions options_;
  std::vector<Site> sites_;
  std::unordered_map<uint64_t, uint32_t> siteOf_[2];
  std::vector<std::string> outputs_;
  int tier_ = -1, award_ = -1, rank_ = -1;
  std::map<std::string, UnitCounts> units_;
  std::map<std::string, size_t> byRule_;  // site id (8 digits) or "\1" + figure → subjects
  std::string out_;
};

}  // namespace

DiffReport diff(const DiffSide& before, const DiffSide& after, Lang lang, const DiffOptions& options) {
  return Differ(before, after, lang, options).run();
}

}  // namespace kaoping::output
