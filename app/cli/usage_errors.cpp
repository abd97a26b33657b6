// Usage-error wording over CLI11 2.1's messages ("NAME: text").
#include "app/cli/usage_errors.h"

#include <algorithm>
#include <regex>

#include "app/domain/suggest.h"

namespace sigma::cli {

std::string parse_error_text(const CLI::ParseError& error) {
    const std::string text = error.what();
    if (dynamic_cast<const CLI::ValidationError*>(&error)) {
        // "--threads: must be from 0 to 1024, got '5000'" -> "--threads must be ..."
        const size_t colon = text.find(": ");
        if (colon != std::string::npos) return text.substr(0, colon) + " " + text.substr(colon + 2);
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error)) {
        // "--backend: 1 required auto|cpu|cuda missing" -> "--backend needs a value (auto|cpu|cuda)"
        static const std::regex kMissing(R"(^(\S+): \d+ required (\S+) missing$)");
        std::smatch m;
        if (std::regex_match(text, m, kMissing)) return m[1].str() + " needs a value (" + m[2].str() + ")";
    }
    return text;
}

namespace {

std::string without_dashes(const std::string& word) {
    return word.substr(std::min(word.find_first_not_of('-'), word.size()));
}

}  // namespace

std::vector<std::string> nearest_spellings(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string letters = without_dashes(word);
    if (letters.size() >= 3) {
        // domain::suggest ranks nearest first; keep the first and those as near ("--top-k" and
        // "--top-p" for "--top-x"), not every name within reach ("--help" for "--temp").
        std::vector<std::string> ranked = domain::suggest(word, candidates);
        if (ranked.empty()) return ranked;
        const size_t best = domain::edit_distance(word, ranked.front());
        std::erase_if(ranked, [&](const std::string& c) { return domain::edit_distance(word, c) != best; });
        return ranked;
    }
    std::vector<std::string> out;
    for (const std::string& c : candidates)
        if (!letters.empty() && c != word && without_dashes(c) == letters) out.push_back(c);
    return out;
}

std::string did_you_mean(const std::vector<std::string>& suggestions) {
    if (suggestions.empty()) return {};
    std::string out = "; did you mean ";
    for (size_t i = 0; i < suggestions.size(); ++i) {
        if (i > 0) out += i + 1 == suggestions.size() ? " or " : ", ";
        out += "'" + suggestions[i] + "'";
    }
    return out + "?";
}

bool looks_like_option(const std::string& argument) { return argument.size() > 1 && argument[0] == '-'; }

std::vector<std::string> option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::Option* o : app.get_options()) {
        for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
        for (const std::string& n : o->get_snames()) names.push_back("-" + n);
    }
    return names;
}

std::string leftover_text(const CLI::App& app, const std::string& argument) {
    if (!looks_like_option(argument)) return "unexpected argument '" + argument + "'";
    const std::string name = argument.substr(0, argument.find('='));
    return "unknown option '" + name + "'" + did_you_mean(nearest_spellings(name, option_names(app)));
}

std::string unknown_command_text(const CLI::App& root, const std::string& word) {
    std::vector<std::string> commands{"help"};
    for (const CLI::App* sub : root.get_subcommands([](const CLI::App*) { return true; }))
        commands.push_back(sub->get_name());
    return "unknown command '" + word + "'" + did_you_mean(nearest_spellings(word, commands));
}

}  // namespace sigma::cli
