// Parsing: rule file text → AST.
//
// The text is checked before ANTLR sees it (valid UTF-8, size and line limits, bracket
// nesting), the parse runs on one dedicated thread with a large stack (Debian's ANTLR
// 4.9 runtime is not thread-safe and recurses deeply), a listener bounds the depth of
// rule nesting and the length of operator chains, and every syntax error becomes an
// ordinary Kaoping diagnostic. Nothing outside parse.cpp includes an ANTLR header.
#pragma once

#include <memory>

#include "compiler/support/diagnostics.h"
#include "compiler/syntax/ast.h"

namespace kaoping::syntax {

struct Limits {
  size_t maxFileBytes = 16u << 20;   // 16 MiB of rule text
  size_t maxLineBytes = 64u << 10;   // 64 KiB per line
  size_t maxNesting = 100;           // brackets and prefix operators inside each other
  size_t maxChain = 1000;            // binary operators in a row (1+1+...+1)
  size_t maxExprDepth = 2000;        // levels of one expression's tree: chains inside brackets
                                     // inside chains … (each chain and nesting within limits)
  size_t maxNameChars = 200;         // characters in one name
  size_t maxDeclarations = 20000;    // declarations in one scheme
};

// Parses the file `file` of `sources`. Returns nullptr when there were syntax errors
// (they are in `diags`).
std::unique_ptr<ast::Scheme> parse(const SourceManager& sources, FileId file, Diagnostics& diags,
                                   const Limits& limits = {});

// Reads a file into `sources` and parses it; a file that cannot be read is reported.
std::unique_ptr<ast::Scheme> parseFile(SourceManager& sources, const std::string& path, Diagnostics& diags,
                                       const Limits& limits = {});

}  // namespace kaoping::syntax
