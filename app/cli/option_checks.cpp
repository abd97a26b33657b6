// Validators return CLI11's "error text or empty"; CommandLine puts the option's name in front.
#include "app/cli/option_checks.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

namespace sigma::cli {

namespace {

std::optional<long long> parse_integer(const std::string& text) {
    long long out = 0;
    const char* end = text.data() + text.size();
    const char* begin = text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, end, out);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return out;
}

std::optional<double> parse_number(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double out = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(out)) return std::nullopt;
    return out;
}

std::string shown(double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

std::string in_quotes(const std::string& value) { return "'" + value + "'"; }

}  // namespace

CLI::Validator integer_in(long long lo, long long hi) {
    return CLI::Validator(
        [lo, hi](std::string& value) -> std::string {
            const auto v = parse_integer(value);
            if (!v) return "expects an integer, got " + in_quotes(value);
            if (*v >= lo && *v <= hi) {
                value = std::to_string(*v);  // CLI11 would read "010" as octal
                return {};
            }
            const bool open_above =
                hi == std::numeric_limits<long long>::max() || hi == std::numeric_limits<int>::max();
            const bool open_below =
                lo == std::numeric_limits<long long>::min() || lo == std::numeric_limits<int>::min();
            if (open_above && !open_below)
                return "must be at least " + std::to_string(lo) + ", got " + in_quotes(value);
            if (open_below && !open_above) return "must be at most " + std::to_string(hi) + ", got " + in_quotes(value);
            return "must be from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + in_quotes(value);
        },
        "");
}

CLI::Validator number_at_least(double lo) {
    return CLI::Validator(
        [lo](std::string& value) -> std::string {
            const auto v = parse_number(value);
            if (!v) return "expects a number, got " + in_quotes(value);
            return *v >= lo ? std::string() : "must be at least " + shown(lo) + ", got " + in_quotes(value);
        },
        "");
}

CLI::Validator number_above(double lo) {
    return CLI::Validator(
        [lo](std::string& value) -> std::string {
            const auto v = parse_number(value);
            if (!v) return "expects a number, got " + in_quotes(value);
            return *v > lo ? std::string() : "must be more than " + shown(lo) + ", got " + in_quotes(value);
        },
        "");
}

CLI::Validator number() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            return parse_number(value) ? std::string() : "expects a number, got " + in_quotes(value);
        },
        "");
}

CLI::Validator one_of(std::vector<std::string> words) {
    std::string listed;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) listed += i + 1 == words.size() ? " or " : ", ";
        listed += words[i];
    }
    return CLI::Validator(
        [words = std::move(words), listed](std::string& value) -> std::string {
            for (const std::string& w : words)
                if (value == w) return {};
            return "must be " + listed + ", got " + in_quotes(value);
        },
        "");
}

std::string first_given(const CLI::App& app, std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (app.count(name) > 0) return name;
    return {};
}

}  // namespace sigma::cli
