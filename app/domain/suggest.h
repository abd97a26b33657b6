// Suggest: bounded edit distance and "did you mean" ranking, plus the message type validators return.
// Not a spell checker: it ranks a caller's candidate list and never invents a name outside it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

// One finding of a validator, located in the checked line by byte offset.
struct CheckMessage {
    enum class Severity { Error, Warning, Info };  // stored in --json output as text: never rename
    Severity severity = Severity::Error;
    std::string text;
    std::vector<std::string> suggestions;
    size_t start = 0;
    size_t length = 0;
};
const char* severity_text(CheckMessage::Severity s);  // "error" | "warning" | "info"

// Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), case-insensitive.
// Stops early and returns cap + 1 once the distance exceeds `cap`.
size_t edit_distance(std::string_view a, std::string_view b, size_t cap = 64);

// Candidates close to `word`, nearest first (ties keep candidate order), at most `max_results`.
// "Close" is a distance of at most max(1, word.size() / 3) (capped at 3) to the candidate or, for words
// of 4+ characters, to the candidate's first word.size() characters (an abbreviation), ranked after
// full matches. Inputs longer than 256 bytes get no suggestions.
std::vector<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates,
                                 size_t max_results = 3);

}  // namespace sigma::domain
