// What `kaoping run` writes besides eval::run's results: report.html (unless --no-report)
// and, with --store FILE.db, the run in the results store, whose previous period's
// results become the history when no --history is given.
#pragma once

#include <memory>
#include <string>

#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"

namespace kaoping::store {
class Store;
}

namespace kaoping {

struct RunOutputOptions {
  bool noReport = false;
  std::string store;   // --store FILE.db
  std::string period;  // --period TEXT
};

class RunOutputs {
 public:
  RunOutputs(RunOutputOptions options, Lang lang);
  ~RunOutputs();

  // Before the run: works out the period (--period, or the one the latest event falls
  // in), opens the store and, when no --history was given, reads the previous period's
  // results of the same scheme into inputs.historyTable. Returns 0, or the exit status
  // after printing a message (2 for a bad or missing period, 1 when the store fails).
  int prepare(const plan::Plan& plan, eval::Inputs& inputs);

  // Writes OUT/results.csv, results.json and report.html (each atomically) and stores the
  // run in one transaction that is committed only after the files are written: a run that
  // fails or is killed leaves the store as it was. Returns false with `error` set.
  bool write(const eval::Results& results, const SourceManager& sources, const eval::Inputs& inputs,
             const std::string& outDir, std::string& error);

  bool reportWritten() const { return reportWritten_; }
  // Lines for the summary: where the history came from, where the run was stored.
  std::string notes() const { return notes_; }

 private:
  RunOutputOptions options_;
  Lang lang_;
  std::string period_, started_, history_;
  std::unique_ptr<store::Store> store_;
  bool reportWritten_ = false;
  std::string notes_;
};

}  // namespace kaoping
