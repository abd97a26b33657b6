// parse_json, dump_json and the tolerant readers (json_parse.h). The parsing is nlohmann's; this file
// adds the limits (size, nesting depth) and turns every failure into a message with a byte offset.
// Not a parser of its own: the nesting scan only counts brackets outside strings.
#include "app/domain/json_parse.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace sigma::domain {

namespace {

using nlohmann::ordered_json;

// nlohmann's DOM builder, except that a syntax error is recorded (message and offset) instead of
// thrown. sax_parse calls this parse_error, which hides the base class's.
class DomBuilder : public nlohmann::detail::json_sax_dom_parser<ordered_json> {
public:
    explicit DomBuilder(ordered_json& result) : json_sax_dom_parser(result, /*allow_exceptions_=*/false) {}

    template <class Exception>
    bool parse_error(std::size_t position, const std::string& /*last_token*/, const Exception& ex) {
        position_ = position;
        message_ = ex.what();
        return false;
    }

    std::size_t position() const { return position_; }
    const std::string& message() const { return message_; }

private:
    std::size_t position_ = 0;
    std::string message_;
};

// "[json.exception.parse_error.101] parse error at line 1, column 4: syntax error while parsing value
// - unexpected end of input; ..." -> "syntax error while parsing value - unexpected end of input; ...".
std::string plain_message(std::string what) {
    if (what.starts_with("[json.exception.")) {
        const size_t close = what.find("] ");
        if (close != std::string::npos) what.erase(0, close + 2);
    }
    if (what.starts_with("parse error")) {
        const size_t colon = what.find(": ");
        if (colon != std::string::npos) what.erase(0, colon + 2);
    }
    return what;
}

// The offset of the first value inside more than max_depth arrays or objects, or npos. Exact for
// every text that is valid JSON up to that point; on other texts the parser reports an error anyway.
size_t too_deep_at(std::string_view text, int max_depth) {
    int open = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        switch (c) {
            case ' ':
            case '\t':
            case '\n':
            case '\r': break;
            case ']':
            case '}':
                if (open > 0) --open;
                break;
            default:
                if (open > max_depth) return i;
                if (c == '"') in_string = true;
                else if (c == '[' || c == '{') ++open;
        }
    }
    return std::string_view::npos;
}

const ordered_json kNull;
const ordered_json kEmptyArray = ordered_json::array();
const ordered_json kEmptyObject = ordered_json::object();
const std::string kEmptyString;

}  // namespace

std::optional<ordered_json> parse_json(std::string_view text, std::string* error, int max_depth, size_t max_bytes) {
    auto fail = [&](const std::string& message, size_t at) -> std::optional<ordered_json> {
        if (error) *error = message + " at byte " + std::to_string(at);
        return std::nullopt;
    };
    if (text.size() > max_bytes)
        return fail(
            "JSON text of " + std::to_string(text.size()) + " bytes is over the limit of " + std::to_string(max_bytes),
            max_bytes);
    if (const size_t at = too_deep_at(text, max_depth < 0 ? 0 : max_depth); at != std::string_view::npos)
        return fail("nesting too deep", at);
    ordered_json result;
    DomBuilder builder(result);
    try {
        if (ordered_json::sax_parse(text.begin(), text.end(), &builder)) return result;
    } catch (const nlohmann::json::exception& e) {  // not expected from a text input; never passed on
        return fail(plain_message(e.what()), 0);
    }
    // position counts the bytes read, the one that stopped the parser (or the end) included.
    return fail(plain_message(builder.message()), builder.position() ? builder.position() - 1 : 0);
}

std::string dump_json(const ordered_json& j) {
    return j.dump(-1, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace);
}

ordered_json json_number(double v) {
    if (!std::isfinite(v)) return nullptr;
    if (std::fabs(v) < 9007199254740992.0 && v == std::floor(v)) return static_cast<int64_t>(v);
    // Ten significant digits, then back to the double nearest to them: nlohmann writes the shortest
    // text that reads back as that double, which is those digits.
    char buf[32];
    const auto written = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 10);
    double rounded = v;
    std::from_chars(buf, written.ptr, rounded);
    return rounded;
}

const ordered_json* json_find(const ordered_json& j, std::string_view key) {
    if (!j.is_object()) return nullptr;
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

const ordered_json& json_member(const ordered_json& j, std::string_view key) {
    const ordered_json* v = json_find(j, key);
    return v ? *v : kNull;
}

const ordered_json& json_array(const ordered_json& j, std::string_view key) {
    const ordered_json* v = json_find(j, key);
    return v && v->is_array() ? *v : kEmptyArray;
}

const ordered_json& json_object(const ordered_json& j, std::string_view key) {
    const ordered_json* v = json_find(j, key);
    return v && v->is_object() ? *v : kEmptyObject;
}

const std::string& json_text(const ordered_json& v) {
    return v.is_string() ? v.get_ref<const std::string&>() : kEmptyString;
}

std::string json_string(const ordered_json& j, std::string_view key, std::string_view fallback) {
    const ordered_json* v = json_find(j, key);
    return v && v->is_string() ? v->get_ref<const std::string&>() : std::string(fallback);
}

std::vector<std::string> json_strings(const ordered_json& j, std::string_view key) {
    std::vector<std::string> out;
    for (const ordered_json& item : json_array(j, key))
        if (item.is_string()) out.push_back(item.get_ref<const std::string&>());
    return out;
}

bool json_bool(const ordered_json& j, std::string_view key, bool fallback) {
    const ordered_json* v = json_find(j, key);
    return v && v->is_boolean() ? v->get<bool>() : fallback;
}

double json_double(const ordered_json& j, std::string_view key, double fallback) {
    const ordered_json* v = json_find(j, key);
    return v && v->is_number() ? v->get<double>() : fallback;
}

int64_t json_as_int(const ordered_json& v, int64_t fallback) {
    if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
    if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        return u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? static_cast<int64_t>(u) : fallback;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        // 2^63 is exact as a double; anything at or above it (or NaN) does not fit.
        return std::isfinite(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? static_cast<int64_t>(d)
                                                                                            : fallback;
    }
    return fallback;
}

int64_t json_int(const ordered_json& j, std::string_view key, int64_t fallback) {
    const ordered_json* v = json_find(j, key);
    return v ? json_as_int(*v, fallback) : fallback;
}

}  // namespace sigma::domain
