// Forwards to inference/core/model_config.h, where Config lives so that kernels/ can share it.
// Not a second definition: include "inference/core/model_config.h" in new code.
#pragma once

#include "inference/core/model_config.h"
