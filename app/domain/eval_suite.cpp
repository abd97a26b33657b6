// Suite loading and aggregation shared by `sigma eval` with and without a model.
#include "app/domain/eval_suite.h"

#include <cstdio>
#include <fstream>

namespace sigma::domain {

const char* suite_kind_name(SuiteKind kind) {
    switch (kind) {
        case SuiteKind::CmdGen: return "cmdgen";
        case SuiteKind::Kql: return "kql";
        case SuiteKind::Diagnosis: return "diagnosis";
    }
    return "unknown";
}

std::optional<SuiteKind> detect_case_kind(const nlohmann::ordered_json& item) {
    if (!item.is_object()) return std::nullopt;
    if (item.contains("log") && item.contains("category")) return SuiteKind::Diagnosis;
    if (item.contains("reference") && item.contains("tables")) return SuiteKind::Kql;
    if (item.contains("reference") && item.contains("prompt") && (item.contains("kind") || item.contains("risk")))
        return SuiteKind::CmdGen;
    return std::nullopt;
}

std::optional<EvalSuite> load_suite(const std::string& path, std::string* error) {
    auto fail = [&](const std::string& message) -> std::optional<EvalSuite> {
        if (error) *error = message;
        return std::nullopt;
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot open suite '" + path + "'");
    EvalSuite suite;
    const size_t slash = path.find_last_of('/');
    suite.name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (suite.name.size() > 6 && suite.name.ends_with(".jsonl")) suite.name.resize(suite.name.size() - 6);

    std::string line;
    size_t line_no = 0;
    std::optional<SuiteKind> kind;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string perr;
        auto item = parse_json(line, &perr);
        if (!item) return fail(path + ":" + std::to_string(line_no) + ": malformed JSON: " + perr);
        auto k = detect_case_kind(*item);
        if (!k) return fail(path + ":" + std::to_string(line_no) + ": not a cmdgen, kql or diagnosis case");
        if (kind && *k != *kind)
            return fail(path + ":" + std::to_string(line_no) + ": a " + suite_kind_name(*k) + " case in a " +
                        suite_kind_name(*kind) + " suite");
        kind = k;
        if (json_string(*item, "id").empty())
            return fail(path + ":" + std::to_string(line_no) + ": case has no \"id\"");
        suite.cases.push_back(std::move(*item));
    }
    if (in.bad()) return fail("error reading suite '" + path + "'");
    if (!kind) return fail("suite '" + path + "' has no cases");
    suite.kind = *kind;
    return suite;
}

void aggregate(SuiteReport& report) {
    std::vector<std::pair<std::string, double>> sums;
    std::vector<size_t> counts;
    for (const CaseScore& c : report.cases) {
        for (const auto& [name, value] : c.metrics) {
            size_t i = 0;
            while (i < sums.size() && sums[i].first != name) ++i;
            if (i == sums.size()) {
                sums.emplace_back(name, 0.0);
                counts.push_back(0);
            }
            sums[i].second += value;
            ++counts[i];
        }
    }
    report.metrics.clear();
    for (size_t i = 0; i < sums.size(); ++i)
        report.metrics.emplace_back(sums[i].first, counts[i] ? sums[i].second / static_cast<double>(counts[i]) : 0.0);
}

nlohmann::ordered_json report_to_json(const SuiteReport& report) {
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    for (const auto& [name, value] : report.metrics) metrics[name] = json_number(value);
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const CaseScore& c : report.cases) {
        nlohmann::ordered_json r = nlohmann::ordered_json::object();
        r["id"] = c.id;
        r["output"] = c.output;
        for (const auto& [name, value] : c.metrics) r[name] = json_number(value);
        if (c.details.is_object())
            for (const auto& [key, value] : c.details.items()) r[key] = value;
        results.push_back(std::move(r));
    }
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    out["suite"] = report.suite;
    out["kind"] = suite_kind_name(report.kind);
    out["cases"] = report.cases.size();
    out["metrics"] = std::move(metrics);
    out["results"] = std::move(results);
    return out;
}

std::string report_to_table(const SuiteReport& report) {
    std::string out;
    char buf[160];
    std::snprintf(buf, sizeof buf, "suite %s (%s), %zu cases\n", report.suite.c_str(), suite_kind_name(report.kind),
                  report.cases.size());
    out += buf;
    out += "| metric | score |\n|---|---|\n";
    for (const auto& [name, value] : report.metrics) {
        std::snprintf(buf, sizeof buf, "| %s | %.1f%% |\n", name.c_str(), value * 100.0);
        out += buf;
    }
    return out;
}

}  // namespace sigma::domain
