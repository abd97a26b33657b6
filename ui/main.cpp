// sigma-ops: builds the shared services and the backend from the saved settings, then shows the window.
// Not where behaviour lives: every widget is in sigma_ui so that tests drive the same code.
#include <QApplication>
#include <QIcon>

#include "app/backend_factory.h"
#include "app/local_backend.h"
#include "ui/app_context.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("sigma-ops"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/sigma/sigma-ops.png")));
    sigma::app::DataPaths paths;
    sigma::ui::AppContext context(paths);

    sigma::app::BackendChoice choice;
    auto chosen = sigma::app::make_backend(choice);
    if (chosen) {
        auto* local = qobject_cast<sigma::app::LocalBackend*>(chosen->backend.get());
        const QString kind = chosen->kind;
        const QString model = chosen->model;
        context.set_backend(std::move(chosen->backend), kind, model);
        if (local)
            QObject::connect(local, &sigma::app::LocalBackend::loadFinished, &context,
                             [&context](bool ok, const QString& message) { context.set_backend_ready(ok, ok ? QString() : message); });
    } else {
        context.set_backend(nullptr, {}, {}, QString::fromStdString(chosen.error().message));
    }
    sigma::ui::MainWindow window(&context);
    window.show();
    return app.exec();
}
