// `kaoping fmt`: the canonical layout of a rule file.
//
// The formatter prints a parsed scheme back as text: two-space indentation, one
// declaration per line, one rule per line inside score blocks, one tier arm and one
// condition per line, event attributes (and the subjects of a test) separated by `; ` on
// one line when they fit in kWidth columns (Chinese characters count two) and one per
// line otherwise, spaces around binary operators, `: ` after labels, `, ` in lists,
// ASCII punctuation, citations on their own line before what they cite. Longer lines
// break at operators (the operator starts the next line), before `where` and `reason`,
// between effects, and between the arguments of a call. Comments stay with the
// declaration, rule or arm they precede or follow on the same line (comments that end
// consecutive lines are lined up); at most one blank line is kept between items.
// Parentheses are kept as written (and added where the grammar needs them). Names,
// strings, numbers and comments are printed exactly as written.
//
// Keywords are spelled in one language: the file's own (Chinese when it starts with
// `方案`) or the one asked for. Words that exist only in Chinese keep their meaning in
// English: `95 以上` → `>= 95`, `59 以下`/`3 以内` → `<= …`, `超过` → `>`, `不超过` → `<=`,
// `不满`/`低于`/`不足` → `<`, `不低于`/`达到` → `>=`, `等于`/`不等于` → `==`/`!=`,
// `60 至 84.99` → `60 .. 84.99`, `扣完为止` → `floor 0`, `每月` → `each month`; in
// Chinese they stay as written. Money is always written `元`. Formatting is idempotent;
// converting to English and back gives the Chinese canonical form unless the file used
// one of those Chinese-only words (English keeps the meaning, not the phrasing), and
// converting to Chinese and back always gives the English canonical form.
#pragma once

#include <optional>
#include <string>

#include "compiler/support/diagnostics.h"
#include "compiler/support/source.h"
#include "compiler/syntax/ast.h"

namespace kaoping::format {

// Lines are kept within this many columns where the layout allows it.
inline constexpr int kWidth = 100;

// The language a file's keywords are written in: Chinese when its header spells `方案`.
Lang keywordsOf(const ast::Scheme& scheme);

// The canonical text of `scheme`, which was parsed from `source` (the source supplies
// the comments' surroundings and the exact text of strings and numbers).
std::string format(const ast::Scheme& scheme, const SourceFile& source, Lang keywords);

// Parses `text` (added to `sources` as `path`) and formats it with the keywords of
// `keywords`, or of the file's own language when none is given. nullopt when the text
// does not parse; the syntax errors are in `diags`.
std::optional<std::string> formatText(SourceManager& sources, const std::string& path, std::string text,
                                      Diagnostics& diags, std::optional<Lang> keywords = std::nullopt);

}  // namespace kaoping::format
