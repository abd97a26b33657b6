// The words of a usage error: CLI11's parse errors reworded to start with the option they are about
// ("--threads must be from 0 to 1024, got '5000'"), and arguments nothing took named with their
// nearest spellings ("unknown option '--jsn'; did you mean '--json'?"). Not the printing, and not
// the exit code: CommandLine does both.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace sigma::cli {

std::string parse_error_text(const CLI::ParseError& error);

// An argument `app` left over (CLI11's remaining()): an option it does not have, with the nearest of
// its options, or a word beyond its arguments ("unexpected argument 'extra'").
std::string leftover_text(const CLI::App& app, const std::string& argument);

// A word where a command was expected, with the nearest command names of `root`.
std::string unknown_command_text(const CLI::App& root, const std::string& word);

// Every spelling of `app`'s options: long ("--json") and short ("-m"), --help included.
std::vector<std::string> option_names(const CLI::App& app);

// The nearest spellings of a mistyped word among the ones a command knows ("--jsn" -> "--json",
// "diagnsoe" -> "diagnose"), ranked by sigma::domain::suggest, the validators' own "did you mean",
// keeping the nearest and those as near as it.
// A word of one or two letters ("-x") is an edit away from every short option, so it gets only the
// same letters with other dashes ("--m" -> "-m").
std::vector<std::string> nearest_spellings(const std::string& word, const std::vector<std::string>& candidates);

// "; did you mean 'x'?" or "; did you mean 'x' or 'y'?"; empty for no suggestions.
std::string did_you_mean(const std::vector<std::string>& suggestions);

// True for "-x", "--long" and "--long=value"; false for "-" (standard input) and plain words.
bool looks_like_option(const std::string& argument);

}  // namespace sigma::cli
