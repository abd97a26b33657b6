// RiskClassifier: the risk names and the per-command rules (see resources/knowledge/shell/FORMAT.md).
// Not configurable at run time beyond the shell pack's per-tool classes: the danger rules are code.
#include "app/domain/risk_classifier.h"

namespace sigma::domain {

const char* risk_text(Risk r) {
    switch (r) {
        case Risk::ReadOnly: return "read-only";
        case Risk::ChangesState: return "changes-state";
        case Risk::Destructive: return "destructive";
    }
    return "destructive";
}

std::optional<Risk> risk_from_text(std::string_view s) {
    if (s == "read-only") return Risk::ReadOnly;
    if (s == "changes-state") return Risk::ChangesState;
    if (s == "destructive") return Risk::Destructive;
    return std::nullopt;
}

}  // namespace sigma::domain
