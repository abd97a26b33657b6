// sigma: the command-line front end. CommandLine reads the arguments (CLI11) and runs one
// subcommand (commands.h). Not where any job's logic lives: commands call the app and engine
// libraries and print.
#include <exception>
#include <iostream>
#include <string>

#include "app/cli/command_line.h"

namespace sigma::cli {
int fail(const char* command, const std::string& message, int code) {
    std::cerr << "sigma " << command << ": " << message << "\n";
    return code;
}
}  // namespace sigma::cli

int main(int argc, char** argv) {
    try {
        sigma::cli::CommandLine command_line;
        return command_line.run(argc, argv);
    } catch (const std::exception& e) {
        // A bug, not a user's mistake: say so instead of aborting.
        std::cerr << "sigma: internal error: " << e.what() << "\n";
        return sigma::cli::kExitFailure;
    }
}
