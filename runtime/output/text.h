// Text helpers shared by explain, report.html and diff.
#pragma once

#include <string>
#include <string_view>

#include "runtime/eval/engine.h"

namespace kaoping::output {

// Runs of blanks and line breaks as one space, none at the ends.
std::string oneLine(std::string_view text);

// oneLine, cut to at most `most` bytes at a character boundary, with "…" when cut.
std::string shorten(std::string_view text, size_t most);

// A figure's value as people read it in a ledger: `+2.50` (sign: a rule's amount),
// `2400 元`, an enum's or a bool's name; "(no value)" / "（无值）" when absent.
std::string amountText(const eval::Results& r, const plan::Figure& fig, const Value& v, bool sign, bool zh);

}  // namespace kaoping::output
