// sigma: the command-line front end. Dispatches to one function per subcommand (commands.h).
// Not where any job's logic lives: commands call the app and engine libraries and print.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/commands.h"

namespace {

struct Command {
    const char* name;
    int (*run)(sigma::cli::CliArgs&);
    const char* usage;
};

const Command kCommands[] = {
    {"run", sigma::cli::cmd_run,
     "run -m FILE -p TEXT [-n N] [--temp T] [--seed S] [--threads N] [--ctx N] [--chat] [--template NAME]\n"
     "            [--backend auto|cpu|cuda]"},
    {"model", sigma::cli::cmd_model, "model info FILE"},
    {"cmd", sigma::cli::cmd_cmd, "cmd --validate \"COMMAND\" [--json]"},
    {"kql", sigma::cli::cmd_kql, "kql --validate \"QUERY\" [--schema FILE] [--json]"},
    {"diagnose", sigma::cli::cmd_diagnose, "diagnose --no-model [FILE|-] [--json]"},
    {"eval", sigma::cli::cmd_eval, "eval SUITE.jsonl --no-model [--schema FILE] [--json]"},
    {"serve", sigma::cli::cmd_serve, "serve [--host 127.0.0.1] [--port 8080] [--api-key K] [--backend auto|cpu|cuda] -m FILE | --remote URL"},
    {"history", sigma::cli::cmd_history,
     "history list [--panel P] [--limit N] [--offset N] | search TEXT | show ID | delete ID... [--db FILE] [--json]"},
    {"bench", sigma::cli::cmd_bench, "bench -m FILE [-p 128] [-n 32] [-d N] [-t N] [-r REPS] [--backend auto|cpu|cuda] [--json]"},
    {"export", sigma::cli::cmd_export,
     "export --git DIR [--since DATE] [--author \"Name <email>\"] [--db FILE] [--json]"},
};

void print_usage(FILE* out) {
    std::fprintf(out, "Sigma Ops: an offline assistant for operators of systems and GPU clusters.\n\nUsage:\n");
    for (const Command& c : kCommands) std::fprintf(out, "  sigma %s\n", c.usage);
}

}  // namespace

namespace sigma::cli {
int fail(const char* command, const std::string& message, int code) {
    std::cerr << "sigma " << command << ": " << message << "\n";
    return code;
}
}  // namespace sigma::cli

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "help")) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? sigma::cli::kExitUsage : sigma::cli::kExitOk;
    }
    for (const Command& c : kCommands) {
        if (std::strcmp(argv[1], c.name) == 0) {
            sigma::cli::CliArgs args(std::vector<std::string>(argv + 2, argv + argc));
            return c.run(args);
        }
    }
    std::fprintf(stderr, "sigma: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return sigma::cli::kExitUsage;
}
