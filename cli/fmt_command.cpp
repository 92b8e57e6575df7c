#include "cli/fmt_command.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "compiler/format/format.h"
#include "compiler/support/diagnostics.h"
#include "compiler/syntax/parse.h"

namespace fs = std::filesystem;

namespace kaoping {

namespace {

bool readFile(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return !in.bad();
}

// Writes through a temporary file in the same directory, so that a failure leaves the
// original as it was.
bool writeFile(const std::string& path, const std::string& text, std::string& error) {
  std::string temp = path + ".fmt.tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      error = std::strerror(errno);
      std::remove(temp.c_str());
      return false;
    }
  }
  std::error_code ec;
  fs::permissions(temp, fs::status(path, ec).permissions(), ec);
  fs::rename(temp, path, ec);
  if (ec) {
    error = ec.message();
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

// The comments of a text that parses, in order; nullopt when it does not parse.
std::optional<std::vector<std::string>> commentsOf(const std::string& path, const std::string& text) {
  SourceManager sources;
  Diagnostics diags;
  FileId id = sources.add(path, text);
  std::unique_ptr<ast::Scheme> scheme = syntax::parse(sources, id, diags);
  if (!scheme) return std::nullopt;
  std::vector<std::string> out;
  for (const ast::Comment& c : scheme->comments) out.push_back(c.text);
  return out;
}

}  // namespace

int fmtCommand(const std::vector<std::string>& files, bool check, const std::string& keywords) {
  std::optional<Lang> target;
  if (keywords == "zh") target = Lang::Zh;
  else if (keywords == "en") target = Lang::En;
  const Lang messages = langFromEnvironment();
  const bool zh = messages == Lang::Zh;
  int status = 0;
  for (const std::string& path : files) {
    std::string text;
    if (!readFile(path, text)) {
      std::cerr << "kaoping: " << path << ": " << std::strerror(errno) << "\n";
      status = 1;
      continue;
    }
    SourceManager sources;
    Diagnostics diags;
    FileId id = sources.add(path, text);
    std::unique_ptr<ast::Scheme> scheme = syntax::parse(sources, id, diags);
    if (!scheme) {
      std::cerr << DiagnosticRenderer(sources, messages).render(diags, DiagFormat::Human);
      status = 1;
      continue;
    }
    std::string formatted = format::format(*scheme, sources.file(id), target.value_or(format::keywordsOf(*scheme)));
    if (formatted == text) continue;
    if (check) {
      std::cout << path << "\n";
      status = 1;
      continue;
    }
    // Never write what would not read back: the output must parse, with every comment.
    std::vector<std::string> comments;
    for (const ast::Comment& c : scheme->comments) comments.push_back(c.text);
    if (commentsOf(path, formatted) != comments) {
      std::cerr << "kaoping: " << path
                << (zh ? ": 格式化结果无法读回，文件未改动（这是 kaoping 的缺陷，请报告）\n"
                       : ": the formatted text does not read back; the file was left as it was (a bug in kaoping, please report it)\n");
      status = 1;
      continue;
    }
    std::string error;
    if (!writeFile(path, formatted, error)) {
      std::cerr << "kaoping: " << path << ": " << error << "\n";
      status = 1;
    }
  }
  return status;
}

}  // namespace kaoping
