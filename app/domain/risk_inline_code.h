// RiskInlineCode: reads the programs that awk and sed take inline for what they can do outside
// themselves: run commands (awk system(), pipes and getline; sed e), and write files (awk print >
// FILE; sed w FILE, s///w). Not an interpreter: it scans, and says so when it cannot see.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

struct InlineEffects {
    std::vector<std::string> commands;  // command lines the program runs, as literal text
    bool runs_hidden = false;           // runs a command it builds at run time
    std::vector<std::string> writes;    // files the program writes, as literal names
    bool writes_hidden = false;         // writes a file whose name is computed
    bool empty() const { return commands.empty() && !runs_hidden && writes.empty() && !writes_hidden; }
};

// An awk program's text (the first operand of awk, or a -e/--source value).
InlineEffects scan_awk_program(std::string_view program);

// A sed script (the first operand of sed, or an -e/--expression value).
InlineEffects scan_sed_script(std::string_view script);

}  // namespace sigma::domain
