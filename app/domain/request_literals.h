// Request literals: the numbers, names, paths and quoted strings a request names, found in the
// request and in a generated command, so the pipeline can copy the request's values into the answer
// (a small model writes "gpu-node-3" for "gpu-node-7", 20 for "ten").
// Not a parser of the command's meaning: it sees words and their kinds, never option semantics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

// Stored nowhere: the kinds only steer which value may replace which.
enum class LiteralKind { Number, Name, Path, Quoted };

struct Literal {
    LiteralKind kind = LiteralKind::Number;
    std::string text;  // "7", "gpu-node-7", "/var/log/syslog", "OutOfMemory"
    size_t start = 0;  // byte offset in the text it was found in
    size_t length = 0;
};

// Literals of a plain-English request, in order. Number words ("ten", "two") become digits; lists
// ("devices 4,5") give one number each; digits inside a name ("gpu-node-7") belong to the name.
std::vector<Literal> request_literals(std::string_view request);

// Literals written in a command line: option values and operands, not program or option names.
// Numbers inside quoted programs (awk '{print $2}') and enum values of nvidia-smi options
// (-pm 0, -c 1) are left out because they are not request values.
std::vector<Literal> command_literals(std::string_view command);

struct LiteralCoverage {
    int request_total = 0;  // literals the request names
    int covered = 0;        // of those, found in the command
    int ungrounded = 0;     // numbers/names/paths in the command that the request never named
};
LiteralCoverage literal_coverage(std::string_view request, std::string_view command);

// Is the number at byte `start` of the request given as a GPU id: after "gpu", "device", "card",
// "index" or "id" (singular or plural, letters swapped in a typo), possibly through a list
// ("devices 4, 5 and 6", "GPU #2")?
bool number_names_gpu(std::string_view request, size_t start);

// Request numbers used in the wrong role by an nvidia-smi command: a number the request gives only
// as a GPU ("pmon for gpu 6") written as another option's value (pmon -c 6), or a number it gives
// only for something else ("15 samples") written as a GPU id (-i 15). 0 when nothing is misplaced.
int misplaced_gpu_numbers(std::string_view request, std::string_view command);

// The command with each value the request did not name replaced, kind by kind and in order, by a
// request value of the same kind that the command lacks ("gpu-node-3" -> "gpu-node-7", 20 -> 10).
// Returns the command unchanged when there is nothing to copy.
std::string copy_request_literals(std::string_view request, std::string_view command);

}  // namespace sigma::domain
