// CommandValidator: the facade that checks one whole command line: shell syntax, known programs,
// options of fully catalogued tools, nvidia-smi options and fields, and the risk class with reasons.
// Not a runner: nothing is executed, and nothing on the machine is consulted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/domain/nvsmi_catalog.h"
#include "app/domain/risk_classifier.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/suggest.h"

namespace sigma::domain {

struct CommandCheck {
    bool valid = false;  // parsed, and no error message
    Risk risk = Risk::ChangesState;
    std::vector<std::string> reasons;
    std::vector<CheckMessage> messages;
    // Programs the catalogue does not know (a warning, not an error: local tools exist). The eval
    // suites' "valid" requires known programs, so their scorer reads this.
    std::vector<std::string> unknown_programs;
};

// Policy: a parse error is invalid. An unknown option of a fully catalogued tool, any nvidia-smi
// option/value/field error, and an unknown program one edit away from a known name of 4+ letters
// (nvidai-smi, systemclt) are errors with suggestions. Any other unknown program, a local script
// (./run.sh) or a computed program ($CMD) is a warning: still valid, and at least changes-state.
// Uses the built-in knowledge packs; when a pack cannot be loaded the result is invalid with a
// message naming the problem (and risk changes-state).
CommandCheck check_command(std::string_view line);
CommandCheck check_command(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, std::string_view line);

// {"valid", "risk", "reasons", "messages": [{"severity", "message", "suggestions", "start", "length"}]}
nlohmann::ordered_json command_check_json(const CommandCheck& c);

}  // namespace sigma::domain
