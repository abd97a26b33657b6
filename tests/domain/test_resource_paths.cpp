// resources_dir(): found from a build tree, and overridable with SIGMA_RESOURCES.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "app/domain/resource_paths.h"

TEST(ResourcePaths, FindsTheKnowledgeFolder) {
    unsetenv("SIGMA_RESOURCES");
    const std::string dir = sigma::domain::resources_dir();
    ASSERT_FALSE(dir.empty());
    EXPECT_TRUE(std::filesystem::is_directory(dir + "/knowledge")) << dir;
    EXPECT_EQ(sigma::domain::knowledge_path("nvidia-smi"), dir + "/knowledge/nvidia-smi");
}

TEST(ResourcePaths, EnvironmentOverrides) {
    const auto tmp = std::filesystem::temp_directory_path() / "sigma-resources-test";
    std::filesystem::create_directories(tmp / "knowledge");
    setenv("SIGMA_RESOURCES", tmp.c_str(), 1);
    EXPECT_EQ(sigma::domain::resources_dir(), tmp.string());
    unsetenv("SIGMA_RESOURCES");
    std::filesystem::remove_all(tmp);
}
