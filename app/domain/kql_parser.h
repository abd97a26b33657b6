// KqlParser: recursive descent from tokens to a KqlQuery syntax tree, reporting the first syntax
// error with the byte range of the token at fault. Not a checker: names, columns and types are
// KqlChecker's job; this only knows the grammar.
#pragma once

#include <string_view>
#include <vector>

#include "app/domain/kql_ast.h"
#include "app/domain/kql_lexer.h"

namespace sigma::domain {

struct KqlParseResult {
    KqlQuery query;
    std::vector<KqlDiagnostic> diagnostics;  // empty when the syntax is valid
    bool ok() const { return diagnostics.empty(); }
};

// Nesting deeper than this is reported as an error, so that hostile input cannot exhaust the stack.
// Each parenthesis, call or subquery level costs a few units; each link of an operator chain
// (a + b + ..., x.y.z) costs one, because it deepens the tree as much.
constexpr int kKqlMaxDepth = 600;

KqlParseResult kql_parse(std::string_view query);

}  // namespace sigma::domain
