// Locates resources/ relative to the running executable, so the product works from a build tree,
// an install prefix, or a copied folder, without configuration.
#include "app/domain/resource_paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#ifndef SIGMA_SOURCE_RESOURCES
#define SIGMA_SOURCE_RESOURCES ""
#endif

namespace sigma::domain {
namespace fs = std::filesystem;

static bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

std::string resources_dir() {
    if (const char* env = std::getenv("SIGMA_RESOURCES"); env && *env && is_dir(env)) return env;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path dir = exe.parent_path();
        for (const fs::path& candidate :
             {dir / ".." / "share" / "sigma-ops" / "resources", dir / ".." / ".." / "resources", dir / "resources"}) {
            if (is_dir(candidate / "knowledge")) return fs::weakly_canonical(candidate, ec).string();
        }
    }
    if (is_dir(SIGMA_SOURCE_RESOURCES)) return SIGMA_SOURCE_RESOURCES;
    return {};
}

std::string knowledge_path(const std::string& sub) {
    std::string base = resources_dir();
    if (base.empty()) return {};
    return sub.empty() ? base + "/knowledge" : base + "/knowledge/" + sub;
}

}  // namespace sigma::domain
