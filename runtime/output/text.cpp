#include "runtime/output/text.h"

#include <algorithm>
#include <initializer_list>

namespace kaoping::output {

std::string oneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    char d = c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
    if (!(d == ' ' && (out.empty() || out.back() == ' '))) out += d;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

namespace {

bool startsWithAny(std::string_view text, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words)
    if (text.substr(0, w.size()) == w) return true;
  return false;
}

// Line breaks between the arms of a multi-line `case` or `conditions` block as "; " (as
// they would be written on one line); other line breaks, inside an expression that
// continues, as a space.
std::string armsOnOneLine(std::string_view text) {
  auto trim = [](std::string_view t) {
    t.remove_prefix(std::min(t.size(), t.find_first_not_of(" \t\r")));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.remove_suffix(1);
    return t;
  };
  auto endsWithWord = [](std::string_view t, std::initializer_list<std::string_view> words) {
    for (std::string_view w : words)
      if (t.size() >= w.size() && t.substr(t.size() - w.size()) == w &&
          (t.size() == w.size() || t[t.size() - w.size() - 1] == ' '))
        return true;
    return false;
  };
  std::string out;
  size_t at = 0;
  for (bool first = true; at <= text.size(); first = false) {
    size_t nl = text.find('\n', at);
    std::string_view line = trim(text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    at = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    if (line.empty()) continue;
    if (!first && !out.empty()) {
      const char last = out.back();
      const bool tight = last == '(' || last == '[' || startsWithAny(line, {")", "]"});
      const bool continues =
          std::string_view("{([,;:=+-*/<>").find(last) != std::string_view::npos ||
          endsWithWord(out, {"if", "then", "else", "and", "or", "not", "in", "如果", "那么", "否则", "且", "或", "非", "属于"}) ||
          startsWithAny(line, {"}", "+", "-", "*", "/", "else", "then", "and", "or", "default", "weighted", "否则", "那么",
                               "且", "或", "默认", "加权", "其中", "where"});
      out += tight ? "" : continues ? " " : "; ";
    }
    out += line;
  }
  return out;
}

}  // namespace

std::string shorten(std::string_view text, size_t most) {
  std::string s = oneLine(armsOnOneLine(text));
  if (s.size() <= most) return s;
  size_t cut = most;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

std::string amountText(const eval::Results& r, const plan::Figure& fig, const Value& v, bool sign, bool zh) {
  if (v.absent) return zh ? "（无值）" : "(no value)";
  plan::Kind k = fig.kind;
  std::string t;
  if (k == plan::Kind::Int) t = std::to_string(v.asInt());
  else if (k == plan::Kind::Decimal || k == plan::Kind::Money) t = v.asDecimal().toString();
  else return r.valueText(k, fig.enumId, fig.places, v);
  if (sign && !t.empty() && t[0] != '-') t = "+" + t;
  if (k == plan::Kind::Money) t += " 元";
  return t;
}

}  // namespace kaoping::output
