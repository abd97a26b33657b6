// Constraints for the constrained-decoding tests and benchmark: small incremental checkers (a JSON
// object with one string field, a comma-separated digit list, anything) and whole-text predicates
// (a few shell commands, a UTF-8 alphabet) through PredicateConstraint.
// Not product checkers: the app's validators plug in through the same interface in app/.
#pragma once

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "inference/constraint.h"
#include "inference/predicate_constraint.h"

namespace sigma::test {

// {"name":"<1 to 12 of [a-z_-]>"}
class JsonNameConstraint : public Constraint {
public:
    static constexpr std::string_view kHead = "{\"name\":\"";
    static constexpr std::string_view kTail = "\"}";
    static constexpr int kMaxValue = 12;

    class Cursor : public ConstraintCursor {
    public:
        bool feed(std::string_view bytes) override {
            for (const char c : bytes) {
                if (!step(c)) return false;
            }
            return true;
        }
        bool complete() const override { return phase_ == 2 && pos_ == static_cast<int>(kTail.size()); }
        std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(*this); }
        void copy_from(const ConstraintCursor& other) override { *this = static_cast<const Cursor&>(other); }
        // Inside the value, its letters are free while the length limit leaves room for a whole piece.
        bool free_bytes(size_t max_length, ByteSet& bytes) const override {
            if (phase_ != 1 || pos_ + static_cast<int>(max_length) > kMaxValue) return false;
            bytes = {};
            for (int c = 0; c < 256; ++c) {
                if (value_char(static_cast<char>(c))) bytes[static_cast<size_t>(c) >> 6] |= uint64_t{1} << (c & 63);
            }
            return true;
        }

    private:
        static bool value_char(char c) { return (c >= 'a' && c <= 'z') || c == '_' || c == '-'; }
        bool step(char c) {
            if (phase_ == 0) {
                if (c != kHead[static_cast<size_t>(pos_)]) return false;
                if (++pos_ == static_cast<int>(kHead.size())) {
                    phase_ = 1;
                    pos_ = 0;
                }
                return true;
            }
            if (phase_ == 1) {
                if (value_char(c) && pos_ < kMaxValue) {
                    ++pos_;
                    return true;
                }
                if (c != kTail[0] || pos_ == 0) return false;
                phase_ = 2;
                pos_ = 1;
                return true;
            }
            if (pos_ >= static_cast<int>(kTail.size()) || c != kTail[static_cast<size_t>(pos_)]) return false;
            ++pos_;
            return true;
        }
        int phase_ = 0;  // 0: head, 1: value, 2: tail
        int pos_ = 0;    // bytes of the phase matched
    };
    std::unique_ptr<ConstraintCursor> start() const override { return std::make_unique<Cursor>(); }
};

// [0-9]{1,3}(,[0-9]{1,3}){0,5}
class DigitListConstraint : public Constraint {
public:
    class Cursor : public ConstraintCursor {
    public:
        bool feed(std::string_view bytes) override {
            for (const char c : bytes) {
                if (c >= '0' && c <= '9') {
                    if (digits_ == 3) return false;
                    ++digits_;
                } else if (c == ',') {
                    if (digits_ == 0 || groups_ == 5) return false;
                    ++groups_;
                    digits_ = 0;
                } else {
                    return false;
                }
            }
            return true;
        }
        bool complete() const override { return digits_ > 0; }
        std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(*this); }
        void copy_from(const ConstraintCursor& other) override { *this = static_cast<const Cursor&>(other); }

    private:
        int groups_ = 0;  // commas so far
        int digits_ = 0;  // digits in the current group
    };
    std::unique_ptr<ConstraintCursor> start() const override { return std::make_unique<Cursor>(); }
};

// "<up to 64 bytes, none of them a quote or NUL>": inside the quotes every other byte is free while
// the limit leaves room for a whole piece, so the trie's free-bytes path and its plain walk both run.
class QuotedTextConstraint : public Constraint {
public:
    static constexpr int kMaxBody = 64;
    class Cursor : public ConstraintCursor {
    public:
        bool feed(std::string_view bytes) override {
            for (const char c : bytes) {
                if (phase_ == 0) {
                    if (c != '"') return false;
                    phase_ = 1;
                } else if (phase_ == 1) {
                    if (c == '"') {
                        phase_ = 2;
                    } else if (c == '\0' || ++body_ > kMaxBody) {
                        return false;
                    }
                } else {
                    return false;
                }
            }
            return true;
        }
        bool complete() const override { return phase_ == 2; }
        std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(*this); }
        void copy_from(const ConstraintCursor& other) override { *this = static_cast<const Cursor&>(other); }
        bool free_bytes(size_t max_length, ByteSet& bytes) const override {
            if (phase_ != 1 || body_ + static_cast<int>(max_length) > kMaxBody) return false;
            bytes = {~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}};
            bytes[0] &= ~(uint64_t{1} << '"') & ~uint64_t{1};
            return true;
        }

    private:
        int phase_ = 0;  // 0: before the opening quote, 1: inside, 2: closed
        int body_ = 0;
    };
    std::unique_ptr<ConstraintCursor> start() const override { return std::make_unique<Cursor>(); }
};

// Every text is viable and complete: the mask walk visits the whole trie (its worst case).
class AnythingConstraint : public Constraint {
public:
    class Cursor : public ConstraintCursor {
    public:
        bool feed(std::string_view) override { return true; }
        bool complete() const override { return true; }
        std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(); }
        void copy_from(const ConstraintCursor&) override {}
        bool free_bytes(size_t, ByteSet& bytes) const override {
            bytes = {~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}};
            return true;
        }
    };
    std::unique_ptr<ConstraintCursor> start() const override { return std::make_unique<Cursor>(); }
};

// One of a few shell commands, optionally after one leading space, judged on the whole text.
inline const std::vector<std::string>& shell_commands() {
    static const std::vector<std::string> commands = {
        "nvidia-smi -q",   "nvidia-smi -L", "nvidia-smi --query-gpu=name,memory.used --format=csv",
        "ls -la /var/log", "df -h",         "df -h /var"};
    return commands;
}
inline std::string_view strip_one_space(std::string_view text) {
    return !text.empty() && text[0] == ' ' ? text.substr(1) : text;
}
inline std::unique_ptr<Constraint> make_shell_constraint() {
    return std::make_unique<PredicateConstraint>(
        [](std::string_view text) {
            text = strip_one_space(text);
            return std::any_of(shell_commands().begin(), shell_commands().end(), [&](const std::string& c) {
                return std::string_view(c).substr(0, text.size()) == text;
            });
        },
        [](std::string_view text) {
            text = strip_one_space(text);
            return std::any_of(shell_commands().begin(), shell_commands().end(),
                               [&](const std::string& c) { return c == text; });
        });
}

// Up to 8 characters from "a", "é", "€", "😀" and space; complete when not empty.
inline std::unique_ptr<Constraint> make_utf8_constraint() {
    static const std::array<std::string_view, 5> alphabet = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " "};
    auto viable = [](std::string_view text) {
        int chars = 0;
        while (!text.empty()) {
            const auto it = std::find_if(alphabet.begin(), alphabet.end(),
                                         [&](std::string_view a) { return text.substr(0, a.size()) == a; });
            if (it == alphabet.end()) {
                // An unfinished character at the end is viable if it starts one of the alphabet's.
                return chars < 8 && std::any_of(alphabet.begin(), alphabet.end(), [&](std::string_view a) {
                           return text.size() < a.size() && a.substr(0, text.size()) == text;
                       });
            }
            text.remove_prefix(it->size());
            ++chars;
        }
        return chars <= 8;
    };
    return std::make_unique<PredicateConstraint>(
        viable, [viable](std::string_view text) { return !text.empty() && viable(text); });
}

}  // namespace sigma::test
