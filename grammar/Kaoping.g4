// Kaoping (考评) rule language grammar.
//
// This grammar is the only place that knows the concrete syntax. The C++ parser is
// generated from it at build time (`antlr4 -Dlanguage=Cpp -visitor`), and exactly one
// file, compiler/syntax/parse.cpp, turns the parse tree into Kaoping's own AST; nothing
// else includes an ANTLR header.
//
// Every keyword has an English and a Chinese spelling (see docs/reference.md, "Keywords").
// Words that only matter in one position (period kinds, type names, `persons`, `month`,
// rounding modes, built-in function names) are ordinary identifiers checked by the
// semantic pass, so they stay available as names elsewhere.
//
// Layout is free: newlines are not significant, `;` and `,` between items are optional
// where nothing else could follow. Full-width punctuation (：；，（）) is accepted.

grammar Kaoping;

// ---------------------------------------------------------------------------- files

file
    : scheme EOF
    ;

scheme
    : SCHEME name=STRING (VERSION version=STRING)? (EXTENDS base=STRING)? LBRACE item* RBRACE
    ;

item
    : citation? declaration SEMI?
    ;

citation
    : CITE STRING
    ;

declaration
    : PERIOD IDENT                                                        # periodDecl
    | SUBJECTS IDENT                                                      # subjectsDecl
    | PLACES INT                                                          # placesDecl
    | ROUNDING roundingMode                                               # roundingDecl
    | ENUM IDENT enumBody                                                 # enumDecl
    | ATTRIBUTE IDENT COLON typeExpr valueOption*                         # attributeDecl
    | EVENT identList (LBRACE (attrDecl SEMI?)* RBRACE)?                  # eventDecl
    | ADJUSTABLE? PARAM IDENT COLON typeExpr valueOption*                 # paramDecl
    | RELATION IDENT LPAREN IDENT RPAREN ASSIGN relationBody               # relationDecl
    | LET IDENT (COLON typeExpr)? groupBy? figureOption* ASSIGN expr      # letDecl
    | SCORE IDENT groupBy? figureOption* (ASSIGN expr | LBRACE scoreRule* RBRACE)   # scoreDecl
    | TIER IDENT (ON | CASE) expr LBRACE (tierArm SEMI?)+ RBRACE         # tierDecl
    | RANK IDENT (BY | CASE) orderKey (COMMA orderKey)* (WITHIN expr)?   # rankDecl
    | CAP IDENT AT_MOST IDENT WHEN expr reason?                           # capDecl
    | VETO IDENT TO expr WHEN expr reason?                                # vetoDecl
    | QUOTA IDENT IDENT AT_MOST expr (EACH | PER) expr (WHEN expr)?
          (BY | CASE) orderKey (COMMA orderKey)* ELSE IDENT               # quotaDecl
    | CONDITIONS IDENT (REASONS IDENT)? LBRACE (condItem SEMI?)+ RBRACE   # conditionsDecl
    | CONSTRAINT ((EACH | PER) expr)? (WHEN expr)? COLON expr reason?     # constraintDecl
    | ALERT STRING WHEN expr                                              # alertDecl
    | OUTPUT identList                                                    # outputDecl
    | TEST STRING LBRACE (testItem SEMI?)* RBRACE                         # testDecl
    | SET IDENT ASSIGN expr                                               # setDecl
    ;

identList
    : IDENT (COMMA IDENT)*
    ;

roundingMode
    : IDENT (MINUS IDENT)?
    | FLOOR
    ;

enumBody
    : LBRACE IDENT (enumSep IDENT)* RBRACE
    ;

enumSep
    : COMMA | LT | GT
    ;

typeExpr
    : IDENT                                                               # namedType
    | ENUM enumBody                                                       # inlineEnumType
    ;

attrDecl
    : IDENT COLON typeExpr valueOption*
    ;

// Options on an attribute or parameter: a range the data must respect, a default for an
// empty cell, or `optional` (an empty cell is allowed and means "absent").
valueOption
    : OPTIONAL                                                            # optionalOption
    | DEFAULT (signedLiteral | IDENT)                                     # defaultOption
    | compareOp signedLiteral                                             # compareOption
    | IN LBRACK lo=signedLiteral COMMA hi=signedLiteral RBRACK            # rangeOption
    ;

relationBody
    : kind=IDENT var=IDENT (WHERE expr)?                                  # filterRelation
    | expr                                                                # exprRelation
    ;

groupBy
    : (BY | CASE) IDENT DOT IDENT
    ;

figureOption
    : BASE expr                                                           # baseOption
    | FLOOR expr                                                          # floorOption
    | DEPLETE                                                             # depleteOption
    | CAP expr                                                            # capOption
    | MAX expr                                                            # maxOption
    | MIN expr                                                            # minOption
    | PLACES INT                                                          # placesOption
    ;

// ---------------------------------------------------------------------------- rules

scoreRule
    : citation? ruleHead COLON effect (SEMI effect)* SEMI?
    ;

ruleHead
    : EACH IDENT (COMMA IDENT)* (WHERE expr)?                             # eachRule
    | EACH_MONTH (WHERE expr)?                                            # eachMonthRule
    | WHEN expr                                                           # whenRule
    ;

effect
    : DEDUCT expr (FROM target=IDENT)?                                    # deductEffect
    | FROM target=IDENT DEDUCT expr                                       # deductFromEffect
    | ADD expr (TO target=IDENT)?                                         # addEffect
    | TO target=IDENT ADD expr                                            # addToEffect
    ;

tierArm
    : IDENT COLON pattern
    ;

// A pattern is either a list of values (any of them matches) or a list of bounds (all
// of them must hold), or `otherwise`.
pattern
    : OTHERWISE                                                           # otherwisePattern
    | bound (COMMA bound)*                                                # boundsPattern
    ;

bound
    : compareOp expr                                                      # compareBound
    | expr ABOVE                                                          # aboveBound
    | expr BELOW                                                          # belowBound
    | expr RANGE expr                                                     # rangeBound
    | expr                                                                # valueBound
    ;

orderKey
    : expr (ASC | DESC)?
    ;

condItem
    : (IDENT | STRING) COLON expr
    ;

reason
    : REASON STRING
    ;

// ---------------------------------------------------------------------------- tests

testItem
    : kind=IDENT LBRACE (testSubject SEMI?)* RBRACE                       # testSubjects
    | EVENT LBRACE (testEvent SEMI?)* RBRACE                              # testEvents
    | HISTORY LBRACE (testSubject SEMI?)* RBRACE                          # testHistory
    | PARAM IDENT ASSIGN expr                                             # testParam
    | EXPECT expr                                                         # testExpect
    | EXPECT ERROR STRING?                                                # testExpectError
    ;

testSubject
    : subjectId COLON? (testField (COMMA testField)*)?
    ;

testField
    : IDENT COLON? expr
    ;

testEvent
    : DATE kind=IDENT subjectId (LBRACE (testField COMMA?)* RBRACE)? (TIMES INT)?
    ;

subjectId
    : IDENT | STRING | INT
    ;

// ---------------------------------------------------------------------------- expressions

expr
    : primary                                                             # primaryExpr
    | expr DOT IDENT                                                      # memberExpr
    | op=(MINUS | PLUS) expr                                              # unaryExpr
    | expr op=(TIMES | DIVIDE) expr                                       # mulExpr
    | expr op=(PLUS | MINUS) expr                                         # addExpr
    | expr DEFAULT expr                                                   # defaultExpr
    | expr compareOp expr                                                 # compareExpr
    | expr NOT? IN LBRACE expr (COMMA expr)* RBRACE                       # inExpr
    | NOT expr                                                            # notExpr
    | expr AND expr                                                       # andExpr
    | expr OR expr                                                        # orExpr
    ;

primary
    : literal                                                             # literalPrimary
    | (IDENT | FLOOR)                                                     # namePrimary
    | callee LPAREN (callArg (COMMA callArg)*)? RPAREN                    # callPrimary
    | LPAREN expr RPAREN                                                  # parenPrimary
    | IF expr THEN expr ELSE expr                                         # ifPrimary
    | CASE expr LBRACE (caseArm SEMI?)+ RBRACE                            # casePrimary
    ;

callee
    : IDENT | MAX | MIN | FLOOR
    ;

// An argument of a call. For aggregates the first argument names what is aggregated
// (`count(缺席 where not 请假)`, `sum(请假.天数 where 类型 == 私事)`,
// `mean(测评: 分值 weighted by 票数)`); for ordinary functions it is an expression.
callArg
    : expr (COLON expr)? (WEIGHTED_BY expr)? (WHERE expr)?
    ;

caseArm
    : pattern COLON expr
    ;

literal
    : NUMBER                                                              # numberLiteral
    | INT                                                                 # intLiteral
    | (NUMBER | INT) PERCENT                                              # percentLiteral
    | (NUMBER | INT) YUAN                                                 # moneyLiteral
    | STRING                                                              # stringLiteral
    | TRUE                                                                # trueLiteral
    | FALSE                                                               # falseLiteral
    | DATE                                                                # dateLiteral
    ;

signedLiteral
    : MINUS? literal
    ;

compareOp
    : EQ | NE | LT | LE | GT | GE
    | OVER | NOT_OVER | UNDER | NOT_UNDER | REACH
    ;

// ============================================================================ lexer
// Keywords come before IDENT; the longest match wins, so 扣发十三月工资 is a name and
// `扣 2` is the keyword 扣 followed by a number. Chinese keywords must be separated from
// a following name by a space (the checker suggests the fix when it sees `扣当事人`).

SCHEME      : 'scheme' | '方案' ;
VERSION     : 'version' | '版本' ;
EXTENDS     : 'extends' | '继承' ;
PERIOD      : 'period' | '周期' ;
SUBJECTS    : 'subjects' | '考评对象' ;
PLACES      : 'places' | '小数位' ;
ROUNDING    : 'rounding' | '舍入' ;
ENUM        : 'enum' | '枚举' ;
ATTRIBUTE   : 'attribute' | '属性' ;
EVENT       : 'event' | 'events' | '事件' ;
ADJUSTABLE  : 'adjustable' | '可调' ;
PARAM       : 'param' | '参数' ;
RELATION    : 'relation' | '关系' ;
LET         : 'let' | '定义' ;
SCORE       : 'score' | '计分' ;
BASE        : 'base' | '基础分' ;
FLOOR       : 'floor' | '下限' ;
DEPLETE     : '扣完为止' ;
CAP         : 'cap' | '上限' ;
MAX         : 'max' | '满分' ;
MIN         : 'min' | '最低分' ;
EACH_MONTH  : '每月' ;
EACH        : 'each' | '每' ;
PER         : 'per' ;
WHERE       : 'where' | '其中' ;
WHEN        : 'when' | '当' ;
DEDUCT      : 'deduct' | '扣' ;
ADD         : 'add' | '加' ;
FROM        : 'from' | '从' ;
TO          : 'to' | '给' | '为' ;
CITE        : 'cite' | '依据' ;
TIER        : 'tier' | '分档' ;
ON          : 'on' ;
CASE        : 'case' | '按' ;
BY          : 'by' ;
RANK        : 'rank' | '排序' ;
ASC         : 'asc' | '升序' ;
DESC        : 'desc' | '降序' ;
WITHIN      : 'within' | '分组' ;
AT_MOST     : 'at' [ \t\r\n]+ 'most' | '至多' ;
VETO        : 'veto' | '一票否决' ;
QUOTA       : 'quota' | '名额' ;
CONDITIONS  : 'conditions' | '条件' ;
REASONS     : 'reasons' | '原因' ;
CONSTRAINT  : 'constraint' | '约束' ;
REASON      : 'reason' | '理由' ;
ALERT       : 'alert' | '警示' ;
OUTPUT      : 'output' | '输出' ;
TEST        : 'test' | '测试' ;
EXPECT      : 'expect' | '预期' ;
ERROR       : 'error' | '错误' ;
HISTORY     : 'history' | '历史' ;
SET         : 'set' | '调整' ;
OPTIONAL    : 'optional' | '可缺' ;
DEFAULT     : 'default' | '默认' ;
OTHERWISE   : 'otherwise' | '其余' ;
WEIGHTED_BY : 'weighted' [ \t\r\n]+ 'by' | '加权' ;
IF          : 'if' | '如果' ;
THEN        : 'then' | '那么' ;
ELSE        : 'else' | '否则' ;
AND         : 'and' | '且' | '并且' ;
OR          : 'or' | '或' | '或者' ;
NOT         : 'not' | '非' | '不' ;
IN          : 'in' | '属于' ;
TRUE        : 'true' | '是' ;
FALSE       : 'false' | '否' ;
YUAN        : 'yuan' | '元' ;
ABOVE       : '以上' ;
BELOW       : '以下' | '以内' ;
OVER        : '超过' ;
NOT_OVER    : '不超过' ;
UNDER       : '不满' | '低于' | '不足' ;
NOT_UNDER   : '不低于' ;
REACH       : '达到' ;
RANGE       : '..' | '至' | '—' | '～' | '~' ;

EQ          : '==' | '等于' ;
NE          : '!=' | '≠' | '不等于' ;
LE          : '<=' | '≤' ;
GE          : '>=' | '≥' ;
LT          : '<' ;
GT          : '>' ;
ASSIGN      : '=' ;
PLUS        : '+' ;
MINUS       : '-' ;
TIMES       : '*' | '×' ;
DIVIDE      : '/' | '÷' ;
PERCENT     : '%' | '％' ;
DOT         : '.' ;
COMMA       : ',' | '，' | '、' ;
SEMI        : ';' | '；' ;
COLON       : ':' | '：' ;
LPAREN      : '(' | '（' ;
RPAREN      : ')' | '）' ;
LBRACE      : '{' ;
RBRACE      : '}' ;
LBRACK      : '[' ;
RBRACK      : ']' ;

DATE        : [0-9] [0-9] [0-9] [0-9] '-' [0-9] [0-9] '-' [0-9] [0-9] ;
NUMBER      : [0-9]+ '.' [0-9]+ ;
INT         : [0-9]+ ;
STRING      : '"' ( '\\' . | ~["\\\r\n] )* '"'
            | '“' ~[”\r\n]* '”'
            ;
UNTERMINATED_STRING : '"' ( '\\' . | ~["\\\r\n] )* ;
IDENT       : [\p{L}\p{Nl}_] [\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]* ;

LINE_COMMENT  : ('//' | '#') ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\u3000\u00A0\uFEFF]+ -> skip ;

// Anything else is reported by the parser as an unexpected character.
UNKNOWN_CHAR : . ;
