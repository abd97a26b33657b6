// Command explanations that match the command: built from the catalogue's meanings of the options
// and values actually written, and a check that catches a model's explanation naming a field,
// section or number the command does not have.
// Not a summariser of intent: it says what the flags do, nothing the catalogue does not know.
#pragma once

#include <string>
#include <string_view>

namespace sigma::domain {

// "nvidia-smi: --query-gpu memory.used (Total memory allocated by active contexts.); --format csv
// (comma-separated values)." Empty when no option has a known meaning.
std::string compose_explanation(std::string_view command);

// False when `explanation` names a number, a query field or a -d section (catalogue words) that the
// command and its flags' meanings do not have.
bool explanation_matches(std::string_view explanation, std::string_view command);

}  // namespace sigma::domain
