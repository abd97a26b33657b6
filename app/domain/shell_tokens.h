// ShellTokens: lenient shell tokenisation and whitespace normalisation for the command metrics.
// Not a parser: it never fails and never judges; use parse_shell for structure and errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

// Words after quote removal and operators ("|", "&&", "2>&1", ">") as tokens. Never fails (an
// unterminated quote runs to the end). Reads at most kShellMaxInputBytes of input.
std::vector<std::string> shell_tokens(std::string_view line);

// Collapses runs of blanks outside quotes to one space and trims the ends.
std::string normalize_whitespace(std::string_view line);

}  // namespace sigma::domain
