// ShellParser: a bounded parser for a POSIX/bash command line (one-liner or short script) into the flat
// list of simple commands it can run, with byte positions. Not an interpreter: it expands nothing,
// runs nothing, and rejects (never guesses) what it cannot read.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigma::domain {

// One word after quote removal and escape processing. Substitutions ($(..), `..`, $VAR) are kept
// as written; their inner commands are parsed into the command list as well.
struct ShellWord {
    std::string text;
    size_t start = 0;      // byte offset in the line
    size_t length = 0;     // bytes in the line, quotes included
    bool quoted = false;   // some part was quoted or escaped
    bool expands = false;  // contains $..., `...` or a leading ~
    bool glob = false;     // contains an unquoted * ? or [
    bool brace = false;    // contains an unquoted brace expansion {a,b} or {1..4} (kept as written)
};

// A redirection such as "> out", "2>&1", "&>> log", "< in", "<<< text", "<<EOF".
struct ShellRedirection {
    std::string op;          // as written without spaces: ">", ">>", "2>", "2>&", "&>", "<", "<<<", ">|", "<<", "<<-"
    std::string target;      // file word after quote removal, the fd of a duplication ("1"), or a here-document's body
    bool dup = false;        // fd duplication (2>&1, >&2, <&0, >&-): no file involved
    bool heredoc = false;    // "<<" / "<<-": target is the body (lines up to the delimiter, each ending in '\n')
    bool inherited = false;  // copied from an enclosing compound command ("done > out", "} 2>&1"); start/length
                             // point at the redirection after that compound
    size_t start = 0;
    size_t length = 0;
    bool writes() const;  // output redirection to a file (not a duplication)
};

// The operator written after a command, at its own nesting level.
enum class ShellOp { None, Pipe, And, Or, Seq, Background };
const char* shell_op_text(ShellOp op);

struct SimpleCommand {
    std::vector<std::pair<std::string, std::string>> env;  // FOO=bar prefixes (also after sudo)
    bool sudo = false;
    std::string sudo_user;             // from -u USER / --user=USER; empty = root
    std::vector<ShellWord> sudo_args;  // sudo's own options as written
    ShellWord program;                 // empty text when the command is only assignments/redirections
    std::vector<ShellWord> args;
    std::vector<ShellRedirection> redirections;
    ShellOp next = ShellOp::None;
    bool stdin_from_pipe = false;  // follows a '|' at its own level
    size_t pipeline_first = 0;     // index (in the flat list) of the first command of its pipeline
    int depth = 0;                 // 0 top level; +1 inside ( ), $( ), ` `, <( ), { }, and the lists of
                                   // if/for/while/until/case and function bodies
    size_t start = 0;
    size_t length = 0;

    std::vector<std::string> argv() const;  // program + args texts
};

// A for/select/while/until loop, in the order the keywords appear.
struct ShellLoop {
    std::string keyword;           // "for", "select", "while", "until"
    bool unbounded = false;        // never ends on its own: while true / while : / while [ 1 ] / while sleep N /
                                   // until false / for ((;;)); flagged even when a break is seen
    bool break_seen = false;       // a break, exit or return command appears in its body
    size_t start = 0;              // the keyword
    size_t length = 0;             // up to and including 'done'
    std::string variable;          // for/select NAME; empty for other loops
    std::vector<ShellWord> words;  // for/select NAME in WORDS: the words, as parsed
};

struct ShellParseResult {
    bool ok = false;
    // Execution order; substitutions before their user (except those in here-document bodies, which
    // follow the command). Compound commands contribute the commands inside them: conditions, bodies,
    // case items, function bodies; `[[ EXPR ]]` is program "[[" with the words up to "]]" as args,
    // `(( EXPR ))` is program "((" with the expression as one arg. Redirections written after a
    // compound command are copied onto each command it runs (marked `inherited`), and when a
    // compound command reads a pipe, each command it runs has stdin_from_pipe set.
    std::vector<SimpleCommand> commands;
    std::vector<ShellLoop> loops;
    std::string error;     // names the problem when !ok
    size_t error_pos = 0;  // byte offset of the problem
};

constexpr size_t kShellMaxInputBytes = 128 * 1024;
constexpr int kShellMaxDepth = 32;

// Parses one command line or script. Understands pipelines, lists, subshells, { } groups, if, for
// (both forms), select, while, until, case, [[ ]], (( )), function definitions, here-documents and
// here-strings. Reserved words count only in command position (`echo for done` is one command).
// Never throws; input over kShellMaxInputBytes, invalid UTF-8, NUL bytes, unterminated quotes or
// compound commands, unterminated here-documents, dangling operators, misplaced reserved words and
// nesting deeper than kShellMaxDepth are errors with a message naming the problem and a position.
ShellParseResult parse_shell(std::string_view line);

// Position of the first invalid UTF-8 byte, or npos when the text is valid.
size_t find_invalid_utf8(std::string_view text);

}  // namespace sigma::domain
