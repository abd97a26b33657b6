// sigma-ops: builds the shared services and the backend from the saved settings, then shows the window.
// Not where behaviour lives: every widget is in sigma_ui so that tests drive the same code.
#include <QApplication>
#include <QIcon>

#include "ui/app_context.h"
#include "ui/app_settings.h"
#include "ui/backend_setup.h"
#include "ui/main_window.h"
#include "ui/screenshot_scenario.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("sigma-ops"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/sigma/sigma-ops.png")));
    sigma::app::DataPaths paths;
    const sigma::ui::AppSettings settings = sigma::ui::AppSettings::load(paths.config_dir());
    if (!settings.data_dir.isEmpty()) paths.set_data_dir(settings.data_dir);
    sigma::ui::AppContext context(paths);
    context.set_redact_options(settings.redact);
    sigma::ui::install_backend(&context, settings);
    sigma::ui::MainWindow window(&context);
    window.show();
    // --scenario DIR: fill every panel with a fixed example, save a PNG of each into DIR, quit.
    const QStringList args = QApplication::arguments();
    if (const qsizetype at = args.indexOf(QStringLiteral("--scenario")); at >= 0 && at + 1 < args.size())
        sigma::ui::run_screenshot_scenario(&window, &context, args.at(at + 1));
    return app.exec();
}
