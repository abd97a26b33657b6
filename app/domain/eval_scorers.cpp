// Scoring of single cases. Every metric is 0 or 1 per case except the similarity-style ones
// (cmd_score, tables, columns, similarity, evidence), which are fractions.
#include "app/domain/eval_scorers.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "app/domain/cmd_compare.h"
#include "app/domain/command_validator.h"
#include "app/domain/kql_validator.h"

namespace sigma::domain {

using nlohmann::ordered_json;

namespace {

double recall(const std::vector<std::string>& expected, const std::vector<std::string>& found) {
    if (expected.empty()) return 1.0;
    size_t hit = 0;
    for (const std::string& e : expected)
        if (std::find(found.begin(), found.end(), e) != found.end()) ++hit;
    return static_cast<double>(hit) / static_cast<double>(expected.size());
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace

CaseScore score_cmdgen_case(const ordered_json& item, const std::string& command, EvalMode mode) {
    CaseScore s;
    s.id = json_string(item, "id");
    s.output = command;
    const std::string reference = json_string(item, "reference");
    std::vector<std::string> targets{reference};
    for (const std::string& a : json_strings(item, "accept")) targets.push_back(a);

    const CommandCheck check = check_command(command);
    const std::string risk = risk_text(check.risk);
    if (mode == EvalMode::Generated) {
        bool exact = false, equivalent = false;
        for (const std::string& t : targets) {
            exact = exact || commands_exact(command, t);
            equivalent = equivalent || commands_equivalent(command, t);
        }
        s.metrics.emplace_back("exact", exact ? 1.0 : 0.0);
        s.metrics.emplace_back("equivalent", exact || equivalent ? 1.0 : 0.0);
    }
    // The suites' "valid": the validator passes and every program is a known one.
    const bool valid = check.valid && check.unknown_programs.empty();
    s.metrics.emplace_back("valid", valid ? 1.0 : 0.0);
    s.metrics.emplace_back("risk", risk == json_string(item, "risk") ? 1.0 : 0.0);
    if (mode == EvalMode::Generated) s.metrics.emplace_back("cmd_score", cmd_token_f1(command, reference));

    s.details["risk_class"] = risk;
    s.details["expected_risk"] = json_string(item, "risk");
    s.details["reasons"] = check.reasons;
    ordered_json messages = ordered_json::array();
    for (const auto& m : check.messages) messages.push_back(m.text);
    s.details["messages"] = std::move(messages);
    return s;
}

CaseScore score_kql_case(const ordered_json& item, const std::string& query, const KqlSchema& schema, EvalMode mode) {
    CaseScore s;
    s.id = json_string(item, "id");
    s.output = query;
    const KqlValidation v = validate_kql(query, schema);
    const auto tables = kql_referenced_tables(query, schema);
    const auto columns = kql_referenced_columns(query, schema);
    s.metrics.emplace_back("valid", v.valid ? 1.0 : 0.0);
    s.metrics.emplace_back("tables", recall(json_strings(item, "tables"), tables));
    s.metrics.emplace_back("columns", recall(json_strings(item, "columns"), columns));
    if (mode == EvalMode::Generated)
        s.metrics.emplace_back("similarity", kql_token_jaccard(query, json_string(item, "reference")));
    ordered_json diags = ordered_json::array();
    for (const auto& d : v.diagnostics) diags.push_back(d.message);
    s.details["diagnostics"] = std::move(diags);
    return s;
}

CaseScore score_diagnosis_case(const ordered_json& item, const DiagnosisReport& report) {
    CaseScore s;
    s.id = json_string(item, "id");
    s.output = report.category;
    const std::string log = json_string(item, "log");
    const auto lines = split_lines(log);
    std::vector<std::string_view> cited;
    for (size_t n : report.cited_lines())
        if (n >= 1 && n <= lines.size()) cited.push_back(lines[n - 1]);

    const auto evidence = json_strings(item, "evidence");
    size_t found = 0;
    for (const std::string& e : evidence) {
        const bool in_cited = std::any_of(cited.begin(), cited.end(),
                                          [&](std::string_view l) { return l.find(e) != std::string_view::npos; });
        if (in_cited) ++found;
    }
    s.metrics.emplace_back("category", report.category == json_string(item, "category") ? 1.0 : 0.0);
    s.metrics.emplace_back("evidence",
                           evidence.empty() ? 1.0 : static_cast<double>(found) / static_cast<double>(evidence.size()));
    s.details["expected_category"] = json_string(item, "category");
    s.details["cited_lines"] = report.cited_lines();
    return s;
}

}  // namespace sigma::domain
