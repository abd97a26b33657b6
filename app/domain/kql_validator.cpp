// validate_kql and the evaluator's token measures. Not where grammar or schema rules live: those are
// kql_parser.cpp and kql_checker*.cpp; this only sequences them and bounds the input.
#include "app/domain/kql_validator.h"

#include <algorithm>
#include <set>

#include "app/domain/json_parse.h"
#include "app/domain/kql_checker.h"
#include "app/domain/kql_lexer.h"
#include "app/domain/kql_parser.h"

namespace sigma::domain {

KqlValidation validate_kql(std::string_view query, const KqlSchema& schema) {
    KqlValidation v;
    if (query.size() > kKqlMaxQueryBytes) {
        v.diagnostics.push_back({"The query is too long (" + std::to_string(query.size()) + " bytes; the limit is " +
                                     std::to_string(kKqlMaxQueryBytes) + ")",
                                 0, 0, "Error"});
        return v;
    }
    KqlParseResult parsed = kql_parse(query);
    if (!parsed.ok()) {
        v.diagnostics = std::move(parsed.diagnostics);
        return v;
    }
    KqlChecker checker(schema);
    v.diagnostics = checker.check(parsed.query);
    v.valid = std::none_of(v.diagnostics.begin(), v.diagnostics.end(),
                           [](const KqlDiagnostic& d) { return d.severity == "Error"; });
    return v;
}

nlohmann::ordered_json kql_validation_json(const KqlValidation& v) {
    nlohmann::ordered_json diags = nlohmann::ordered_json::array();
    for (const KqlDiagnostic& d : v.diagnostics) {
        nlohmann::ordered_json o = nlohmann::ordered_json::object();
        o["message"] = d.message;
        o["start"] = d.start;
        o["length"] = d.length;
        o["severity"] = d.severity;
        diags.push_back(std::move(o));
    }
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    out["valid"] = v.valid;
    out["diagnostics"] = std::move(diags);
    return out;
}

namespace {

// Names as written: identifiers, and the contents of ['bracketed'] names.
std::vector<std::string> names_in(std::string_view query) {
    std::vector<KqlToken> toks = kql_tokenize(query.substr(0, std::min(query.size(), kKqlMaxQueryBytes)));
    std::vector<std::string> out;
    for (size_t i = 0; i < toks.size(); ++i) {
        if (toks[i].kind == KqlTok::Ident) out.push_back(toks[i].text);
        if (toks[i].kind == KqlTok::String && i > 0 && toks[i - 1].text == "[" && i + 1 < toks.size() &&
            toks[i + 1].text == "]")
            out.push_back(toks[i].value);
    }
    return out;
}

void push_unique(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

std::vector<std::string> kql_referenced_tables(std::string_view query, const KqlSchema& schema) {
    std::vector<std::string> out;
    for (const std::string& n : names_in(query))
        if (schema.find_table(n)) push_unique(out, n);
    return out;
}

std::vector<std::string> kql_referenced_columns(std::string_view query, const KqlSchema& schema) {
    std::vector<const KqlTable*> tables;
    for (const std::string& t : kql_referenced_tables(query, schema)) tables.push_back(schema.find_table(t));
    std::vector<std::string> out;
    for (const std::string& n : names_in(query)) {
        for (const KqlTable* t : tables) {
            if (t->find_column(n)) {
                push_unique(out, n);
                break;
            }
        }
    }
    return out;
}

double kql_token_jaccard(std::string_view a, std::string_view b) {
    auto set_of = [](std::string_view q) {
        std::set<std::string> s;
        for (const KqlToken& t : kql_tokenize(q.substr(0, std::min(q.size(), kKqlMaxQueryBytes))))
            if (t.kind != KqlTok::End)
                s.insert(t.kind == KqlTok::Error ? std::string(q.substr(t.start, t.length)) : t.text);
        return s;
    };
    std::set<std::string> sa = set_of(a), sb = set_of(b);
    if (sa.empty() && sb.empty()) return 1.0;
    size_t inter = 0;
    for (const std::string& t : sa) inter += sb.count(t);
    return static_cast<double>(inter) / static_cast<double>(sa.size() + sb.size() - inter);
}

}  // namespace sigma::domain
