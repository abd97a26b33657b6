// install_backend: builds the Backend the settings ask for and hands it to the AppContext, falling
// back from a remote endpoint to the local model with the reason shown in the status bar.
// Not a factory of its own: app::make_backend decides what a choice means.
#pragma once

#include "ui/app_settings.h"

namespace sigma::ui {

class AppContext;

// Returns at once; a local model loads through context->loader() and replaces the current backend
// only once it is ready.
void install_backend(AppContext* context, const AppSettings& settings);

}  // namespace sigma::ui
