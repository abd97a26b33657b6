// Json: a small JSON value with a bounded-depth parser and a compact writer, for knowledge packs,
// eval suites (JSONL) and --json output. Not a streaming parser and not a schema validator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigma::domain {

class Json {
public:
    enum class Kind { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;  // keeps insertion order

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : kind_(Kind::Bool), bool_(b) {}
    Json(int v) : kind_(Kind::Number), number_(v) {}
    Json(int64_t v) : kind_(Kind::Number), number_(static_cast<double>(v)) {}
    Json(size_t v) : kind_(Kind::Number), number_(static_cast<double>(v)) {}
    Json(double v) : kind_(Kind::Number), number_(v) {}
    Json(const char* s) : kind_(Kind::String), string_(s) {}
    Json(std::string s) : kind_(Kind::String), string_(std::move(s)) {}
    Json(std::string_view s) : kind_(Kind::String), string_(s) {}
    Json(Array a) : kind_(Kind::Array), array_(std::move(a)) {}
    Json(Object o) : kind_(Kind::Object), object_(std::move(o)) {}
    static Json array() { return Json(Array{}); }
    static Json object() { return Json(Object{}); }

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::Null; }
    bool is_bool() const { return kind_ == Kind::Bool; }
    bool is_number() const { return kind_ == Kind::Number; }
    bool is_string() const { return kind_ == Kind::String; }
    bool is_array() const { return kind_ == Kind::Array; }
    bool is_object() const { return kind_ == Kind::Object; }

    bool as_bool(bool fallback = false) const { return is_bool() ? bool_ : fallback; }
    double as_number(double fallback = 0.0) const { return is_number() ? number_ : fallback; }
    int64_t as_int(int64_t fallback = 0) const { return is_number() ? static_cast<int64_t>(number_) : fallback; }
    const std::string& as_string() const;  // empty string unless a string
    const Array& as_array() const;         // empty unless an array
    const Object& as_object() const;       // empty unless an object

    // Object access: nullptr when absent or not an object.
    const Json* find(std::string_view key) const;
    // Object access that yields a null Json when absent.
    const Json& operator[](std::string_view key) const;
    std::string get_string(std::string_view key, const std::string& fallback = {}) const;
    std::vector<std::string> get_string_list(std::string_view key) const;  // strings of an array field

    // Builders.
    Json& set(std::string key, Json value);  // object: replaces an existing key or appends
    Json& push(Json value);                  // array: appends

    // Compact JSON text (UTF-8 passed through, control characters escaped).
    std::string dump() const;

    // Parses one JSON text. On failure returns nullopt and sets *error to a message with the byte
    // offset. Nesting deeper than max_depth is an error, not a stack overflow.
    static std::optional<Json> parse(std::string_view text, std::string* error = nullptr, int max_depth = 512);

private:
    void dump_to(std::string& out) const;
    Kind kind_ = Kind::Null;
    bool bool_ = false;
    double number_ = 0.0;
    std::string string_;
    Array array_;
    Object object_;
};

// Escapes a string as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

}  // namespace sigma::domain
