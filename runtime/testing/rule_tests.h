// Running the test blocks of a rule file (`kaoping test`): each test's roster, events,
// parameters and history are written as ordinary data files to a temporary directory and
// run through the engine exactly like real data; the expected figures are compared with
// the results, and a failure shows the ledger of rule applications behind the actual
// figure. The rules (and caps, vetoes, quotas) the tests made apply give the coverage.
#pragma once

#include <string>
#include <vector>

#include "compiler/plan/plan.h"
#include "compiler/support/diagnostics.h"

namespace kaoping::testing {

struct TestOutcome {
  std::string name;
  Span span;
  bool passed = false;
  std::vector<std::string> failures;  // one readable block per failed expectation
};

struct RuleCoverage {
  Span span;
  std::string citation;
  bool covered = false;
};

struct FileReport {
  std::vector<TestOutcome> tests;
  std::vector<RuleCoverage> rules;
  size_t covered() const;
};

FileReport runTests(const plan::Plan& plan, const SourceManager& sources, Lang lang);

}  // namespace kaoping::testing
