// Internal to compiler/sema: the checker that walks the AST and builds the IR.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/ir.h"
#include "compiler/support/diagnostics.h"
#include "compiler/syntax/ast.h"

namespace kaoping::sema {

// A rounding mode written in English (half_up, half-up) or Chinese (四舍五入 …).
std::optional<RoundingMode> roundingModeByName(std::string name);
inline constexpr const char* kRoundingModes =
    "half_up/四舍五入, half_even/银行家舍入, half_down/五舍六入, down/截断, up/进一, floor/向下, ceiling/向上";

// Where an expression is evaluated decides which names it can see.
enum class Scope : uint8_t {
  Row,       // while reading one event: its attributes, the subject's attributes, parameters
  Subject,   // per subject: attributes, figures, aggregates over its events, relations
  Relation,  // a relation's filter: the anchor p, the candidate q, parameters
  Cohort,    // an alert: parameters and aggregates over all subjects
};

struct Ctx {
  Scope scope = Scope::Subject;
  int eventKind = -1;                  // Row: the kind being read
  ir::Window window = ir::Window::None;  // inside `each month`
  int groupKind = -1, groupAttr = -1;  // inside a figure grouped by K.attr
  bool inConstraint = false;           // input constraints: no figures
  bool groupConstraint = false;        // aggregates combine over a group of subjects
  bool optionalCompare = false;        // alerts: comparing "no value" gives "no value"
  int figure = -1;                     // dependencies are recorded for this figure
  bool candidate = false;              // Relation: q is visible
  bool relationMember = false;         // evaluating for each member of a relation
};

class Checker {
 public:
  Checker(const ast::Scheme& ast, const SourceManager& sources, Diagnostics& diags);
  std::unique_ptr<ir::Scheme> run(const std::vector<const ast::Scheme*>& localPlans = {});

 private:
  // ---- declarations (declarations.cpp)
  void collectSettings();
  void collectEnums();
  void collectSubjectAttributes();
  void collectEventKinds();
  void collectParams();
  void collectRelations();
  void collectFigures();
  void checkRelations();
  void resolveFigure(uint32_t index);
  void checkFigureBody(uint32_t index);
  void checkScore(ir::Figure& fig, const ast::Decl& d, Ctx ctx);
  void checkTier(ir::Figure& fig, const ast::Decl& d, Ctx ctx);
  void checkRank(ir::Figure& fig, const ast::Decl& d, Ctx ctx);
  void checkConditions(uint32_t index, const ast::Decl& d, Ctx ctx);
  void checkAdjustments(uint32_t index, Ctx ctx);
  void checkConstraints();
  void checkAlerts();
  void checkOutputs();
  void checkTests(const ast::Scheme& file);
  void applyLocalPlan(const ast::Scheme& local);
  std::optional<std::string> cellText(const ast::Expr& e, const ir::Type& type);
  void applyFigureOptions(ir::Figure& fig, const ast::Decl& d, Ctx ctx);
  bool declareName(const std::string& name, Span span);
  std::optional<ir::Type> resolveType(const ast::TypeExpr& t, const std::string& ownerName);
  uint16_t addEnum(const ast::EnumBody& body, const std::string& name, bool isTier);
  ir::Attribute makeAttribute(const std::string& name, const ast::TypeExpr& type,
                              const std::vector<ast::ValueOption>& options, Span span);
  std::optional<Value> literalValue(const ast::Expr& e, const ir::Type& type, std::string* text = nullptr);
  int attributeByName(const std::string& name) const;
  int relationByName(const std::string& name) const;
  int figureByName(const std::string& name) const;
  int paramByName(const std::string& name) const;
  int kindByName(const std::string& name) const;
  int eventAttrByName(int kind, const std::string& name) const;

  // ---- expressions (expressions.cpp)
 public:
  ir::ExprPtr check(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint = nullptr);
  ir::ExprPtr checkAt(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint);
 private:
  ir::ExprPtr checkName(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint);
  ir::ExprPtr checkMember(const ast::Expr& e, const Ctx& ctx);
  ir::ExprPtr checkBinary(const ast::Expr& e, const Ctx& ctx);
  ir::ExprPtr checkCompare(const ast::Expr& e, const Ctx& ctx);
  ir::ExprPtr checkIn(const ast::Expr& e, const Ctx& ctx);
  ir::ExprPtr checkLogic(const ast::Expr& e, const Ctx& ctx);
  ir::ExprPtr checkIf(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint);
  ir::ExprPtr checkCase(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint);
  ir::ExprPtr checkDefault(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint);
  ir::ExprPtr checkCall(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint);
  ir::ExprPtr checkAggregate(const ast::Expr& e, ir::AggOp op, const Ctx& ctx);
  ir::ExprPtr checkEventAggregate(const ast::Expr& e, ir::AggOp op, int kind, int attr, const ast::CallArg& arg,
                                  const Ctx& ctx);
  ir::ExprPtr checkRelationAggregate(const ast::Expr& e, ir::AggOp op, int relation, const ast::CallArg& arg,
                                     const std::string* member, Span memberSpan, const Ctx& ctx);
  ir::ExprPtr checkLiteral(const ast::Expr& e);

 public:
  ir::ExprPtr checkCondition(const ast::Expr& e, const Ctx& ctx);  // bool, definite
  ir::ExprPtr checkAmount(const ast::Expr& e, const Ctx& ctx);     // number, definite
  ir::ExprPtr checkDefinite(const ast::Expr& e, const Ctx& ctx, const ir::Type* hint = nullptr);
  bool checkPattern(const ast::Pattern& p, const ir::Type& subject, const Ctx& ctx, ir::Pattern& out);

  // Helpers shared by both halves.
  ir::ExprPtr error(Span span);
  ir::ExprPtr constant(ir::Type t, Value v, Span span);
  ir::ExprPtr convert(ir::ExprPtr&& e, const ir::Type& to);  // int → decimal where needed
  std::optional<ir::Type> unify(const ir::Type& a, const ir::Type& b) const;
  bool isError(const ir::ExprPtr& e) const { return !e || e->type.base == ir::BaseType::Error; }
  bool requireDefinite(const ir::ExprPtr& e, const std::string& what);
  std::string typeName(const ir::Type& t) const { return ir::typeName(*ir_, t); }
  void noteDeclared(Diagnostic& d, const std::string& name);
  void suggest(Diagnostic& d, const std::string& name, const std::vector<std::string>& candidates);
  std::vector<std::string> visibleNames(const Ctx& ctx) const;
  uint32_t internAggregate(ir::Aggregate agg);
  void addDependency(const Ctx& ctx, uint32_t figure, Span span);
  Span spanOf(const ast::Expr& e) const { return e.span; }

  const ast::Scheme& ast_;
  const SourceManager& sources_;
  Diagnostics& diags_;
  std::unique_ptr<ir::Scheme> ir_;

  // Names that live in the expression namespace (attributes, parameters, relations,
  // figures) and where they were declared.
  std::map<std::string, Span> declared_;
  std::map<std::string, uint16_t> namedEnums_;

  // Figures: the AST declaration each came from, adjustments by figure name, state of the
  // lazy resolution (types are known once a figure is resolved).
  std::vector<const ast::Decl*> figureDecls_;
  std::multimap<std::string, const ast::Decl*> adjustmentDecls_;
  enum class State : uint8_t { Pending, InProgress, Done };
  std::vector<State> state_;
  std::vector<uint32_t> resolving_;  // stack of figures being resolved
  std::vector<std::vector<std::pair<uint32_t, Span>>> uses_;  // per figure: figures used, where
  std::set<uint32_t> cycleReported_;
  std::unordered_map<std::string, uint32_t> aggregateIndex_;
  std::string relationVars_[2];            // the anchor and candidate names while checking a relation
  std::map<std::string, Span> previousUse_;  // where previous(F) was written, per F
  // check() calls inside each other. A figure is resolved inside the expression that
  // first uses it, so a chain of definitions declared last-first nests that deep: bounded
  // (K0010); driver/compile.cpp runs the checker on a large stack.
  static constexpr size_t kMaxCheckDepth = 20000;
  size_t checkDepth_ = 0;
  bool tooDeepReported_ = false;
};

// Whether s is one of the options (spellings of a word in a rule file).
inline bool oneOf(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options)
    if (s == o) return true;
  return false;
}

}  // namespace kaoping::sema
