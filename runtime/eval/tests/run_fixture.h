// Test helper shared by the runtime tests: compiles a scheme, writes data files into a
// fresh temporary directory and runs the plan on them with eval::run.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "compiler/plan/plan.h"
#include "compiler/sema/analyze.h"
#include "compiler/support/diagnostics.h"
#include "compiler/syntax/parse.h"
#include "runtime/eval/engine.h"

namespace kaoping::testing {

struct RunResult {
  SourceManager sources;
  Diagnostics diags;
  std::unique_ptr<ast::Scheme> ast;
  std::unique_ptr<ir::Scheme> ir;
  std::unique_ptr<plan::Plan> plan;
  std::unique_ptr<eval::Results> results;
  std::string root;  // the temporary directory, removed from paths in gnu()

  // The diagnostics as `kaoping run --format gnu --lang en` prints them, with the
  // temporary directory removed from paths.
  std::string gnu(Lang lang = Lang::En) const {
    std::string text = DiagnosticRenderer(sources, lang).render(diags, DiagFormat::Gnu);
    for (size_t at; (at = text.find(root + "/")) != std::string::npos;) text.erase(at, root.size() + 1);
    return text;
  }
  // The value of a figure for a subject as results.csv prints it.
  std::string value(const std::string& id, const std::string& figure) const {
    if (!results) throw std::runtime_error("the run failed:\n" + gnu());
    int f = -1;
    for (size_t i = 0; i < plan->figures.size(); ++i)
      if (plan->figures[i].name == figure) f = static_cast<int>(i);
    if (f < 0) throw std::runtime_error("no figure " + figure);
    for (uint32_t s = 0; s < results->ids.size(); ++s)
      if (results->ids[s] == id) return results->text(static_cast<uint32_t>(f), s);
    throw std::runtime_error("no subject " + id);
  }
  // "id: v1 v2 ..." for every subject in id order, the listed figures.
  std::string table(const std::vector<std::string>& figures) const {
    if (!results) throw std::runtime_error("the run failed:\n" + gnu());
    std::string out;
    for (uint32_t s : results->byId) {
      out += results->ids[s] + ":";
      for (const std::string& f : figures) out += " " + value(results->ids[s], f);
      out += "\n";
    }
    return out;
  }
};

class RunFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = (std::filesystem::temp_directory_path() /
             ("kaoping_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" + std::to_string(getpid())))
                .string();
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ + "/data");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string path(const std::string& rel) const { return root_ + "/" + rel; }

  // Writes a file under the temporary directory (directories are created).
  void write(const std::string& rel, const std::string& content) {
    std::filesystem::path p(path(rel));
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
  }

  // Compiles `scheme` (which must be valid) and runs it on the data directories (default:
  // data/) with the given inputs.
  std::unique_ptr<RunResult> run(const std::string& scheme, eval::Inputs inputs = {},
                                 std::vector<std::string> dirs = {"data"}) {
    auto r = std::make_unique<RunResult>();
    r->root = root_;
    FileId id = r->sources.add("scheme.kp", scheme);
    r->ast = syntax::parse(r->sources, id, r->diags);
    if (r->ast) r->ir = sema::analyze(*r->ast, r->sources, r->diags);
    if (!r->ir) throw std::runtime_error("the scheme does not compile:\n" + r->gnu());
    r->plan = plan::build(*r->ir);
    if (inputs.dataDirs.empty())
      for (const std::string& d : dirs) inputs.dataDirs.push_back(path(d));
    if (inputs.history && !inputs.history->empty() && (*inputs.history)[0] != '/') inputs.history = path(*inputs.history);
    r->results = eval::run(*r->plan, inputs, r->diags);
    return r;
  }

  std::string root_;
};

// A persons scheme around some declarations.
inline std::string persons(const std::string& body) {
  return "scheme \"t\" {\n  period year\n  subjects persons\n" + body + "\n}\n";
}

}  // namespace kaoping::testing
