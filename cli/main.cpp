// kaoping: the command line.
//
//   kaoping check FILE.kp...                    validate schemes before issuance
//   kaoping run FILE.kp --data DIR... --out OUT run a scheme on data
//
// Exit status: 0 success; 1 errors in rules or data (nothing written); 2 wrong usage;
// 3 a run whose alerts fired (results written).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "compiler/driver/compile.h"
#include "cli/diff_command.h"
#include "cli/fmt_command.h"
#include "cli/run_outputs.h"
#include "compiler/support/diagnostics.h"
#include "runtime/eval/engine.h"
#include "runtime/output/explain.h"
#include "runtime/output/results.h"
#include "runtime/testing/rule_tests.h"

#ifndef KAOPING_VERSION
#define KAOPING_VERSION "0.0.0"
#endif

namespace fs = std::filesystem;
using namespace kaoping;

namespace {

constexpr int kExitOk = 0, kExitErrors = 1, kExitUsage = 2, kExitAlert = 3;

struct Common {
  std::string lang;
  std::string format = "text";
  std::string dump;
};

Lang chooseLang(const std::string& flag) {
  if (flag == "zh") return Lang::Zh;
  if (flag == "en") return Lang::En;
  return langFromEnvironment();
}

DiagFormat chooseFormat(const std::string& flag) {
  if (flag == "json") return DiagFormat::Json;
  if (flag == "sarif") return DiagFormat::Sarif;
  if (flag == "gnu") return DiagFormat::Gnu;
  return DiagFormat::Human;
}

void printDiagnostics(const SourceManager& sources, const Diagnostics& diags, const Common& c) {
  DiagnosticRenderer renderer(sources, chooseLang(c.lang));
  // Machine formats go to standard output, complete even when there is nothing to say.
  if (c.format == "sarif") {
    std::cout << renderer.sarif(diags, KAOPING_VERSION);
    return;
  }
  if (c.format == "json") {
    std::cout << renderer.render(diags, DiagFormat::Json);
    return;
  }
  if (diags.all().empty()) return;
  std::cerr << renderer.render(diags, chooseFormat(c.format));
}

// Prints the stage asked for with --dump; returns false if that stage was not reached.
bool dump(const driver::Compiled& compiled, const std::string& what) {
  if (what == "ast" && compiled.ast) std::cout << ast::print(*compiled.ast);
  else if (what == "ir" && compiled.ir) std::cout << ir::print(*compiled.ir);
  else if (what == "plan" && compiled.plan) std::cout << plan::print(*compiled.plan);
  else return false;
  return true;
}

std::vector<std::string> ruleFiles(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  for (const std::string& f : args) {
    std::error_code ec;
    if (fs::is_directory(f, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::recursive_directory_iterator(f, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".kp") found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      paths.insert(paths.end(), found.begin(), found.end());
    } else {
      paths.push_back(f);
    }
  }
  return paths;
}

int check(const std::vector<std::string>& files, const Common& c) {
  SourceManager sources;
  Diagnostics diags;
  std::vector<std::string> paths = ruleFiles(files);
  for (const std::string& path : paths) {
    driver::Options options;
    options.analyze = true;
    driver::Compiled compiled = driver::compileFile(sources, path, diags, options);
    if (!c.dump.empty()) dump(compiled, c.dump);
  }
  printDiagnostics(sources, diags, c);
  Lang lang = chooseLang(c.lang);
  if (c.format == "text") {
    DiagnosticRenderer renderer(sources, lang);
    std::cerr << (lang == Lang::Zh ? "已检查 " : "checked ") << paths.size()
              << (lang == Lang::Zh ? " 个文件：" : paths.size() == 1 ? " file: " : " files: ") << renderer.summary(diags) << "\n";
  }
  return diags.hasErrors() ? kExitErrors : kExitOk;
}

int test(const std::vector<std::string>& args, bool coverage, double minCoverage, const Common& c) {
  Lang lang = chooseLang(c.lang);
  bool zh = lang == Lang::Zh;
  size_t passed = 0, failed = 0;
  bool broken = false;
  // A rule counts as exercised when a test of any file run here made it apply: a local
  // plan's base rules are covered by the base's own tests too.
  struct Rule {
    std::string where, citation;
    bool covered = false;
  };
  std::map<std::string, Rule> rules;           // by canonical path and offset
  std::vector<std::vector<std::string>> perFile;  // rule keys per file, in order
  std::vector<std::string> paths = ruleFiles(args);
  for (const std::string& path : paths) {
    SourceManager sources;
    Diagnostics diags;
    driver::Compiled compiled = driver::compileFile(sources, path, diags);
    std::cout << path << "\n";
    perFile.emplace_back();
    if (!compiled.ok()) {
      printDiagnostics(sources, diags, c);
      broken = true;
      continue;
    }
    testing::FileReport report = testing::runTests(*compiled.plan, sources, lang);
    for (const testing::TestOutcome& t : report.tests) {
      std::cout << (t.passed ? "  PASS " : "  FAIL ") << t.name << "\n";
      for (const std::string& f : t.failures) std::cout << "    " << f;
      (t.passed ? passed : failed)++;
    }
    if (report.tests.empty()) std::cout << (zh ? "  （没有测试）\n" : "  (no tests)\n");
    for (const testing::RuleCoverage& r : report.rules) {
      std::string file = sources.file(r.span.file).path();
      std::error_code ec;
      std::string key = fs::weakly_canonical(file, ec).string() + ":" + std::to_string(r.span.begin);
      Rule& rule = rules[key];
      if (rule.where.empty()) rule = Rule{sources.describe(r.span), r.citation, false};
      rule.covered |= r.covered;
      perFile.back().push_back(key);
    }
  }
  size_t covered = 0;
  for (auto& [key, r] : rules) covered += r.covered;
  if (coverage) {
    std::cout << (zh ? "覆盖：\n" : "coverage:\n");
    for (size_t i = 0; i < paths.size(); ++i) {
      size_t mine = 0, ok = 0;
      for (const std::string& key : perFile[i]) {
        ++mine;
        ok += rules[key].covered;
      }
      std::cout << fmt::format(fmt::runtime(zh ? "  {}：{}/{} 条规则\n" : "  {}: {}/{} rules\n"), paths[i], ok, mine);
      for (const std::string& key : perFile[i])
        if (!rules[key].covered)
          std::cout << (zh ? "    未被测试执行：" : "    not exercised: ") << rules[key].where
                    << (rules[key].citation.empty() ? "" : " [" + rules[key].citation + "]") << "\n";
    }
  }
  double percent = rules.empty() ? 100.0 : 100.0 * static_cast<double>(covered) / static_cast<double>(rules.size());
  std::cout << fmt::format(fmt::runtime(zh ? "共 {} 个测试：{} 个通过，{} 个失败" : "{} tests: {} passed, {} failed"), passed + failed, passed, failed);
  if (coverage || minCoverage > 0)
    std::cout << fmt::format(fmt::runtime(zh ? "；规则覆盖率 {:.1f}%（{}/{}）" : "; rule coverage {:.1f}% ({}/{})"), percent, covered, rules.size());
  std::cout << "\n";
  if (minCoverage > 0 && percent < minCoverage) {
    std::cout << fmt::format(fmt::runtime(zh ? "覆盖率低于要求的 {}%\n" : "coverage is below the required {}%\n"), minCoverage);
    return kExitErrors;
  }
  return failed || broken ? kExitErrors : kExitOk;
}

int explainCommand(const std::string& rules, const eval::Inputs& inputs, const std::string& subject,
                   const std::string& figure, const Common& c) {
  SourceManager sources;
  Diagnostics diags;
  driver::Compiled compiled = driver::compileFile(sources, rules, diags);
  if (!compiled.ok()) {
    printDiagnostics(sources, diags, c);
    return kExitErrors;
  }
  eval::Inputs traced = inputs;
  traced.traceLedger = true;
  std::unique_ptr<eval::Results> results = eval::run(*compiled.plan, traced, diags);
  Lang lang = chooseLang(c.lang);
  if (!results) {
    printDiagnostics(sources, diags, c);
    return kExitErrors;
  }
  auto it = std::find(results->ids.begin(), results->ids.end(), subject);
  if (it == results->ids.end()) {
    std::cerr << "kaoping: " << (lang == Lang::Zh ? "没有考评对象 " : "no subject ") << subject << "\n";
    return kExitUsage;
  }
  int32_t f = -1;
  if (!figure.empty()) {
    for (size_t i = 0; i < compiled.plan->figures.size(); ++i)
      if (compiled.plan->figures[i].name == figure) f = static_cast<int32_t>(i);
    if (f < 0) {
      std::cerr << "kaoping: " << (lang == Lang::Zh ? "方案中没有指标 " : "the scheme has no figure ") << figure << "\n";
      return kExitUsage;
    }
  }
  std::cout << output::explain(*results, sources, static_cast<uint32_t>(it - results->ids.begin()), f, lang);
  return kExitOk;
}

int run(const std::string& rules, const eval::Inputs& given, const std::string& outDir, bool quiet, const Common& c,
        const RunOutputOptions& outputOptions) {
  SourceManager sources;
  Diagnostics diags;
  driver::Compiled compiled = driver::compileFile(sources, rules, diags);
  if (!c.dump.empty()) dump(compiled, c.dump);
  if (!compiled.ok()) {
    printDiagnostics(sources, diags, c);
    return kExitErrors;
  }
  Lang lang = chooseLang(c.lang);
  // report.html and the results store (cli/run_outputs.h).
  RunOutputs outputs(outputOptions, lang);
  eval::Inputs inputs = given;
  if (int status = outputs.prepare(*compiled.plan, inputs)) return status;
  std::unique_ptr<eval::Results> results = eval::run(*compiled.plan, inputs, diags);
  if (!results) {
    printDiagnostics(sources, diags, c);
    std::cerr << (lang == Lang::Zh ? "因上述错误，未写入任何结果\n" : "nothing was written because of the errors above\n");
    return kExitErrors;
  }
  std::string error;
  if (!outputs.write(*results, sources, inputs, outDir, error)) {
    std::cerr << "kaoping: " << error << "\n";
    return kExitErrors;
  }
  printDiagnostics(sources, diags, c);
  if (!quiet) std::cout << output::summary(*results, outDir, lang, &sources, outputs.reportWritten()) << outputs.notes();
  else
    for (const eval::AlertHit& a : results->alerts)
      std::cerr << (lang == Lang::Zh ? "警示：" : "ALERT: ") << output::alertText(*results, a, &sources) << "\n";
  return results->alerts.empty() ? kExitOk : kExitAlert;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kaoping (考评): a rule language, checker and engine for appraisal schemes", "kaoping"};
  app.set_version_flag("--version", std::string("kaoping ") + KAOPING_VERSION);
  app.require_subcommand(1);
  Common common;
  // --dump is for the commands that compile one scheme and stop or run it (check, run).
  auto addCommon = [&](CLI::App* sub, bool dump = true) {
    sub->add_option("--lang", common.lang, "Language of messages: zh or en (default: from LANG)")->check(CLI::IsMember({"zh", "en"}));
    if (dump)
      sub->add_option("--dump", common.dump, "Print a stage of the compiler: ast, ir or plan")
          ->check(CLI::IsMember({"ast", "ir", "plan"}));
  };

  CLI::App* checkCmd = app.add_subcommand("check", "Check rule files for syntax, name and type errors");
  std::vector<std::string> checkFiles;
  checkCmd->add_option("files", checkFiles, "Rule files (.kp) or directories")->required();
  checkCmd->add_option("--format", common.format, "Diagnostics as text, gnu (one line each), json or sarif")
      ->check(CLI::IsMember({"text", "gnu", "json", "sarif"}));
  addCommon(checkCmd);

  CLI::App* testCmd = app.add_subcommand("test", "Run the test blocks inside rule files");
  std::vector<std::string> testFiles;
  bool coverage = false;
  double minCoverage = 0;
  testCmd->add_option("files", testFiles, "Rule files (.kp) or directories")->required();
  testCmd->add_flag("--coverage", coverage, "List the rules, caps, vetoes and quotas no test exercised");
  testCmd->add_option("--min-coverage", minCoverage, "Fail when fewer than N% of the rules are exercised")
      ->check(CLI::Range(0.0, 100.0));
  addCommon(testCmd, false);

  CLI::App* explainCmd = app.add_subcommand("explain", "Explain a subject's figures: every rule, row and decision behind them");
  std::string explainRules, explainSubject, explainFigure;
  std::vector<std::string> explainData, explainParams;
  std::string explainHistory;
  explainCmd->add_option("rules", explainRules, "The scheme (.kp)")->required();
  explainCmd->add_option("--data", explainData, "Data directories, as for run")->required()->check(CLI::ExistingDirectory);
  explainCmd->add_option("--subject", explainSubject, "The id of the person or unit")->required();
  explainCmd->add_option("--figure", explainFigure, "Only this figure");
  explainCmd->add_option("--history", explainHistory, "results.csv of the previous period")->check(CLI::ExistingFile);
  explainCmd->add_option("--param", explainParams, "NAME=VALUE (repeatable)");
  addCommon(explainCmd, false);

  CLI::App* runCmd = app.add_subcommand("run", "Run a scheme on the data of one or more directories");
  std::string rules, outDir, history;
  std::vector<std::string> dataDirs, params;
  bool quiet = false;
  runCmd->add_option("rules", rules, "The scheme (.kp)")->required();
  runCmd->add_option("--data", dataDirs, "A directory with roster.csv or units.csv and event files (repeatable)")
      ->required()
      ->check(CLI::ExistingDirectory);
  runCmd->add_option("--out", outDir, "Directory for results.csv and results.json")->required();
  runCmd->add_option("--history", history, "results.csv of the previous period")->check(CLI::ExistingFile);
  runCmd->add_option("--param", params, "A parameter of the scheme: NAME=VALUE (repeatable)");
  runCmd->add_flag("--quiet", quiet, "Do not print the summary");
  bool noLedger = false;
  runCmd->add_flag("--no-ledger", noLedger, "Leave the ledger of every figure out of results.json (for large runs)");
  RunOutputOptions runOutputs;
  runCmd->add_flag("--no-report", runOutputs.noReport, "Do not write report.html (for large runs)");
  runCmd->add_option("--store", runOutputs.store, "Keep the run in this SQLite results store; read the previous period from it");
  runCmd->add_option("--period", runOutputs.period, "The period of the run (2024, 2024H1, 2024Q3, 2024-03; default: of the latest event)");
  unsigned threads = 1;
  runCmd->add_option("--threads", threads, "Threads reading large event files (results are the same for any number)")
      ->check(CLI::Range(1u, 256u));
  runCmd->add_option("--format", common.format, "Diagnostics as text, gnu or json")->check(CLI::IsMember({"text", "gnu", "json"}));
  addCommon(runCmd);

  CLI::App* diffCmd = app.add_subcommand("diff", "Run two versions of a scheme on the same data: who changes tier, award or rank, and why");
  std::string diffOld, diffNew, diffHistory;
  std::vector<std::string> diffData, diffParams;
  size_t diffLimit = 0;
  bool diffExitCode = false;
  diffCmd->add_option("old", diffOld, "The scheme as it is (.kp)")->required();
  diffCmd->add_option("new", diffNew, "The scheme as changed (.kp)")->required();
  diffCmd->add_option("--data", diffData, "Data directories, as for run")->required()->check(CLI::ExistingDirectory);
  diffCmd->add_option("--history", diffHistory, "results.csv of the previous period")->check(CLI::ExistingFile);
  diffCmd->add_option("--param", diffParams, "NAME=VALUE (repeatable), for both schemes");
  diffCmd->add_option("--limit", diffLimit, "List at most N subjects (the counts cover all)");
  diffCmd->add_flag("--exit-code", diffExitCode, "Exit with status 4 when the results differ (for CI)");
  diffCmd->add_option("--lang", common.lang, "Language of messages: zh or en (default: from LANG)")->check(CLI::IsMember({"zh", "en"}));

  CLI::App* fmtCmd = app.add_subcommand("fmt", "Rewrite rule files in the canonical layout");
  std::vector<std::string> fmtFiles;
  bool fmtCheck = false;
  std::string fmtKeywords;
  fmtCmd->add_option("files", fmtFiles, "Rule files (.kp) or directories")->required()->check(CLI::ExistingPath);
  fmtCmd->add_flag("--check", fmtCheck, "Write nothing: list the files that are not formatted and exit with 1");
  fmtCmd->add_option("--keywords", fmtKeywords, "Spell the keywords in zh or en (default: each file's own language)")
      ->check(CLI::IsMember({"zh", "en"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return e.get_exit_code() == 0 ? code : kExitUsage;
  }
  if (checkCmd->parsed()) return check(checkFiles, common);
  if (testCmd->parsed()) return test(testFiles, coverage, minCoverage, common);
  if (fmtCmd->parsed()) return fmtCommand(ruleFiles(fmtFiles), fmtCheck, fmtKeywords);
  auto parseParams = [](const std::vector<std::string>& list, eval::Inputs& in) {
    for (const std::string& p : list) {
      size_t eq = p.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "kaoping: --param " << p << ": expected NAME=VALUE\n";
        return false;
      }
      in.params.emplace_back(p.substr(0, eq), p.substr(eq + 1));
    }
    return true;
  };
  if (diffCmd->parsed()) {
    eval::Inputs in;
    in.dataDirs = diffData;
    if (!diffHistory.empty()) in.history = diffHistory;
    if (!parseParams(diffParams, in)) return kExitUsage;
    return diffCommand(diffOld, diffNew, in, diffLimit, diffExitCode, chooseLang(common.lang));
  }
  if (explainCmd->parsed()) {
    eval::Inputs in;
    in.dataDirs = explainData;
    if (!explainHistory.empty()) in.history = explainHistory;
    if (!parseParams(explainParams, in)) return kExitUsage;
    return explainCommand(explainRules, in, explainSubject, explainFigure, common);
  }
  eval::Inputs inputs;
  inputs.dataDirs = dataDirs;
  if (!history.empty()) inputs.history = history;
  inputs.traceLedger = !noLedger;
  inputs.threads = threads;
  if (!parseParams(params, inputs)) return kExitUsage;
  return run(rules, inputs, outDir, quiet, common, runOutputs);
}
