// Json parser and writer. Recursive descent with an explicit depth limit so that hostile input
// (deep nesting, huge numbers, invalid escapes) is rejected with a message, never a crash.
#include "app/domain/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sigma::domain {

namespace {

const std::string kEmptyString;
const Json::Array kEmptyArray;
const Json::Object kEmptyObject;
const Json kNull;

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class Parser {
public:
    Parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

    std::optional<Json> run(std::string* error) {
        skip_ws();
        Json value;
        if (!parse_value(value, 0)) {
            if (error) *error = error_ + " at byte " + std::to_string(pos_);
            return std::nullopt;
        }
        skip_ws();
        if (pos_ != s_.size()) {
            if (error) *error = "unexpected trailing characters at byte " + std::to_string(pos_);
            return std::nullopt;
        }
        return value;
    }

private:
    bool fail(const char* message) {
        if (error_.empty()) error_ = message;
        return false;
    }
    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }
    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) return fail("invalid literal");
        pos_ += word.size();
        return true;
    }

    bool parse_value(Json& out, int depth) {
        if (depth > max_depth_) return fail("nesting too deep");
        if (pos_ >= s_.size()) return fail("unexpected end of input");
        const char c = s_[pos_];
        if (c == '{') return parse_object(out, depth);
        if (c == '[') return parse_array(out, depth);
        if (c == '"') {
            std::string str;
            if (!parse_string(str)) return false;
            out = Json(std::move(str));
            return true;
        }
        if (c == 't') {
            if (!literal("true")) return false;
            out = Json(true);
            return true;
        }
        if (c == 'f') {
            if (!literal("false")) return false;
            out = Json(false);
            return true;
        }
        if (c == 'n') {
            if (!literal("null")) return false;
            out = Json();
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
        return fail("unexpected character");
    }

    bool parse_number(Json& out) {
        const size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        if (pos_ >= s_.size() || !(s_[pos_] >= '0' && s_[pos_] <= '9')) return fail("invalid number");
        while (pos_ < s_.size() && ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.' || s_[pos_] == 'e' ||
                                    s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-'))
            ++pos_;
        const std::string text(s_.substr(start, pos_ - start));
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end != text.c_str() + text.size()) return fail("invalid number");
        out = Json(v);
        return true;
    }

    bool parse_hex4(uint32_t& cp) {
        if (pos_ + 4 > s_.size()) return fail("truncated \\u escape");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[pos_++];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
            else return fail("invalid \\u escape");
        }
        return true;
    }

    bool parse_string(std::string& out) {
        ++pos_;  // opening quote
        while (true) {
            if (pos_ >= s_.size()) return fail("unterminated string");
            const char c = s_[pos_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) return fail("unterminated escape");
            const char e = s_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp = 0;
                    if (!parse_hex4(cp)) return false;
                    if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 6 <= s_.size() && s_[pos_] == '\\' &&
                        s_[pos_ + 1] == 'u') {
                        pos_ += 2;
                        uint32_t low = 0;
                        if (!parse_hex4(low)) return false;
                        if (low >= 0xDC00 && low <= 0xDFFF) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        else cp = 0xFFFD;
                    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                        cp = 0xFFFD;
                    }
                    append_utf8(out, cp);
                    break;
                }
                default: return fail("invalid escape");
            }
        }
    }

    bool parse_array(Json& out, int depth) {
        ++pos_;
        Json::Array items;
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ']') {
            ++pos_;
            out = Json(std::move(items));
            return true;
        }
        while (true) {
            skip_ws();
            Json item;
            if (!parse_value(item, depth + 1)) return false;
            items.push_back(std::move(item));
            skip_ws();
            if (pos_ >= s_.size()) return fail("unterminated array");
            if (s_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (s_[pos_] == ']') {
                ++pos_;
                break;
            }
            return fail("expected ',' or ']'");
        }
        out = Json(std::move(items));
        return true;
    }

    bool parse_object(Json& out, int depth) {
        ++pos_;
        Json obj = Json::object();
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == '}') {
            ++pos_;
            out = std::move(obj);
            return true;
        }
        while (true) {
            skip_ws();
            if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a string key");
            std::string key;
            if (!parse_string(key)) return false;
            skip_ws();
            if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
            ++pos_;
            skip_ws();
            Json value;
            if (!parse_value(value, depth + 1)) return false;
            obj.set(std::move(key), std::move(value));
            skip_ws();
            if (pos_ >= s_.size()) return fail("unterminated object");
            if (s_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (s_[pos_] == '}') {
                ++pos_;
                break;
            }
            return fail("expected ',' or '}'");
        }
        out = std::move(obj);
        return true;
    }

    std::string_view s_;
    size_t pos_ = 0;
    int max_depth_;
    std::string error_;
};

}  // namespace

const std::string& Json::as_string() const { return is_string() ? string_ : kEmptyString; }
const Json::Array& Json::as_array() const { return is_array() ? array_ : kEmptyArray; }
const Json::Object& Json::as_object() const { return is_object() ? object_ : kEmptyObject; }

const Json* Json::find(std::string_view key) const {
    if (!is_object()) return nullptr;
    for (const auto& [k, v] : object_)
        if (k == key) return &v;
    return nullptr;
}

const Json& Json::operator[](std::string_view key) const {
    const Json* v = find(key);
    return v ? *v : kNull;
}

std::string Json::get_string(std::string_view key, const std::string& fallback) const {
    const Json* v = find(key);
    return v && v->is_string() ? v->string_ : fallback;
}

std::vector<std::string> Json::get_string_list(std::string_view key) const {
    std::vector<std::string> out;
    if (const Json* v = find(key); v && v->is_array())
        for (const Json& item : v->array_)
            if (item.is_string()) out.push_back(item.string_);
    return out;
}

Json& Json::set(std::string key, Json value) {
    if (!is_object()) *this = object();
    for (auto& [k, v] : object_) {
        if (k == key) {
            v = std::move(value);
            return *this;
        }
    }
    object_.emplace_back(std::move(key), std::move(value));
    return *this;
}

Json& Json::push(Json value) {
    if (!is_array()) *this = array();
    array_.push_back(std::move(value));
    return *this;
}

std::string json_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
    return out;
}

void Json::dump_to(std::string& out) const {
    switch (kind_) {
        case Kind::Null: out += "null"; break;
        case Kind::Bool: out += bool_ ? "true" : "false"; break;
        case Kind::Number: {
            if (!std::isfinite(number_)) {
                out += "null";
            } else if (std::fabs(number_) < 9.007199254740992e15 && number_ == std::floor(number_)) {
                out += std::to_string(static_cast<int64_t>(number_));
            } else {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.10g", number_);
                out += buf;
            }
            break;
        }
        case Kind::String: out += json_quote(string_); break;
        case Kind::Array: {
            out += '[';
            for (size_t i = 0; i < array_.size(); ++i) {
                if (i) out += ',';
                array_[i].dump_to(out);
            }
            out += ']';
            break;
        }
        case Kind::Object: {
            out += '{';
            for (size_t i = 0; i < object_.size(); ++i) {
                if (i) out += ',';
                out += json_quote(object_[i].first);
                out += ':';
                object_[i].second.dump_to(out);
            }
            out += '}';
            break;
        }
    }
}

std::string Json::dump() const {
    std::string out;
    dump_to(out);
    return out;
}

std::optional<Json> Json::parse(std::string_view text, std::string* error, int max_depth) {
    return Parser(text, max_depth).run(error);
}

}  // namespace sigma::domain
