// The only file that includes ANTLR: it runs the generated lexer and parser and converts
// the parse tree into Kaoping's AST (compiler/syntax/ast.h).
#include "compiler/syntax/parse.h"

#include "compiler/support/large_stack.h"


#include <cstring>
#include <fstream>
#include <map>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <sstream>

#include "KaopingLexer.h"
#include "KaopingParser.h"
#include "antlr4-runtime.h"
#include "compiler/support/utf8.h"
#include "compiler/syntax/wide_dfa_lexer.h"

namespace kaoping::syntax {

using P = kaoping_antlr::KaopingParser;
using antlr4::Token;
using antlr4::tree::TerminalNode;

namespace {

// ---------------------------------------------------------------------------- positions

// ANTLR counts code points; spans count bytes. offsets[i] is the byte offset of code point i.
// `text` may be the first part of a file (parse() lexes a prefix first); past its end,
// and for EOF, the offset is the whole file's size `end`.
class Offsets {
 public:
  Offsets(std::string_view text, size_t end) {
    offsets_.reserve(text.size() + 1);
    for (uint32_t i = 0; i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets_.push_back(i);
    offsets_.push_back(static_cast<uint32_t>(end));
  }
  uint32_t byte(size_t codePoint) const {
    return codePoint < offsets_.size() ? offsets_[codePoint] : offsets_.back();
  }

 private:
  std::vector<uint32_t> offsets_;
};

struct LimitExceeded {
  DiagId id;
  Span span;
  size_t limit;
};

// ---------------------------------------------------------------------------- token names

std::string tokenDisplay(const antlr4::dfa::Vocabulary& vocab, size_t type) {
  // Every keyword in both spellings (as the lexer has them), symbols as written.
  static const std::map<size_t, std::string> kSpellings = [] {
    std::map<size_t, std::string> m = {
        {P::SCHEME, "scheme/方案"}, {P::VERSION, "version/版本"}, {P::EXTENDS, "extends/继承"},
        {P::PERIOD, "period/周期"}, {P::SUBJECTS, "subjects/考评对象"}, {P::PLACES, "places/小数位"},
        {P::ROUNDING, "rounding/舍入"}, {P::ENUM, "enum/枚举"}, {P::ATTRIBUTE, "attribute/属性"},
        {P::EVENT, "event/事件"}, {P::ADJUSTABLE, "adjustable/可调"}, {P::PARAM, "param/参数"},
        {P::RELATION, "relation/关系"}, {P::LET, "let/定义"}, {P::SCORE, "score/计分"}, {P::BASE, "base/基础分"},
        {P::FLOOR, "floor/下限"}, {P::DEPLETE, "扣完为止"}, {P::CAP, "cap/上限"}, {P::MAX, "max/满分"},
        {P::MIN, "min/最低分"}, {P::EACH_MONTH, "每月"}, {P::EACH, "each/每"}, {P::PER, "per"},
        {P::WHERE, "where/其中"}, {P::WHEN, "when/当"}, {P::DEDUCT, "deduct/扣"}, {P::ADD, "add/加"},
        {P::FROM, "from/从"}, {P::TO, "to/给"}, {P::CITE, "cite/依据"}, {P::TIER, "tier/分档"}, {P::ON, "on"},
        {P::CASE, "case/按"}, {P::BY, "by"}, {P::RANK, "rank/排序"}, {P::ASC, "asc/升序"}, {P::DESC, "desc/降序"},
        {P::WITHIN, "within/分组"}, {P::AT_MOST, "at most/至多"}, {P::VETO, "veto/一票否决"},
        {P::QUOTA, "quota/名额"}, {P::CONDITIONS, "conditions/条件"}, {P::REASONS, "reasons/原因"},
        {P::CONSTRAINT, "constraint/约束"}, {P::REASON, "reason/理由"}, {P::ALERT, "alert/警示"},
        {P::OUTPUT, "output/输出"}, {P::TEST, "test/测试"}, {P::EXPECT, "expect/预期"}, {P::ERROR, "error/错误"},
        {P::HISTORY, "history/历史"}, {P::SET, "set/调整"}, {P::OPTIONAL, "optional/可缺"},
        {P::DEFAULT, "default/默认"}, {P::OTHERWISE, "otherwise/其余"}, {P::WEIGHTED_BY, "weighted by/加权"},
        {P::IF, "if/如果"}, {P::THEN, "then/那么"}, {P::ELSE, "else/否则"}, {P::AND, "and/且"}, {P::OR, "or/或"},
        {P::NOT, "not/非"}, {P::IN, "in/属于"}, {P::TRUE, "true/是"}, {P::FALSE, "false/否"}, {P::YUAN, "元"},
        {P::ABOVE, "以上"}, {P::BELOW, "以下"}, {P::OVER, "超过"}, {P::NOT_OVER, "不超过"}, {P::UNDER, "不满"},
        {P::NOT_UNDER, "不低于"}, {P::REACH, "达到"}, {P::RANGE, "至/.."}, {P::EQ, "=="}, {P::NE, "!="},
        {P::LE, "<="}, {P::GE, ">="}, {P::LT, "<"}, {P::GT, ">"}, {P::ASSIGN, "="}, {P::PLUS, "+"},
        {P::MINUS, "-"}, {P::TIMES, "*"}, {P::DIVIDE, "/"}, {P::PERCENT, "%"}, {P::DOT, "."}, {P::COMMA, ","},
        {P::SEMI, ";"}, {P::COLON, ":"}, {P::LPAREN, "("}, {P::RPAREN, ")"}, {P::LBRACE, "{"}, {P::RBRACE, "}"},
        {P::LBRACK, "["}, {P::RBRACK, "]"}};
    m[P::IDENT] = bilingual("a name", "名称");
    m[P::STRING] = bilingual("a string", "字符串");
    m[P::INT] = bilingual("a number", "数字");
    m[P::NUMBER] = bilingual("a number", "数字");
    m[P::DATE] = bilingual("a date", "日期");
    m[Token::EOF] = bilingual("end of file", "文件结尾");
    return m;
  }();
  auto it = kSpellings.find(type);
  if (it != kSpellings.end()) return it->second;
  return vocab.getDisplayName(type);
}

// Chinese keywords that a name may have swallowed when written without a space.
const char* kGluedKeywords[] = {"每", "扣", "加", "从", "给", "当", "其中", "依据", "如果", "按"};

std::string tokenText(Token* t) {
  if (!t || t->getType() == Token::EOF) return bilingual("end of file", "文件结尾");
  return "`" + t->getText() + "`";
}

// ---------------------------------------------------------------------------- ANTLR hooks

class Reporter {
 public:
  Reporter(FileId file, const Offsets& offsets, Diagnostics& diags)
      : file_(file), offsets_(offsets), diags_(diags) {}

  Span span(Token* t) const {
    if (!t || t->getType() == Token::EOF) {
      uint32_t end = offsets_.byte(SIZE_MAX);
      return Span{file_, end, end};
    }
    return Span{file_, offsets_.byte(t->getStartIndex()), offsets_.byte(t->getStopIndex() + 1)};
  }
  void syntax(Token* at, const std::string& message) {
    if (count_++ >= 20) return;  // cascades after this many are noise
    diags_.report(DiagId::SyntaxError, span(at), message);
  }
  void useDoubleEquals(Token* at) {
    ++count_;
    diags_.report(DiagId::UseDoubleEquals, span(at)).fix(span(at), "==");
  }
  void glued(Token* at, const std::string& keyword) {
    ++count_;
    std::string text = at->getText();
    std::string split = keyword + " " + text.substr(keyword.size());
    diags_.report(DiagId::KeywordGlued, span(at), text, split).fix(span(at), split);
  }
  size_t count() const { return count_; }

 private:
  FileId file_;
  const Offsets& offsets_;
  Diagnostics& diags_;
  size_t count_ = 0;
};

class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit ErrorStrategy(Reporter& reporter) : reporter_(reporter) {}

 protected:
  std::string expected(antlr4::Parser* parser) {
    antlr4::misc::IntervalSet set = parser->getExpectedTokens();
    if (set.size() == 0 || set.size() > 6) return "";
    std::string out;
    for (size_t t : set.toList()) {
      if (!out.empty()) out += ", ";
      out += "`" + tokenDisplay(parser->getVocabulary(), t) + "`";
    }
    return bilingual("; expected ", "；应为 ") + out;
  }
  // A name that starts with a Chinese keyword, where the grammar wanted something else:
  // most likely `扣当事人` meant `扣 当事人`.
  static std::optional<std::string> gluedKeyword(Token* t) {
    if (!t || t->getType() != P::IDENT) return std::nullopt;
    std::string text = t->getText();
    for (const char* kw : kGluedKeywords) {
      std::string k(kw);
      if (text.size() > k.size() && text.compare(0, k.size(), k) == 0) return k;
    }
    return std::nullopt;
  }
  static bool isBinaryOperator(size_t t) {
    return t == P::PLUS || t == P::MINUS || t == P::TIMES || t == P::DIVIDE || t == P::AND || t == P::OR ||
           t == P::EQ || t == P::NE || t == P::LT || t == P::LE || t == P::GT || t == P::GE || t == P::DEFAULT;
  }
  static bool endsOperand(size_t t) {
    return t == P::RPAREN || t == P::RBRACE || t == P::RBRACK || t == P::COMMA || t == P::SEMI || t == P::COLON ||
           t == Token::EOF;
  }
  // An unexpected `=` after a name that a declaration introduces (`let b = 2` after a
  // missing `}`) is a cascade, not a comparison written with `=`.
  static bool definesName(antlr4::Parser* parser) {
    Token* twoBack = parser->getTokenStream()->LT(-2);
    if (!twoBack) return false;
    size_t t = twoBack->getType();
    return t == P::LET || t == P::SCORE || t == P::SET || t == P::RELATION || t == P::PARAM;
  }
  void report(antlr4::Parser* parser, Token* at) {
    if (at && at->getType() == P::ASSIGN && !definesName(parser)) {
      reporter_.useDoubleEquals(at);
      return;
    }
    Token* before = parser->getTokenStream()->LT(-1);
    for (Token* t : {at, before})
      if (auto kw = gluedKeyword(t)) {
        reporter_.glued(t, *kw);
        return;
      }
    // `(2 + )`: an operator followed by something that cannot start an operand — the
    // operand is missing where the next token is.
    if (at && isBinaryOperator(at->getType())) {
      Token* next = parser->getTokenStream()->LT(2);
      if (next && endsOperand(next->getType())) {
        reporter_.syntax(next, bilingual("unexpected ", "意外的 ") + tokenText(next) + bilingual(": an operand is missing after ", "：") +
                                   tokenText(at) + bilingual("", " 之后缺少运算对象"));
        return;
      }
    }
    reporter_.syntax(at, bilingual("unexpected ", "意外的 ") + tokenText(at) + expected(parser));
  }
  void reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) override {
    report(parser, e.getOffendingToken());
  }
  void reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) override {
    report(parser, e.getOffendingToken());
  }
  void reportFailedPredicate(antlr4::Parser* parser, const antlr4::FailedPredicateException& e) override {
    report(parser, e.getOffendingToken());
  }
  void reportUnwantedToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    report(parser, parser->getCurrentToken());
  }
  void reportMissingToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    Token* at = parser->getCurrentToken();
    antlr4::misc::IntervalSet set = getExpectedTokens(parser);
    std::string missing;
    if (set.size() <= 6)
      for (size_t t : set.toList()) missing += (missing.empty() ? "" : "`/`") + tokenDisplay(parser->getVocabulary(), t);
    if (missing.empty()) missing = "?";
    if (auto kw = gluedKeyword(at)) {
      reporter_.glued(at, *kw);
      return;
    }
    reporter_.syntax(at, bilingual("missing `", "缺少 `") + missing + bilingual("` before ", "`，位于 ") + tokenText(at) +
                             bilingual("", " 之前"));
  }

 private:
  Reporter& reporter_;
};

// The lexer, stopped early (an EOF token in place of the rest) as soon as the tokens so
// far are certain to break a limit that scanTokens or DepthGuard checks: open brackets
// deeper than maxNesting, a run of prefix-capable operators longer than maxNesting + 1,
// a flat run `a + b + c …` whose lowest-precedence operators exceed maxChain (they all sit
// on one left spine, so the parser's chain is at least that long), or more lexical
// errors than scanTokens reports. Those checks then report the same diagnostic at the
// same token as on the whole file, but an input of 10^6 brackets or terms is rejected
// after lexing a few thousand tokens instead of all of them (seconds under ASan).
class BoundedLexer : public kaoping_antlr::KaopingLexer {
 public:
  BoundedLexer(antlr4::CharStream* input, const Limits& limits) : KaopingLexer(input), limits_(limits) {
    useWideDfa(*this);
  }

  std::unique_ptr<Token> nextToken() override {
    if (margin_ == 0) {
      if (!stoppedAt_) stoppedAt_ = _input->index();
      emitEOF();
      return std::move(token);
    }
    std::unique_ptr<Token> t = KaopingLexer::nextToken();
    if (!t || t->getType() == Token::EOF || t->getChannel() == Token::HIDDEN_CHANNEL) return t;
    if (margin_ > 0) {
      --margin_;
    } else if (see(t->getType())) {
      // This token and a few more are still returned: the parser's prediction looks a
      // little ahead before it enters the operator that breaks the chain limit.
      margin_ = 64;
    }
    return t;
  }
  // The code point where the lexer stopped early (a limit is certainly broken), if it did.
  std::optional<size_t> stoppedAt() const { return stoppedAt_; }

 private:
  enum class State : uint8_t { None, Operand, Operator };
  struct Run {
    State state = State::None;
    size_t ops[6] = {};  // by precedence class, lowest first: or, and, default, + -, * /, .
    size_t elseIfs = 0;  // `else if` / `then if` in this expression: each inside the one before
    bool afterBranch = false;
  };

  static int opClass(size_t type) {
    switch (type) {
      case P::OR: return 0;
      case P::AND: return 1;
      case P::DEFAULT: return 2;
      case P::PLUS: case P::MINUS: return 3;
      case P::TIMES: case P::DIVIDE: return 4;
      case P::DOT: return 5;
      default: return -1;
    }
  }
  static bool operand(size_t type) {
    return type == P::INT || type == P::NUMBER || type == P::IDENT || type == P::FLOOR || type == P::STRING ||
           type == P::DATE || type == P::TRUE || type == P::FALSE;
  }

  // True when a limit is certainly broken by now.
  bool see(size_t type) {
    if ((type == P::UNKNOWN_CHAR || type == P::UNTERMINATED_STRING) && ++lexicalErrors_ > 50) return true;
    // Prefix-capable operators in a row: all but the first are prefix operators.
    bool prefixCapable = type == P::MINUS || type == P::PLUS || type == P::NOT || type == P::IF;
    prefixRun_ = prefixCapable ? prefixRun_ + 1 : 0;
    if (prefixRun_ > limits_.maxNesting + 1) return true;
    // Brackets, each keeping the run of operators around it aside.
    if (type == P::LPAREN || type == P::LBRACE || type == P::LBRACK) {
      outer_.push_back(run_);
      run_ = Run{};
      return outer_.size() > limits_.maxNesting;
    }
    if (type == P::RPAREN || type == P::RBRACE || type == P::RBRACK) {
      if (outer_.empty()) {
        run_ = Run{};
      } else {
        run_ = outer_.back();
        outer_.pop_back();
        run_.state = State::Operand;  // (…) and f(…) are operands
      }
      return false;
    }
    if (type == P::YUAN || type == P::PERCENT) return false;  // 2 元, 90%: still the operand
    int c = opClass(type);
    if (c >= 0 && run_.state == State::Operand) {
      run_.state = State::Operator;
      ++run_.ops[c];
      for (size_t n : run_.ops)
        if (n) return n > limits_.maxChain;  // the lowest class present
      return false;
    }
    if (operand(type) && run_.state == State::Operator) {
      run_.state = State::Operand;
      return false;
    }
    // Tokens inside one expression keep its count of nested `if`s; any other ends it. The
    // parser enters at least one rule per nested `if`, and its guard allows
    // 4 * maxNesting + 32 (DepthGuard).
    bool inExpression = c >= 0 || operand(type) || type == P::IF || type == P::THEN || type == P::ELSE ||
                        type == P::NOT || type == P::IN || type == P::EQ || type == P::NE || type == P::LT ||
                        type == P::LE || type == P::GT || type == P::GE;
    size_t elseIfs = inExpression ? run_.elseIfs + (run_.afterBranch && type == P::IF) : 0;
    run_ = Run{};
    run_.state = operand(type) ? State::Operand : State::None;
    run_.elseIfs = elseIfs;
    run_.afterBranch = type == P::ELSE || type == P::THEN;
    return elseIfs > 4 * limits_.maxNesting + 64;
  }

  const Limits& limits_;
  int margin_ = -1;  // tokens still returned after a limit was seen; -1 before
  std::optional<size_t> stoppedAt_;
  size_t lexicalErrors_ = 0, prefixRun_ = 0;
  Run run_;
  std::vector<Run> outer_;
};

// Bounds the parser's recursion. A left-recursive operator chain (1+1+…+1) is entered as a
// context whose first child is the same rule: its length is the child's plus one.
// Nesting (a rule inside another) is measured from the parent; the token pre-scan
// already bounds brackets and runs of prefix operators, so this is a second guard
// against recursion the pre-scan cannot see.
class DepthGuard : public antlr4::tree::ParseTreeListener {
 public:
  DepthGuard(const Limits& limits, const Reporter& reporter) : limits_(limits), reporter_(reporter) {}
  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    auto* first = ctx->children.empty() ? nullptr : dynamic_cast<antlr4::ParserRuleContext*>(ctx->children[0]);
    if (first && first->getRuleIndex() == ctx->getRuleIndex()) {
      size_t length = chain_[first] + 1;
      chain_[ctx] = length;
      if (length > limits_.maxChain)
        throw LimitExceeded{DiagId::ChainTooLong, reporter_.span(ctx->getStart()), limits_.maxChain};
    }
    // A labelled alternative (ifPrimary, primaryExpr …) replaces the context that was
    // entered by a copy that is never entered itself: count up to the nearest ancestor
    // that was, one level per step (else `if … else if … else if …` never adds up).
    size_t depth = 1;
    for (auto* up = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent); up;
         up = dynamic_cast<antlr4::ParserRuleContext*>(up->parent), ++depth) {
      auto it = depth_.find(up);
      if (it != depth_.end()) {
        depth += it->second;
        break;
      }
    }
    depth_[ctx] = depth;
    // About four rules are entered per level of bracket nesting (expr, primary, ...).
    if (depth > limits_.maxNesting * 4 + 32)
      throw LimitExceeded{DiagId::NestingTooDeep, reporter_.span(ctx->getStart()), limits_.maxNesting};
  }
  void exitEveryRule(antlr4::ParserRuleContext*) override {}
  void visitTerminal(TerminalNode*) override {}
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}

 private:
  const Limits& limits_;
  const Reporter& reporter_;
  std::unordered_map<const antlr4::ParserRuleContext*, size_t> chain_, depth_;
};

// ---------------------------------------------------------------------------- tree → AST

std::string unquote(const std::string& raw) {
  if (raw.rfind("“", 0) == 0) {
    // “…” : no escapes
    const size_t open = std::string("“").size(), close = std::string("”").size();
    return raw.substr(open, raw.size() - open - close);
  }
  std::string out;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 2 < raw.size()) {
      char n = raw[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
    } else {
      out += c;
    }
  }
  return out;
}

class Builder {
 public:
  Builder(FileId file, const Offsets& offsets, const Limits& limits)
      : file_(file), offsets_(offsets), limits_(limits) {}

  Span span(antlr4::ParserRuleContext* ctx) const {
    Token* a = ctx->getStart();
    Token* b = ctx->getStop();
    uint32_t begin = offsets_.byte(a->getStartIndex());
    uint32_t end = b && b->getType() != Token::EOF && b->getStopIndex() + 1 >= a->getStartIndex()
                       ? offsets_.byte(b->getStopIndex() + 1)
                       : begin;
    return Span{file_, begin, std::max(begin, end)};
  }
  Span span(TerminalNode* node) const { return span(node->getSymbol()); }
  Span span(Token* t) const {
    return Span{file_, offsets_.byte(t->getStartIndex()), offsets_.byte(t->getStopIndex() + 1)};
  }
  ast::Name name(TerminalNode* node) const { return ast::Name{node->getText(), span(node)}; }
  ast::Name name(Token* t) const { return ast::Name{t->getText(), span(t)}; }

  std::unique_ptr<ast::Scheme> scheme(P::SchemeContext* ctx) {
    auto s = std::make_unique<ast::Scheme>();
    s->file = file_;
    s->span = span(ctx);
    s->name = unquote(ctx->name->getText());
    s->chineseKeywords = ctx->SCHEME()->getText() != "scheme";
    if (ctx->version) s->version = unquote(ctx->version->getText());
    if (ctx->base) {
      s->extends = unquote(ctx->base->getText());
      s->extendsSpan = span(ctx->base);
    }
    for (P::ItemContext* item : ctx->item()) {
      ast::DeclPtr d = declaration(item->declaration());
      if (!d) continue;
      if (item->citation()) d->citation = citation(item->citation());
      d->span = span(item->declaration());  // the citation has its own span
      s->decls.push_back(std::move(d));
    }
    return s;
  }

 private:
  ast::Citation citation(P::CitationContext* ctx) {
    return ast::Citation{unquote(ctx->STRING()->getText()), span(ctx)};
  }

  std::optional<std::string> reason(P::ReasonContext* ctx) {
    if (!ctx) return std::nullopt;
    return unquote(ctx->STRING()->getText());
  }

  ast::DeclPtr make(ast::DeclKind kind, antlr4::ParserRuleContext* ctx) {
    return std::make_unique<ast::Decl>(kind, span(ctx));
  }

  std::vector<ast::Name> names(P::IdentListContext* ctx) {
    std::vector<ast::Name> out;
    for (TerminalNode* n : ctx->IDENT()) out.push_back(name(n));
    return out;
  }

  ast::DeclPtr declaration(P::DeclarationContext* ctx) {
    using K = ast::DeclKind;
    if (auto* c = dynamic_cast<P::PeriodDeclContext*>(ctx)) {
      auto d = make(K::Period, c);
      d->name = name(c->IDENT());
      return d;
    }
    if (auto* c = dynamic_cast<P::SubjectsDeclContext*>(ctx)) {
      auto d = make(K::Subjects, c);
      d->name = name(c->IDENT());
      return d;
    }
    if (auto* c = dynamic_cast<P::PlacesDeclContext*>(ctx)) {
      auto d = make(K::Places, c);
      d->number = smallInt(c->INT());
      d->textSpan = span(c->INT());
      return d;
    }
    if (auto* c = dynamic_cast<P::RoundingDeclContext*>(ctx)) {
      auto d = make(K::Rounding, c);
      d->text = c->roundingMode()->getText();
      d->textSpan = span(c->roundingMode());
      return d;
    }
    if (auto* c = dynamic_cast<P::EnumDeclContext*>(ctx)) {
      auto d = make(K::Enum, c);
      d->name = name(c->IDENT());
      d->enumBody = enumBody(c->enumBody());
      return d;
    }
    if (auto* c = dynamic_cast<P::AttributeDeclContext*>(ctx)) {
      auto d = make(K::Attribute, c);
      d->name = name(c->IDENT());
      d->type = typeExpr(c->typeExpr());
      for (auto* o : c->valueOption()) d->valueOptions.push_back(valueOption(o));
      return d;
    }
    if (auto* c = dynamic_cast<P::EventDeclContext*>(ctx)) {
      auto d = make(K::Event, c);
      d->names = names(c->identList());
      for (auto* a : c->attrDecl()) d->attributes.push_back(attrDecl(a));
      return d;
    }
    if (auto* c = dynamic_cast<P::ParamDeclContext*>(ctx)) {
      auto d = make(K::Param, c);
      d->adjustable = c->ADJUSTABLE() != nullptr;
      d->name = name(c->IDENT());
      d->type = typeExpr(c->typeExpr());
      for (auto* o : c->valueOption()) d->valueOptions.push_back(valueOption(o));
      return d;
    }
    if (auto* c = dynamic_cast<P::RelationDeclContext*>(ctx)) {
      auto d = make(K::Relation, c);
      d->name = name(c->IDENT(0));
      d->secondName = name(c->IDENT(1));
      if (auto* f = dynamic_cast<P::FilterRelationContext*>(c->relationBody())) {
        d->relationKind = name(f->kind);
        d->relationVar = name(f->var);
        if (f->expr()) d->expr = expr(f->expr());
      } else if (auto* e = dynamic_cast<P::ExprRelationContext*>(c->relationBody())) {
        d->expr = expr(e->expr());
      }
      return d;
    }
    if (auto* c = dynamic_cast<P::LetDeclContext*>(ctx)) {
      auto d = make(K::Let, c);
      d->name = name(c->IDENT());
      if (c->typeExpr()) d->type = typeExpr(c->typeExpr());
      if (c->groupBy()) d->groupBy = groupBy(c->groupBy());
      for (auto* o : c->figureOption()) d->figureOptions.push_back(figureOption(o));
      d->expr = expr(c->expr());
      return d;
    }
    if (auto* c = dynamic_cast<P::ScoreDeclContext*>(ctx)) {
      auto d = make(K::Score, c);
      d->name = name(c->IDENT());
      if (c->groupBy()) d->groupBy = groupBy(c->groupBy());
      for (auto* o : c->figureOption()) d->figureOptions.push_back(figureOption(o));
      if (c->expr()) {
        d->expr = expr(c->expr());
      } else {
        d->hasRuleBlock = true;
        for (auto* r : c->scoreRule()) d->rules.push_back(rule(r));
      }
      return d;
    }
    if (auto* c = dynamic_cast<P::TierDeclContext*>(ctx)) {
      auto d = make(K::Tier, c);
      d->name = name(c->IDENT());
      d->expr = expr(c->expr());
      for (auto* a : c->tierArm())
        d->arms.push_back(ast::TierArm{name(a->IDENT()), pattern(a->pattern()), span(a)});
      return d;
    }
    if (auto* c = dynamic_cast<P::RankDeclContext*>(ctx)) {
      auto d = make(K::Rank, c);
      d->name = name(c->IDENT());
      for (auto* k : c->orderKey()) d->orderKeys.push_back(orderKey(k));
      if (c->expr()) d->per = expr(c->expr());
      return d;
    }
    if (auto* c = dynamic_cast<P::CapDeclContext*>(ctx)) {
      auto d = make(K::Cap, c);
      d->name = name(c->IDENT(0));
      d->secondName = name(c->IDENT(1));
      d->when = expr(c->expr());
      d->reason = reason(c->reason());
      return d;
    }
    if (auto* c = dynamic_cast<P::VetoDeclContext*>(ctx)) {
      auto d = make(K::Veto, c);
      d->name = name(c->IDENT());
      d->expr = expr(c->expr(0));
      d->when = expr(c->expr(1));
      d->reason = reason(c->reason());
      return d;
    }
    if (auto* c = dynamic_cast<P::QuotaDeclContext*>(ctx)) {
      auto d = make(K::Quota, c);
      d->name = name(c->IDENT(0));
      d->secondName = name(c->IDENT(1));
      d->thirdName = name(c->IDENT(2));
      d->expr = expr(c->expr(0));
      d->per = expr(c->expr(1));
      if (c->WHEN()) d->when = expr(c->expr(2));
      for (auto* k : c->orderKey()) d->orderKeys.push_back(orderKey(k));
      return d;
    }
    if (auto* c = dynamic_cast<P::ConditionsDeclContext*>(ctx)) {
      auto d = make(K::Conditions, c);
      d->name = name(c->IDENT(0));
      if (c->REASONS()) d->secondName = name(c->IDENT(1));
      for (auto* item : c->condItem()) {
        ast::CondItem ci;
        ci.labelQuoted = item->STRING() != nullptr;
        ci.label = ci.labelQuoted ? unquote(item->STRING()->getText()) : item->IDENT()->getText();
        ci.condition = expr(item->expr());
        ci.span = span(item);
        d->conditions.push_back(std::move(ci));
      }
      return d;
    }
    if (auto* c = dynamic_cast<P::ConstraintDeclContext*>(ctx)) {
      auto d = make(K::Constraint, c);
      size_t i = 0;
      if (c->EACH() || c->PER()) d->per = expr(c->expr(i++));
      if (c->WHEN()) d->when = expr(c->expr(i++));
      d->expr = expr(c->expr(i));
      d->reason = reason(c->reason());
      return d;
    }
    if (auto* c = dynamic_cast<P::AlertDeclContext*>(ctx)) {
      auto d = make(K::Alert, c);
      d->text = unquote(c->STRING()->getText());
      d->textSpan = span(c->STRING());
      d->when = expr(c->expr());
      return d;
    }
    if (auto* c = dynamic_cast<P::OutputDeclContext*>(ctx)) {
      auto d = make(K::Output, c);
      d->names = names(c->identList());
      return d;
    }
    if (auto* c = dynamic_cast<P::TestDeclContext*>(ctx)) {
      auto d = make(K::Test, c);
      d->text = unquote(c->STRING()->getText());
      d->textSpan = span(c->STRING());
      for (auto* t : c->testItem()) d->testItems.push_back(testItem(t));
      return d;
    }
    if (auto* c = dynamic_cast<P::SetDeclContext*>(ctx)) {
      auto d = make(K::Set, c);
      d->name = name(c->IDENT());
      d->expr = expr(c->expr());
      return d;
    }
    return nullptr;
  }

  int smallInt(TerminalNode* node) {
    const std::string t = node->getText();
    if (t.size() > 6) return 1000000;
    return std::stoi(t);
  }

  ast::EnumBody enumBody(P::EnumBodyContext* ctx) {
    ast::EnumBody body;
    body.span = span(ctx);
    for (TerminalNode* n : ctx->IDENT()) body.values.push_back(name(n));
    auto seps = ctx->enumSep();
    for (size_t i = 0; i < seps.size(); ++i) {
      ast::EnumOrder o = seps[i]->LT() ? ast::EnumOrder::Ascending
                         : seps[i]->GT() ? ast::EnumOrder::Descending
                                         : ast::EnumOrder::None;
      if (i == 0) body.order = o;
      else if (body.order != o) body.order = ast::EnumOrder::Mixed;
    }
    return body;
  }

  ast::TypeExpr typeExpr(P::TypeExprContext* ctx) {
    ast::TypeExpr t;
    t.span = span(ctx);
    if (auto* n = dynamic_cast<P::NamedTypeContext*>(ctx)) t.named = name(n->IDENT());
    if (auto* e = dynamic_cast<P::InlineEnumTypeContext*>(ctx)) t.inlineEnum = enumBody(e->enumBody());
    return t;
  }

  ast::ExprPtr signedLiteral(P::SignedLiteralContext* ctx) {
    ast::ExprPtr value = literal(ctx->literal());
    if (!ctx->MINUS()) return value;
    auto neg = std::make_unique<ast::Expr>(ast::ExprKind::Unary, span(ctx));
    neg->unaryOp = '-';
    neg->lhs = std::move(value);
    return neg;
  }

  ast::ValueOption valueOption(P::ValueOptionContext* ctx) {
    ast::ValueOption o;
    o.kind = ast::ValueOptionKind::Optional;
    o.span = span(ctx);
    if (auto* d = dynamic_cast<P::DefaultOptionContext*>(ctx)) {
      o.kind = ast::ValueOptionKind::Default;
      if (d->signedLiteral()) {
        o.value = signedLiteral(d->signedLiteral());
      } else {
        o.value = std::make_unique<ast::Expr>(ast::ExprKind::Name, span(d->IDENT()));
        o.value->text = d->IDENT()->getText();
      }
    } else if (auto* c = dynamic_cast<P::CompareOptionContext*>(ctx)) {
      o.kind = ast::ValueOptionKind::Compare;
      compareOp(c->compareOp(), o.op, o.spelling);
      o.value = signedLiteral(c->signedLiteral());
    } else if (auto* r = dynamic_cast<P::RangeOptionContext*>(ctx)) {
      o.kind = ast::ValueOptionKind::Range;
      o.value = signedLiteral(r->lo);
      o.high = signedLiteral(r->hi);
    }
    return o;
  }

  ast::AttrDecl attrDecl(P::AttrDeclContext* ctx) {
    ast::AttrDecl a{name(ctx->IDENT()), typeExpr(ctx->typeExpr()), {}, span(ctx)};
    for (auto* o : ctx->valueOption()) a.options.push_back(valueOption(o));
    return a;
  }

  ast::GroupBy groupBy(P::GroupByContext* ctx) {
    return ast::GroupBy{name(ctx->IDENT(0)), name(ctx->IDENT(1)), span(ctx)};
  }

  ast::FigureOption figureOption(P::FigureOptionContext* ctx) {
    using K = ast::FigureOptionKind;
    ast::FigureOption o{K::Base, nullptr, 0, span(ctx)};
    if (auto* c = dynamic_cast<P::BaseOptionContext*>(ctx)) o.value = expr(c->expr());
    else if (auto* c = dynamic_cast<P::FloorOptionContext*>(ctx)) o.kind = K::Floor, o.value = expr(c->expr());
    else if (dynamic_cast<P::DepleteOptionContext*>(ctx)) o.kind = K::Deplete;
    else if (auto* c = dynamic_cast<P::CapOptionContext*>(ctx)) o.kind = K::Cap, o.value = expr(c->expr());
    else if (auto* c = dynamic_cast<P::MaxOptionContext*>(ctx)) o.kind = K::Max, o.value = expr(c->expr());
    else if (auto* c = dynamic_cast<P::MinOptionContext*>(ctx)) o.kind = K::Min, o.value = expr(c->expr());
    else if (auto* c = dynamic_cast<P::PlacesOptionContext*>(ctx)) o.kind = K::Places, o.places = smallInt(c->INT());
    return o;
  }

  ast::Rule rule(P::ScoreRuleContext* ctx) {
    ast::Rule r;
    // From the rule's head (each/when) on: the citation has its own span, and a rule is
    // pointed at (ledger, explain, diff) on the line that says what it does.
    r.span = span(ctx);
    r.span.begin = span(ctx->ruleHead()).begin;
    if (ctx->citation()) r.citation = citation(ctx->citation());
    if (auto* h = dynamic_cast<P::EachRuleContext*>(ctx->ruleHead())) {
      r.kind = ast::RuleKind::Each;
      for (TerminalNode* n : h->IDENT()) r.sources.push_back(name(n));
      if (h->expr()) r.condition = expr(h->expr());
    } else if (auto* h = dynamic_cast<P::EachMonthRuleContext*>(ctx->ruleHead())) {
      r.kind = ast::RuleKind::EachMonth;
      r.sources.push_back(ast::Name{"月", span(h->EACH_MONTH())});
      if (h->expr()) r.condition = expr(h->expr());
    } else if (auto* h = dynamic_cast<P::WhenRuleContext*>(ctx->ruleHead())) {
      r.kind = ast::RuleKind::When;
      r.condition = expr(h->expr());
    }
    for (auto* e : ctx->effect()) r.effects.push_back(effect(e));
    return r;
  }

  ast::Effect effect(P::EffectContext* ctx) {
    ast::Effect e{ast::EffectKind::Deduct, nullptr, std::nullopt, false, span(ctx)};
    if (auto* c = dynamic_cast<P::DeductEffectContext*>(ctx)) {
      e.amount = expr(c->expr());
      if (c->target) e.target = name(c->target);
    } else if (auto* c = dynamic_cast<P::DeductFromEffectContext*>(ctx)) {
      e.amount = expr(c->expr());
      e.target = name(c->target);
      e.targetFirst = true;
    } else if (auto* c = dynamic_cast<P::AddEffectContext*>(ctx)) {
      e.kind = ast::EffectKind::Add;
      e.amount = expr(c->expr());
      if (c->target) e.target = name(c->target);
    } else if (auto* c = dynamic_cast<P::AddToEffectContext*>(ctx)) {
      e.kind = ast::EffectKind::Add;
      e.amount = expr(c->expr());
      e.target = name(c->target);
      e.targetFirst = true;
    }
    return e;
  }

  ast::Pattern pattern(P::PatternContext* ctx) {
    ast::Pattern p;
    p.span = span(ctx);
    if (dynamic_cast<P::OtherwisePatternContext*>(ctx)) {
      p.otherwise = true;
      return p;
    }
    auto* bp = dynamic_cast<P::BoundsPatternContext*>(ctx);
    for (auto* b : bp->bound()) p.bounds.push_back(bound(b));
    return p;
  }

  ast::Bound bound(P::BoundContext* ctx) {
    ast::Bound b;
    b.span = span(ctx);
    if (auto* c = dynamic_cast<P::CompareBoundContext*>(ctx)) {
      b.kind = ast::BoundKind::Compare;
      compareOp(c->compareOp(), b.op, b.spelling);
      b.value = expr(c->expr());
    } else if (auto* c = dynamic_cast<P::AboveBoundContext*>(ctx)) {
      b.kind = ast::BoundKind::Above;
      b.value = expr(c->expr());
    } else if (auto* c = dynamic_cast<P::BelowBoundContext*>(ctx)) {
      b.kind = ast::BoundKind::Below;
      b.belowIsWithin = c->BELOW()->getText() == "以内";
      b.value = expr(c->expr());
    } else if (auto* c = dynamic_cast<P::RangeBoundContext*>(ctx)) {
      b.kind = ast::BoundKind::Range;
      b.value = expr(c->expr(0));
      b.high = expr(c->expr(1));
    } else if (auto* c = dynamic_cast<P::ValueBoundContext*>(ctx)) {
      b.value = expr(c->expr());
    }
    return b;
  }

  ast::OrderKey orderKey(P::OrderKeyContext* ctx) {
    ast::OrderKey k;
    k.key = expr(ctx->expr());
    k.descending = ctx->DESC() != nullptr;
    k.explicitDirection = ctx->DESC() || ctx->ASC();
    k.span = span(ctx);
    return k;
  }

  ast::TestSubject testSubject(P::TestSubjectContext* ctx) {
    ast::TestSubject s;
    s.span = span(ctx);
    s.id = subjectId(ctx->subjectId());
    for (auto* f : ctx->testField()) s.fields.push_back(ast::TestField{name(f->IDENT()), expr(f->expr())});
    return s;
  }

  ast::Name subjectId(P::SubjectIdContext* ctx) {
    if (ctx->STRING()) return ast::Name{unquote(ctx->STRING()->getText()), span(ctx)};
    return ast::Name{ctx->getText(), span(ctx)};
  }

  ast::TestItem testItem(P::TestItemContext* ctx) {
    using K = ast::TestItemKind;
    ast::TestItem t;
    t.kind = K::Expect;
    t.span = span(ctx);
    if (auto* c = dynamic_cast<P::TestSubjectsContext*>(ctx)) {
      t.kind = K::Subjects;
      t.name = name(c->kind);
      for (auto* s : c->testSubject()) t.subjects.push_back(testSubject(s));
    } else if (auto* c = dynamic_cast<P::TestEventsContext*>(ctx)) {
      t.kind = K::Events;
      for (auto* e : c->testEvent()) {
        ast::TestEvent ev;
        ev.span = span(e);
        ev.date = e->DATE()->getText();
        ev.kind = name(e->kind);
        ev.subject = subjectId(e->subjectId());
        for (auto* f : e->testField()) ev.fields.push_back(ast::TestField{name(f->IDENT()), expr(f->expr())});
        if (e->INT()) ev.times = smallInt(e->INT());
        t.events.push_back(std::move(ev));
      }
    } else if (auto* c = dynamic_cast<P::TestHistoryContext*>(ctx)) {
      t.kind = K::History;
      for (auto* s : c->testSubject()) t.subjects.push_back(testSubject(s));
    } else if (auto* c = dynamic_cast<P::TestParamContext*>(ctx)) {
      t.kind = K::Param;
      t.name = name(c->IDENT());
      t.value = expr(c->expr());
    } else if (auto* c = dynamic_cast<P::TestExpectContext*>(ctx)) {
      t.kind = K::Expect;
      t.value = expr(c->expr());
    } else if (auto* c = dynamic_cast<P::TestExpectErrorContext*>(ctx)) {
      t.kind = K::ExpectError;
      if (c->STRING()) t.message = unquote(c->STRING()->getText());
    }
    return t;
  }

  void compareOp(P::CompareOpContext* ctx, ast::CompareOp& op, ast::CompareSpelling& spelling) {
    using O = ast::CompareOp;
    using S = ast::CompareSpelling;
    spelling = S::Symbol;
    if (ctx->EQ()) op = O::Eq, spelling = ctx->getText() == "==" ? S::Symbol : S::Word;
    else if (ctx->NE()) op = O::Ne, spelling = ctx->getText() == "不等于" ? S::Word : S::Symbol;
    else if (ctx->LT()) op = O::Lt;
    else if (ctx->LE()) op = O::Le;
    else if (ctx->GT()) op = O::Gt;
    else if (ctx->GE()) op = O::Ge;
    else if (ctx->OVER()) op = O::Gt, spelling = S::Over;
    else if (ctx->NOT_OVER()) op = O::Le, spelling = S::NotOver;
    else if (ctx->UNDER()) op = O::Lt, spelling = S::Under;
    else if (ctx->NOT_UNDER()) op = O::Ge, spelling = S::NotUnder;
    else if (ctx->REACH()) op = O::Ge, spelling = S::Reach;
  }

  ast::ExprPtr node(ast::ExprKind kind, antlr4::ParserRuleContext* ctx) {
    return std::make_unique<ast::Expr>(kind, span(ctx));
  }

  ast::ExprPtr literal(P::LiteralContext* ctx) {
    using K = ast::ExprKind;
    if (auto* c = dynamic_cast<P::NumberLiteralContext*>(ctx)) {
      auto e = node(K::Number, c);
      e->text = c->getText();
      return e;
    }
    if (auto* c = dynamic_cast<P::IntLiteralContext*>(ctx)) {
      auto e = node(K::Number, c);
      e->text = c->getText();
      return e;
    }
    if (auto* c = dynamic_cast<P::PercentLiteralContext*>(ctx)) {
      auto e = node(K::Percent, c);
      e->text = c->NUMBER() ? c->NUMBER()->getText() : c->INT()->getText();
      return e;
    }
    if (auto* c = dynamic_cast<P::MoneyLiteralContext*>(ctx)) {
      auto e = node(K::Money, c);
      e->text = c->NUMBER() ? c->NUMBER()->getText() : c->INT()->getText();
      return e;
    }
    if (auto* c = dynamic_cast<P::StringLiteralContext*>(ctx)) {
      auto e = node(K::String, c);
      e->text = unquote(c->getText());
      return e;
    }
    if (auto* c = dynamic_cast<P::TrueLiteralContext*>(ctx)) {
      auto e = node(K::Bool, c);
      e->boolValue = true;
      e->text = c->getText();
      return e;
    }
    if (auto* c = dynamic_cast<P::FalseLiteralContext*>(ctx)) {
      auto e = node(K::Bool, c);
      e->text = c->getText();
      return e;
    }
    auto* c = dynamic_cast<P::DateLiteralContext*>(ctx);
    auto e = node(K::Date, c);
    e->text = c->getText();
    return e;
  }

  ast::ExprPtr binary(ast::ExprKind kind, P::ExprContext* ctx, P::ExprContext* a, P::ExprContext* b) {
    auto e = node(kind, ctx);
    e->lhs = expr(a);
    e->rhs = expr(b);
    return e;
  }

  // Every sub-expression is built through here: the depth of the tree is bounded
  // (LimitExceeded), since later passes walk it recursively on an ordinary stack.
  ast::ExprPtr expr(P::ExprContext* ctx) {
    if (depth_ >= limits_.maxExprDepth)
      throw LimitExceeded{DiagId::ExpressionTooDeep, span(ctx), limits_.maxExprDepth};
    ++depth_;
    struct Leave {
      size_t& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    return exprAt(ctx);
  }

  ast::ExprPtr exprAt(P::ExprContext* ctx) {
    using K = ast::ExprKind;
    if (auto* c = dynamic_cast<P::PrimaryExprContext*>(ctx)) return primary(c->primary());
    if (auto* c = dynamic_cast<P::MemberExprContext*>(ctx)) {
      auto e = node(K::Member, c);
      e->lhs = expr(c->expr());
      e->text = c->IDENT()->getText();
      e->nameSpan = span(c->IDENT());
      return e;
    }
    if (auto* c = dynamic_cast<P::UnaryExprContext*>(ctx)) {
      auto e = node(K::Unary, c);
      e->unaryOp = c->op->getType() == P::MINUS ? '-' : '+';
      e->lhs = expr(c->expr());
      return e;
    }
    if (auto* c = dynamic_cast<P::MulExprContext*>(ctx)) {
      auto e = binary(K::Binary, c, c->expr(0), c->expr(1));
      e->binaryOp = c->op->getType() == P::TIMES ? ast::BinaryOp::Mul : ast::BinaryOp::Div;
      return e;
    }
    if (auto* c = dynamic_cast<P::AddExprContext*>(ctx)) {
      auto e = binary(K::Binary, c, c->expr(0), c->expr(1));
      e->binaryOp = c->op->getType() == P::PLUS ? ast::BinaryOp::Add : ast::BinaryOp::Sub;
      return e;
    }
    if (auto* c = dynamic_cast<P::DefaultExprContext*>(ctx)) return binary(K::Default, c, c->expr(0), c->expr(1));
    if (auto* c = dynamic_cast<P::CompareExprContext*>(ctx)) {
      auto e = binary(K::Compare, c, c->expr(0), c->expr(1));
      compareOp(c->compareOp(), e->compareOp, e->spelling);
      return e;
    }
    if (auto* c = dynamic_cast<P::InExprContext*>(ctx)) {
      auto e = node(K::In, c);
      auto all = c->expr();
      e->lhs = expr(all[0]);
      for (size_t i = 1; i < all.size(); ++i) e->items.push_back(expr(all[i]));
      e->negated = c->NOT() != nullptr;
      return e;
    }
    if (auto* c = dynamic_cast<P::NotExprContext*>(ctx)) {
      auto e = node(K::Not, c);
      e->lhs = expr(c->expr());
      return e;
    }
    if (auto* c = dynamic_cast<P::AndExprContext*>(ctx)) return binary(K::And, c, c->expr(0), c->expr(1));
    auto* c = dynamic_cast<P::OrExprContext*>(ctx);
    return binary(K::Or, c, c->expr(0), c->expr(1));
  }

  ast::ExprPtr primary(P::PrimaryContext* ctx) {
    using K = ast::ExprKind;
    if (auto* c = dynamic_cast<P::LiteralPrimaryContext*>(ctx)) return literal(c->literal());
    if (auto* c = dynamic_cast<P::NamePrimaryContext*>(ctx)) {
      auto e = node(K::Name, c);
      e->text = c->getText();  // a name, or `floor` written as a rounding mode
      return e;
    }
    if (auto* c = dynamic_cast<P::CallPrimaryContext*>(ctx)) {
      auto e = node(K::Call, c);
      e->text = c->callee()->getText();
      e->nameSpan = span(c->callee());
      for (auto* a : c->callArg()) {
        ast::CallArg arg;
        arg.span = span(a);
        auto exprs = a->expr();
        size_t i = 0;
        arg.value = expr(exprs[i++]);
        if (a->COLON()) arg.mapped = expr(exprs[i++]);
        if (a->WEIGHTED_BY()) arg.weight = expr(exprs[i++]);
        if (a->WHERE()) arg.filter = expr(exprs[i++]);
        e->args.push_back(std::move(arg));
      }
      return e;
    }
    if (auto* c = dynamic_cast<P::ParenPrimaryContext*>(ctx)) {
      ast::ExprPtr inner = expr(c->expr());
      inner->span = span(c);  // the parentheses belong to the span
      return inner;
    }
    if (auto* c = dynamic_cast<P::IfPrimaryContext*>(ctx)) {
      auto e = node(K::If, c);
      e->cond = expr(c->expr(0));
      e->lhs = expr(c->expr(1));
      e->rhs = expr(c->expr(2));
      return e;
    }
    auto* c = dynamic_cast<P::CasePrimaryContext*>(ctx);
    auto e = node(K::Case, c);
    e->cond = expr(c->expr());
    for (auto* arm : c->caseArm()) e->arms.push_back(ast::CaseArm{pattern(arm->pattern()), expr(arm->expr())});
    return e;
  }

  FileId file_;
  const Offsets& offsets_;
  const Limits& limits_;
  size_t depth_ = 0;  // of expr() calls
};

// ---------------------------------------------------------------------------- the parse

// Runs fn on a thread with a large stack; one parse at a time in the whole process.
void runOnParserThread(const std::function<void()>& fn) {
  static std::mutex parserMutex;
  std::lock_guard<std::mutex> lock(parserMutex);
  runWithLargeStack(fn);
}

bool precheck(const SourceFile& src, FileId file, Diagnostics& diags, const Limits& limits) {
  const std::string& text = src.text();
  if (text.size() > limits.maxFileBytes) {
    diags.report(DiagId::FileTooLarge, Span{file, 0, 0}, text.size(), limits.maxFileBytes);
    return false;
  }
  if (auto bad = utf8::findInvalid(text)) {
    uint32_t at = static_cast<uint32_t>(*bad);
    diags.report(DiagId::InvalidUtf8, Span{file, at, at + 1}, *bad);
    return false;
  }
  for (uint32_t line = 1; line <= src.lineCount(); ++line) {
    std::string_view t = src.lineText(line);
    if (t.size() > limits.maxLineBytes) {
      uint32_t start = src.lineStart(line);
      diags.report(DiagId::LineTooLong, Span{file, start, start + 1}, t.size(), limits.maxLineBytes);
      return false;
    }
  }
  return true;
}

// Token-level checks before the parser runs: unknown characters, unterminated strings,
// over-long names and bracket nesting (so that the parser never sees input that would
// make it recurse without bound).
bool scanTokens(antlr4::CommonTokenStream& tokens, const Reporter& reporter, Diagnostics& diags,
                const Limits& limits) {
  bool ok = true;
  // Nesting = open brackets + prefix operators (`- - x`, `not not x`, `if if …`) on the way
  // in: a run of prefix operators right before a bracket stays counted inside it.
  size_t depth = 0, prefixRun = 0, carried = 0;
  std::vector<size_t> carriedAt;  // `carried` when each open bracket was opened
  size_t previous = Token::EOF;
  for (Token* t : tokens.getTokens()) {
    if (t->getChannel() == Token::HIDDEN_CHANNEL) continue;
    size_t type = t->getType();
    bool prefix = type == P::NOT || type == P::IF ||
                  ((type == P::MINUS || type == P::PLUS) &&
                   (previous == P::MINUS || previous == P::PLUS || previous == P::NOT || previous == P::LPAREN ||
                    previous == P::TIMES || previous == P::DIVIDE || previous == P::COMMA || previous == P::COLON ||
                    previous == P::ASSIGN || previous == P::IF || previous == P::THEN || previous == P::ELSE));
    if (type == P::LPAREN || type == P::LBRACE || type == P::LBRACK) {
      carriedAt.push_back(carried);
      carried += prefixRun;
    } else if ((type == P::RPAREN || type == P::RBRACE || type == P::RBRACK) && !carriedAt.empty()) {
      carried = carriedAt.back();
      carriedAt.pop_back();
    }
    prefixRun = prefix ? prefixRun + 1 : 0;
    previous = type;
    if (depth + carried + prefixRun > limits.maxNesting) {
      diags.report(DiagId::NestingTooDeep, reporter.span(t), limits.maxNesting);
      return false;
    }
    switch (t->getType()) {
      case P::UNKNOWN_CHAR:
        diags.report(DiagId::UnexpectedChar, reporter.span(t), t->getText());
        ok = false;
        break;
      case P::UNTERMINATED_STRING:
        diags.report(DiagId::UnterminatedString, reporter.span(t));
        ok = false;
        break;
      case P::IDENT: {
        size_t chars = utf8::countCodePoints(t->getText());
        if (chars > limits.maxNameChars) {
          diags.report(DiagId::NameTooLong, reporter.span(t), chars, limits.maxNameChars);
          ok = false;
        }
        break;
      }
      case P::LPAREN:
      case P::LBRACE:
      case P::LBRACK:
        if (++depth + carried > limits.maxNesting) {
          diags.report(DiagId::NestingTooDeep, reporter.span(t), limits.maxNesting);
          return false;
        }
        break;
      case P::RPAREN:
      case P::RBRACE:
      case P::RBRACK:
        if (depth) --depth;
        break;
      default:
        break;
    }
    if (diags.errorCount() > 50) return false;
  }
  return ok;
}

}  // namespace

std::unique_ptr<ast::Scheme> parse(const SourceManager& sources, FileId file, Diagnostics& diags,
                                   const Limits& limits) {
  const SourceFile& src = sources.file(file);
  if (!precheck(src, file, diags, limits)) return nullptr;

  std::unique_ptr<ast::Scheme> result;
  runOnParserThread([&] {
    // ANTLR's input stream holds the text as UTF-32 and spans need an offset per code
    // point: for a large file, lex its first 256 KiB (cut after a line break) first. When
    // the lexer stops early there (10^6 brackets or terms: a limit is broken within a few
    // thousand tokens), the rest is never needed, which keeps such input cheap (under a
    // second of CPU under AddressSanitizer); otherwise the whole file is lexed.
    const std::string& text = src.text();
    constexpr size_t kPrefix = 256u << 10;
    std::string_view lexed = text;
    if (text.size() > 2 * kPrefix) {
      size_t lineEnd = text.rfind('\n', kPrefix);
      if (lineEnd != std::string::npos) lexed = lexed.substr(0, lineEnd + 1);
    }
    std::unique_ptr<Offsets> offsetsPtr;
    std::unique_ptr<antlr4::ANTLRInputStream> input;
    std::unique_ptr<BoundedLexer> lexer;
    std::unique_ptr<antlr4::CommonTokenStream> tokensPtr;
    auto lex = [&](std::string_view t) {
      tokensPtr.reset();
      lexer.reset();
      input = std::make_unique<antlr4::ANTLRInputStream>(t.data(), t.size());
      offsetsPtr = std::make_unique<Offsets>(t, text.size());
      lexer = std::make_unique<BoundedLexer>(input.get(), limits);
      lexer->removeErrorListeners();
      tokensPtr = std::make_unique<antlr4::CommonTokenStream>(lexer.get());
      tokensPtr->fill();
    };
    lex(lexed);
    // Stopped well before the cut (the lexer looks a character or two ahead), or lex it all.
    if (lexed.size() < text.size() && !(lexer->stoppedAt() && *lexer->stoppedAt() + 4096 < input->size()))
      lex(text);
    const Offsets& offsets = *offsetsPtr;
    antlr4::CommonTokenStream& tokens = *tokensPtr;
    Reporter reporter(file, offsets, diags);
    if (!scanTokens(tokens, reporter, diags, limits)) return;

    P parser(&tokens);
    parser.removeErrorListeners();
    P::FileContext* tree = nullptr;
    try {
      // Two stages, as ANTLR recommends: the faster SLL prediction first, which gives the
      // same tree whenever it succeeds; only a file it fails on (a syntax error, or a rare
      // construct SLL cannot decide) is parsed again with full LL and the error strategy
      // that reports.
      {
        DepthGuard guard(limits, reporter);
        parser.addParseListener(&guard);
        parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
        parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
        try {
          tree = parser.file();
        } catch (const antlr4::ParseCancellationException&) {
          tree = nullptr;
        }
        parser.removeParseListeners();
      }
      if (!tree) {
        tokens.seek(0);
        parser.reset();
        DepthGuard guard(limits, reporter);
        parser.addParseListener(&guard);
        parser.setErrorHandler(std::make_shared<ErrorStrategy>(reporter));
        parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
        tree = parser.file();
        parser.removeParseListeners();
      }
    } catch (const LimitExceeded& e) {
      diags.report(e.id, e.span, e.limit);
      return;
    }
    if (reporter.count() > 0 || parser.getNumberOfSyntaxErrors() > 0) return;

    Builder builder(file, offsets, limits);
    try {
      result = builder.scheme(tree->scheme());
    } catch (const LimitExceeded& e) {
      diags.report(e.id, e.span, e.limit);
      return;
    }
    for (Token* t : tokens.getTokens()) {
      if (t->getChannel() != Token::HIDDEN_CHANNEL) continue;
      result->comments.push_back(ast::Comment{t->getText(), reporter.span(t)});
    }
    if (result->decls.size() > limits.maxDeclarations) {
      diags.report(DiagId::TooManyItems, result->decls[limits.maxDeclarations]->span, limits.maxDeclarations,
                   "declarations");
      result.reset();
    }
  });
  return result;
}

std::unique_ptr<ast::Scheme> parseFile(SourceManager& sources, const std::string& path, Diagnostics& diags,
                                       const Limits& limits) {
  // Only regular files, and never more than the limit (+1, to see that it is exceeded):
  // a rule file (or an `extends`) naming /dev/zero or a FIFO must not block or read forever.
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    diags.reportData(DiagId::CannotRead, DataLocation{path, 0, ""}, path,
                     bilingual("not a regular file", "不是普通文件"));
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.reportData(DiagId::CannotRead, DataLocation{path, 0, ""}, path, std::strerror(errno));
    return nullptr;
  }
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > limits.maxFileBytes) {  // said with the file's real size
    FileId id = sources.add(path, "");
    diags.report(DiagId::FileTooLarge, Span{id, 0, 0}, size, limits.maxFileBytes);
    return nullptr;
  }
  std::string text(static_cast<size_t>(std::min<std::uintmax_t>(ec ? limits.maxFileBytes : size, limits.maxFileBytes)) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  FileId id = sources.add(path, std::move(text));
  return parse(sources, id, diags, limits);
}

}  // namespace kaoping::syntax
