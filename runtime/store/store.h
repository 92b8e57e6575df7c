// The results store: an SQLite database that keeps every run's results, period by period,
// with the hashes of the scheme and of the data they came from, so that a later period's
// run can read the previous period's results (history rules: 连续两年优秀 …).
//
//   auto db = store::Store::open("考评.db", error);
//   auto prev = db->load(scheme, store::previousPeriod(period, kind), error);   // history
//   ... eval::run ...
//   db->begin(record, results, &sources, error);   // inserts the run in a transaction
//   ... write results.csv / results.json / report.html ...
//   db->commit(error);                             // or rollback(): all or nothing
//
// A run is one transaction: until commit() nothing of it is visible, and a run that fails
// or is killed before then leaves the store exactly as it was (SQLite's journal undoes
// the partial write the next time the file is opened).
//
// Tables:
//   runs(id, scheme, version, scheme_hash, data_hash, period, params, history, started,
//        finished, status, subjects, events)      status: 'ok' or 'alert'
//   columns(run, position, figure)                 results.csv's columns, in order
//   results(run, subject, figure, value)           value as results.csv prints it; NULL absent
//   alerts(run, position, message)
//   ledger(run, subject, figure, step, rule, amount, rows)
//                                                  per rule location, the sum of its amounts
//                                                  (traced runs only)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/support/source.h"
#include "runtime/eval/engine.h"

struct sqlite3;

namespace kaoping::store {

// SHA-256 over the text of every rule file of a compilation (a local plan and its bases).
std::string schemeHash(const SourceManager& sources);
// SHA-256 over every input file a run read (its name and bytes, in reading order).
std::string dataHash(const std::vector<std::string>& files, std::string& error);
// "2024-06-30T12:00:00Z"
std::string nowUtc();

struct RunRecord {
  std::string scheme, version, schemeHash, dataHash, period;
  std::string params;   // "NAME=VALUE; ..." as given
  std::string history;  // where the history came from, "" without
  std::string started;  // nowUtc() when the run began
};

struct RunInfo {
  int64_t id = 0;
  std::string scheme, version, schemeHash, dataHash, period, params, history, started, finished, status;
  int64_t subjects = 0, events = 0;
};

// A stored run's results as a table: header `id` and the figures, then a row per subject
// (values as results.csv prints them, "" for absent).
struct StoredResults {
  RunInfo run;
  std::vector<std::vector<std::string>> table;
};

class Store {
 public:
  // Opens (creating when missing) the store at `path`.
  static std::unique_ptr<Store> open(const std::string& path, std::string& error);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }

  // The results of the latest run of `scheme` (by name) for `period`: nullopt when there
  // is none (error empty) or on error (error set).
  std::optional<StoredResults> load(const std::string& scheme, const std::string& period, std::string& error);
  // Every stored run, oldest first.
  std::vector<RunInfo> runs(std::string& error);

  // Starts a transaction and inserts the run, its results, alerts and (when traced) its
  // ledger summary. Nothing is visible to others until commit(). Returns the run's id, or
  // 0 with `error` set (the transaction is then rolled back).
  int64_t begin(const RunRecord& record, const eval::Results& results, const SourceManager* sources,
                std::string& error);
  // Stamps the run finished and commits it.
  bool commit(std::string& error);
  // Drops the run begun (also done by the destructor when neither was called).
  void rollback();

 private:
  explicit Store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  bool exec(const char* sql, std::string& error);

  sqlite3* db_ = nullptr;
  std::string path_;
  int64_t pending_ = 0;  // the run begun and not yet committed
};

}  // namespace kaoping::store
