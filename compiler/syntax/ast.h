// The abstract syntax tree: a faithful picture of one rule file.
//
// The AST keeps what the policy writer wrote (names as spelled, numbers as text, the
// Chinese comparison words as opposed to symbols, declaration order, citations) so that
// the formatter can print it back and diagnostics can point at it. It knows nothing about
// types or meaning; the semantic pass (compiler/sema) resolves it into the typed IR.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/support/source.h"

namespace kaoping::ast {

struct Name {
  std::string text;
  Span span;
};

// ---------------------------------------------------------------------------- expressions

enum class ExprKind {
  Number,   // 2, 0.15 (text kept as written)
  Percent,  // 90%
  Money,    // 2500 元
  String,   // "处长"
  Bool,     // 是 / 否 / true / false
  Date,     // 2024-03-01
  Name,     // 德, 请假, 优秀 ...
  Member,   // p.dept, 请假.天数
  Unary,    // -x
  Binary,   // + - * /
  Compare,  // == != < <= > >= and the Chinese words
  Default,  // x default 0
  In,       // x in {a, b} / x not in {...}
  Not,
  And,
  Or,
  Call,  // round(x, 2), count(缺席 where ...), sum(请假.天数 where ...)
  If,
  Case,
};

enum class BinaryOp { Add, Sub, Mul, Div };
enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };

// How a comparison was spelled, so that the formatter keeps 超过 as 超过.
enum class CompareSpelling { Symbol, Over, NotOver, Under, NotUnder, Reach, Word };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// A bound in a tier arm or case arm: `>= 95`, `95 以上`, `59 以下`, `90 至 100`, or a
// plain value (`优秀`).
enum class BoundKind { Value, Compare, Above, Below, Range };
struct Bound {
  BoundKind kind = BoundKind::Value;
  CompareOp op = CompareOp::Eq;  // for Compare
  CompareSpelling spelling = CompareSpelling::Symbol;
  bool belowIsWithin = false;  // 以内 rather than 以下
  ExprPtr value;               // the bound, or the range's low end
  ExprPtr high;                // the range's high end
  Span span;
};

struct Pattern {
  bool otherwise = false;
  std::vector<Bound> bounds;
  Span span;
};

struct CaseArm {
  Pattern pattern;
  ExprPtr value;
};

struct CallArg {
  ExprPtr value;   // the source (`请假.天数`, `缺席`) or an ordinary argument
  ExprPtr mapped;  // `: expr` after the source
  ExprPtr weight;  // `weighted by expr`
  ExprPtr filter;  // `where expr`
  Span span;
};

struct Expr {
  ExprKind kind;
  Span span;

  // Literals and names: the text as written (numbers without the % or 元).
  std::string text;
  bool boolValue = false;

  // Member: `object.text`; Unary/Not: operand in lhs.
  ExprPtr lhs, rhs;
  BinaryOp binaryOp = BinaryOp::Add;
  char unaryOp = '-';
  CompareOp compareOp = CompareOp::Eq;
  CompareSpelling spelling = CompareSpelling::Symbol;
  bool negated = false;  // `not in`
  Span nameSpan;         // Member: the member name; Call: the callee

  std::vector<ExprPtr> items;  // In: the set
  std::vector<CallArg> args;   // Call
  ExprPtr cond;                // If: condition (then in lhs, else in rhs); Case: the value
  std::vector<CaseArm> arms;   // Case

  Expr(ExprKind k, Span s) : kind(k), span(s) {}
};

// ---------------------------------------------------------------------------- declarations

struct Citation {
  std::string text;
  Span span;
};

enum class EnumOrder { None, Ascending, Descending, Mixed };
struct EnumBody {
  std::vector<Name> values;
  EnumOrder order = EnumOrder::None;
  Span span;
};

struct TypeExpr {
  std::optional<Name> named;        // int, decimal, 活动类型 ...
  std::optional<EnumBody> inlineEnum;
  Span span;
};

enum class ValueOptionKind { Optional, Default, Compare, Range };
struct ValueOption {
  ValueOptionKind kind = ValueOptionKind::Optional;
  CompareOp op = CompareOp::Eq;
  CompareSpelling spelling = CompareSpelling::Symbol;
  ExprPtr value;  // default value, compared bound, or the range's low end
  ExprPtr high;   // the range's high end
  Span span;
};

struct AttrDecl {
  Name name;
  TypeExpr type;
  std::vector<ValueOption> options;
  Span span;
};

enum class FigureOptionKind { Base, Floor, Deplete, Cap, Max, Min, Places };
struct FigureOption {
  FigureOptionKind kind;
  ExprPtr value;
  int places = 0;
  Span span;
};

struct GroupBy {
  Name kind;
  Name attribute;
  Span span;
};

enum class EffectKind { Deduct, Add };
struct Effect {
  EffectKind kind;
  ExprPtr amount;
  std::optional<Name> target;  // a relation; none means the subject itself
  bool targetFirst = false;    // written `从 上级 扣 1`
  Span span;
};

enum class RuleKind { Each, EachMonth, When };
struct Rule {
  std::optional<Citation> citation;
  RuleKind kind;
  std::vector<Name> sources;  // Each: the event kinds, or the window (`month`, `月`)
  ExprPtr condition;
  std::vector<Effect> effects;
  Span span;
};

struct TierArm {
  Name value;
  Pattern pattern;
  Span span;
};

struct OrderKey {
  ExprPtr key;
  bool descending = false;
  bool explicitDirection = false;
  Span span;
};

struct CondItem {
  std::string label;
  bool labelQuoted = false;
  ExprPtr condition;
  Span span;
};

// Tests (concept 14).
struct TestField {
  Name name;
  ExprPtr value;
};
struct TestSubject {
  Name id;
  std::vector<TestField> fields;
  Span span;
};
struct TestEvent {
  std::string date;
  Name kind;
  Name subject;
  std::vector<TestField> fields;
  int times = 1;
  Span span;
};
enum class TestItemKind { Subjects, Events, History, Param, Expect, ExpectError };
struct TestItem {
  TestItemKind kind = TestItemKind::Expect;
  Name name;  // Subjects: persons/units; Param: the parameter
  std::vector<TestSubject> subjects;
  std::vector<TestEvent> events;
  ExprPtr value;  // Param value, Expect condition
  std::string message;
  Span span;
};

enum class DeclKind {
  Period, Subjects, Places, Rounding, Enum, Attribute, Event, Param, Relation, Let, Score,
  Tier, Rank, Cap, Veto, Quota, Conditions, Constraint, Alert, Output, Test, Set
};

struct Decl {
  DeclKind kind;
  Span span;
  std::optional<Citation> citation;

  Name name;                // most declarations
  std::vector<Name> names;  // Event kinds, Output list
  Name secondName;          // Relation parameter; Quota tier value; Conditions reasons
                            // figure; Cap value; Quota demotion target in thirdName
  Name thirdName;
  std::string text;  // Alert message, Reason, Rounding mode, Period...
  Span textSpan;
  int number = 0;  // Places

  // Enum, Attribute, Param
  std::optional<EnumBody> enumBody;
  std::optional<TypeExpr> type;
  std::vector<ValueOption> valueOptions;
  bool adjustable = false;

  std::vector<AttrDecl> attributes;  // Event

  // Relation: `persons q where cond` (relationKind, relationVar, expr) or an expression.
  std::optional<Name> relationKind;
  std::optional<Name> relationVar;

  std::optional<GroupBy> groupBy;             // Let, Score
  std::vector<FigureOption> figureOptions;    // Let, Score
  ExprPtr expr;                               // formula, tier value, cap/veto value, quota count, set value,
                                              // relation filter/expr, constraint condition, alert condition
  ExprPtr when;                               // Cap/Veto/Quota/Constraint condition
  ExprPtr per;                                // Quota/Constraint grouping
  bool hasRuleBlock = false;
  std::vector<Rule> rules;                    // Score
  std::vector<TierArm> arms;                  // Tier
  std::vector<OrderKey> orderKeys;            // Rank, Quota
  std::vector<CondItem> conditions;           // Conditions
  std::optional<std::string> reason;          // Cap, Veto, Constraint
  std::vector<TestItem> testItems;            // Test

  Decl(DeclKind k, Span s) : kind(k), span(s) {}
};
using DeclPtr = std::unique_ptr<Decl>;

struct Comment {
  std::string text;
  Span span;
};

struct Scheme {
  std::string name;
  std::optional<std::string> version;
  std::optional<std::string> extends;
  Span extendsSpan;
  std::vector<DeclPtr> decls;
  std::vector<Comment> comments;
  bool chineseKeywords = false;  // the file spells `方案`, not `scheme`
  Span span;
  FileId file = kNoFile;
};

// A readable indented dump of the tree (kaoping check --dump=ast).
std::string print(const Scheme& scheme);

const char* declKindName(DeclKind kind);
const char* compareOpSymbol(CompareOp op);

}  // namespace kaoping::ast
