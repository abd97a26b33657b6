// Log line templates per diagnosis category and benign noise lines, for the synthesised logs of
// the diagnosis examples. Not a classifier: the real DiagEngine decides what a log shows.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sigma::datagen {

// A template starts with its framing: "K|" a kernel line (dmesg or syslog kernel prefix),
// "S:<program>|" a syslog/journald line of that program, "P|" a line as is (tracebacks, kubectl,
// NCCL). One entry may hold several lines separated by '\n' (each framed by the entry's prefix
// only for its first line; later lines are as written).
const std::map<std::string, std::vector<std::string>>& category_lines();
// Lines that match no strong signature: routine kernel, daemon and application chatter.
const std::vector<std::string>& noise_lines();

}  // namespace sigma::datagen
