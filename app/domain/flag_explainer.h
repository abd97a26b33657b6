// FlagExplainer: a command line explained option by option from the knowledge packs (what each flag
// does, its value, and what the parts of the value mean: query fields, -d sections, enum names).
// Not a validator and not a risk judge: unknown options are listed without a meaning, nothing is rejected.
#pragma once

#include <string>
#include <vector>

namespace sigma::domain {

struct FlagDetail {
    std::string item;     // one part of the value: "memory.used", "POWER", "1"
    std::string meaning;  // "Total memory allocated by active contexts.", "ENABLED"; may be empty
};

struct FlagExplanation {
    std::string program;  // whose option it is: "nvidia-smi", "nvidia-smi mig", "kubectl exec", "ps"
    std::string flag;     // the option as written, without an attached value: "--query-gpu", "-r" of "-rf"
    std::string value;    // its value when it has one ("memory.used,temperature.gpu"), else empty
    bool has_value = false;
    std::string meaning;  // what the option does; empty when the packs do not know it
    std::vector<FlagDetail> details;
};

// Every option of every command in `command` (pipelines, lists, substitutions and wrapped commands
// such as `timeout 10 CMD` or `watch "CMD"` included), in the order written. Empty when the line
// cannot be parsed. Never throws.
std::vector<FlagExplanation> explain_flags(const std::string& command);

}  // namespace sigma::domain
