// RiskClassifier: read-only | changes-state | destructive for every command of a parsed line, with
// reasons a person can read. Not a sandbox or a permission check: it judges the text, not the system.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

// Ordered: the class of a line is the maximum over its commands. Stored as text ("read-only",
// "changes-state", "destructive") in results and history: never rename.
enum class Risk { ReadOnly = 0, ChangesState = 1, Destructive = 2 };
const char* risk_text(Risk r);
std::optional<Risk> risk_from_text(std::string_view s);
inline Risk max_risk(Risk a, Risk b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

class ShellCatalog;
class NvsmiCatalog;
struct ShellSpec;
struct SimpleCommand;
struct ShellParseResult;

struct RiskReport {
    Risk risk = Risk::ReadOnly;
    std::vector<std::string> reasons;  // one or more per command, in command order
};

// Classifies one simple command (`all` and `index` give its pipeline neighbours, for "curl | sh").
RiskReport classify_command(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const std::vector<SimpleCommand>& all,
                            size_t index);

// The program a command finally runs, looking through wrappers that take no arguments of their own
// before the command (nice, nohup, time, stdbuf, command, exec, env A=1, sudo): "nice curl" -> curl.
std::string effective_program(const ShellCatalog& shell, const SimpleCommand& cmd);

// The lowest class any line that runs `tool` can get: its own class, unless something a line may add
// lowers it (subcommands, read-only options or words, a dry-run option, a wrapped command, a shell or
// interpreter, tar -t, wget -O -, tee /dev/null). Everything else on a line only raises the class.
Risk risk_floor(const ShellSpec& tool);
// The same for a line that runs `subcommand` of `tool` (systemctl stop, kubectl drain): the
// subcommand's class unless it has subcommands of its own, or either has read-only options, a wrapped
// command or a dry run.
Risk risk_floor(const ShellSpec& tool, const ShellSpec& subcommand);
// The same for a first word that names no catalogued subcommand of `tool`: such a line is never
// read-only (it cannot be judged) unless the tool's read-only options or a dry run can make it so.
Risk unknown_subcommand_floor(const ShellSpec& tool);

// Classifies every command of a parsed line; the overall class is the maximum.
RiskReport classify_line(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const ShellParseResult& parsed);

}  // namespace sigma::domain
