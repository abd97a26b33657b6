// Where the product's resources (knowledge packs, default model) are found at run time.
// Not a settings store: user data and settings paths live in the app's Settings service.
#pragma once

#include <string>

namespace sigma::domain {

// The resources/ folder: $SIGMA_RESOURCES if set; else beside the executable
// (<exe>/../share/sigma-ops/resources when installed, <exe>/../../resources in a build tree);
// else the source tree's resources/ this binary was built from. Empty when none exists.
std::string resources_dir();

// resources_dir() + "/knowledge" + (sub.empty() ? "" : "/" + sub).
std::string knowledge_path(const std::string& sub = {});

}  // namespace sigma::domain
