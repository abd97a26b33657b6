// CliArgs: option lookup with usage errors that name the offending argument.
#include "app/cli/cli_args.h"

#include <charconv>
#include <cstdlib>

namespace sigma::cli {

namespace {

// Options of any `sigma` command that take a value in "-o VALUE" form. positional() never takes
// such a value, whichever order the command reads its arguments in ("sigma cmd -m F.gguf REQUEST").
bool takes_value(const std::string& option) {
    static const char* const kValueOptions[] = {
        "-m", "--model", "--remote", "--api-key", "--remote-model", "--template", "-t", "--threads", "--ctx",
        "--timeout", "--db", "--shell", "--os", "--schema", "--repairs", "-p", "--prompt", "-n", "--n-predict",
        "--temp", "--seed", "--top-k", "--top-p", "--min-p", "--repeat-penalty", "--host", "--port", "--git",
        "--since", "--author", "--panel", "--limit", "-o", "-r", "-d", "--backend", "--kv", "--batch"};
    for (const char* o : kValueOptions)
        if (option == o) return true;
    return false;
}

}  // namespace

bool CliArgs::flag(std::initializer_list<const char*> names) {
    bool found = false;
    for (size_t i = 0; i < args_.size(); ++i) {
        if (used_[i]) continue;
        for (const char* n : names) {
            if (args_[i] == n) {
                used_[i] = true;
                found = true;
            }
        }
    }
    return found;
}

std::optional<std::string> CliArgs::value(std::initializer_list<const char*> names) {
    std::optional<std::string> result;
    for (size_t i = 0; i < args_.size(); ++i) {
        if (used_[i]) continue;
        for (const char* n : names) {
            const std::string name = n;
            if (args_[i] == name) {
                used_[i] = true;
                if (i + 1 >= args_.size()) {
                    if (error_.empty()) error_ = "option " + name + " needs a value";
                    return std::nullopt;
                }
                used_[i + 1] = true;
                result = args_[i + 1];
                ++i;
                break;
            }
            if (name.rfind("--", 0) == 0 && args_[i].rfind(name + "=", 0) == 0) {
                used_[i] = true;
                result = args_[i].substr(name.size() + 1);
                break;
            }
        }
    }
    return result;
}

std::optional<long long> CliArgs::integer(std::initializer_list<const char*> names) {
    auto v = value(names);
    if (!v) return std::nullopt;
    long long out = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || ptr != v->data() + v->size()) {
        if (error_.empty()) error_ = "option " + std::string(*names.begin()) + " expects an integer, got '" + *v + "'";
        return std::nullopt;
    }
    return out;
}

std::optional<double> CliArgs::number(std::initializer_list<const char*> names) {
    auto v = value(names);
    if (!v) return std::nullopt;
    char* end = nullptr;
    double out = std::strtod(v->c_str(), &end);
    if (v->empty() || end != v->c_str() + v->size()) {
        if (error_.empty()) error_ = "option " + std::string(*names.begin()) + " expects a number, got '" + *v + "'";
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> CliArgs::positional() {
    for (size_t i = 0; i < args_.size(); ++i) {
        if (used_[i]) continue;
        if (i > 0 && takes_value(args_[i - 1])) continue;  // the value of an option read later
        if (args_[i] == "-" || args_[i].empty() || args_[i][0] != '-') {
            used_[i] = true;
            return args_[i];
        }
    }
    return std::nullopt;
}

bool CliArgs::finish() {
    if (!error_.empty()) return false;
    for (size_t i = 0; i < args_.size(); ++i) {
        if (!used_[i]) {
            error_ = "unexpected argument '" + args_[i] + "'";
            return false;
        }
    }
    return true;
}

}  // namespace sigma::cli
