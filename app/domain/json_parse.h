// JSON at the domain's edges, on nlohmann::ordered_json (members keep their insertion order, which the
// --json output, eval reports, datagen corpora and knowledge packs rely on). parse_json reads one JSON
// text with a size and a nesting limit; dump_json writes compact text; the json_* readers give a
// fallback for a missing or mistyped member. None of them throws: a damaged pack or a hostile line is
// an error message or a fallback, never an exception or a stack overflow.
// Not a JSON library (that is nlohmann/json), not a schema validator and not a streaming parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sigma::domain {

inline constexpr int kJsonMaxDepth = 512;
inline constexpr size_t kJsonMaxBytes = size_t{64} << 20;  // 64 MiB: the largest pack is under 1 MiB

// Parses one JSON text (RFC 8259: UTF-8, no comments, nothing after the value). On failure returns
// nullopt and sets *error to a message that ends "at byte N", N counted from 0. A value inside more
// than max_depth arrays or objects is an error ("nesting too deep"), found by a linear scan before
// any value is built; so is a text longer than max_bytes. Invalid UTF-8 in a string is an error.
std::optional<nlohmann::ordered_json> parse_json(std::string_view text, std::string* error = nullptr,
                                                 int max_depth = kJsonMaxDepth, size_t max_bytes = kJsonMaxBytes);

// Compact JSON text (no spaces; UTF-8 written as is, control characters escaped). Bytes that are not
// valid UTF-8 are written as U+FFFD rather than making invalid JSON or throwing.
std::string dump_json(const nlohmann::ordered_json& j);

// A number as the domain writes it: an integral value below 2^53 as an integer ("1", not "1.0"),
// others to 10 significant digits ("0.8333333333"), NaN and infinities as null.
nlohmann::ordered_json json_number(double v);

// Tolerant readers for packs and suites. `j` may be any value: a non-object has no members.
// The member `key`, or nullptr when absent.
const nlohmann::ordered_json* json_find(const nlohmann::ordered_json& j, std::string_view key);
// The member `key`, or a null value when absent.
const nlohmann::ordered_json& json_member(const nlohmann::ordered_json& j, std::string_view key);
// The member if it is an array (an object), else an empty array (object): safe to iterate.
const nlohmann::ordered_json& json_array(const nlohmann::ordered_json& j, std::string_view key);
const nlohmann::ordered_json& json_object(const nlohmann::ordered_json& j, std::string_view key);
// The value itself if it is a string, else an empty string.
const std::string& json_text(const nlohmann::ordered_json& v);
// A string member, or fallback when absent or not a string.
std::string json_string(const nlohmann::ordered_json& j, std::string_view key, std::string_view fallback = {});
// The strings of an array member (other items skipped); empty when absent or not an array.
std::vector<std::string> json_strings(const nlohmann::ordered_json& j, std::string_view key);
// A boolean member, or fallback when absent or not a boolean.
bool json_bool(const nlohmann::ordered_json& j, std::string_view key, bool fallback = false);
// A number member, or fallback when absent or not a number.
double json_double(const nlohmann::ordered_json& j, std::string_view key, double fallback = 0.0);
// A number member truncated to an integer, or fallback when absent, not a number or out of range.
int64_t json_int(const nlohmann::ordered_json& j, std::string_view key, int64_t fallback = 0);
// A value truncated to an integer, or fallback when not a number or out of range.
int64_t json_as_int(const nlohmann::ordered_json& v, int64_t fallback = 0);

}  // namespace sigma::domain
