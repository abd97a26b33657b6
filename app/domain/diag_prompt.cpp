// Findings and evidence text of the diagnosis prompt; see diag_prompt.h.
// Not a formatter of the answer: format_diagnosis_answer (task_prompt.cpp) is.
#include "app/domain/diag_prompt.h"

namespace sigma::domain {

void redact_report_evidence(DiagnosisReport& report, const RedactOptions& options) {
    Redactor redactor(options);
    for (auto* list : {&report.findings, &report.nearest})
        for (Finding& f : *list)
            for (Evidence& e : f.evidence) {
                e.text = redactor.redact(e.text);
                if (!e.reason.empty()) e.reason = redactor.redact(e.reason);
            }
}

DiagnosisPromptText build_diagnosis_prompt_text(const DiagnosisReport& report) {
    DiagnosisPromptText t;
    for (const Finding& f : report.findings) {
        t.findings += "- " + f.category + " (" + severity_name(f.severity) + "): " + f.title + "\n";
        for (const Evidence& e : f.evidence) t.excerpt += "L" + std::to_string(e.line) + ": " + e.text + "\n";
    }
    if (t.findings.empty()) t.findings = "- none matched\n";
    return t;
}

}  // namespace sigma::domain
