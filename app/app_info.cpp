#include "app/app_info.h"

namespace sigma::app {
const char* product_name() { return "Sigma Ops"; }
const char* product_version() { return "0.1.0"; }
}  // namespace sigma::app
