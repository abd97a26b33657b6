// Task suites (cmdgen, kql, diagnosis JSONL): loading, kind detection and metric aggregation.
// Not the scorers themselves (eval_scorers.h) and not generation: outputs come from the caller.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/domain/json_parse.h"

namespace sigma::domain {

// Stored in eval output as "kind": never rename.
enum class SuiteKind { CmdGen, Kql, Diagnosis };
const char* suite_kind_name(SuiteKind kind);

struct EvalSuite {
    std::string name;  // file name without directory and .jsonl
    SuiteKind kind = SuiteKind::CmdGen;
    std::vector<nlohmann::ordered_json> cases;  // one object per line, as read
};

// Detects a case's suite kind from its fields: {"log","category"} -> diagnosis; {"reference","tables"}
// -> kql; {"reference","prompt"} with "kind" or "risk" -> cmdgen.
std::optional<SuiteKind> detect_case_kind(const nlohmann::ordered_json& item);

// Reads a JSONL suite. Blank lines are skipped; a malformed line, a line of another kind, or a case
// without an id is an error naming the line number.
std::optional<EvalSuite> load_suite(const std::string& path, std::string* error);

// Per-case metric values (0..1) in a fixed order, averaged into suite metrics.
struct CaseScore {
    std::string id;
    std::string output;  // what was scored (command, query or category)
    std::vector<std::pair<std::string, double>> metrics;
    nlohmann::ordered_json details = nlohmann::ordered_json::object();  // extra fields for --json results
};

struct SuiteReport {
    std::string suite;
    SuiteKind kind = SuiteKind::CmdGen;
    std::vector<CaseScore> cases;
    std::vector<std::pair<std::string, double>> metrics;  // means over cases, in first-seen order
};

// Averages every metric over the cases that report it.
void aggregate(SuiteReport& report);

// {"suite", "kind", "cases", "metrics": {...}, "results": [{"id", "output", ...metrics, ...details}]}
nlohmann::ordered_json report_to_json(const SuiteReport& report);
// A plain-text table: one row per metric with its mean as a percentage.
std::string report_to_table(const SuiteReport& report);

}  // namespace sigma::domain
