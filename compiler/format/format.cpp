// The canonical printer (see format.h).
//
// Three parts:
//   - Source: questions about the original text (where comments are, the exact text of a
//     string, whether an expression was written in parentheses, which of the synonymous
//     Chinese comparison words was used). The AST keeps spans; the text behind them
//     answers what the AST does not record.
//   - Doc and Renderer: a small Wadler/Prettier-style pretty printer. A line is a tree of
//     text, possible line breaks, indentation, groups and fills; a group is printed on
//     one line when it fits in kWidth columns and with all its breaks otherwise, a fill
//     (a chain of operators, a list of names) breaks only before an item that does not
//     fit on the rest of the line.
//   - Printer: walks the scheme in source order. Every declaration, rule, tier arm,
//     event attribute, condition and test item is a "unit"; comments before a unit (or
//     inside it, where a line comment could not stay) are printed on their own lines
//     before it, comments after it on the same line stay at the end of its line.
#include "compiler/format/format.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "compiler/support/utf8.h"
#include "compiler/syntax/parse.h"

namespace kaoping::format {

Lang keywordsOf(const ast::Scheme& scheme) { return scheme.chineseKeywords ? Lang::Zh : Lang::En; }

namespace {

using ast::Expr;
using ast::ExprKind;

int width(std::string_view s) { return static_cast<int>(utf8::displayWidth(s)); }
std::string spaces(int n) { return std::string(static_cast<size_t>(std::max(n, 0)), ' '); }

// ---------------------------------------------------------------------------- source

class Source {
 public:
  Source(const SourceFile& file, const std::vector<ast::Comment>& comments)
      : text_(file.text()), comments_(comments) {}

  uint32_t size() const { return static_cast<uint32_t>(text_.size()); }
  std::string_view text(uint32_t b, uint32_t e) const {
    b = std::min(b, size());
    e = std::min(std::max(b, e), size());
    return std::string_view(text_).substr(b, e - b);
  }
  std::string_view text(Span s) const { return text(s.begin, s.end); }

  // Bytes of the white space character at pos (the lexer's WS rule), 0 if none.
  size_t space(uint32_t pos) const {
    if (pos >= size()) return 0;
    char c = text_[pos];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
    if (starts(pos, "\u3000") || starts(pos, "\uFEFF")) return 3;
    if (starts(pos, "\u00A0")) return 2;
    return 0;
  }
  // Bytes of the separator (`;` `,` and their full-width forms) at pos, 0 if none.
  size_t separator(uint32_t pos) const {
    if (pos >= size()) return 0;
    if (text_[pos] == ';' || text_[pos] == ',') return 1;
    if (starts(pos, "；") || starts(pos, "，") || starts(pos, "、")) return 3;
    return 0;
  }
  // The comment starting at pos, or -1.
  int commentAt(uint32_t pos) const {
    auto it = std::lower_bound(comments_.begin(), comments_.end(), pos,
                               [](const ast::Comment& c, uint32_t p) { return c.span.begin < p; });
    if (it == comments_.end() || it->span.begin != pos) return -1;
    return static_cast<int>(it - comments_.begin());
  }
  bool hasCommentIn(uint32_t b, uint32_t e) const {
    auto it = std::lower_bound(comments_.begin(), comments_.end(), b,
                               [](const ast::Comment& c, uint32_t p) { return c.span.begin < p; });
    return it != comments_.end() && it->span.begin < e;
  }

  // The first position at or after pos that is not white space, a comment or (when
  // asked) a separator.
  uint32_t skip(uint32_t pos, bool separators = false) const {
    while (pos < size()) {
      if (size_t n = space(pos)) {
        pos += static_cast<uint32_t>(n);
      } else if (int c = commentAt(pos); c >= 0) {
        pos = std::max(pos + 1, comments_[static_cast<size_t>(c)].span.end);
      } else if (size_t s = separators ? separator(pos) : 0) {
        pos += static_cast<uint32_t>(s);
      } else {
        break;
      }
    }
    return pos;
  }
  // The position of `c` after white space, comments and separators from pos, if that is
  // what comes next.
  std::optional<uint32_t> find(uint32_t pos, char c) const {
    pos = skip(pos, true);
    if (pos < size() && text_[pos] == c) return pos;
    return std::nullopt;
  }

  // The first `{` at or after pos outside comments and strings.
  uint32_t nextBrace(uint32_t pos) const {
    while (pos < size() && text_[pos] != '{') {
      if (int c = commentAt(pos); c >= 0) pos = std::max(pos + 1, comments_[static_cast<size_t>(c)].span.end);
      else if (isQuote(pos)) pos = stringEnd(pos);
      else ++pos;
    }
    return pos;
  }

  // A blank line between a and b (two line ends with only white space between them).
  bool hasBlankLine(uint32_t a, uint32_t b) const {
    bool sawNewline = false, empty = false;
    for (uint32_t i = a; i < b && i < size();) {
      if (text_[i] == '\n') {
        if (sawNewline && empty) return true;
        sawNewline = empty = true;
        ++i;
      } else if (size_t n = space(i)) {
        i += static_cast<uint32_t>(n);
      } else {
        empty = false;
        ++i;
      }
    }
    return false;
  }
  // Only white space and separators between a and b, on one line.
  bool sameLineGap(uint32_t a, uint32_t b) const {
    for (uint32_t i = a; i < b && i < size();) {
      if (text_[i] == '\n' || text_[i] == '\r') return false;
      size_t n = space(i);
      if (!n) n = separator(i);
      if (!n) return false;
      i += static_cast<uint32_t>(n);
    }
    return true;
  }

  // The end of the string literal starting at pos (a `"` or `“`).
  uint32_t stringEnd(uint32_t pos) const {
    if (starts(pos, "“")) {
      size_t close = text_.find("”", pos + 3);
      return close == std::string::npos ? size() : static_cast<uint32_t>(close + 3);
    }
    for (uint32_t i = pos + 1; i < size(); ++i) {
      if (text_[i] == '\\') ++i;
      else if (text_[i] == '"') return i + 1;
      else if (text_[i] == '\n' || text_[i] == '\r') return i;
    }
    return size();
  }
  bool isQuote(uint32_t pos) const { return pos < size() && (text_[pos] == '"' || starts(pos, "“")); }

  // The string literals in [b, e), in order.
  std::vector<Span> strings(uint32_t b, uint32_t e) const {
    std::vector<Span> out;
    for (uint32_t i = b; i < e && i < size();) {
      if (int c = commentAt(i); c >= 0) {
        i = std::max(i + 1, comments_[static_cast<size_t>(c)].span.end);
      } else if (isQuote(i)) {
        uint32_t end = stringEnd(i);
        out.push_back(Span{0, i, end});
        i = end;
      } else {
        ++i;
      }
    }
    return out;
  }
  std::string firstString(uint32_t b, uint32_t e) const {
    auto all = strings(b, e);
    return all.empty() ? "\"\"" : std::string(text(all.front()));
  }
  std::string lastString(uint32_t b, uint32_t e) const {
    auto all = strings(b, e);
    return all.empty() ? "\"\"" : std::string(text(all.back()));
  }

  // The tokens between a and b without white space and comments (an operator's spelling).
  std::string tokensBetween(uint32_t a, uint32_t b) const {
    std::string out;
    for (uint32_t i = a; i < b && i < size();) {
      if (size_t n = space(i)) {
        i += static_cast<uint32_t>(n);
      } else if (int c = commentAt(i); c >= 0) {
        i = std::max(i + 1, comments_[static_cast<size_t>(c)].span.end);
      } else {
        out += text_[i++];
      }
    }
    return out;
  }

  // Whether the span is one parenthesised expression: `(a + b)`, not `(a) + (b)`.
  bool parenthesized(Span s) const {
    if (s.end <= s.begin || s.end > size()) return false;
    auto open = [&](uint32_t i) -> size_t { return text_[i] == '(' ? 1 : starts(i, "（") ? 3 : 0; };
    auto close = [&](uint32_t i) -> size_t { return text_[i] == ')' ? 1 : starts(i, "）") ? 3 : 0; };
    if (!open(s.begin)) return false;
    if (!(text_[s.end - 1] == ')' || (s.end >= 3 && starts(s.end - 3, "）")))) return false;
    int depth = 0;
    for (uint32_t i = s.begin; i < s.end;) {
      if (int c = commentAt(i); c >= 0) {
        i = std::max(i + 1, comments_[static_cast<size_t>(c)].span.end);
      } else if (isQuote(i)) {
        i = stringEnd(i);
      } else if (size_t n = open(i)) {
        ++depth;
        i += static_cast<uint32_t>(n);
      } else if (size_t m = close(i)) {
        --depth;
        i += static_cast<uint32_t>(m);
        if (depth == 0) return i == s.end;
      } else {
        ++i;
      }
    }
    return false;
  }

  // The position after the bracketed group `{…}` starting at pos.
  uint32_t matchingBrace(uint32_t pos) const {
    int depth = 0;
    for (uint32_t i = pos; i < size();) {
      if (int c = commentAt(i); c >= 0) {
        i = std::max(i + 1, comments_[static_cast<size_t>(c)].span.end);
      } else if (isQuote(i)) {
        i = stringEnd(i);
      } else if (text_[i] == '{') {
        ++depth, ++i;
      } else if (text_[i] == '}') {
        ++i;
        if (--depth == 0) return i;
      } else {
        ++i;
      }
    }
    return size();
  }

  bool starts(uint32_t pos, std::string_view s) const {
    return pos <= size() && text_.compare(pos, s.size(), s) == 0;
  }

 private:
  const std::string& text_;
  const std::vector<ast::Comment>& comments_;
};

// ---------------------------------------------------------------------------- documents

struct Doc {
  enum class K : uint8_t { Text, Line, Soft, Cat, Nest, Group, IfBreak, Fill };
  K k = K::Cat;
  int n = 0;  // Text: its width; Nest: the added indentation
  std::string s;
  std::vector<Doc> kids;  // IfBreak: {broken, flat}; Fill: content, separator, content, ...

  Doc() = default;
  Doc(std::string text) : k(K::Text), n(width(text)), s(std::move(text)) {}  // NOLINT: implicit on purpose
  Doc(const char* text) : Doc(std::string(text)) {}                           // NOLINT
};

Doc line() {
  Doc d;
  d.k = Doc::K::Line;
  return d;
}
Doc soft() {
  Doc d;
  d.k = Doc::K::Soft;
  return d;
}
template <class... A>
Doc cat(A&&... parts) {
  Doc d;
  (d.kids.push_back(Doc(std::forward<A>(parts))), ...);
  return d;
}
Doc nest(int n, Doc inner) {
  Doc d;
  d.k = Doc::K::Nest;
  d.n = n;
  d.kids.push_back(std::move(inner));
  return d;
}
template <class... A>
Doc group(A&&... parts) {
  Doc d = cat(std::forward<A>(parts)...);
  d.k = Doc::K::Group;
  return d;
}
Doc ifBreak(Doc broken, Doc flat) {
  Doc d;
  d.k = Doc::K::IfBreak;
  d.kids.push_back(std::move(broken));
  d.kids.push_back(std::move(flat));
  return d;
}
// Items that fill lines: each item followed by `sep` (not the last), a break between
// items only where the next one does not fit.
Doc fill(const std::vector<Doc>& items, const std::string& sep) {
  Doc d;
  d.k = Doc::K::Fill;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) d.kids.push_back(line());
    d.kids.push_back(i + 1 < items.size() ? cat(items[i], sep) : items[i]);
  }
  return d;
}
Doc join(const std::vector<Doc>& items, const Doc& sep) {
  Doc d;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) d.kids.push_back(sep);
    d.kids.push_back(items[i]);
  }
  return d;
}

class Renderer {
 public:
  explicit Renderer(int width) : width_(width) {}

  // The text of d starting at column `indent` (the first line is not indented; the
  // following lines carry their indentation).
  std::string render(const Doc& d, int indent) {
    out_.clear();
    col_ = indent;
    std::vector<Cmd> stack{{indent, false, &d, 0}};
    while (!stack.empty()) {
      Cmd c = stack.back();
      stack.pop_back();
      const Doc& doc = *c.doc;
      switch (doc.k) {
        case Doc::K::Text:
          out_ += doc.s;
          col_ += doc.n;
          break;
        case Doc::K::Line:
          if (c.flat) {
            out_ += ' ';
            ++col_;
          } else {
            newline(c.indent);
          }
          break;
        case Doc::K::Soft:
          if (!c.flat) newline(c.indent);
          break;
        case Doc::K::Cat:
          pushKids(stack, c, c.flat);
          break;
        case Doc::K::Nest:
          stack.push_back({c.indent + doc.n, c.flat, &doc.kids[0], 0});
          break;
        case Doc::K::Group: {
          bool flat = c.flat || fits({{c.indent, true, &doc, 0}}, stack, width_ - col_);
          pushKids(stack, c, flat);
          break;
        }
        case Doc::K::IfBreak:
          stack.push_back({c.indent, c.flat, &doc.kids[c.flat ? 1 : 0], 0});
          break;
        case Doc::K::Fill:
          if (c.flat) pushKids(stack, c, true);
          else fillStep(stack, c);
          break;
      }
    }
    return out_;
  }

 private:
  struct Cmd {
    int indent;
    bool flat;
    const Doc* doc;
    size_t from;  // Fill: the first part still to print
  };

  static void pushKids(std::vector<Cmd>& stack, const Cmd& c, bool flat) {
    for (size_t i = c.doc->kids.size(); i-- > c.from;) stack.push_back({c.indent, flat, &c.doc->kids[i], 0});
  }

  void newline(int indent) {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    out_ += '\n';
    out_ += spaces(indent);
    col_ = indent;
  }

  // Whether `next` (flat) and what follows it up to the next line break fit in `room`.
  bool fits(std::vector<Cmd> next, const std::vector<Cmd>& rest, int room) const {
    size_t r = rest.size();
    while (true) {
      if (room < 0) return false;
      Cmd c;
      if (!next.empty()) {
        c = next.back();
        next.pop_back();
      } else if (r > 0) {
        c = rest[--r];
      } else {
        return true;
      }
      const Doc& doc = *c.doc;
      switch (doc.k) {
        case Doc::K::Text: room -= doc.n; break;
        case Doc::K::Line:
          if (!c.flat) return true;
          room -= 1;
          break;
        case Doc::K::Soft:
          if (!c.flat) return true;
          break;
        case Doc::K::Cat:
        case Doc::K::Group:
        case Doc::K::Fill: pushKids(next, c, c.flat); break;
        case Doc::K::Nest: next.push_back({c.indent + doc.n, c.flat, &doc.kids[0], 0}); break;
        case Doc::K::IfBreak: next.push_back({c.indent, c.flat, &doc.kids[c.flat ? 1 : 0], 0}); break;
      }
    }
  }

  // A fill's parts are items and line breaks (Line). A break is taken only when the item
  // after it does not fit on the rest of the line, decided when the break is reached.
  void fillStep(std::vector<Cmd>& stack, const Cmd& c) {
    const auto& parts = c.doc->kids;
    size_t i = c.from;
    if (i >= parts.size()) return;
    static const std::vector<Cmd> kNothing;
    int room = width_ - col_;
    bool flat;
    if (parts[i].k == Doc::K::Line && i + 1 < parts.size()) {
      // The last item is measured with what follows the fill (a closing bracket, a comma).
      bool last = i + 2 >= parts.size();
      flat = fits({{c.indent, true, &parts[i + 1], 0}, {c.indent, true, &parts[i], 0}}, last ? stack : kNothing, room);
    } else {
      bool last = i + 1 >= parts.size();
      flat = fits({{c.indent, true, &parts[i], 0}}, last ? stack : kNothing, room);
    }
    if (i + 1 < parts.size()) stack.push_back({c.indent, false, c.doc, i + 1});
    stack.push_back({c.indent, flat, &parts[i], 0});
  }

  int width_;
  int col_ = 0;
  std::string out_;
};

std::string renderDoc(const Doc& d, int indent, int lineWidth = kWidth) { return Renderer(lineWidth).render(d, indent); }
std::string flat(const Doc& d) { return Renderer(1 << 29).render(d, 0); }

// ---------------------------------------------------------------------------- keywords

enum class Kw {
  Scheme, Version, Extends, Period, Subjects, Places, Rounding, Enum, Attribute, Event, Events, Adjustable,
  Param, Relation, Let, Score, Base, Floor, Deplete, Cap, Max, Min, EachMonth, Each, Per, Where, When, Deduct,
  Add, From, To, VetoTo, Cite, Tier, On, Case, By, Rank, Asc, Desc, Within, AtMost, Veto, Quota, Conditions,
  Reasons, Constraint, Reason, Alert, Output, Test, Expect, Error, History, Set, Optional, Default, Otherwise,
  WeightedBy, If, Then, Else, And, Or, Not, NotIn, In, True, False,
};

struct Spelling {
  const char* en;
  const char* zh;
};
// In the order of Kw. Where Chinese has several spellings the first of the lexer's is
// used, except that a veto sets a value `为` and the `not` of `not in` is `不`.
constexpr Spelling kSpellings[] = {
    {"scheme", "方案"},   {"version", "版本"},      {"extends", "继承"},     {"period", "周期"},
    {"subjects", "考评对象"}, {"places", "小数位"},   {"rounding", "舍入"},    {"enum", "枚举"},
    {"attribute", "属性"}, {"event", "事件"},       {"events", "事件"},      {"adjustable", "可调"},
    {"param", "参数"},     {"relation", "关系"},    {"let", "定义"},         {"score", "计分"},
    {"base", "基础分"},    {"floor", "下限"},       {"floor 0", "扣完为止"}, {"cap", "上限"},
    {"max", "满分"},       {"min", "最低分"},       {"each month", "每月"},  {"each", "每"},
    {"per", "每"},         {"where", "其中"},       {"when", "当"},          {"deduct", "扣"},
    {"add", "加"},         {"from", "从"},          {"to", "给"},            {"to", "为"},
    {"cite", "依据"},      {"tier", "分档"},        {"on", "按"},            {"case", "按"},
    {"by", "按"},          {"rank", "排序"},        {"asc", "升序"},         {"desc", "降序"},
    {"within", "分组"},    {"at most", "至多"},     {"veto", "一票否决"},    {"quota", "名额"},
    {"conditions", "条件"}, {"reasons", "原因"},    {"constraint", "约束"},  {"reason", "理由"},
    {"alert", "警示"},     {"output", "输出"},      {"test", "测试"},        {"expect", "预期"},
    {"error", "错误"},     {"history", "历史"},     {"set", "调整"},         {"optional", "可缺"},
    {"default", "默认"},   {"otherwise", "其余"},   {"weighted by", "加权"}, {"if", "如果"},
    {"then", "那么"},      {"else", "否则"},        {"and", "且"},           {"or", "或"},
    {"not", "非"},         {"not", "不"},           {"in", "属于"},          {"true", "是"},
    {"false", "否"},
};
static_assert(sizeof(kSpellings) / sizeof(kSpellings[0]) == static_cast<size_t>(Kw::False) + 1);

// Precedence levels of the grammar's `expr` (smaller binds tighter).
enum Prec { kPrimary = 0, kMember, kUnary, kMul, kAdd, kDefault, kCompare, kIn, kNot, kAnd, kOr };

int precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Member: return kMember;
    case ExprKind::Unary: return kUnary;
    case ExprKind::Binary:
      return e.binaryOp == ast::BinaryOp::Mul || e.binaryOp == ast::BinaryOp::Div ? kMul : kAdd;
    case ExprKind::Default: return kDefault;
    case ExprKind::Compare: return kCompare;
    case ExprKind::In: return kIn;
    case ExprKind::Not: return kNot;
    case ExprKind::And: return kAnd;
    case ExprKind::Or: return kOr;
    default: return kPrimary;
  }
}

// ---------------------------------------------------------------------------- printer

struct OutLine {
  int indent = 0;
  std::string code;     // with its indentation
  std::string comment;  // comments at the end of the line
  bool blank = false;   // a blank line before it
};

class Printer {
 public:
  Printer(const ast::Scheme& s, const SourceFile& file, Lang lang)
      : s_(s), src_(file, s.comments), comments_(s.comments), zh_(lang == Lang::Zh) {
    for (const ast::DeclPtr& d : s.decls)
      if (d->kind == ast::DeclKind::Event)
        for (const ast::Name& n : d->names) eventKinds_.push_back(n.text);
  }

  std::string run() {
    scheme();
    return assemble();
  }

 private:
  // ------------------------------------------------------------------ emitting units

  // Comments that start before `before` and are still to print, each on its own line.
  void flush(uint32_t before, int indent) {
    while (next_ < comments_.size() && comments_[next_].span.begin < before) {
      const ast::Comment& c = comments_[next_++];
      bool blank = !blockStart_ && src_.hasBlankLine(lastEnd_, c.span.begin);
      out_.push_back({indent, spaces(indent) + c.text, "", blank});
      lastEnd_ = std::max(lastEnd_, c.span.end);
      blockStart_ = false;
    }
  }

  // Comments right after what was printed last, on the same source line.
  void trail() {
    while (next_ < comments_.size()) {
      const ast::Comment& c = comments_[next_];
      if (c.span.begin < lastEnd_ || !src_.sameLineGap(lastEnd_, c.span.begin)) break;
      OutLine& l = out_.back();
      if (!l.comment.empty()) l.comment += ' ';
      l.comment += c.text;
      lastEnd_ = c.span.end;
      ++next_;
    }
  }

  // One unit [begin, end) printed as `text` (which may span several lines, the first
  // without its indentation).
  void unit(uint32_t begin, uint32_t end, int indent, const std::string& text) {
    flush(end, indent);
    bool blank = !blockStart_ && begin > lastEnd_ && src_.hasBlankLine(lastEnd_, begin);
    size_t from = 0;
    bool first = true;
    while (true) {
      size_t nl = text.find('\n', from);
      std::string piece = text.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
      if (first) out_.push_back({indent, spaces(indent) + piece, "", blank});
      else out_.push_back({static_cast<int>(piece.find_first_not_of(' ')), piece, "", false});
      first = false;
      if (nl == std::string::npos) break;
      from = nl + 1;
    }
    lastEnd_ = std::max(lastEnd_, end);
    blockStart_ = false;
    trail();
  }

  void openBlock(uint32_t begin, uint32_t braceEnd, int indent, const std::string& header) {
    unit(begin, braceEnd, indent, header);
    blockStart_ = true;
  }

  void closeBlock(uint32_t close, uint32_t end, int indent) {
    flush(close, indent + 2);
    out_.push_back({indent, spaces(indent) + "}", "", false});
    lastEnd_ = std::max(lastEnd_, end);
    blockStart_ = false;
    trail();
  }

  // A citation on its own line; nothing separates it from what it cites.
  uint32_t citation(const std::optional<ast::Citation>& c, uint32_t begin, int indent) {
    if (!c) return begin;
    unit(c->span.begin, c->span.end, indent,
         flat(cat(kw(Kw::Cite), " ", src_.firstString(c->span.begin, c->span.end))));
    blockStart_ = true;
    return src_.skip(c->span.end);
  }

  std::string assemble() {
    // Comments at the end of consecutive lines of one indentation line up.
    for (size_t i = 0; i < out_.size();) {
      if (out_[i].comment.empty()) {
        ++i;
        continue;
      }
      size_t j = i + 1;
      while (j < out_.size() && !out_[j].comment.empty() && !out_[j].blank && out_[j].indent == out_[i].indent) ++j;
      int column = 0;
      for (size_t k = i; k < j; ++k) column = std::max(column, width(out_[k].code));
      for (size_t k = i; k < j; ++k) out_[k].code += spaces(column + 2 - width(out_[k].code)) + out_[k].comment;
      i = j;
    }
    std::string text;
    for (const OutLine& l : out_) {
      if (l.blank) text += '\n';
      text += l.code;
      text += '\n';
    }
    return text;
  }

  // ------------------------------------------------------------------ words

  std::string kw(Kw k) const {
    const Spelling& s = kSpellings[static_cast<size_t>(k)];
    return zh_ ? s.zh : s.en;
  }

  std::string compareOp(ast::CompareOp op, ast::CompareSpelling spelling, uint32_t from, uint32_t to) const {
    using S = ast::CompareSpelling;
    if (zh_) {
      switch (spelling) {
        case S::Over: return "超过";
        case S::NotOver: return "不超过";
        case S::Under: {
          std::string written = src_.tokensBetween(from, to);
          return written == "低于" || written == "不足" ? written : "不满";
        }
        case S::NotUnder: return "不低于";
        case S::Reach: return "达到";
        case S::Word: return op == ast::CompareOp::Eq ? "等于" : "不等于";
        case S::Symbol: break;
      }
    }
    return ast::compareOpSymbol(op);
  }

  std::string raw(Span s) const { return std::string(src_.text(s)); }

  // The digits at the end of a span (`places 2`, `× 3`): numbers are printed as written.
  std::string trailingDigits(Span s, int fallback) const {
    std::string_view t = src_.text(s);
    size_t e = t.size();
    while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == ';')) --e;
    size_t b = e;
    while (b > 0 && t[b - 1] >= '0' && t[b - 1] <= '9') --b;
    return b < e ? std::string(t.substr(b, e - b)) : std::to_string(fallback);
  }

  // ------------------------------------------------------------------ expressions

  bool parenthesized(const Expr& e) const { return src_.parenthesized(e.span); }

  // `hang`: a broken chain of operators indents its continuation lines (not where the
  // expression starts a line of its own, as an `if`'s branches do).
  Doc expr(const Expr& e, bool hang = true) {
    if (parenthesized(e)) return cat("(", bare(e, true), ")");
    return bare(e, hang);
  }

  // An operand: in parentheses when it was written so, or when the grammar needs them.
  Doc operand(const Expr& e, bool needed) {
    if (needed && !parenthesized(e)) return cat("(", bare(e, true), ")");
    return expr(e);
  }
  // `if` extends as far to the right as it can: as an operand it is always parenthesised.
  static bool open(const Expr& e) { return e.kind == ExprKind::If; }
  bool left(const Expr& e, int level) { return open(e) || precedence(e) > level; }
  bool right(const Expr& e, int level) { return open(e) || precedence(e) >= level; }

  std::string binaryOp(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::Binary: {
        static const char* ops[] = {"+", "-", "*", "/"};
        return ops[static_cast<int>(e.binaryOp)];
      }
      case ExprKind::Default: return kw(Kw::Default);
      case ExprKind::And: return kw(Kw::And);
      case ExprKind::Or: return kw(Kw::Or);
      case ExprKind::Compare: return compareOp(e.compareOp, e.spelling, e.lhs->span.end, e.rhs->span.begin);
      default: return "?";
    }
  }

  // A chain of left-associative operators of one level: `a + b - c`, `x and y and z`.
  // It fills lines: an operator starts a new line only where the next operand does not fit.
  Doc chain(const Expr& e, bool hang) {
    int level = precedence(e);
    std::vector<const Expr*> links{&e};
    const Expr* first = e.lhs.get();
    while (first->kind == e.kind && first->kind != ExprKind::Compare && precedence(*first) == level &&
           !parenthesized(*first)) {
      links.push_back(first);
      first = first->lhs.get();
    }
    Doc rest;
    rest.k = Doc::K::Fill;
    for (size_t i = links.size(); i-- > 0;) {
      const Expr& link = *links[i];
      rest.kids.push_back(line());
      rest.kids.push_back(cat(binaryOp(link), " ", operand(*link.rhs, right(*link.rhs, level))));
    }
    return cat(operand(*first, left(*first, level)), nest(hang ? 2 : 0, std::move(rest)));
  }

  Doc bare(const Expr& e, bool hang) {
    switch (e.kind) {
      case ExprKind::Number:
      case ExprKind::Date: return e.text;
      // `floor` is a keyword that is also a name (the rounding mode of `round(x, 2, floor)`).
      case ExprKind::Name: return e.text == "floor" || e.text == "下限" ? kw(Kw::Floor) : e.text;
      case ExprKind::Percent: return e.text + "%";
      case ExprKind::Money: return e.text + " 元";
      case ExprKind::String: return src_.firstString(e.span.begin, e.span.end);
      case ExprKind::Bool: return kw(e.boolValue ? Kw::True : Kw::False);
      case ExprKind::Member: return cat(operand(*e.lhs, left(*e.lhs, kMember)), ".", e.text);
      case ExprKind::Unary: {
        bool nested = e.lhs->kind == ExprKind::Unary && !parenthesized(*e.lhs);
        return cat(std::string(1, e.unaryOp), nested ? " " : "", operand(*e.lhs, left(*e.lhs, kUnary)));
      }
      case ExprKind::Binary:
      case ExprKind::Default:
      case ExprKind::Compare:
      case ExprKind::And:
      case ExprKind::Or: return chain(e, hang);
      case ExprKind::In: {
        std::vector<Doc> items;
        for (const ast::ExprPtr& i : e.items) items.push_back(expr(*i));
        return group(operand(*e.lhs, left(*e.lhs, kIn)), " ", e.negated ? kw(Kw::NotIn) + " " : "", kw(Kw::In), " {",
                     nest(2, cat(line(), join(items, cat(",", line())))), line(), "}");
      }
      case ExprKind::Not: return cat(kw(Kw::Not), " ", operand(*e.lhs, left(*e.lhs, kNot)));
      case ExprKind::Call: {
        std::vector<Doc> args;
        for (const ast::CallArg& a : e.args) args.push_back(callArg(a));
        return group(callee(e.text), "(", nest(2, cat(soft(), join(args, cat(",", line())))), ")");
      }
      case ExprKind::If:
        return group(kw(Kw::If), " ", expr(*e.cond), " ", kw(Kw::Then), nest(2, cat(line(), expr(*e.lhs, false))),
                     line(), kw(Kw::Else), nest(2, cat(line(), expr(*e.rhs, false))));
      case ExprKind::Case: {
        std::vector<Doc> arms;
        for (const ast::CaseArm& a : e.arms) arms.push_back(cat(pattern(a.pattern), ": ", expr(*a.value)));
        return group(kw(Kw::Case), " ", operand(*e.cond, open(*e.cond)), " {",
                     nest(2, cat(line(), join(arms, cat(ifBreak("", ";"), line())))), line(), "}");
      }
    }
    return "?";
  }

  // `max`, `min` and `floor` are keywords that also name functions.
  std::string callee(const std::string& name) const {
    if (name == "max" || name == "满分") return kw(Kw::Max);
    if (name == "min" || name == "最低分") return kw(Kw::Min);
    if (name == "floor" || name == "下限") return kw(Kw::Floor);
    return name;
  }

  Doc callArg(const ast::CallArg& a) {
    Doc d = cat(expr(*a.value));
    if (a.mapped) d.kids.push_back(cat(": ", expr(*a.mapped)));
    if (a.weight) d.kids.push_back(nest(2, cat(line(), kw(Kw::WeightedBy), " ", expr(*a.weight))));
    if (a.filter) d.kids.push_back(nest(2, cat(line(), kw(Kw::Where), " ", expr(*a.filter))));
    d.k = Doc::K::Group;
    return d;
  }

  Doc bound(const ast::Bound& b) {
    switch (b.kind) {
      case ast::BoundKind::Value: return expr(*b.value);
      case ast::BoundKind::Compare:
        return cat(compareOp(b.op, b.spelling, b.span.begin, b.value->span.begin), " ", expr(*b.value));
      case ast::BoundKind::Above: return zh_ ? cat(expr(*b.value), " 以上") : cat(">= ", expr(*b.value));
      case ast::BoundKind::Below:
        return zh_ ? cat(expr(*b.value), b.belowIsWithin ? " 以内" : " 以下") : cat("<= ", expr(*b.value));
      case ast::BoundKind::Range: {
        bool word = zh_ && src_.tokensBetween(b.value->span.end, b.high->span.begin) == "至";
        return cat(expr(*b.value), word ? " 至 " : " .. ", expr(*b.high));
      }
    }
    return "?";
  }

  Doc pattern(const ast::Pattern& p) {
    if (p.otherwise) return kw(Kw::Otherwise);
    std::vector<Doc> bounds;
    for (const ast::Bound& b : p.bounds) bounds.push_back(bound(b));
    return join(bounds, ", ");
  }

  // ------------------------------------------------------------------ declaration parts

  Doc names(const std::vector<ast::Name>& list) {
    std::vector<Doc> items;
    for (const ast::Name& n : list) items.push_back(n.text);
    return nest(2, fill(items, ","));
  }

  Doc enumBody(const ast::EnumBody& b) {
    std::vector<Doc> items;
    for (size_t i = 0; i < b.values.size(); ++i) {
      std::string sep = ",";
      if (i + 1 < b.values.size()) {
        std::string written = src_.tokensBetween(b.values[i].span.end, b.values[i + 1].span.begin);
        if (written == "<" || written == ">") sep = " " + written;
      }
      items.push_back(i + 1 < b.values.size() ? cat(b.values[i].text, sep) : Doc(b.values[i].text));
    }
    Doc values = fill(items, "");
    return cat("{ ", nest(2, std::move(values)), " }");
  }

  Doc type(const ast::TypeExpr& t) {
    if (t.inlineEnum) return cat(kw(Kw::Enum), " ", enumBody(*t.inlineEnum));
    return t.named ? t.named->text : "?";
  }

  Doc valueOption(const ast::ValueOption& o) {
    switch (o.kind) {
      case ast::ValueOptionKind::Optional: return kw(Kw::Optional);
      case ast::ValueOptionKind::Default: return cat(kw(Kw::Default), " ", expr(*o.value));
      case ast::ValueOptionKind::Compare:
        return cat(compareOp(o.op, o.spelling, o.span.begin, o.value->span.begin), " ", expr(*o.value));
      case ast::ValueOptionKind::Range: return cat(kw(Kw::In), " [", expr(*o.value), ", ", expr(*o.high), "]");
    }
    return "?";
  }

  Doc typed(const ast::Name& name, const ast::TypeExpr& t, const std::vector<ast::ValueOption>& options) {
    Doc d = cat(name.text, ": ", type(t));
    for (const ast::ValueOption& o : options) d.kids.push_back(cat(" ", valueOption(o)));
    return d;
  }

  Doc figureOptions(const ast::Decl& d) {
    Doc out;
    if (d.groupBy) out.kids.push_back(cat(" ", kw(Kw::By), " ", d.groupBy->kind.text, ".", d.groupBy->attribute.text));
    for (const ast::FigureOption& o : d.figureOptions) {
      using K = ast::FigureOptionKind;
      switch (o.kind) {
        case K::Base: out.kids.push_back(cat(" ", kw(Kw::Base), " ", expr(*o.value))); break;
        case K::Floor: out.kids.push_back(cat(" ", kw(Kw::Floor), " ", expr(*o.value))); break;
        case K::Deplete: out.kids.push_back(cat(" ", kw(Kw::Deplete))); break;
        case K::Cap: out.kids.push_back(cat(" ", kw(Kw::Cap), " ", expr(*o.value))); break;
        case K::Max: out.kids.push_back(cat(" ", kw(Kw::Max), " ", expr(*o.value))); break;
        case K::Min: out.kids.push_back(cat(" ", kw(Kw::Min), " ", expr(*o.value))); break;
        case K::Places: out.kids.push_back(cat(" ", kw(Kw::Places), " ", trailingDigits(o.span, o.places))); break;
      }
    }
    return out;
  }

  Doc orderKeys(const std::vector<ast::OrderKey>& keys) {
    std::vector<Doc> items;
    for (const ast::OrderKey& k : keys) {
      Doc d = cat(expr(*k.key));
      if (k.explicitDirection) d.kids.push_back(cat(" ", kw(k.descending ? Kw::Desc : Kw::Asc)));
      items.push_back(std::move(d));
    }
    return join(items, ", ");
  }

  // ` reason "…"`, moved to the next line when the declaration does not fit.
  Doc reason(const ast::Decl& d) {
    if (!d.reason) return Doc();
    return nest(2, cat(line(), kw(Kw::Reason), " ", src_.lastString(d.span.begin, d.span.end)));
  }

  // `prefix = value`: on one line when it fits, else with the value alone on the next
  // line when that fits (not for a `case`, whose arms break instead), else broken inside
  // the value.
  std::string assign(Doc prefix, const Expr& value, Doc valueDoc, int indent) {
    Doc all = cat(prefix, " ", valueDoc);
    std::string one = flat(all);
    if (indent + width(one) <= kWidth) return one;
    if (value.kind != ExprKind::Case || parenthesized(value)) {
      std::string p = flat(prefix), v = flat(valueDoc);
      if (indent + width(p) <= kWidth && indent + 2 + width(v) <= kWidth) return p + "\n" + spaces(indent + 2) + v;
    }
    return renderDoc(all, indent);
  }

  // ------------------------------------------------------------------ rules

  bool isMonthWindow(const ast::Rule& r) const {
    if (r.kind == ast::RuleKind::EachMonth) return true;
    if (r.kind != ast::RuleKind::Each || r.sources.size() != 1) return false;
    const std::string& n = r.sources[0].text;
    return (n == "month" || n == "月") && std::find(eventKinds_.begin(), eventKinds_.end(), n) == eventKinds_.end();
  }

  // `each 缺席 where not 请假: deduct 2; deduct 1 from 上级`. A rule too long for its line
  // breaks before `where` and between effects, where the next part does not fit.
  Doc rule(const ast::Rule& r) {
    Doc head;
    if (isMonthWindow(r)) {
      // `each month` names an event kind when there is one called `month`.
      auto isKind = [&](const char* n) {
        return std::find(eventKinds_.begin(), eventKinds_.end(), n) != eventKinds_.end();
      };
      head = zh_ || !isKind("month") ? kw(Kw::EachMonth) : !isKind("月") ? "each 月" : "每月";
    } else if (r.kind == ast::RuleKind::Each) {
      head = cat(kw(Kw::Each), " ", names(r.sources));
    } else {
      head = cat(kw(Kw::When), " ", expr(*r.condition));
    }
    Doc rest;
    rest.k = Doc::K::Fill;
    if (r.kind != ast::RuleKind::When && r.condition) {
      rest.kids.push_back(line());
      rest.kids.push_back(cat(kw(Kw::Where), " ", expr(*r.condition), ":"));
    } else {
      head = cat(head, ":");
    }
    for (size_t i = 0; i < r.effects.size(); ++i) {
      const ast::Effect& e = r.effects[i];
      bool deduct = e.kind == ast::EffectKind::Deduct;
      Kw verb = deduct ? Kw::Deduct : Kw::Add, toward = deduct ? Kw::From : Kw::To;
      Doc effect;
      if (e.target && e.targetFirst)
        effect = cat(kw(toward), " ", e.target->text, " ", kw(verb), " ", expr(*e.amount));
      else if (e.target)
        effect = cat(kw(verb), " ", expr(*e.amount), " ", kw(toward), " ", e.target->text);
      else
        effect = cat(kw(verb), " ", expr(*e.amount));
      if (i + 1 < r.effects.size()) effect = cat(effect, ";");
      rest.kids.push_back(line());
      rest.kids.push_back(std::move(effect));
    }
    return cat(head, nest(2, std::move(rest)));
  }

  // ------------------------------------------------------------------ declarations

  void scheme() {
    std::vector<Span> strings = src_.strings(s_.span.begin, s_.span.end);
    size_t at = 0;
    Doc header = cat(kw(Kw::Scheme), " ", at < strings.size() ? raw(strings[at++]) : "\"\"");
    uint32_t headerEnd = at ? strings[0].end : s_.span.begin;
    if (s_.version && at < strings.size()) {
      header.kids.push_back(cat(" ", kw(Kw::Version), " ", raw(strings[at])));
      headerEnd = strings[at++].end;
    }
    if (s_.extends) {
      header.kids.push_back(cat(" ", kw(Kw::Extends), " ", raw(s_.extendsSpan)));
      headerEnd = s_.extendsSpan.end;
    }
    header.kids.push_back(" {");
    uint32_t brace = src_.find(headerEnd, '{').value_or(headerEnd);
    openBlock(s_.span.begin, brace + 1, 0, flat(header));
    uint32_t last = brace + 1;
    for (const ast::DeclPtr& d : s_.decls) {
      decl(*d, 2);
      last = d->span.end;
    }
    closeBlock(src_.find(last, '}').value_or(s_.span.end), s_.span.end, 0);
    flush(src_.size() + 1, 0);
  }

  void decl(const ast::Decl& d, int ind) {
    using K = ast::DeclKind;
    uint32_t begin = citation(d.citation, d.span.begin, ind);
    uint32_t end = d.span.end;
    auto emit = [&](const Doc& doc) { unit(begin, end, ind, renderDoc(doc, ind)); };
    switch (d.kind) {
      case K::Period: emit(cat(kw(Kw::Period), " ", d.name.text)); break;
      case K::Subjects: emit(cat(kw(Kw::Subjects), " ", d.name.text)); break;
      case K::Places: emit(cat(kw(Kw::Places), " ", raw(d.textSpan))); break;
      case K::Rounding:
        emit(cat(kw(Kw::Rounding), " ", d.text == "floor" || d.text == "下限" ? kw(Kw::Floor) : d.text));
        break;
      case K::Enum: emit(cat(kw(Kw::Enum), " ", d.name.text, " ", enumBody(*d.enumBody))); break;
      case K::Attribute: emit(cat(kw(Kw::Attribute), " ", typed(d.name, *d.type, d.valueOptions))); break;
      case K::Param:
        emit(cat(d.adjustable ? kw(Kw::Adjustable) + " " : "", kw(Kw::Param), " ", typed(d.name, *d.type, d.valueOptions)));
        break;
      case K::Event: event(d, begin, ind); break;
      case K::Relation: {
        Doc prefix = cat(kw(Kw::Relation), " ", d.name.text, "(", d.secondName.text, ") =");
        if (d.relationKind) {
          Doc body = cat(d.relationKind->text, " ", d.relationVar->text);
          if (d.expr) body.kids.push_back(nest(2, cat(line(), kw(Kw::Where), " ", expr(*d.expr))));
          body.k = Doc::K::Group;
          Doc all = cat(prefix, " ", body);
          unit(begin, end, ind, renderDoc(all, ind));
        } else {
          unit(begin, end, ind, assign(prefix, *d.expr, expr(*d.expr), ind));
        }
        break;
      }
      case K::Let: {
        Doc prefix = cat(kw(Kw::Let), " ", d.name.text);
        if (d.type) prefix.kids.push_back(cat(": ", type(*d.type)));
        prefix.kids.push_back(figureOptions(d));
        prefix.kids.push_back(" =");
        unit(begin, end, ind, assign(prefix, *d.expr, expr(*d.expr), ind));
        break;
      }
      case K::Score: score(d, begin, ind); break;
      case K::Tier: {
        Doc header = cat(kw(Kw::Tier), " ", d.name.text, " ", kw(Kw::On), " ", expr(*d.expr), " {");
        std::vector<Span> arms;
        for (const ast::TierArm& a : d.arms) arms.push_back(a.span);
        block(begin, end, d.expr->span.end, header, ind, arms, [&](size_t i, int childIndent) {
          const ast::TierArm& a = d.arms[i];
          return renderDoc(cat(a.value.text, ": ", pattern(a.pattern)), childIndent);
        });
        break;
      }
      case K::Rank: {
        Doc doc = cat(kw(Kw::Rank), " ", d.name.text, " ", kw(Kw::By), " ", orderKeys(d.orderKeys));
        if (d.per) doc.kids.push_back(cat(" ", kw(Kw::Within), " ", expr(*d.per)));
        emit(doc);
        break;
      }
      case K::Cap:
        emit(group(kw(Kw::Cap), " ", d.name.text, " ", kw(Kw::AtMost), " ", d.secondName.text, " ", kw(Kw::When), " ",
                   expr(*d.when), reason(d)));
        break;
      case K::Veto:
        emit(group(kw(Kw::Veto), " ", d.name.text, " ", kw(Kw::VetoTo), " ", expr(*d.expr), " ", kw(Kw::When), " ",
                   expr(*d.when), reason(d)));
        break;
      case K::Quota: {
        Doc doc = cat(kw(Kw::Quota), " ", d.name.text, " ", d.secondName.text, " ", kw(Kw::AtMost), " ", expr(*d.expr),
                      " ", kw(Kw::Per), " ", expr(*d.per));
        if (d.when) doc.kids.push_back(cat(" ", kw(Kw::When), " ", expr(*d.when)));
        doc.kids.push_back(cat(" ", kw(Kw::By), " ", orderKeys(d.orderKeys), " ", kw(Kw::Else), " ", d.thirdName.text));
        emit(doc);
        break;
      }
      case K::Conditions: {
        Doc header = cat(kw(Kw::Conditions), " ", d.name.text);
        uint32_t headerEnd = d.name.span.end;
        if (!d.secondName.text.empty()) {
          header.kids.push_back(cat(" ", kw(Kw::Reasons), " ", d.secondName.text));
          headerEnd = d.secondName.span.end;
        }
        header.kids.push_back(" {");
        std::vector<Span> items;
        for (const ast::CondItem& c : d.conditions) items.push_back(c.span);
        block(begin, end, headerEnd, header, ind, items, [&](size_t i, int childIndent) {
          const ast::CondItem& c = d.conditions[i];
          std::string label = c.labelQuoted ? src_.firstString(c.span.begin, c.span.end) : c.label;
          return renderDoc(cat(label, ": ", expr(*c.condition)), childIndent);
        });
        break;
      }
      case K::Constraint: {
        Doc doc = cat(kw(Kw::Constraint));
        if (d.per) doc.kids.push_back(cat(" ", kw(Kw::Per), " ", expr(*d.per)));
        if (d.when) doc.kids.push_back(cat(" ", kw(Kw::When), " ", expr(*d.when)));
        doc.kids.push_back(cat(": ", expr(*d.expr), reason(d)));
        doc.k = Doc::K::Group;
        emit(doc);
        break;
      }
      case K::Alert: emit(cat(kw(Kw::Alert), " ", raw(d.textSpan), " ", kw(Kw::When), " ", expr(*d.when))); break;
      case K::Output: emit(cat(kw(Kw::Output), " ", names(d.names))); break;
      case K::Test: test(d, begin, ind); break;
      case K::Set:
        unit(begin, end, ind, assign(cat(kw(Kw::Set), " ", d.name.text, " ="), *d.expr, expr(*d.expr), ind));
        break;
    }
  }

  // A block `header {` with one child per line and `}`. `child(i, indent)` prints child i.
  template <class Child>
  void block(uint32_t begin, uint32_t end, uint32_t headerEnd, const Doc& header, int ind,
             const std::vector<Span>& children, Child child) {
    uint32_t brace = src_.find(headerEnd, '{').value_or(headerEnd);
    openBlock(begin, brace + 1, ind, renderDoc(header, ind));
    uint32_t last = brace + 1;
    for (size_t i = 0; i < children.size(); ++i) {
      unit(children[i].begin, children[i].end, ind + 2, child(i, ind + 2));
      last = children[i].end;
    }
    closeBlock(src_.find(last, '}').value_or(end), end, ind);
  }

  // Whether `inline` (a whole block on one line) may be used: no comments inside the
  // braces and it fits.
  bool fitsInline(const Doc& doc, int ind, uint32_t braceSearch, uint32_t lastChildEnd) const {
    std::optional<uint32_t> open = src_.find(braceSearch, '{');
    std::optional<uint32_t> close = src_.find(lastChildEnd, '}');
    if (open && close && src_.hasCommentIn(*open, *close)) return false;
    if (!open || !close) return false;
    return ind + width(flat(doc)) <= kWidth;
  }

  void event(const ast::Decl& d, uint32_t begin, int ind) {
    Doc head = cat(kw(Kw::Event), " ", names(d.names));
    if (d.attributes.empty()) {
      unit(begin, d.span.end, ind, renderDoc(head, ind));
      return;
    }
    std::vector<Doc> attrs;
    for (const ast::AttrDecl& a : d.attributes) attrs.push_back(typed(a.name, a.type, a.options));
    Doc inl = cat(head, " { ", join(attrs, "; "), " }");
    uint32_t headerEnd = d.names.back().span.end;
    if (fitsInline(inl, ind, headerEnd, d.attributes.back().span.end)) {
      unit(begin, d.span.end, ind, flat(inl));
      return;
    }
    std::vector<Span> spans;
    for (const ast::AttrDecl& a : d.attributes) spans.push_back(a.span);
    block(begin, d.span.end, headerEnd, cat(head, " {"), ind, spans,
          [&](size_t i, int childIndent) { return renderDoc(attrs[i], childIndent); });
  }

  void score(const ast::Decl& d, uint32_t begin, int ind) {
    Doc header = cat(kw(Kw::Score), " ", d.name.text, figureOptions(d));
    if (!d.hasRuleBlock) {
      unit(begin, d.span.end, ind, assign(cat(header, " ="), *d.expr, expr(*d.expr), ind));
      return;
    }
    uint32_t headerEnd = d.name.span.end;
    if (d.groupBy) headerEnd = std::max(headerEnd, d.groupBy->span.end);
    for (const ast::FigureOption& o : d.figureOptions) headerEnd = std::max(headerEnd, o.span.end);
    if (d.rules.empty()) {
      unit(begin, d.span.end, ind, renderDoc(cat(header, " {}"), ind));
      return;
    }
    if (d.rules.size() == 1 && !d.rules[0].citation) {
      Doc inl = cat(header, " { ", rule(d.rules[0]), " }");
      if (fitsInline(inl, ind, headerEnd, d.rules[0].span.end)) {
        unit(begin, d.span.end, ind, flat(inl));
        return;
      }
    }
    uint32_t brace = src_.find(headerEnd, '{').value_or(headerEnd);
    openBlock(begin, brace + 1, ind, renderDoc(cat(header, " {"), ind));
    uint32_t last = brace + 1;
    for (const ast::Rule& r : d.rules) {
      uint32_t ruleBegin = citation(r.citation, r.span.begin, ind + 2);
      unit(ruleBegin, r.span.end, ind + 2, renderDoc(rule(r), ind + 2));
      last = r.span.end;
    }
    closeBlock(src_.find(last, '}').value_or(d.span.end), d.span.end, ind);
  }

  void test(const ast::Decl& d, uint32_t begin, int ind) {
    Doc header = cat(kw(Kw::Test), " ", raw(d.textSpan));
    if (d.testItems.empty()) {
      unit(begin, d.span.end, ind, flat(cat(header, " {}")));
      return;
    }
    uint32_t brace = src_.find(d.textSpan.end, '{').value_or(d.textSpan.end);
    openBlock(begin, brace + 1, ind, flat(cat(header, " {")));
    uint32_t last = brace + 1;
    for (const ast::TestItem& t : d.testItems) {
      testItem(t, ind + 2);
      last = t.span.end;
    }
    closeBlock(src_.find(last, '}').value_or(d.span.end), d.span.end, ind);
  }

  Doc testSubject(const ast::TestSubject& s) {
    Doc d = cat(raw(s.id.span));
    std::vector<Doc> fields;
    for (const ast::TestField& f : s.fields) fields.push_back(cat(f.name.text, " ", expr(*f.value)));
    if (!fields.empty()) d.kids.push_back(cat(": ", join(fields, ", ")));
    return d;
  }

  Doc testEvent(const ast::TestEvent& e) {
    Doc d = cat(e.date, " ", e.kind.text, " ", raw(e.subject.span));
    std::vector<Doc> fields;
    for (const ast::TestField& f : e.fields) fields.push_back(cat(f.name.text, ": ", expr(*f.value)));
    if (!fields.empty()) d.kids.push_back(cat(" { ", join(fields, ", "), " }"));
    // `× N`: the count as written, found after the subject and its attributes.
    uint32_t at = src_.skip(e.subject.span.end);
    if (src_.starts(at, "{")) at = src_.skip(src_.matchingBrace(at));
    if (at < e.span.end && (src_.starts(at, "*") || src_.starts(at, "×"))) {
      uint32_t count = src_.skip(at + (src_.starts(at, "*") ? 1 : 2));
      uint32_t stop = count;
      while (stop < e.span.end && src_.text(stop, stop + 1).find_first_of("0123456789") == 0) ++stop;
      d.kids.push_back(cat(" × ", stop > count ? std::string(src_.text(count, stop)) : std::to_string(e.times)));
    } else if (e.times != 1) {
      d.kids.push_back(cat(" × ", std::to_string(e.times)));
    }
    return d;
  }

  void testItem(const ast::TestItem& t, int ind) {
    using K = ast::TestItemKind;
    switch (t.kind) {
      case K::Param:
        unit(t.span.begin, t.span.end, ind,
             assign(cat(kw(Kw::Param), " ", t.name.text, " ="), *t.value, expr(*t.value), ind));
        return;
      case K::Expect:
        unit(t.span.begin, t.span.end, ind, renderDoc(cat(kw(Kw::Expect), " ", expr(*t.value)), ind));
        return;
      case K::ExpectError: {
        Doc d = cat(kw(Kw::Expect), " ", kw(Kw::Error));
        std::vector<Span> strings = src_.strings(t.span.begin, t.span.end);
        if (!strings.empty()) d.kids.push_back(cat(" ", raw(strings.back())));
        unit(t.span.begin, t.span.end, ind, flat(d));
        return;
      }
      case K::Subjects:
      case K::Events:
      case K::History: break;
    }
    std::string word = t.kind == K::Subjects ? t.name.text : kw(t.kind == K::Events ? Kw::Events : Kw::History);
    uint32_t headerEnd = src_.nextBrace(t.span.begin);
    std::vector<Doc> children;
    std::vector<Span> spans;
    for (const ast::TestSubject& s : t.subjects) {
      children.push_back(testSubject(s));
      spans.push_back(s.span);
    }
    for (const ast::TestEvent& e : t.events) {
      children.push_back(testEvent(e));
      spans.push_back(e.span);
    }
    if (children.empty()) {
      unit(t.span.begin, t.span.end, ind, word + " {}");
      return;
    }
    // Subjects (and a single event) stay on one line when they fit, like event attributes.
    if (children.size() == 1 || t.kind != K::Events) {
      Doc inl = cat(word, " { ", join(children, "; "), " }");
      if (fitsInline(inl, ind, headerEnd, spans.back().end)) {
        unit(t.span.begin, t.span.end, ind, flat(inl));
        return;
      }
    }
    block(t.span.begin, t.span.end, headerEnd, cat(word, " {"), ind, spans,
          [&](size_t i, int childIndent) { return renderDoc(children[i], childIndent); });
  }

  const ast::Scheme& s_;
  Source src_;
  const std::vector<ast::Comment>& comments_;
  bool zh_;
  std::vector<std::string> eventKinds_;

  std::vector<OutLine> out_;
  size_t next_ = 0;       // the first comment not printed yet
  uint32_t lastEnd_ = 0;  // the end of what was printed last, in the source
  bool blockStart_ = true;
};

}  // namespace

std::string format(const ast::Scheme& scheme, const SourceFile& source, Lang keywords) {
  return Printer(scheme, source, keywords).run();
}

std::optional<std::string> formatText(SourceManager& sources, const std::string& path, std::string text,
                                      Diagnostics& diags, std::optional<Lang> keywords) {
  FileId id = sources.add(path, std::move(text));
  std::unique_ptr<ast::Scheme> tree = syntax::parse(sources, id, diags);
  if (!tree) return std::nullopt;
  return format(*tree, sources.file(id), keywords.value_or(keywordsOf(*tree)));
}

}  // namespace kaoping::format
