// ShellParser internals shared by shell_parser.cpp (words, lists, simple commands, here-documents)
// and shell_parser_compound.cpp (if/for/while/until/case, groups, [[ ]], (( )), functions).
// Not a public API: only parse_shell in shell_parser.h is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/domain/shell_parser.h"

namespace sigma::domain::shell_detail {

// State shared by a parser and the sub-parsers it starts (backquotes, here-document bodies).
struct Sink {
    std::vector<SimpleCommand>& commands;
    std::vector<ShellLoop>& loops;
    std::vector<char> in_substitution;  // [commands.size()]: 1 when the command runs inside $( ), ` `, <( )
    size_t copied_redirections = 0;     // redirections copied from compound commands onto inner ones
};

// Where a list stopped: the caller decides whether that is its closer.
enum class ListStop { End, Paren, CaseEnd, Keyword };

class Parser {
public:
    Parser(std::string_view text, size_t base, Sink& sink)
        : s_(text), base_(base), sink_(sink), out_(sink.commands), first_(sink.commands.size()) {}

    // Whole input as a top-level list; fills here-document bodies. False with error() on failure.
    bool parse_top(int depth);
    // Scans an unquoted here-document body for $( ), ` ` and $(( )) (their commands run).
    bool scan_expansions(int depth);

    // Pipelines at the top level (a `case` with empty items counts, though it runs no command).
    size_t top_count() const { return top_count_; }
    const std::string& error() const { return error_; }
    size_t error_pos() const { return error_pos_; }

    // Reserved words that end a list: then, else, elif, fi, do, done, esac, }.
    static bool is_closer(std::string_view w);

private:
    struct PendingHeredoc {
        std::string delimiter;
        bool strip_tabs = false;
        bool expands = false;  // unquoted delimiter: $( ) in the body runs
        size_t start = 0;      // absolute position of the '<<', the key of its redirections
        int depth = 0;
    };

    // --- shell_parser.cpp: characters, words, lists, simple commands ---
    bool at_end() const { return pos_ >= s_.size(); }
    char peek(size_t k) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
    size_t abs(size_t p) const { return base_ + p; }
    bool fail(const std::string& msg, size_t p);
    bool failed() const { return !error_.empty(); }
    void skip_blanks(bool newlines);
    void newline();  // consumes one '\n' and reads the here-document bodies it starts
    void read_heredocs();
    bool finish();  // checks no here-document is left open and stores the bodies

    // Parses a list of pipelines up to the end, a ')', a case item end (;; ;& ;;&) when `in_case`,
    // or a reserved closing word in command position. `count` gets the number of pipelines.
    bool parse_list(int depth, bool in_case, size_t& count, ListStop& stop);
    bool parse_pipeline(int depth);
    bool parse_command(int depth, bool& compound);
    bool parse_simple(int depth);
    static bool is_assignment(const std::string& raw);
    bool parse_sudo(const std::vector<ShellWord>& words, size_t& i, SimpleCommand& cmd);
    bool redirection_here() const;
    bool parse_redirection(int depth, ShellRedirection& r);
    bool read_delimiter(std::string& text, bool& quoted);
    bool parse_substitution(int depth, size_t open);
    bool parse_backticks(int depth, std::string& text);
    bool parse_dollar(int depth, ShellWord& w);
    bool parse_arith(int depth, size_t open, bool dollar);
    bool arith_ahead(size_t k) const;
    bool parse_word(int depth, ShellWord& w, bool regex = false);
    bool parse_double_quoted(int depth, ShellWord& w);
    bool parse_ansi_c(ShellWord& w);
    void mark_substitution(size_t mark);
    bool in_substitution(size_t i) const;
    std::string_view word_here() const;  // the plain characters of the word at pos_
    std::string_view reserved_here() const;
    bool unexpected_closer(std::string_view kw, size_t p);
    bool list_stopped_at_top(ListStop stop);

    // --- shell_parser_compound.cpp ---
    bool compound_ahead() const;  // a compound command starts at pos_
    bool parse_compound(int depth);
    bool parse_subshell(int depth);
    bool parse_group(int depth);
    bool parse_if(int depth);
    bool parse_for(int depth);
    bool parse_while(int depth);
    bool parse_case(int depth);
    bool parse_test(int depth);
    bool parse_arith_command(int depth);
    bool parse_function(int depth);
    bool parse_function_body(int depth, const std::string& name, size_t start);
    bool parse_do_group(int depth, size_t loop, const std::string& after);
    bool parse_body(int depth, bool in_case, size_t& count, ListStop& stop);
    bool expect(std::string_view kw, const std::string& what, size_t open, ListStop stop);
    bool consume_reserved(std::string_view kw);
    bool compound_tail(int depth, size_t mark, const std::string& closing);
    void note_loop_exits(size_t loop, size_t mark);
    int condition_value(size_t index) const;

    std::string_view s_;
    size_t base_ = 0;
    Sink& sink_;
    std::vector<SimpleCommand>& out_;
    size_t first_ = 0;  // first command this parser appends (sub-parsers fill only their own here-documents)
    size_t pos_ = 0;
    std::string error_;
    size_t error_pos_ = 0;
    size_t top_count_ = 0;
    std::vector<PendingHeredoc> pending_;
    std::vector<std::pair<size_t, std::string>> bodies_;  // (start of the '<<', body)
};

bool is_name_char(char c);
bool is_blank(char c);
bool is_meta(char c);
bool is_word_end(char c);

// Redirections copied from compound commands onto inner ones, in all, beyond which the line is refused
// (nested groups each carrying many redirections would otherwise cost quadratic time and memory).
constexpr size_t kShellMaxCopiedRedirections = 64 * 1024;

}  // namespace sigma::domain::shell_detail
