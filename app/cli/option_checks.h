// Value checks for sigma's options as CLI11 validators, so that every command words a bad value
// the same way ("--threads must be from 0 to 1024, got '5000'"), and the one question commands ask
// of a parse: which of these options were given. Not the parser (CommandLine holds that).
#pragma once

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <string>
#include <vector>

namespace sigma::cli {

// A whole decimal integer from lo to hi ("expects an integer, got 'lots'", "must be from 1 to 16,
// got '40'"; "must be at least 0" when hi is int's or long long's maximum, "at most" likewise).
CLI::Validator integer_in(long long lo, long long hi);

// A finite decimal number at least lo ("must be at least 0, got '-1'").
CLI::Validator number_at_least(double lo);
// A finite decimal number above lo ("must be more than 0, got '0'").
CLI::Validator number_above(double lo);
// Any finite decimal number ("expects a number, got 'x'").
CLI::Validator number();

// One of the words ("must be auto, cpu or cuda, got 'tpu'").
CLI::Validator one_of(std::vector<std::string> words);

// The first of `names` (option names as declared, e.g. "--json") given on `app`'s command line;
// empty when none was.
std::string first_given(const CLI::App& app, std::initializer_list<const char*> names);

}  // namespace sigma::cli
