// sigma-mkmodel: command-line front end of sigma_mkmodel_lib; parses argv, writes, prints the time.
// Not where models are built: see mkmodel.cpp.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tools/mkmodel/mkmodel.h"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const std::string& a : args) {
        if (a == "-h" || a == "--help") {
            std::fputs(sigma::mkmodel::usage(), stdout);
            return 0;
        }
    }
    auto options = sigma::mkmodel::parse_args(args);
    if (!options) {
        std::fprintf(stderr, "sigma-mkmodel: %s\n%s", options.error().message.c_str(), sigma::mkmodel::usage());
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    sigma::Status st = sigma::mkmodel::write_model(*options);
    if (!st) {
        std::fprintf(stderr, "sigma-mkmodel: %s\n", st.error().message.c_str());
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sigma-mkmodel: wrote %s (%s) in %.2f s\n", options->output.c_str(), options->arch.c_str(), seconds);
    return 0;
}
