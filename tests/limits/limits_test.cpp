// Limits with clear errors, not crashes or exhaustion (the "never crash" issue): each limit
// on both sides (N accepted, N+1 rejected with an ordinary diagnostic and its place),
// inputs 10^6 deep rejected in well under a second of CPU even under AddressSanitizer,
// and the whole pipeline (checker, analyses, plan, VM, outputs, printers) run at the
// limits without overflowing a stack. Runs in the sanitizer build too (scripts/sanitize.sh).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/ir/ir.h"
#include "compiler/support/diagnostics.h"
#include "compiler/syntax/parse.h"
#include "runtime/eval/engine.h"
#include "runtime/output/results.h"

namespace kaoping {
namespace {

namespace fs = std::filesystem;

std::string scheme(const std::string& body) {
  return "scheme \"t\" {\n  period year\n  subjects persons\n" + body + "\n}\n";
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// CPU seconds (of every thread of the process) that fn takes: robust against a busy machine.
double cpuSeconds(const std::function<void()>& fn) {
  std::clock_t start = std::clock();
  fn();
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

struct Compilation {
  SourceManager sources;
  Diagnostics diags;
  driver::Compiled compiled;
  std::string gnu() const { return DiagnosticRenderer(sources, Lang::En).render(diags, DiagFormat::Gnu); }
  // The code and line:col of the only diagnostic ("K0004 103:1"), or all of them.
  std::string only() const {
    if (diags.all().size() != 1) return "not one diagnostic:\n" + gnu();
    const Diagnostic& d = diags.all()[0];
    if (!d.span.valid()) return std::string(d.code()) + " (no place)";
    LineColumn lc = sources.file(d.span.file).lineColumn(d.span.begin);
    return std::string(d.code()) + " " + std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
};

std::unique_ptr<Compilation> compile(const std::string& text, bool analyze = true) {
  auto c = std::make_unique<Compilation>();
  driver::Options options;
  options.analyze = analyze;
  c->compiled = driver::compileText(c->sources, "t.kp", text, c->diags, options);
  return c;
}

// ---------------------------------------------------------------------------- 10^6 deep

struct Deep {
  const char* name;
  std::string body;    // of `let a = …`
  std::string expect;  // code and place of the only diagnostic ("K0004 103:1"), or a code alone
};

TEST(DeepInputs, MillionDeepIsRejectedCleanlyInUnderASecond) {
  const size_t n = 1000000;
  // One bracket or operator per line: the line limit is not what stops them.
  const std::vector<Deep> cases = {
      // The scheme's `{` is level 1, `let a = (` on line 4 is level 2: the 100th
      // parenthesis, on line 103, is level 101.
      {"parentheses", repeat("(\n", n) + "1" + repeat(")\n", n), "K0004 103:1"},
      {"braces", repeat("{\n", n), "K0004 103:1"},
      {"brackets", repeat("[\n", n), "K0004 103:1"},
      {"minus signs", repeat("-\n", n) + "1", "K0004 103:1"},
      {"nots", repeat("not\n", n) + "true", "K0004 103:1"},
      {"operator chain", repeat("1 +\n", n) + "1", "K0005 4:11"},
      {"mixed chain", repeat("1 * 2 +\n", n / 2) + "1", "K0005 4:11"},
      {"parenthesised chain", repeat("(1) +\n", n) + "1", "K0005 4:11"},
      {"and chain", repeat("true and\n", n) + "true", "K0005 4:11"},
      {"member chain", "a" + repeat(".b\n", n), "K0005 4:11"},
      {"else if", repeat("if a then 1 else\n", n / 2) + "1", "K0004"},
      {"then if", repeat("if a then\n", n) + "1", "K0004"},
      {"one long line", std::string(n, '('), "K0008 4:1"},
  };
  for (const Deep& d : cases) {
    SCOPED_TRACE(d.name);
    std::unique_ptr<Compilation> c;
    double cpu = cpuSeconds([&] { c = compile(scheme("  let a = " + d.body)); });
    EXPECT_FALSE(c->compiled.ok());
    std::string got = c->only();
    EXPECT_EQ(got.substr(0, std::string(d.expect).size()), d.expect) << got;
    EXPECT_LT(cpu, 1.0) << d.name << " took " << cpu << " s of CPU";
  }
}

// ---------------------------------------------------------------------------- the parser's limits

TEST(ParserLimits, NestingBothSides) {
  // Default maxNesting 100: the scheme's braces and 99 more levels.
  for (const char* open : {"(", "-", "not "}) {
    SCOPED_TRACE(open);
    std::string close = std::string(open) == "(" ? ")" : "";
    std::string leaf = std::string(open) == "not " ? "true" : "1";
    auto ok = compile(scheme("  let a = " + repeat(open, 99) + leaf + repeat(close, 99)));
    EXPECT_TRUE(ok->compiled.ok()) << ok->gnu();
    auto bad = compile(scheme("  let a = " + repeat(open, 100) + leaf + repeat(close, 100)));
    EXPECT_FALSE(bad->compiled.ok());
    EXPECT_EQ(bad->only().substr(0, 5), "K0004") << bad->gnu();
  }
}

TEST(ParserLimits, ChainBothSides) {
  for (const char* op : {" + ", " * ", " and "}) {
    SCOPED_TRACE(op);
    std::string leaf = std::string(op) == " and " ? "true" : "1";
    std::string ok = leaf + repeat(op + leaf, 1000), bad = leaf + repeat(op + leaf, 1001);
    EXPECT_TRUE(compile(scheme("  let a = " + ok))->compiled.ok());
    auto c = compile(scheme("  let a = " + bad));
    EXPECT_EQ(c->only(), "K0005 4:11");
  }
}

// An expression exactly `depth` levels deep for the AST builder: chains of at most 990 `+`
// each with a parenthesised expression as its first operand, inside each other
// (`((leaf) + 1 … + 1) + 1 … + 1`). A parenthesis adds one level, a chain of k operators
// k more. Every chain is wrapped before the next is appended, so no run of operators is
// longer than 990 (maxChain 1000) and 50 000 levels need only 51 parentheses (maxNesting 100).
std::string deepExpression(size_t depth, const std::string& leaf = "1") {
  const size_t k = 990;
  std::string e = leaf;
  size_t d = 1;
  while (d < depth) {
    size_t ops = std::min(k, depth - d - 1);
    e = "(" + e + ")" + repeat("\n + 1", ops);  // one term a line: 50 000 levels stay within maxLineBytes
    d += ops + 1;
  }
  return e;
}

TEST(ParserLimits, ExpressionDepthBothSides) {
  // Chains within maxChain inside parentheses within maxNesting can still make one tree
  // thousands of levels deep; the AST builder bounds it (maxExprDepth, K0009).
  syntax::Limits limits;
  auto ok = compile(scheme("  let a = " + deepExpression(limits.maxExprDepth)));
  EXPECT_TRUE(ok->compiled.ok()) << ok->gnu();
  auto bad = compile(scheme("  let a = " + deepExpression(limits.maxExprDepth + 1)));
  EXPECT_FALSE(bad->compiled.ok());
  EXPECT_EQ(bad->only().substr(0, 5), "K0009") << bad->gnu();
  // Deeper still, and with the scheme's own rules around it: rejected, not overflowed.
  auto deeper = compile(scheme("  let a = " + deepExpression(50000)));
  EXPECT_EQ(deeper->only().substr(0, 5), "K0009") << deeper->gnu();
}

TEST(ParserLimits, LargeFileIsReadToTheEnd) {
  // parse() lexes the first 256 KiB of a large file first and stops there only when a
  // limit is broken in it: a limit broken, or an error made, after the first 256 KiB is
  // still found, at its place.
  std::string body;
  for (int i = 0; i < 19000; ++i) body += "  let 甲" + std::to_string(i) + " = " + std::to_string(i) + " + 1  // 注释\n";
  ASSERT_GT(body.size(), 600000u);  // more than twice 256 KiB
  auto ok = compile(scheme(body + "  output 甲1"), false);
  EXPECT_TRUE(ok->compiled.ok()) << ok->gnu().substr(0, 500);
  // Line 19004: `let x = ` and 101 parentheses; the 100th is level 101.
  auto deep = compile(scheme(body + "  let x = " + repeat("(", 101) + "1" + repeat(")", 101)), false);
  EXPECT_EQ(deep->only(), "K0004 19004:110");
  auto chain = compile(scheme(body + "  let x = 1" + repeat(" + 1", 1001)), false);
  EXPECT_EQ(chain->only(), "K0005 19004:11");
  auto syntax = compile(scheme(body + "  let x = (1 +"), false);
  EXPECT_FALSE(syntax->compiled.ok());
  ASSERT_FALSE(syntax->diags.all().empty());
  EXPECT_EQ(syntax->only().substr(0, 11), "K0101 19004") << syntax->gnu();
}

TEST(ParserLimits, FilesThatAreNotRegularOrTooLarge) {
  fs::path dir = fs::temp_directory_path() / ("kaoping_limits_" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto parseFile = [](const std::string& path, const syntax::Limits& limits = {}) {
    auto c = std::make_unique<Compilation>();
    syntax::parseFile(c->sources, path, c->diags, limits);
    return c;
  };
  // /dev/zero would read forever, a FIFO would block: neither is opened for reading.
  std::string fifo = (dir / "fifo.kp").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {std::string("/dev/zero"), fifo, dir.string()}) {
    auto c = parseFile(path);
    ASSERT_EQ(c->diags.all().size(), 1u) << path;
    EXPECT_EQ(c->gnu(), path + ": error[K0001]: cannot read " + path + ": not a regular file\n");
  }
  // One byte over the limit: the message gives the file's real size.
  syntax::Limits small;
  small.maxFileBytes = 100;
  std::string text = scheme("  let a = 1" + repeat(" + 1", 200));
  std::ofstream(dir / "big.kp", std::ios::binary) << text;
  auto big = parseFile((dir / "big.kp").string(), small);
  EXPECT_EQ(big->gnu(), (dir / "big.kp").string() + ":1:1: error[K0003]: the rule file is " +
                            std::to_string(text.size()) + " bytes, more than the limit of 100\n");
  small.maxFileBytes = text.size();
  EXPECT_FALSE(parseFile((dir / "big.kp").string(), small)->diags.hasErrors());
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------- the checker

TEST(CheckerLimits, DefinitionsUsingEachOtherDeeply) {
  // Definitions are resolved inside the expression that uses them: `let a0 = a1 + 1`, …
  // declared last-first nest as deep as the chain (this crashed with 20 000 on an 8 MiB
  // stack). 5000 are fine; 19 990 hit the checker's bound (K0010), reported once.
  auto chain = [](size_t n) {
    std::string body;
    for (size_t i = 0; i < n; ++i) body += "  let a" + std::to_string(i) + " = a" + std::to_string(i + 1) + " + 1\n";
    return scheme(body + "  let a" + std::to_string(n) + " = 1\n  output a0");
  };
  auto ok = compile(chain(5000));
  EXPECT_TRUE(ok->compiled.ok()) << ok->gnu().substr(0, 500);
  auto bad = compile(chain(19990));
  EXPECT_FALSE(bad->compiled.ok());
  ASSERT_GE(bad->diags.all().size(), 1u);
  EXPECT_EQ(bad->diags.all()[0].code(), "K0010") << bad->gnu().substr(0, 500);
  EXPECT_EQ(bad->diags.errorCount(), 1u) << bad->gnu().substr(0, 500);
}

// ---------------------------------------------------------------------------- the whole pipeline at the limits

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kaoping_limits_run_" + std::to_string(getpid()));
    fs::create_directories(dir_ / "data");
    std::ofstream(dir_ / "data/roster.csv") << "id,name,unit,dept,role\nA,甲,局,一处,科员\nB,乙,局,一处,处长\n";
    std::ofstream(dir_ / "data/events.csv") << "date,kind,subject,天数\n2024-01-02,缺席,A,3\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Compiles and runs; the results.csv text, or the diagnostics.
  std::string run(const std::string& text) {
    auto c = compile(text);
    if (!c->compiled.ok()) return "compile: " + c->gnu();
    (void)ir::print(*c->compiled.ir);
    (void)ast::print(*c->compiled.ast);
    eval::Inputs in;
    in.dataDirs.push_back((dir_ / "data").string());
    in.traceLedger = true;
    Diagnostics diags;
    auto results = eval::run(*c->compiled.plan, in, diags);
    if (!results) return "run: " + DiagnosticRenderer(c->sources, Lang::En).render(diags, DiagFormat::Gnu);
    (void)output::resultsJson(*results, &c->sources);
    return output::resultsCsv(*results);
  }

  fs::path dir_;
};

TEST_F(Pipeline, DeepestExpressionsRunThroughEveryPass) {
  const std::string events = "  event 缺席 { 天数: int }\n  let n = sum(缺席.天数) default 0\n";
  // A chain of 1000 inside 99 parentheses: n + 1000 (A: 3 + 1000, B: 0 + 1000).
  std::string chain = repeat("(", 99) + "n" + repeat(" + 1", 1000) + repeat(")", 99);
  EXPECT_EQ(run(scheme(events + "  let a = " + chain + "\n  output a")), "id,a\nA,1003\nB,1000\n");
  // The deepest tree the builder allows: 2000 levels, all `+ 1` but the leaf `n`.
  std::string deep = deepExpression(syntax::Limits{}.maxExprDepth, "n");
  size_t ones = 0;
  for (size_t at = 0; (at = deep.find("+ 1", at)) != std::string::npos; ++at) ++ones;
  EXPECT_EQ(run(scheme(events + "  let a = " + deep + "\n  output a")),
            "id,a\nA," + std::to_string(3 + ones) + "\nB," + std::to_string(ones) + "\n");
  // The same depth in conditions, tiers and each-rules. The score block's braces are a
  // level of nesting: 98 parentheses inside them reach the limit of 100.
  std::string cond = "天数" + repeat(" + 0", 999) + " > 2";
  std::string chain98 = repeat("(", 98) + "天数" + repeat(" + 1", 1000) + repeat(")", 98);
  EXPECT_EQ(run(scheme(events + "  score s base 10 { each 缺席 where " + cond + ": deduct " + chain98 +
                       " - 1000 }\n  tier t on s { 好: >= 5; 差: otherwise }\n  output s, t")),
            "id,s,t\nA,7.00,好\nB,10.00,好\n");
}

TEST_F(Pipeline, LongListsAndManyArguments) {
  // `in` with 700 candidates and max/min of 300 arguments (one instruction takes 255).
  std::string list, args;
  for (int i = 0; i < 700; ++i) list += (i ? ", " : "") + std::to_string(i);
  for (int i = 0; i < 300; ++i) args += (i ? ", " : "") + std::string(i == 280 ? "n + 5" : "n");
  const std::string events = "  event 缺席 { 天数: int }\n  let n = sum(缺席.天数) default 0\n";
  EXPECT_EQ(run(scheme(events + "  let a = n + 600 in { " + list + " }\n  let b = n + 697 in { " + list +
                       " }\n  let c = max(" + args + ")\n  let d = min(" + args + ")\n  output a, b, c, d")),
            "id,a,b,c,d\nA,是,否,8,3\nB,是,是,5,0\n");
}

}  // namespace
}  // namespace kaoping
