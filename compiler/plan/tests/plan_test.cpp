// Tests for compiler/plan: IR → flat, slot-indexed plan. Slot allocation, the streaming
// actions per event kind, relation join keys, the steps in dependency order, bytecode
// choices (division that may give "no value"), interned strings, and the driver's stages.
#include "compiler/plan/plan.h"

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <algorithm>
#include <memory>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/sema/analyze.h"
#include "compiler/support/diagnostics.h"
#include "compiler/syntax/parse.h"

namespace kaoping::plan {
namespace {

using ::testing::HasSubstr;

struct Built {
  SourceManager sources;
  Diagnostics diags;
  std::unique_ptr<ast::Scheme> ast;
  std::unique_ptr<ir::Scheme> ir;
  std::unique_ptr<Plan> plan;

  int figure(const std::string& name) const {
    for (size_t i = 0; i < plan->figures.size(); ++i)
      if (plan->figures[i].name == name) return static_cast<int>(i);
    throw std::runtime_error("no figure " + name);
  }
  const Step& stepOf(const std::string& name, StepKind kind) const {
    int f = figure(name);
    for (const Step& s : plan->steps)
      if (s.figure == static_cast<uint32_t>(f) && s.kind == kind) return s;
    throw std::runtime_error("no step for " + name);
  }
  std::vector<Code> codes(const Program& p) const {
    std::vector<Code> out;
    for (uint32_t i = p.begin; i < p.end; ++i) out.push_back(plan->code[i].code);
    return out;
  }
};

std::unique_ptr<Built> build(const std::string& body) {
  auto b = std::make_unique<Built>();
  FileId id = b->sources.add("t.kp", "scheme \"p\" {\n  period year\n  subjects persons\n" + body + "\n}\n");
  b->ast = syntax::parse(b->sources, id, b->diags);
  if (b->ast) b->ir = sema::analyze(*b->ast, b->sources, b->diags);
  if (!b->ir)
    throw std::runtime_error(DiagnosticRenderer(b->sources, Lang::En).render(b->diags, DiagFormat::Gnu));
  b->plan = plan::build(*b->ir);
  return b;
}

bool contains(const std::vector<Code>& codes, Code c) { return std::find(codes.begin(), codes.end(), c) != codes.end(); }

const char* kScheme = R"KP(
  event 缺席 { 请假: bool; 类型: enum { 事, 病 }; 备注: string optional }
  event 请假 { 天数: decimal >= 0 }
  relation 上级(p) = persons q where q.dept == p.dept and q.role in { "处长", "副处长" } and q != p
  relation 同组(p) = persons q where p.role == q.role and q.unit == p.unit
  score 德 base 100 floor 0 {
    each 缺席 where not 请假: deduct 2; deduct 1 from 上级
    each month: deduct floor(max(0, sum(请假.天数) - 3))
  }
  score 能 base 100 { each 缺席: add 1 }
  let n = count(缺席)
  let m = mean(请假.天数)
  let g by 缺席.类型 = count(缺席)
  let h by 缺席.备注 = count(缺席)
  let r = 10 / n
  let s = 10 / (n + 1)
  let t = if role == "处长" then 1 else 0
  let c floor 0 cap 100 = 德 - 5
  tier 等次 on 德 { 优秀: >= 95; 合格: otherwise }
  cap 等次 at most 合格 when n > 3
  veto 等次 to 合格 when n > 9
  quota 等次 优秀 at most 1 per dept by 德 desc else 合格
  conditions 可评 reasons 不可评 { 无缺席: n == 0 }
  rank 名次 by 德 desc, id within dept
)KP";

TEST(PlanSlots, ScoresFirstThenDenseAggregates) {
  auto b = build(kScheme);
  const Plan& p = *b->plan;
  // 德 and 能 take slots 0 and 1; then count(缺席) 1 slot, mean 2 slots, the count per
  // 类型 (an enum of 2 values) 2 slots; the monthly sum and the count per 备注 (a string)
  // are sparse.
  EXPECT_EQ(p.slotsPerSubject, 2u + 1u + 2u + 2u);
  EXPECT_TRUE(p.usesWindows);
  int dense = 0, sparse = 0;
  for (const Aggregate& a : p.aggregates) {
    if (a.sparse) {
      ++sparse;
      continue;
    }
    ++dense;
    EXPECT_GE(a.slot, 2u) << a.text;
    EXPECT_LE(a.slot + a.slotsPerGroup * (a.groupedBy >= 0 ? a.groupCount : 1), p.slotsPerSubject) << a.text;
    if (a.op == AggOp::Mean) {
      EXPECT_EQ(a.slotsPerGroup, 2u);
    }
    if (a.op == AggOp::Count) {
      EXPECT_EQ(a.slotsPerGroup, 1u);
    }
    if (a.groupedBy >= 0) {
      EXPECT_TRUE(a.groupsAreEnum);
      EXPECT_EQ(a.groupCount, 2u);
    }
  }
  EXPECT_EQ(dense, 3);
  EXPECT_EQ(sparse, 2);
  // Dense aggregates do not overlap.
  std::vector<int> owner(p.slotsPerSubject, -1);
  for (size_t i = 0; i < p.aggregates.size(); ++i) {
    const Aggregate& a = p.aggregates[i];
    if (a.sparse) continue;
    for (uint32_t s = a.slot; s < a.slot + a.slotsPerGroup * (a.groupedBy >= 0 ? a.groupCount : 1); ++s) {
      EXPECT_EQ(owner[s], -1) << "slot " << s << " shared";
      owner[s] = static_cast<int>(i);
    }
  }
}

TEST(PlanStreaming, ActionsPerKind) {
  auto b = build(kScheme);
  const Plan& p = *b->plan;
  ASSERT_EQ(p.kinds.size(), 2u);
  EXPECT_EQ(p.kindLookup.at("缺席"), 0u);
  EXPECT_EQ(p.kindLookup.at("请假"), 1u);
  const EventKind& absent = p.kinds[0];
  ASSERT_EQ(absent.attributes.size(), 3u);
  EXPECT_EQ(absent.attributes[0].kind, Kind::Bool);
  EXPECT_EQ(absent.attributes[1].kind, Kind::Enum);
  EXPECT_TRUE(absent.attributes[2].optional);
  // Aggregate updates come before the rules that read nothing but the row.
  std::vector<Action::Type> types;
  for (const Action& a : absent.actions) types.push_back(a.type);
  EXPECT_EQ(types, (std::vector<Action::Type>{Action::Type::Aggregate, Action::Type::Aggregate, Action::Type::Aggregate,
                                               Action::Type::Rule, Action::Type::Rule}));
  const Action& rule = absent.actions[3];
  EXPECT_EQ(rule.figure, static_cast<uint32_t>(b->figure("德")));
  EXPECT_TRUE(rule.condition.valid());
  ASSERT_EQ(rule.effects.size(), 2u);
  EXPECT_EQ(rule.effects[0].relation, -1);
  EXPECT_EQ(rule.effects[0].slot, 0u);
  EXPECT_TRUE(rule.effects[0].deduct);
  EXPECT_EQ(rule.effects[1].relation, 1);  // 上级
  const Action& add = absent.actions[4];
  EXPECT_EQ(add.figure, static_cast<uint32_t>(b->figure("能")));
  EXPECT_EQ(add.effects[0].slot, 1u);
  EXPECT_FALSE(add.effects[0].deduct);
  EXPECT_FALSE(add.condition.valid());
  // The monthly rule is a step rule, not a streaming action.
  const Step& de = b->stepOf("德", StepKind::Score);
  ASSERT_EQ(de.rules.size(), 1u);
  EXPECT_EQ(de.rules[0].window, ir::Window::Month);
}

TEST(PlanRelations, EqualityConjunctsBecomeJoinKeys) {
  auto b = build(kScheme);
  const Plan& p = *b->plan;
  ASSERT_EQ(p.relations.size(), 3u);
  EXPECT_EQ(p.relations[0].kind, ir::RelationKind::All);
  EXPECT_EQ(p.relations[1].joinAttributes, (std::vector<uint32_t>{ir::kAttrDept}));
  EXPECT_EQ(p.relations[2].joinAttributes, (std::vector<uint32_t>{ir::kAttrRole, ir::kAttrUnit}));
  EXPECT_TRUE(p.relations[1].filter.valid());
}

TEST(PlanRelations, OnlyConjunctsAreJoinKeys) {
  auto b = build("  relation r(p) = persons q where q.dept == p.dept or q.role == p.role");
  EXPECT_TRUE(b->plan->relations[1].joinAttributes.empty());
}

TEST(PlanSteps, FollowTheEvaluationOrderWithAdjustmentsAfterTheirFigure) {
  auto b = build(kScheme);
  const Plan& p = *b->plan;
  std::vector<std::string> steps;
  static const char* names[] = {"formula", "score", "grouped", "rank", "conditions", "cap", "veto", "quota"};
  for (const Step& s : p.steps) steps.push_back(std::string(names[static_cast<int>(s.kind)]) + " " + p.figures[s.figure].name);
  EXPECT_EQ(steps, (std::vector<std::string>{"score 德", "score 能", "formula n", "formula m", "grouped g", "grouped h",
                                             "formula r", "formula s", "formula t", "score c", "formula 等次", "cap 等次",
                                             "veto 等次", "quota 等次", "conditions 可评", "rank 名次"}));
  const Step& conditions = b->stepOf("可评", StepKind::Conditions);
  EXPECT_EQ(conditions.reasonsFigure, b->figure("不可评"));
  EXPECT_EQ(conditions.labels, (std::vector<std::string>{"无缺席"}));
  const Step& rank = b->stepOf("名次", StepKind::Rank);
  EXPECT_EQ(rank.keys.size(), 2u);
  EXPECT_EQ(rank.descending, (std::vector<bool>{true, false}));
  EXPECT_EQ(rank.keyKinds, (std::vector<Kind>{Kind::Int, Kind::String}));
  EXPECT_EQ(rank.groupAttr, static_cast<int32_t>(ir::kAttrDept));
  const Step& quota = b->stepOf("等次", StepKind::Quota);
  EXPECT_EQ(p.enums[p.figures[quota.figure].enumId].values[quota.value], "优秀");
  EXPECT_EQ(p.enums[p.figures[quota.figure].enumId].values[quota.demoteTo], "合格");
  EXPECT_TRUE(quota.count.valid());
  // A formula with a floor or cap is computed like a score without rules.
  const Step& c = b->stepOf("c", StepKind::Score);
  EXPECT_TRUE(c.program.valid());
  EXPECT_TRUE(c.floor.valid());
  EXPECT_TRUE(c.cap.valid());
}

TEST(PlanFigures, KindsPlacesAndTiers) {
  auto b = build(kScheme);
  const Plan& p = *b->plan;
  const Figure& de = p.figures[b->figure("德")];
  EXPECT_EQ(de.kind, Kind::Int);
  EXPECT_TRUE(de.fixedPlaces);  // a score prints 100.00 even when whole
  EXPECT_EQ(de.places, 2);
  EXPECT_FALSE(p.figures[b->figure("n")].fixedPlaces);
  const Figure& tier = p.figures[b->figure("等次")];
  EXPECT_EQ(tier.kind, Kind::Enum);
  EXPECT_EQ(tier.tierOf, b->figure("德"));
  const EnumTable& e = p.enums[tier.enumId];
  EXPECT_TRUE(e.ordered);
  EXPECT_TRUE(e.descending);
  EXPECT_EQ(e.lookup.at("合格"), 1u);
  EXPECT_GT(e.ordinal(0), e.ordinal(1));
  EXPECT_TRUE(p.figures[b->figure("g")].grouped);
  EXPECT_TRUE(p.figures[b->figure("g")].groupsAreEnum);
  EXPECT_FALSE(p.figures[b->figure("h")].groupsAreEnum);
  EXPECT_EQ(p.figures[b->figure("不可评")].kind, Kind::String);
}

TEST(PlanBytecode, DivisionThatMayHaveNoValue) {
  auto b = build(kScheme);
  std::vector<Code> r = b->codes(b->stepOf("r", StepKind::Formula).program);
  std::vector<Code> s = b->codes(b->stepOf("s", StepKind::Formula).program);
  EXPECT_TRUE(contains(r, Code::DDivOrAbsent));  // 10 / count: no value when nothing was counted
  EXPECT_FALSE(contains(r, Code::DDiv));
  EXPECT_TRUE(contains(s, Code::DDiv));  // 10 / (count + 1) is never a division by 0
  EXPECT_FALSE(contains(s, Code::DDivOrAbsent));
  EXPECT_TRUE(contains(s, Code::IAdd));
  EXPECT_TRUE(contains(s, Code::ToDecimal));
}

TEST(PlanBytecode, EveryProgramEndsWithReturn) {
  auto b = build(kScheme);
  const Plan& p = *b->plan;
  auto checkProgram = [&](const Program& prog, const std::string& what) {
    if (!prog.valid()) return;
    EXPECT_EQ(p.code[prog.end - 1].code, Code::Return) << what;
    EXPECT_LE(prog.end, p.code.size()) << what;
    for (uint32_t i = prog.begin; i < prog.end; ++i) {
      Code c = p.code[i].code;
      if (c == Code::Jump || c == Code::JumpIfFalse || c == Code::JumpIfPresent || c == Code::JumpIfAbsent) {
        EXPECT_TRUE(p.code[i].c >= prog.begin && p.code[i].c < prog.end) << what << ": jump out of its program at " << i;
      }
    }
  };
  for (const Step& s : p.steps) {
    checkProgram(s.program, "step " + p.figures[s.figure].name);
    checkProgram(s.base, "base");
    checkProgram(s.floor, "floor");
    checkProgram(s.condition, "condition");
    for (const Program& k : s.keys) checkProgram(k, "key");
  }
  for (const EventKind& k : p.kinds)
    for (const Action& a : k.actions) {
      checkProgram(a.condition, "action");
      for (const Effect& e : a.effects) checkProgram(e.amount, "effect");
    }
  for (const Aggregate& a : p.aggregates) {
    checkProgram(a.value, a.text);
    checkProgram(a.filter, a.text);
  }
  EXPECT_GT(p.maxStack, 0u);
}

TEST(PlanStrings, ConstantStringsAreInternedOnce) {
  auto b = build(kScheme);
  const std::vector<std::string>& s = b->plan->strings;
  EXPECT_EQ(std::count(s.begin(), s.end(), "处长"), 1);
  EXPECT_EQ(std::count(s.begin(), s.end(), "副处长"), 1);
}

TEST(PlanParams, KindsAndDefaults) {
  auto b = build("  param 奖金: money default 100 元\n  param 率: percentage optional\n  param 次: int in [1, 5] default 2");
  const Plan& p = *b->plan;
  ASSERT_EQ(p.params.size(), 3u);
  EXPECT_EQ(p.params[0].kind, Kind::Money);
  EXPECT_EQ(p.params[0].defaultValue->asDecimal(), Decimal::fromInt(100));
  EXPECT_EQ(p.params[1].kind, Kind::Percent);
  EXPECT_TRUE(p.params[1].optional);
  EXPECT_FALSE(p.params[1].defaultValue.has_value());
  EXPECT_TRUE(p.params[2].rangeDeclared);
  EXPECT_EQ(p.params[2].range.describe(), "[1, 5]");
  EXPECT_EQ(p.params[2].defaultValue->asInt(), 2);
}

TEST(PlanPrint, HeaderAndConstants) {
  auto b = build("  let a = 95\n  let c = 2.5");
  std::string text = print(*b->plan);
  EXPECT_THAT(text, HasSubstr("plan \"p\": 0 slots per subject, "));
  EXPECT_THAT(text, HasSubstr("  step formula a\n"));
  // Constants print as the values written in the scheme.
  EXPECT_THAT(text, HasSubstr(" const 95\n"));
  EXPECT_THAT(text, HasSubstr(" const 2.5\n"));
}

// ---------------------------------------------------------------------------- driver

TEST(Driver, StopsAtTheStageAskedFor) {
  std::string text = "scheme \"d\" { period year subjects persons let a = 1 }";
  SourceManager sources;
  Diagnostics diags;
  driver::Options syntaxOnly;
  syntaxOnly.upTo = driver::Stage::Syntax;
  driver::Compiled c = driver::compileText(sources, "a.kp", text, diags, syntaxOnly);
  EXPECT_TRUE(c.ast);
  EXPECT_FALSE(c.ir);
  EXPECT_FALSE(c.ok());
  driver::Options irOnly;
  irOnly.upTo = driver::Stage::Ir;
  c = driver::compileText(sources, "b.kp", text, diags, irOnly);
  EXPECT_TRUE(c.ir);
  EXPECT_FALSE(c.plan);
  c = driver::compileText(sources, "c.kp", text, diags);
  EXPECT_TRUE(c.ok());
  EXPECT_FALSE(diags.hasErrors());
}

TEST(Driver, ErrorsStopTheLaterStages) {
  SourceManager sources;
  Diagnostics diags;
  driver::Compiled c = driver::compileText(sources, "e.kp", "scheme \"d\" { period year subjects persons let a = b }", diags);
  EXPECT_TRUE(c.ast);
  EXPECT_FALSE(c.ir);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(diags.errorCount(), 1u);
  Diagnostics syntax;
  c = driver::compileText(sources, "f.kp", "scheme \"d\" { let }", syntax);
  EXPECT_FALSE(c.ast);
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(syntax.hasErrors());
}

TEST(Driver, VeryLongOperatorChainsAreRejectedNotCrashed) {
  // 20000 `+` in a row is a 40 KB line, under the line limit: the parser's chain limit
  // (1000) must reject it before the later passes recurse through it.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::string e = "1";
        for (int i = 0; i < 20000; ++i) e += "+1";
        SourceManager sources;
        Diagnostics diags;
        driver::Compiled c = driver::compileText(sources, "long.kp", "scheme \"d\" { period year subjects persons let a = " + e + " }", diags);
        bool rejected = !c.ok() && !diags.all().empty() && diags.all()[0].code() == "K0005";
        std::exit(rejected ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace kaoping::plan
