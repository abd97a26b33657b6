// libFuzzer target for the risk classifier's monotonicity: wrapping a line that parses in sudo, env,
// nice, nohup, time, timeout, command, busybox, bash -c or ssh HOST never lowers its class.
// Not a test of the classes themselves (tests/data/safety/hostile.tsv pins those).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/domain/nvsmi_catalog.h"
#include "app/domain/risk_classifier.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"

using namespace sigma::domain;

namespace {

// 'text' with each ' written as '\'' so the shell reads it back unchanged.
std::string single_quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ShellCatalog* shell = ShellCatalog::builtin();
    static const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin();
    if (!shell || !nvsmi) std::abort();
    if (size > 2048) return 0;
    const std::string line(reinterpret_cast<const char*>(data), size);
    const ShellParseResult parsed = parse_shell(line);
    if (!parsed.ok || parsed.commands.empty()) return 0;
    const Risk base = classify_line(*shell, *nvsmi, parsed).risk;

    // The whole line as one argument: bash -c and ssh HOST run it as written.
    const std::string quoted = single_quoted(line);
    for (const std::string& wrapped : {"bash -c " + quoted, "sh -c " + quoted, "ssh node1 " + quoted}) {
        const ShellParseResult p = parse_shell(wrapped);
        if (!p.ok) continue;  // over the size bound, say
        if (static_cast<int>(classify_line(*shell, *nvsmi, p).risk) < static_cast<int>(base)) {
            std::fprintf(stderr, "class dropped from %s: %s\n", risk_text(base), wrapped.c_str());
            std::abort();
        }
    }
    // Prefix wrappers apply to a line that is one simple command starting the line, whose program
    // the wrapper cannot mistake for one of its own options (assignments and sudo are the shell's,
    // so a wrapper in front of them would run a different command).
    const SimpleCommand& first = parsed.commands.front();
    if (parsed.commands.size() != 1 || first.depth != 0 || first.start != 0 || first.program.text.empty() ||
        !parsed.loops.empty() || !first.env.empty() || first.sudo || first.program.text[0] == '-' ||
        first.program.text.find('=') != std::string::npos)
        return 0;
    for (const char* w :
         {"sudo ", "env ", "nice ", "nohup ", "time ", "timeout 5 ", "command ", "busybox ", "stdbuf -oL "}) {
        const std::string wrapped = w + line;
        const ShellParseResult p = parse_shell(wrapped);
        if (!p.ok) continue;
        if (static_cast<int>(classify_line(*shell, *nvsmi, p).risk) < static_cast<int>(base)) {
            std::fprintf(stderr, "class dropped from %s: %s\n", risk_text(base), wrapped.c_str());
            std::abort();
        }
    }
    return 0;
}
