// The command answer's prefix check: "command: <one shell line>\nexplanation: <one line>", where the
// line's programs come from the shell pack, options of fully catalogued tools and every nvidia-smi
// option, -d section, --format value and query field (of the option's own --query-* family) come
// from the catalogues, GPU ids come from the request when it names numbers, and the finished line
// must pass check_command (and be read-only when the request only asks to look).
// Not a shell parser: it lexes words, quotes and operators; anything richer (substitutions, subshells,
// here-documents, wrapped commands) is left unchecked until the line ends and the validator judges it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/answer_constraint.h"
#include "app/domain/nvsmi_catalog.h"
#include "app/domain/shell_catalog.h"

namespace sigma::domain {

struct CommandConstraintOptions {
    bool options = true;         // catalogued options, nvidia-smi values and fields
    bool literals = true;        // nvidia-smi GPU ids from the request's numbers
    bool check_at_end = true;    // the line must pass check_command before the explanation starts
    bool hold_to_intent = true;  // a request that only asks to look gets a read-only command
};

// The catalogues in the shape the cursor looks them up in (sorted spellings), built once per pair of
// catalogues and shared read-only by every constraint made from it.
class CommandGrammar;
std::shared_ptr<const CommandGrammar> build_command_grammar(const ShellCatalog& shell, const NvsmiCatalog& nvsmi);
// Of the built-in packs, built once; nullptr when a pack cannot be loaded.
std::shared_ptr<const CommandGrammar> builtin_command_grammar();

std::unique_ptr<AnswerConstraint> make_command_constraint(std::shared_ptr<const CommandGrammar> grammar,
                                                          std::string_view request,
                                                          const CommandConstraintOptions& options = {});

}  // namespace sigma::domain
