// Writing results: results.csv and results.json (same figures), and the summary printed
// on the terminal after a run. Files are written to a temporary name in the output
// directory and renamed into place, so a reader sees the old file or the whole new one.
#pragma once

#include <string>
#include <vector>

#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"

namespace kaoping::output {

// "id" then the scheme's output figures, one row per subject sorted by id (bytes); LF;
// fields quoted where RFC 4180 needs it, and text a spreadsheet would run as a formula
// (starting with = + - @) quoted with an apostrophe in front ("'=B"); reading the file
// back as history removes it.
std::string resultsCsv(const eval::Results& results);
// {"scheme", "version", "columns", "subjects": [{"id", "figures": {...}}], "alerts"}; with
// the ledger per subject when the run traced it.
std::string resultsJson(const eval::Results& results, const SourceManager* sources);

// Writes `content` to `path` atomically. Returns false with `error` set on failure.
bool writeAtomically(const std::string& path, const std::string& content, std::string& error);

// Writes several files as one: each to a temporary file beside it (synced), and only when
// all are written, renames them in place. A failure before the renames (disk full, a
// directory in the way) leaves every old file as it was.
struct OutputFile {
  std::string path, content;
};
bool writeAllAtomically(const std::vector<OutputFile>& files, std::string& error);

// A short readable account of a run: subjects scored, count per tier and mean score per
// unit (or per parent unit), the alerts, where the files went (with `report`, report.html
// too).
std::string summary(const eval::Results& results, const std::string& outDir, Lang lang,
                    const SourceManager* sources = nullptr, bool report = false);
// "全局效能奖总额超过奖金总额上限 (sum(all.效能奖) = 7100 元 > 奖金总额上限 = 7099 元)"
std::string alertText(const eval::Results& results, const eval::AlertHit& alert, const SourceManager* sources);

}  // namespace kaoping::output
