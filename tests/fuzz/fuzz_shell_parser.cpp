// libFuzzer target for the command side: shell parser, tokeniser, command validator, risk, the flag
// explainer and the comparison metrics on arbitrary bytes.
// Not a correctness test: it looks for crashes, hangs and invariant breaks (positions outside the
// input, a read-only verdict on an unparsable line, flags explained for a line that does not parse).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/cmd_compare.h"
#include "app/domain/command_validator.h"
#include "app/domain/flag_explainer.h"
#include "app/domain/json_parse.h"
#include "app/domain/shell_parser.h"
#include "app/domain/shell_tokens.h"

using namespace sigma::domain;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ShellParseResult parsed = parse_shell(text);
    if (!parsed.ok && parsed.error_pos > size) std::abort();
    if (parsed.ok) {
        for (const SimpleCommand& c : parsed.commands) {
            if (c.program.start + c.program.length > size) std::abort();
            for (const ShellWord& w : c.args)
                if (w.start + w.length > size) std::abort();
        }
    }
    (void)shell_tokens(text);
    (void)normalize_whitespace(text);

    const CommandCheck check = check_command(text);
    if (!parsed.ok && (check.valid || check.risk == Risk::ReadOnly)) std::abort();
    for (const CheckMessage& m : check.messages)
        if (m.start > size) std::abort();
    (void)dump_json(command_check_json(check));

    // Explaining the flags never fails; an unparsable line has nothing to explain.
    const std::vector<FlagExplanation> flags = explain_flags(std::string(text));
    if (!parsed.ok && !flags.empty()) std::abort();
    for (const FlagExplanation& f : flags)
        if (f.flag.empty() || f.flag.size() > size) std::abort();

    // Split the input in two at its first newline to exercise the metrics.
    const size_t nl = text.find('\n');
    const std::string_view a = text.substr(0, nl == std::string_view::npos ? size : nl);
    const std::string_view b = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const double f1 = cmd_token_f1(a, b);
    if (!(f1 >= 0.0 && f1 <= 1.0)) std::abort();
    if (commands_exact(a, b) && !commands_equivalent(a, b)) std::abort();
    return 0;
}
