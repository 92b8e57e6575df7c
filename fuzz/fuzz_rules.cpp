// Fuzz target: rule text → parse → analyze (names, types) → the checker's analyses →
// plan, then every printer and every diagnostic renderer; when the scheme compiles and
// carries test blocks with small data, `kaoping test` runs them through the engine.
// Nothing may crash, hang, or trip ASan/UBSan; a failed compilation must have reported
// an error (never "nothing compiled and nothing said"); the lexer parse() uses (ANTLR's
// DFA cache widened to every code point) must give the stock lexer's tokens.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/plan/plan.h"
#include "compiler/support/diagnostics.h"
#include "compiler/support/utf8.h"
#include "compiler/syntax/tests/token_listing.h"
#include "fuzz/fuzz_util.h"
#include "runtime/testing/rule_tests.h"

using namespace kaoping;

namespace {

// Test blocks are run only when their data is small (an `× 1000000` event would make
// one input take seconds without finding anything new).
bool smallTests(const plan::Plan& plan) {
  size_t rows = 0;
  for (const ir::TestCase& t : plan.tests) {
    rows += t.subjects.size() + t.history.size();
    for (const auto& e : t.events) rows += e.times;
  }
  return plan.tests.size() <= 8 && rows <= 200;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The rule file is relative to the scratch directory, so that an `extends` names files
  // there (or anywhere: the limits on reading apply).
  std::string text(reinterpret_cast<const char*>(data), size);
  if (utf8::isValid(text) && syntax::tokenListing(text, false) != syntax::tokenListing(text, true)) {
    std::fprintf(stderr, "the wide-DFA lexer and the stock lexer give different tokens\n");
    std::abort();
  }
  SourceManager sources;
  Diagnostics diags;
  driver::Options options;
  options.analyze = true;
  driver::Compiled c = driver::compileText(sources, fuzz::scratchDir() + "/rules.kp", text, diags, options);
  if (!c.ok() && !diags.hasErrors()) {
    std::fprintf(stderr, "compilation failed without an error\n");
    std::abort();
  }
  for (Lang lang : {Lang::En, Lang::Zh}) {
    DiagnosticRenderer renderer(sources, lang);
    for (DiagFormat f : {DiagFormat::Human, DiagFormat::Gnu, DiagFormat::Json}) (void)renderer.render(diags, f);
    (void)renderer.sarif(diags, "fuzz");
    (void)renderer.summary(diags);
  }
  if (c.ast) (void)ast::print(*c.ast);
  if (c.ir) (void)ir::print(*c.ir);
  if (c.plan) {
    (void)plan::print(*c.plan);
    if (!c.plan->tests.empty() && smallTests(*c.plan) && !std::getenv("KAOPING_FUZZ_NO_TESTS"))
      (void)testing::runTests(*c.plan, sources, Lang::En);
  }
  return 0;
}
