// Fuzz target: a fixed scheme (fuzz/schemes/persons.kp, or units.kp when the first file's
// header names a `parent` column) run on fuzzed data files: the input holds up to four
// files separated by F5 F5 (fuzz/fuzz_util.h): roster.csv (or units.csv), events.csv,
// events.jsonl and a history results.csv. They are written to a scratch directory and run
// with eval::run, traced; the results are written as CSV and JSON, summarised and
// explained. Invariants: no crash or sanitizer report; a run either fails with at least
// one error or succeeds with none; results.csv reads back as one record per subject, all
// as wide as its header.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/driver/compile.h"
#include "fuzz/fuzz_util.h"
#include "runtime/data/csv.h"
#include "runtime/eval/engine.h"
#include "runtime/output/explain.h"
#include "runtime/output/results.h"

using namespace kaoping;

namespace {

struct Scheme {
  SourceManager sources;
  driver::Compiled compiled;
};

std::unique_ptr<Scheme> load(const char* file) {
  auto s = std::make_unique<Scheme>();
  Diagnostics diags;
  std::string path = std::string(KAOPING_FUZZ_SCHEMES) + "/" + file;
  s->compiled = driver::compileFile(s->sources, path, diags);
  if (!s->compiled.ok()) {
    std::fprintf(stderr, "%s", DiagnosticRenderer(s->sources, Lang::En).render(diags, DiagFormat::Gnu).c_str());
    std::abort();
  }
  return s;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_data: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<Scheme> persons = load("persons.kp");
  static std::unique_ptr<Scheme> units = load("units.kp");

  std::vector<std::string_view> parts = fuzz::splitFiles(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view firstLine = parts[0].substr(0, parts[0].find('\n'));
  Scheme& scheme = firstLine.find("parent") != std::string_view::npos ? *units : *persons;

  const std::string dir = fuzz::scratchDir() + "/data";
  ::mkdir(dir.c_str(), 0755);
  for (const char* f : {"/roster.csv", "/units.csv", "/events.csv", "/events.jsonl"}) ::unlink((dir + f).c_str());
  fuzz::writeFile(dir + (&scheme == units.get() ? "/units.csv" : "/roster.csv"), parts[0]);
  if (parts.size() > 1) fuzz::writeFile(dir + "/events.csv", parts[1]);
  if (parts.size() > 2) fuzz::writeFile(dir + "/events.jsonl", parts[2]);
  eval::Inputs inputs;
  inputs.dataDirs.push_back(dir);
  inputs.traceLedger = true;
  if (parts.size() > 3) {
    inputs.history = fuzz::scratchDir() + "/history.csv";
    fuzz::writeFile(*inputs.history, parts[3]);
  }

  Diagnostics diags;
  const plan::Plan& plan = *scheme.compiled.plan;
  std::unique_ptr<eval::Results> results = eval::run(plan, inputs, diags);
  (void)DiagnosticRenderer(scheme.sources, Lang::En).render(diags, DiagFormat::Human);
  (void)DiagnosticRenderer(scheme.sources, Lang::Zh).render(diags, DiagFormat::Json);
  if (!results) {
    if (!diags.hasErrors()) fail("the run failed without an error");
    return 0;
  }
  if (diags.hasErrors()) fail("the run gave results despite errors");

  std::string csv = output::resultsCsv(*results);
  std::string json = output::resultsJson(*results, &scheme.sources);
  if (!nlohmann::json::accept(json)) fail("results.json is not valid JSON");
  (void)output::summary(*results, dir, Lang::Zh, &scheme.sources);
  for (const eval::AlertHit& a : results->alerts) (void)output::alertText(*results, a, &scheme.sources);
  if (!results->ids.empty()) {
    (void)output::explain(*results, scheme.sources, 0, -1, Lang::En);
    (void)output::explain(*results, scheme.sources, static_cast<uint32_t>(results->ids.size() - 1), 0, Lang::Zh);
  }

  // results.csv: a header, then one record per subject, each as wide as the header.
  data::CsvReader reader(csv);
  data::CsvRecord rec;
  if (!reader.next(rec) || rec.error) fail("results.csv has no header");
  size_t width = rec.fields.size(), rows = 0;
  while (reader.next(rec)) {
    if (rec.error || rec.fields.size() != width) fail("results.csv has a malformed row");
    ++rows;
  }
  if (rows != results->ids.size()) fail("results.csv does not have one row per subject");
  return 0;
}
