// `kaoping fmt [--check] [--keywords zh|en] FILE...`: rewrites rule files in their
// canonical layout (compiler/format/format.h).
#pragma once

#include <string>
#include <vector>

namespace kaoping {

// Formats the rule files in place (cli/main.cpp expands directories). With `check`,
// nothing is written: the files that are not formatted are listed on standard output.
// `keywords` is "", "zh" or "en" ("": each file keeps its own language). Returns 0, or 1
// when a file does not parse or cannot be written, or (with `check`) is not formatted.
int fmtCommand(const std::vector<std::string>& files, bool check, const std::string& keywords);

}  // namespace kaoping
