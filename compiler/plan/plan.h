// The execution plan: what the runtime executes, built once from the IR and then
// immutable (shared by every thread and every run of the same scheme).
//
// - Every expression is compiled to a small stack bytecode (`Instr`) in one code array,
//   with constants in a pool; the runtime's VM (runtime/eval/vm.h) interprets it with a
//   switch, and the optional JIT compiles the same programs.
// - Reading events is one streaming pass: per event kind, the attributes to parse and
//   check, then the aggregate updates and rule effects that kind triggers
//   (`Kind::actions`), each writing to a slot of the subject's flat accumulator array.
// - Then `steps` run in order, each computing one figure for all subjects (or adjusting
//   it: caps, vetoes, quotas), so that a figure is complete before anything that reads it.
// - Input constraints run between the two; alerts after the steps.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/ir.h"
#include "compiler/support/decimal.h"
#include "compiler/support/source.h"
#include "compiler/support/value.h"

namespace kaoping::plan {

using ir::AggOp;
using ir::CompareOp;
using ir::PeriodKind;
using ir::SubjectKind;

// How a value is represented and printed (the IR type without its enum id).
enum class Kind : uint8_t { Int, Decimal, Money, Percent, Bool, String, Date, Enum, Subject, Department };
Kind kindOf(const ir::Type& t);

// ---------------------------------------------------------------------------- bytecode

enum class Code : uint8_t {
  // loads
  Const,           // c: constant index
  PushAbsent,
  RowAttr,         // c: attribute of the row's kind
  SubjectAttr,     // c: subject attribute
  VarAttr,         // a: variable (0 anchor, 1 candidate), c: subject attribute
  VarSubject,      // a: variable
  CurrentSubject,
  Param,           // c
  Figure,          // c
  Previous,        // c: figure
  GroupSize,       // c: subject attribute
  Agg,             // c: aggregate
  RelationAgg,     // c: index into Plan::relationAggs
  GroupedAgg,      // c: index into Plan::groupedAggs
  LoadLocal,       // c: local slot
  StoreLocal,      // c: local slot (pops)
  Pop,
  // arithmetic; `b` holds the span index for errors
  IAdd, ISub, IMul, INeg, IAbs,
  DAdd, DSub, DMul, DDiv, DNeg, DAbs,
  DDivOrAbsent,    // division whose divisor may be 0: gives "no value" then
  ToDecimal,
  Round,           // a: places, c: rounding mode
  FloorToInt, CeilToInt,  // decimal → int
  FloorDec, CeilDec,      // money → money
  IMax, IMin, DMax, DMin,  // a: how many operands
  // comparisons: a = CompareOp; absent operands: == false, != true, ordering → absent
  CmpInt,          // ints and dates
  CmpDec,
  CmpIndex,        // == / != on bools, enum values, subjects, departments, interned strings
  CmpOrdinal,      // c: enum id (ordered enums)
  CmpString,       // ordering of strings by bytes
  In,              // a: number of candidates below the value; c: compare kind (0 index, 1 int, 2 dec)
  Not, And, Or,    // Kleene logic on absent
  // control flow: c = target instruction (absolute)
  Jump,
  JumpIfFalse,     // pops; absent counts as false
  JumpIfPresent,   // peeks
  JumpIfAbsent,    // peeks
  NoArm,           // c: span index; fails: a value matched no arm
  Return,
};

struct Instr {
  Code code;
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
};

struct Program {
  uint32_t begin = 0, end = 0;  // [begin, end) in Plan::code; empty = no program
  uint32_t locals = 0;
  bool valid() const { return end > begin; }
};

// ---------------------------------------------------------------------------- data

struct Column {
  std::string name;
  Kind kind = Kind::String;
  uint32_t enumId = 0;
  bool optional = false;
  std::optional<Value> defaultValue;
  ir::Interval range;
  bool rangeDeclared = false;
  bool builtin = false;
  Span span;
};

struct EnumTable {
  std::string name;
  std::vector<std::string> values;
  bool ordered = false;
  bool descending = false;
  std::unordered_map<std::string, uint32_t> lookup;
  int ordinal(uint32_t index) const {
    return descending ? static_cast<int>(values.size() - 1 - index) : static_cast<int>(index);
  }
};

struct Param {
  std::string name;
  Kind kind = Kind::Decimal;
  uint32_t enumId = 0;
  std::optional<Value> defaultValue;
  bool optional = false;
  ir::Interval range;
  bool rangeDeclared = false;
  Span span;
};

// ---------------------------------------------------------------------------- streaming

// An aggregate over one kind of event, kept per subject.
struct Aggregate {
  AggOp op = AggOp::Count;
  uint32_t eventKind = 0;
  Program value, weight, filter;
  Kind valueKind = Kind::Int;  // of `value`; sums keep this representation
  uint32_t valueEnum = 0;      // when valueKind is Enum
  ir::Window window = ir::Window::None;
  int32_t groupedBy = -1;      // event attribute the enclosing grouped figure groups by
  bool groupsAreEnum = false;  // the grouping attribute is an enum (fixed slots per value)
  uint32_t groupCount = 1;     // enum values when groupsAreEnum
  uint32_t slot = 0;           // first slot (dense aggregates)
  uint32_t slotsPerGroup = 1;
  bool sparse = false;         // windowed or grouped by a string: kept in per-subject maps
  bool trackRows = false;
  Span span;
  std::string text;
};

struct Effect {
  Program amount;
  int32_t relation = -1;  // -1: the subject itself
  bool deduct = true;
  uint32_t slot = 0;      // the score's contribution slot
  Span span;
};

// What one row of a kind does: update aggregates, or apply a rule's effects when its
// condition holds.
struct Action {
  enum class Type : uint8_t { Aggregate, Rule } type = Type::Rule;
  uint32_t aggregate = 0;  // Aggregate
  Program condition;       // Rule
  std::vector<Effect> effects;
  uint32_t figure = 0;     // Rule: the score it belongs to
  Span span;
  std::string citation;
};

struct EventKind {
  std::string name;
  std::vector<Column> attributes;
  std::vector<Action> actions;
};

// ---------------------------------------------------------------------------- relations

struct Relation {
  std::string name;
  ir::RelationKind kind = ir::RelationKind::Filter;
  Program filter;   // Filter: over p (anchor) and q (candidate)
  Program target;   // Expression: a subject (or absent) for p
  // Equi-join keys found in the filter (`q.A == p.A` conjuncts): candidates are looked up
  // by these attributes instead of scanning every subject.
  std::vector<uint32_t> joinAttributes;
  Span span;
};

struct RelationAgg {
  AggOp op;
  uint32_t relation;
  Program value, filter;
  Kind valueKind;
  uint32_t valueEnum = 0;
};

struct GroupedAgg {
  AggOp op;
  uint32_t figure;
  Kind valueKind;
  uint32_t valueEnum = 0;
};

// ---------------------------------------------------------------------------- steps

enum class StepKind : uint8_t { Formula, Score, Grouped, Rank, Conditions, CapAtMost, Veto, Quota };

struct WhenRule {
  Program condition;
  std::vector<Effect> effects;
  ir::Window window = ir::Window::None;
  Span span;
  std::string citation;
};

struct Step {
  StepKind kind = StepKind::Formula;
  uint32_t figure = 0;
  Program program;             // Formula/Grouped: the value; Veto: the replacement
  Program unrounded;           // Formula `round(x, n)`: x, for explanations
  // Score
  Program base, floor, cap;
  uint32_t slot = 0;           // contribution slot filled while reading events
  std::vector<WhenRule> rules; // `when` and `each month` rules
  // Rank / Quota ordering
  std::vector<Program> keys;
  std::vector<bool> descending;
  std::vector<Kind> keyKinds;
  std::vector<uint32_t> keyEnums;
  int32_t groupAttr = -1;      // Rank within / Quota per
  // Conditions
  std::vector<Program> conditions;
  std::vector<std::string> labels;
  std::vector<Span> conditionSpans;  // each `label: condition`, for the ledger
  int32_t reasonsFigure = -1;
  // Cap / Veto / Quota
  Program condition;
  uint32_t value = 0, demoteTo = 0;
  Program count;
  Span span;
  std::string reason;
  std::string citation;
};

struct Figure {
  std::string name;
  Kind kind = Kind::Int;
  uint32_t enumId = 0;
  int places = 2;
  bool fixedPlaces = false;  // a score: printed with `places` even when an integer
  bool output = false;
  bool grouped = false;
  bool groupsAreEnum = false;
  uint32_t groupCount = 0;
  std::vector<uint32_t> groupAggregates;  // the aggregates whose groups give its keys
  bool readFromHistory = false;
  int32_t tierOf = -1;  // a tier: the figure it tiers, when it tiers one directly
  Span span;
  Span definition;      // the expression that defines it (formulas, tiers)
  std::vector<std::pair<uint32_t, Span>> tierArms;  // a tier: each arm's value and pattern
  std::vector<uint32_t> aggregates;  // the aggregates over events its definition reads
  std::vector<uint32_t> uses;        // the figures its definition reads
  std::string citation;
};

struct Constraint {
  int32_t groupAttr = -1;
  Program when, condition;
  std::vector<uint32_t> aggregates;  // whose tracked rows are reported
  Span span;
  std::string reason, citation, text;
};

struct Alert {
  std::string message;
  Program condition;
  Span span;
  // When the condition compares two values (Σ效能奖 > 奖金总额上限), both sides, so that
  // the alert can say by how much.
  Program lhs, rhs;
  Span lhsSpan, rhsSpan;
  Kind kind = Kind::Decimal;
  uint32_t enumId = 0;
  ir::CompareOp op = ir::CompareOp::Gt;
};

// ---------------------------------------------------------------------------- the plan

struct Plan {
  std::string name, version;
  SubjectKind subjects = SubjectKind::Persons;
  PeriodKind period = PeriodKind::Year;

  std::vector<EnumTable> enums;
  std::vector<Column> subjectColumns;  // built-ins first (ir::kAttr*)
  std::vector<EventKind> kinds;
  std::unordered_map<std::string, uint32_t> kindLookup;
  std::vector<Param> params;
  std::vector<Relation> relations;  // 0 is `all`
  std::vector<Aggregate> aggregates;
  std::vector<RelationAgg> relationAggs;
  std::vector<GroupedAgg> groupedAggs;
  uint32_t slotsPerSubject = 0;
  std::vector<Figure> figures;
  std::vector<Step> steps;
  std::vector<uint32_t> outputs;  // figures
  std::vector<Constraint> constraints;
  std::vector<Alert> alerts;
  std::vector<ir::TestCase> tests;  // the rule file's own tests, for `kaoping test`
  std::vector<uint32_t> groupSizeAttributes;  // attributes size() is asked of
  bool usesWindows = false;

  std::vector<Instr> code;
  std::vector<Value> constants;
  std::vector<Kind> constantKinds;   // how each constant is printed (--dump=plan)
  std::vector<std::string> strings;  // interned constant strings: ids 0..n-1
  std::vector<Span> spans;           // for instructions that can fail
  uint32_t maxStack = 0;             // deepest value stack any program needs
  uint32_t maxLocals = 0;
};

// Builds the plan from a checked scheme.
std::unique_ptr<Plan> build(const ir::Scheme& scheme);

// --dump=plan
std::string print(const Plan& plan);
std::string printProgram(const Plan& plan, const Program& p);

}  // namespace kaoping::plan
