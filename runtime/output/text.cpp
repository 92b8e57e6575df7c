#include "runtime/output/text.h"

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

std::string shorten(std::string_view text, size_t most) {
  std::string s = oneLine(text);
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
