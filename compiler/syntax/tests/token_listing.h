// For tests and the fuzz_rules target: the tokens of a text as the generated lexer gives
// them, one "type start stop channel" string per token, lexer errors as "error line:col".
// With `wide`, the lexer runs with the simulator parse.cpp uses (wide_dfa_lexer.h), so
// comparing the two listings checks that simulator against the stock one. The text must be
// valid UTF-8 (ANTLR's input stream throws otherwise; parse() rejects it before lexing).
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "KaopingLexer.h"
#include "compiler/syntax/wide_dfa_lexer.h"

namespace kaoping::syntax {

inline std::vector<std::string> tokenListing(const std::string& text, bool wide) {
  class ErrorListing : public antlr4::BaseErrorListener {
   public:
    explicit ErrorListing(std::vector<std::string>& out) : out_(out) {}
    void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t line, size_t column, const std::string&,
                     std::exception_ptr) override {
      out_.push_back("error " + std::to_string(line) + ":" + std::to_string(column));
    }

   private:
    std::vector<std::string>& out_;
  };
  std::vector<std::string> out;
  antlr4::ANTLRInputStream input(text);
  kaoping_antlr::KaopingLexer lexer(&input);
  if (wide) useWideDfa(lexer);
  ErrorListing errors(out);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&errors);
  for (;;) {
    std::unique_ptr<antlr4::Token> t = lexer.nextToken();
    std::ostringstream line;
    line << t->getType() << ' ' << t->getStartIndex() << ' ' << t->getStopIndex() << ' ' << t->getChannel();
    out.push_back(line.str());
    if (t->getType() == antlr4::Token::EOF) break;
  }
  return out;
}

}  // namespace kaoping::syntax
