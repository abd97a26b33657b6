// install_backend: settings -> Backend, with a visible fallback.
// Not blocking: LocalBackend loads on its worker thread; loadFinished updates the context.
#include "ui/backend_setup.h"

#include <QCoreApplication>

#include "app/local_backend.h"
#include "ui/app_context.h"

namespace sigma::ui {

void install_backend(AppContext* context, const AppSettings& settings) {
    context->set_temperature(settings.temperature);
    app::BackendChoice choice = settings.backend_choice();
    QString note;
    auto chosen = app::make_backend(choice);
    if (!chosen && !choice.remote_url.isEmpty()) {
        note = QCoreApplication::translate("Backend", "remote unavailable (%1), using the local model")
                   .arg(QString::fromStdString(chosen.error().message));
        choice.remote_url.clear();
        chosen = app::make_backend(choice);
    }
    if (!chosen) {
        context->set_backend(nullptr, {}, {}, QString::fromStdString(chosen.error().message));
        return;
    }
    auto* local = qobject_cast<app::LocalBackend*>(chosen->backend.get());
    const QString kind = chosen->kind;
    const QString model = chosen->model;
    context->set_backend(std::move(chosen->backend), kind, model, note);
    if (local) {
        QObject::connect(local, &app::LocalBackend::loadFinished, context, [context, note](bool ok, const QString& message) {
            context->set_backend_ready(ok, ok ? note : message);
        });
    }
}

}  // namespace sigma::ui
