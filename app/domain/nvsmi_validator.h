// NvsmiValidator: checks one nvidia-smi invocation against the catalogue (options, values, query
// fields, subcommands, combinations nvidia-smi rejects) and classifies its risk. Not a shell parser:
// it takes a SimpleCommand that the shell parser produced.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/domain/nvsmi_catalog.h"
#include "app/domain/risk_classifier.h"
#include "app/domain/shell_parser.h"
#include "app/domain/suggest.h"

namespace sigma::domain {

// The invocation in canonical form: options by long name, in the order written.
struct NvsmiInvocation {
    std::string subcommand;                                    // empty at top level
    std::vector<std::pair<std::string, std::string>> options;  // (long name, value or "")
};

struct NvsmiCheck {
    std::vector<CheckMessage> messages;
    Risk risk = Risk::ReadOnly;
    std::vector<std::string> reasons;
    NvsmiInvocation invocation;
    bool valid() const;  // no error messages
};

// `cmd.program` should be nvidia-smi; its arguments are what is checked.
NvsmiCheck check_nvsmi(const NvsmiCatalog& catalog, const SimpleCommand& cmd);

}  // namespace sigma::domain
