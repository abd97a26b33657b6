// Per-case metrics for the three suites, as defined in the suites' README: the same functions score
// the deterministic layer (--no-model, where the output is the case's own reference) and a model.
// Not a generator: the caller supplies each output.
#pragma once

#include <string>

#include "app/domain/diag_engine.h"
#include "app/domain/eval_suite.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"

namespace sigma::domain {

enum class EvalMode {
    Deterministic,  // --no-model: validate and classify the references themselves
    Generated,      // the output came from a model pipeline
};

// cmdgen: exact, equivalent, valid, risk, cmd_score (Generated); valid, risk (Deterministic).
CaseScore score_cmdgen_case(const nlohmann::ordered_json& item, const std::string& command, EvalMode mode);

// kql: valid, tables, columns, similarity (Generated); valid, tables, columns (Deterministic).
CaseScore score_kql_case(const nlohmann::ordered_json& item, const std::string& query, const KqlSchema& schema,
                         EvalMode mode);

// diagnosis: category and evidence (the share of the case's evidence strings found inside a line
// the diagnosis cites).
CaseScore score_diagnosis_case(const nlohmann::ordered_json& item, const DiagnosisReport& report);

}  // namespace sigma::domain
