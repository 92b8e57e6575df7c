#include "cli/run_outputs.h"

#include <filesystem>
#include <future>
#include <iostream>

#include <fmt/format.h>

#include "runtime/output/report.h"
#include "runtime/output/results.h"
#include "runtime/store/period.h"
#include "runtime/store/store.h"

namespace fs = std::filesystem;

namespace kaoping {

RunOutputs::RunOutputs(RunOutputOptions options, Lang lang) : options_(std::move(options)), lang_(lang) {}
RunOutputs::~RunOutputs() = default;

int RunOutputs::prepare(const plan::Plan& plan, eval::Inputs& inputs) {
  const bool zh = lang_ == Lang::Zh;
  started_ = store::nowUtc();
  if (!options_.period.empty()) {
    auto p = store::normalizePeriod(options_.period, plan.period);
    if (!p) {
      std::cerr << "kaoping: --period " << options_.period
                << (zh ? fmt::format("：不是本方案的考评期（形如 {}）\n", store::periodExample(plan.period))
                       : fmt::format(": not a period of this scheme (like {})\n", store::periodExample(plan.period)));
      return 2;
    }
    period_ = *p;
  }
  if (options_.store.empty()) return 0;
  if (period_.empty()) {
    std::string error;
    std::string latest = store::latestEventDate(inputs.dataDirs, error);
    if (!error.empty()) {
      std::cerr << "kaoping: " << error << "\n";
      return 1;
    }
    if (latest.empty()) {
      std::cerr << (zh ? fmt::format("kaoping: --store 需要考评期：没有带日期的事件，请用 --period 指定（形如 {}）\n",
                                     store::periodExample(plan.period))
                       : fmt::format("kaoping: --store needs the period: there are no dated events, give --period (like {})\n",
                                     store::periodExample(plan.period)));
      return 2;
    }
    period_ = *store::periodOfDate(latest, plan.period);
    notes_ += zh ? fmt::format("考评期 {}（最晚事件日期 {}）\n", period_, latest)
                 : fmt::format("Period {} (the latest event is of {})\n", period_, latest);
  }
  std::string error;
  store_ = store::Store::open(options_.store, error);
  if (!store_) {
    std::cerr << "kaoping: " << error << "\n";
    return 1;
  }
  if (inputs.history || inputs.historyTable) return 0;
  bool readsHistory = false;
  for (const plan::Figure& f : plan.figures) readsHistory |= f.readFromHistory;
  if (!readsHistory) return 0;
  std::string previous = store::previousPeriod(period_, plan.period);
  auto stored = store_->load(plan.name, previous, error);
  if (!error.empty()) {
    std::cerr << "kaoping: " << options_.store << ": " << error << "\n";
    return 1;
  }
  if (!stored) {
    notes_ += zh ? fmt::format("{} 中没有 {} 的结果：无上期结果\n", options_.store, previous)
                 : fmt::format("No results of {} in {}: no history\n", previous, options_.store);
    return 0;
  }
  history_ = fmt::format("{}#{}", options_.store, stored->run.id);
  inputs.historyName = fmt::format("{} (run {}, {})", options_.store, stored->run.id, previous);
  inputs.historyTable = std::move(stored->table);
  notes_ += zh ? fmt::format("上期结果：{} 中第 {} 次运行（{}）\n", options_.store, stored->run.id, previous)
               : fmt::format("History: run {} of {} in {}\n", stored->run.id, previous, options_.store);
  return 0;
}

bool RunOutputs::write(const eval::Results& results, const SourceManager& sources, const eval::Inputs& inputs,
                       const std::string& outDir, std::string& error) {
  std::error_code ec;
  fs::create_directories(outDir, ec);
  if (ec) {
    error = outDir + ": " + ec.message();
    return false;
  }
  int64_t run = 0;
  if (store_) {
    store::RunRecord record;
    record.scheme = results.plan.name;
    record.version = results.plan.version;
    record.schemeHash = store::schemeHash(sources);
    record.dataHash = store::dataHash(results.files, error);
    if (record.dataHash.empty()) return false;
    record.period = period_;
    for (const auto& [k, v] : inputs.params) record.params += (record.params.empty() ? "" : "; ") + k + "=" + v;
    record.history = inputs.history ? *inputs.history : history_;
    record.started = started_;
    run = store_->begin(record, results, &sources, error);
    if (!run) {
      error = options_.store + ": " + error;
      return false;
    }
  }
  // With --threads above 1, results.json is formatted on another thread while results.csv
  // is formatted here (both only read the results; the same bytes either way).
  std::future<std::string> json =
      std::async(inputs.threads > 1 ? std::launch::async : std::launch::deferred,
                 [&results, &sources] { return output::resultsJson(results, &sources); });
  std::vector<output::OutputFile> files;
  files.push_back({outDir + "/results.csv", output::resultsCsv(results)});
  files.push_back({outDir + "/results.json", json.get()});
  const std::string report = outDir + "/report.html";
  if (!options_.noReport) {
    output::ReportInfo info;
    info.period = period_;
    info.params = inputs.params;
    files.push_back({report, output::reportHtml(results, &sources, lang_, info)});
  }
  if (!output::writeAllAtomically(files, error)) {
    if (store_) store_->rollback();
    return false;
  }
  reportWritten_ = !options_.noReport;
  // A report of an earlier run would no longer match these results.
  if (options_.noReport) fs::remove(report, ec);
  if (store_) {
    if (!store_->commit(error)) {
      error = options_.store + ": " + error;
      return false;
    }
    notes_ += lang_ == Lang::Zh ? fmt::format("已存入 {}：第 {} 次运行，考评期 {}\n", options_.store, run, period_)
                                : fmt::format("Stored in {} as run {} (period {})\n", options_.store, run, period_);
  }
  return true;
}

}  // namespace kaoping
