// The typed intermediate representation of a scheme.
//
// The semantic pass (compiler/sema) builds it from the AST: every name is resolved to an
// index, every expression has a type, implicit conversions (int → decimal) and
// "no value" defaults are explicit nodes, sugar is gone (`扣完为止` is `floor 0`,
// `95 以上` is `>= 95`, a window rule is a rule with a window). Figures are listed in an
// evaluation order where each comes after everything it uses. The planner
// (compiler/plan) turns it into the flat execution plan; the checker's analyses
// (compiler/analysis) read it. Nothing here refers back to the AST except through Spans.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/support/decimal.h"
#include "compiler/support/source.h"
#include "compiler/support/value.h"

namespace kaoping::ir {

// ---------------------------------------------------------------------------- types

enum class BaseType : uint8_t {
  Int,
  Decimal,
  Money,
  Percent,
  Bool,
  String,
  Date,
  Enum,
  Subject,     // a person or a unit, per the scheme's subjects
  Department,  // the pair (unit, dept) of a person
  Error,       // an expression that already failed to check
};

struct Type {
  BaseType base = BaseType::Error;
  uint16_t enumId = 0;    // Enum: index into Scheme::enums
  bool optional = false;  // may be absent ("no value")

  static Type of(BaseType b) { return Type{b, 0, false}; }
  static Type enumeration(uint16_t id) { return Type{BaseType::Enum, id, false}; }
  Type withOptional(bool o) const { return Type{base, enumId, o}; }
  bool isNumeric() const {
    return base == BaseType::Int || base == BaseType::Decimal || base == BaseType::Money || base == BaseType::Percent;
  }
  bool sameAs(const Type& o) const { return base == o.base && (base != BaseType::Enum || enumId == o.enumId); }
  friend bool operator==(const Type&, const Type&) = default;
};

enum class EnumOrder : uint8_t { None, Ascending, Descending };

struct EnumType {
  std::string name;
  std::vector<std::string> values;
  std::vector<Span> valueSpans;
  EnumOrder order = EnumOrder::None;
  bool isTier = false;  // made by a tier declaration: ordered best first
  Span span;

  // Position in the declared order: larger is "more" (for ascending enums the later
  // value, for descending enums and tiers the earlier one).
  int ordinal(uint32_t index) const {
    return order == EnumOrder::Descending ? static_cast<int>(values.size() - 1 - index) : static_cast<int>(index);
  }
  std::optional<uint32_t> find(std::string_view v) const {
    for (uint32_t i = 0; i < values.size(); ++i)
      if (values[i] == v) return i;
    return std::nullopt;
  }
};

// An interval of exact decimals; an end that is nullopt is unbounded.
struct Interval {
  std::optional<Decimal> lo, hi;
  bool loOpen = false, hiOpen = false;

  static Interval all() { return {}; }
  static Interval point(Decimal v) { return Interval{v, v, false, false}; }
  bool excludesZero() const;
  bool contains(Decimal v) const;
  std::string describe() const;  // "[0, 100]", "(-∞, 20]"
  // The closed range of a + b (a − b with `subtract`); unbounded on a side that is
  // unbounded in an operand or whose bound would overflow.
  static Interval sum(const Interval& a, const Interval& b, bool subtract = false);
};

// ---------------------------------------------------------------------------- expressions

enum class Op : uint8_t {
  Const,           // constant (string constants carry `text`)
  RowAttr,         // attribute `index` of the event row being read
  SubjectAttr,     // attribute `index` of the current subject
  VarAttr,         // attribute `index` of relation variable `var` (0 = anchor p, 1 = candidate q)
  VarSubject,      // the relation variable `var` itself
  CurrentSubject,  // the current subject
  Param,           // parameter `index`
  Figure,          // figure `index` of the current subject
  Previous,        // figure `index` of the current subject in the previous period
  GroupSize,       // number of subjects sharing the current subject's attribute `index`
  EventAgg,        // aggregate `index` (Scheme::aggregates) for the current subject
  RelationAgg,     // aggregate `aggOp` over relation `index` of args[0] evaluated per member
  GroupedAgg,      // aggregate `aggOp` over the values of grouped figure `index`
  Neg, Add, Sub, Mul, Div,
  Compare,         // args[0] `cmp` args[1]
  In,              // args[0] in args[1..]
  Not, And, Or,
  If,              // args: cond, then, else
  Case,            // args[0] matched against `arms`
  Default,         // args[0], or args[1] when args[0] is absent
  Round,           // args[0] rounded to `places` with `mode`
  Floor, Ceil, Abs,
  Max, Min,        // of all args
  ToDecimal,       // int → decimal (also money/percent → decimal where written)
};

enum class CompareOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };
const char* compareSymbol(CompareOp op);
// Whether `a op b` holds, given the three-way comparison of a and b (<0, 0, >0).
inline bool compareHolds(CompareOp op, int threeWay) {
  switch (op) {
    case CompareOp::Eq: return threeWay == 0;
    case CompareOp::Ne: return threeWay != 0;
    case CompareOp::Lt: return threeWay < 0;
    case CompareOp::Le: return threeWay <= 0;
    case CompareOp::Gt: return threeWay > 0;
    case CompareOp::Ge: return threeWay >= 0;
  }
  return false;
}

enum class AggOp : uint8_t { Count, Sum, Mean, WeightedMean, Min, Max, Exists, Last, First };
const char* aggName(AggOp op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One condition of a pattern: `value == v`, `value op v`, or `lo <= value <= hi` (each
// end possibly open).
struct Bound {
  enum class Kind : uint8_t { Equal, Compare, Range } kind = Kind::Equal;
  CompareOp op = CompareOp::Eq;
  ExprPtr value;  // Equal/Compare operand; Range low end
  ExprPtr high;   // Range high end
  Span span;
};

// A list of alternatives (`anyOf`: the value equals one of them) or of bounds (all must
// hold), or `otherwise`.
struct Pattern {
  bool otherwise = false;
  bool anyOf = false;
  std::vector<Bound> bounds;
  Span span;
};

struct CaseArm {
  Pattern pattern;
  ExprPtr result;
};

struct Expr {
  Op op;
  Type type;
  Span span;
  std::vector<ExprPtr> args;
  Value constant;        // Const
  std::string text;      // Const of type String; names for printing
  uint32_t index = 0;    // attribute, param, figure, aggregate, relation
  uint8_t var = 0;       // VarAttr / VarSubject
  CompareOp cmp = CompareOp::Eq;
  AggOp aggOp = AggOp::Count;
  RoundingMode mode = RoundingMode::HalfUp;
  int places = 0;
  std::vector<CaseArm> arms;
  Interval range;           // what the checker knows about the value's range
  std::string absentWhy;    // why the value may be absent (for diagnostics)

  Expr(Op o, Type t, Span s) : op(o), type(t), span(s) {}
};

// ---------------------------------------------------------------------------- declarations

enum class SubjectKind : uint8_t { Persons, Units };
enum class PeriodKind : uint8_t { Year, HalfYear, Quarter, Month };

struct Attribute {
  std::string name;
  Type type;
  Span span;
  bool builtin = false;     // id, name, unit, dept, role, parent
  bool optional = false;    // an empty cell means absent
  std::optional<Value> defaultValue;  // an empty cell means this
  Interval range;           // declared range of numeric values
  bool rangeDeclared = false;
  std::string column;       // the data column it is read from
};

struct EventKind {
  std::string name;
  Span span;
  std::vector<Attribute> attributes;
};

struct Param {
  std::string name;
  Type type;
  Span span;
  std::optional<Value> defaultValue;
  std::string defaultText;
  bool optional = false;
  bool adjustable = false;
  Interval range;
  bool rangeDeclared = false;
};

enum class RelationKind : uint8_t { All, Filter, Expression };
struct Relation {
  std::string name;
  Span span;
  RelationKind kind = RelationKind::Filter;
  ExprPtr body;  // Filter: bool over vars p (0) and q (1); Expression: subject over p
};

// How an aggregate over events is computed, shared by every expression that uses it.
enum class Window : uint8_t { None, Month };
struct Aggregate {
  AggOp op = AggOp::Count;
  uint32_t kind = 0;     // event kind
  ExprPtr value;         // per-row value (Sum/Mean/Min/Max/Last/First/WeightedMean)
  ExprPtr weight;        // WeightedMean
  ExprPtr filter;        // rows that count
  Window window = Window::None;
  int32_t groupedBy = -1;  // attribute of `kind` the enclosing grouped figure groups by
  bool trackRows = false;  // keep the rows that matched (input constraints report them)
  Type type;
  Span span;
  std::string text;  // as written, for explanations
};

enum class EffectSign : uint8_t { Deduct, Add };
struct Effect {
  EffectSign sign = EffectSign::Deduct;
  ExprPtr amount;
  int32_t relation = -1;  // -1: the subject itself
  Span span;
};

enum class RuleKind : uint8_t { Each, Window, When };
struct Rule {
  RuleKind kind = RuleKind::Each;
  uint32_t eventKind = 0;  // Each
  Window window = Window::None;
  ExprPtr condition;       // may be null
  std::vector<Effect> effects;
  std::string citation;
  Span span;
};

enum class AdjustmentKind : uint8_t { CapAtMost, Veto, Quota };
struct Adjustment {
  AdjustmentKind kind;
  Span span;
  std::string citation;
  std::string reason;
  uint32_t value = 0;       // CapAtMost / Quota: the enum value
  ExprPtr replacement;      // Veto: the new value
  ExprPtr condition;        // CapAtMost / Veto / Quota participation
  ExprPtr count;            // Quota: how many may keep the value
  int32_t groupAttr = -1;   // Quota: subject attribute that forms groups
  struct Key {
    ExprPtr key;
    bool descending = false;
  };
  std::vector<Key> keys;    // Quota: who keeps it first
  uint32_t demoteTo = 0;    // Quota
};

enum class FigureKind : uint8_t {
  Formula,     // let / score with `=`
  Score,       // base + rules, floor/cap
  Grouped,     // one value per group of events (by K.attr)
  Tier,        // an ordered enum chosen by bounds over a value
  Rank,        // position among all subjects (or within a group)
  CondFlag,    // conditions: all hold
  CondReasons, // conditions: the labels of those that fail, joined by ';'
};

struct Figure {
  std::string name;
  Span span;
  FigureKind kind = FigureKind::Formula;
  Type type;
  std::string citation;

  ExprPtr expr;  // Formula; Grouped (per group); Tier (the value tiered)

  // Score
  ExprPtr base, floor, cap;
  std::vector<Rule> rules;

  // Declared bounds (checked by `kaoping check`, never applied)
  ExprPtr declaredMax, declaredMin;

  // Grouped
  uint32_t groupKind = 0;
  uint32_t groupAttr = 0;

  // Tier: arm i gives enum value arms[i].value when its pattern holds
  struct TierArm {
    uint32_t value;
    Pattern pattern;
    Span span;
  };
  std::vector<TierArm> tierArms;

  // Rank
  std::vector<Adjustment::Key> rankKeys;
  int32_t rankWithin = -1;  // subject attribute

  // Conditions
  struct Condition {
    std::string label;
    ExprPtr condition;
    Span span;
  };
  std::vector<Condition> conditions;
  uint32_t partner = UINT32_MAX;  // CondFlag ↔ CondReasons (none: UINT32_MAX)

  std::vector<Adjustment> adjustments;  // applied in order after the figure's own value

  bool declaredAsScore = false;  // `score`: printed with `places` even when whole
  int places = 2;         // printed decimal places
  bool output = false;
  bool usedByPrevious = false;
  std::vector<uint32_t> dependsOn;  // figures whose values this one reads
};

struct Constraint {
  Span span;
  std::string citation;
  std::string reason;
  int32_t groupAttr = -1;  // -1: per subject
  ExprPtr when;            // per subject: does the subject take part / is the group checked
  ExprPtr condition;       // over the subject's (or the group's) events
};

struct Alert {
  Span span;
  std::string message;
  ExprPtr condition;  // cohort context
};

// A test block of the rule file (concept 14): a small roster, events, parameters and
// history, and the figures expected. Values are kept as the text a data file would hold;
// the checker has already checked them against the declarations.
struct TestCase {
  std::string name;
  Span span;
  struct Row {
    std::string id;    // subject id (subjects, history)
    std::string date;  // events
    uint32_t kind = 0; // events: the event kind
    std::string subject;
    std::vector<std::pair<std::string, std::string>> fields;  // column → text
    uint32_t times = 1;
    Span span;
  };
  std::vector<Row> subjects;
  std::vector<Row> events;
  std::vector<Row> history;  // fields: figure name → text
  std::vector<std::pair<std::string, std::string>> params;
  struct Expect {
    std::string subject;
    uint32_t figure = 0;
    CompareOp op = CompareOp::Eq;
    Value expected;
    std::string expectedText;
    Span span;
  };
  std::vector<Expect> expects;
  bool expectError = false;
  std::string errorText;
};

struct Scheme {
  std::string name;
  std::string version;
  Span span;
  SubjectKind subjects = SubjectKind::Persons;
  PeriodKind period = PeriodKind::Year;
  int places = 2;
  RoundingMode rounding = RoundingMode::HalfUp;

  std::vector<EnumType> enums;
  std::vector<Attribute> subjectAttributes;  // built-ins first
  std::vector<EventKind> eventKinds;
  std::vector<Param> params;
  std::vector<Relation> relations;  // relation 0 is `all`
  std::vector<Aggregate> aggregates;
  std::vector<Figure> figures;
  std::vector<uint32_t> evaluationOrder;  // figures, dependencies first
  std::vector<uint32_t> outputs;          // figures, in column order
  std::vector<Constraint> constraints;
  std::vector<Alert> alerts;
  std::vector<TestCase> tests;

  int attributeIndex(std::string_view name) const;
  int eventKindIndex(std::string_view name) const;
  int figureIndex(std::string_view name) const;
};

// Built-in subject attributes, in this order.
inline constexpr uint32_t kAttrId = 0;
inline constexpr uint32_t kAttrName = 1;
// persons: 2 unit, 3 dept, 4 role; units: 2 parent
inline constexpr uint32_t kAttrUnit = 2, kAttrDept = 3, kAttrRole = 4;
inline constexpr uint32_t kAttrParent = 2;

std::string typeName(const Scheme& scheme, const Type& type);  // bilingual, for diagnostics
std::string print(const Scheme& scheme);                      // --dump=ir
std::string printExpr(const Scheme& scheme, const Expr& expr);

}  // namespace kaoping::ir
