// CmdCompare: the cmdgen suite's metrics for one generated command against a reference: exact
// (whitespace-normalised), equivalent (same program, same option set, order free, spellings and
// comma lists canonical) and token F1. Not a validity check: invalid commands can still compare equal.
#pragma once

#include <string_view>

namespace sigma::domain {

class ShellCatalog;
class NvsmiCatalog;

// Equal after collapsing blanks outside quotes and trimming.
bool commands_exact(std::string_view a, std::string_view b);

// Exact, or both parse and, command by command with the same operators between them: the same
// program (path and sudo ignored), the same env assignments and redirections (as sets), the same
// subcommand path and positional arguments (in order), and the same set of (option, value) pairs.
// Options are canonical by the catalogues (-i 0 = --id=0, -rf = -r -f, head -20 = head -n 20), and
// comma lists of nvidia-smi --query-* fields (aliases resolved), --format and -d values compare as
// sets; enum values by number (-pm ENABLED = -pm 1).
bool commands_equivalent(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, std::string_view a, std::string_view b);
// With the built-in packs; falls back to exact when they cannot be loaded.
bool commands_equivalent(std::string_view a, std::string_view b);

// Token F1 (multiset overlap) over shell tokenisation; 1.0 when both are empty.
double cmd_token_f1(std::string_view generated, std::string_view reference);

}  // namespace sigma::domain
