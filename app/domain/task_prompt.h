// Prompts for the three jobs and parsers for what a model answers: one format shared by the
// pipelines (any model, local or remote) and by the training-data generator for the default model.
// Not the pipelines: retrieval, generation, validation and history happen in the app's tasks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/example_corpus.h"  // CommandExample, KqlExample

namespace sigma::domain {

struct ChatTurn {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

// --- Commands -------------------------------------------------------------------------------
// System rules, then each example as a user/assistant pair, then the request.
// The assistant answers in two lines: "command: ..." and "explanation: ...".
// `catalogue_slice` (may be empty): catalogue lines that best match the request (command_catalogue_slice.h),
// shown in the system turn as exact spellings to use.
std::vector<ChatTurn> build_command_messages(std::string_view request, std::string_view shell, std::string_view os,
                                             const std::vector<CommandExample>& examples,
                                             std::string_view catalogue_slice = {});
// The assistant text for one example, exactly as the model is taught to answer.
std::string format_command_answer(std::string_view command, std::string_view explanation);

struct ParsedCommand {
    bool found = false;
    std::string command;      // one line, trimmed
    std::string explanation;  // may be empty
    std::string problem;      // why nothing was found, when !found
};
// Tolerant of what instruct models do: the two-line format, a fenced code block, a "$ " prompt,
// or a bare first line. Multi-line commands are joined only when continued with a backslash.
ParsedCommand parse_command_answer(std::string_view text);

// --- KQL ------------------------------------------------------------------------------------
// `schema_slice` lists the relevant tables and columns, one table per line: "Table(col:type, ...)".
std::vector<ChatTurn> build_kql_messages(std::string_view question, std::string_view schema_slice,
                                         const std::vector<KqlExample>& examples);
// A repair turn: the previous query and the validator's messages, asking for a corrected query.
ChatTurn build_kql_repair_turn(std::string_view previous_query, const std::vector<std::string>& diagnostics);
std::string format_kql_answer(std::string_view query);
struct ParsedKql {
    bool found = false;
    std::string query;
    std::string problem;
};
ParsedKql parse_kql_answer(std::string_view text);

// --- Diagnosis ------------------------------------------------------------------------------
// `findings` is the rules engine's summary (category, evidence lines), `excerpt` the redacted log
// lines around the evidence. The assistant answers "category: ...", "root cause: ..." and
// "next steps:" followed by "- " lines.
std::vector<ChatTurn> build_diagnosis_messages(std::string_view findings, std::string_view excerpt);
std::string format_diagnosis_answer(std::string_view category, std::string_view root_cause,
                                    const std::vector<std::string>& next_steps);
struct ParsedDiagnosis {
    bool found = false;
    std::string category;
    std::string root_cause;
    std::vector<std::string> next_steps;
    std::string problem;
};
ParsedDiagnosis parse_diagnosis_answer(std::string_view text);

}  // namespace sigma::domain
