// CliArgs: the argument list of one `sigma` subcommand, read option by option.
// Not a declarative parser: each command asks for what it takes, then calls finish() so that
// anything left over (a misspelt flag, a missing value) is reported as an error naming it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sigma::cli {

class CliArgs {
public:
    explicit CliArgs(std::vector<std::string> args) : args_(std::move(args)), used_(args_.size(), false) {}

    // True if any of the spellings is present (e.g. {"--json"}); marks it used.
    bool flag(std::initializer_list<const char*> names);
    // The value after an option, in "-m FILE", "--model FILE" or "--model=FILE" form.
    // Records an error if the option is present without a value.
    std::optional<std::string> value(std::initializer_list<const char*> names);
    std::optional<long long> integer(std::initializer_list<const char*> names);
    std::optional<double> number(std::initializer_list<const char*> names);
    // The next unused argument that does not start with '-' (a lone "-" counts as positional).
    std::optional<std::string> positional();

    // Records a usage error found while interpreting a value (e.g. a word outside a fixed set);
    // finish() then fails with it. The first error wins.
    void reject(const std::string& message) {
        if (error_.empty()) error_ = message;
    }
    // Call after reading every option: returns false and fills error() when something is left
    // over or a value was malformed.
    bool finish();
    const std::string& error() const { return error_; }
    bool has_error() const { return !error_.empty(); }

private:
    std::vector<std::string> args_;
    std::vector<bool> used_;
    std::string error_;
};

}  // namespace sigma::cli
