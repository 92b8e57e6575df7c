// Internal to compiler/syntax: the ANTLR lexer simulator parse.cpp installs in the
// generated lexer. Not part of the public header (parse.h): only parse.cpp and its tests
// see ANTLR.
#pragma once

#include "antlr4-runtime.h"

namespace kaoping::syntax {

// ANTLR's lexer caches its DFA transitions only for code points up to 127 ("forces unicode
// to stay in ATN", a memory bound from the Java runtime's edge arrays), so every Chinese
// character of a keyword or name took the slow path through the ATN: 45 % of `check`'s
// time on a large scheme. The C++ runtime keeps a DFA state's edges in a hash map, so
// caching every code point costs only the entries used. Same DFA construction, same
// tokens; only the cache bound differs (tests/lexer_test.cpp compares the two on every rule
// file and on random text). The DFA here is this simulator's own (the generated one is
// private to KaopingLexer); it is not locked, so lex on one thread only (parse() does).
class WideDfaLexerSimulator : public antlr4::atn::LexerATNSimulator {
 public:
  WideDfaLexerSimulator(antlr4::Lexer* lexer, const antlr4::atn::ATN& atn)
      : LexerATNSimulator(lexer, atn, decisionsOf(atn), contextCache()) {}

 protected:
  antlr4::dfa::DFAState* getExistingTargetState(antlr4::dfa::DFAState* s, size_t t) override {
    if (t == antlr4::Token::EOF) return nullptr;
    auto edge = s->edges.find(t);
    return edge == s->edges.end() ? nullptr : edge->second;
  }
  void addDFAEdge(antlr4::dfa::DFAState* p, size_t t, antlr4::dfa::DFAState* q) override {
    if (t != antlr4::Token::EOF) p->edges[t] = q;
  }
  using LexerATNSimulator::addDFAEdge;

 private:
  static std::vector<antlr4::dfa::DFA>& decisionsOf(const antlr4::atn::ATN& atn) {
    static std::vector<antlr4::dfa::DFA> dfas = [&] {
      std::vector<antlr4::dfa::DFA> made;
      for (size_t i = 0; i < atn.getNumberOfDecisions(); ++i) made.emplace_back(atn.getDecisionState(i), i);
      return made;
    }();
    return dfas;
  }
  static antlr4::atn::PredictionContextCache& contextCache() {
    static antlr4::atn::PredictionContextCache cache;
    return cache;
  }
};

// Installs the simulator above in a lexer in place of the stock one the generated lexer
// creates (setInterpreter deletes that one).
inline void useWideDfa(antlr4::Lexer& lexer) {
  lexer.setInterpreter(new WideDfaLexerSimulator(&lexer, lexer.getATN()));
}

}  // namespace kaoping::syntax
