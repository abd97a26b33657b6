// The product's name and version, for the CLI, the server and exported files.
#pragma once

namespace sigma::app {
const char* product_name();
const char* product_version();
}  // namespace sigma::app
