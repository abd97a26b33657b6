// install_backend: settings -> Backend, with a visible fallback.
// Not blocking: a remote backend is installed at once; a local model loads through the context's
// ModelLoad (read with progress, then the engine's load on the backend's thread).
#include "ui/backend_setup.h"

#include <QCoreApplication>

#include "ui/app_context.h"
#include "ui/model_load.h"

namespace sigma::ui {

void install_backend(AppContext* context, const AppSettings& settings) {
    context->set_temperature(settings.temperature);
    app::BackendChoice choice = settings.backend_choice();
    QString note;
    if (!choice.remote_url.isEmpty()) {
        auto chosen = app::make_backend(choice);
        if (chosen) {
            context->loader()->abandon();
            const QString kind = chosen->kind;
            const QString model = chosen->model;
            context->set_backend(std::move(chosen->backend), kind, model);
            return;
        }
        note = QCoreApplication::translate("Backend", "remote unavailable (%1), using the local model")
                   .arg(QString::fromStdString(chosen.error().message));
        choice.remote_url.clear();
    }
    context->loader()->start(choice, note);
}

}  // namespace sigma::ui
