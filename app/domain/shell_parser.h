// ShellParser: a bounded parser for one POSIX/bash command line into simple commands, with byte
// positions. Not an interpreter: it expands nothing and rejects (never guesses) what it cannot read.
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
    size_t start = 0;   // byte offset in the line
    size_t length = 0;  // bytes in the line, quotes included
    bool quoted = false;   // some part was quoted or escaped
    bool expands = false;  // contains $..., `...` or a leading ~
    bool glob = false;     // contains an unquoted * ? or [
};

// A redirection such as "> out", "2>&1", "&>> log", "< in", "<<< text".
struct ShellRedirection {
    std::string op;      // as written without spaces: ">", ">>", "2>", "2>&", "&>", "<", "<<<", ">|", ...
    std::string target;  // file word after quote removal, or the fd of a duplication ("1")
    bool dup = false;    // fd duplication (2>&1, >&2, <&0, >&-): no file involved
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
    int depth = 0;                 // 0 top level; +1 inside ( ), $( ), ` `, <( )
    size_t start = 0;
    size_t length = 0;

    std::vector<std::string> argv() const;  // program + args texts
};

struct ShellParseResult {
    bool ok = false;
    std::vector<SimpleCommand> commands;  // execution order; substitutions before their user
    std::string error;                    // names the problem when !ok
    size_t error_pos = 0;                 // byte offset of the problem
};

constexpr size_t kShellMaxInputBytes = 128 * 1024;
constexpr int kShellMaxDepth = 32;

// Parses one command line. Never throws; input over kShellMaxInputBytes, invalid UTF-8, NUL bytes,
// unterminated quotes, dangling operators, here-documents, compound keywords (if/for/while/case,
// { }) and nesting deeper than kShellMaxDepth are errors with a position.
ShellParseResult parse_shell(std::string_view line);

// Position of the first invalid UTF-8 byte, or npos when the text is valid.
size_t find_invalid_utf8(std::string_view text);

}  // namespace sigma::domain
