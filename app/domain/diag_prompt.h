// The model prompt of a diagnosis: the rules engine's findings and the cited evidence as text, and
// the redaction of that evidence. One definition shared by the app's DiagnoseTask and the training
// data generator, so the model sees at training time what it sees at run time.
// Not the chat framing: build_diagnosis_messages (task_prompt.h) wraps these two texts.
#pragma once

#include <string>

#include "app/domain/diag_engine.h"
#include "app/domain/redactor.h"

namespace sigma::domain {

// Redacts every evidence line of every finding with one Redactor, in finding order, so the same
// value gets the same placeholder throughout the report.
void redact_report_evidence(DiagnosisReport& report, const RedactOptions& options = {});

struct DiagnosisPromptText {
    std::string findings;  // "- <category> (<severity>): <title>\n" per finding, or "- none matched\n"
    std::string excerpt;   // "L<line>: <text>\n" per evidence line, finding by finding
};
DiagnosisPromptText build_diagnosis_prompt_text(const DiagnosisReport& report);

}  // namespace sigma::domain
