// run_screenshot_scenario: fills every panel of the window with a fixed example (a command, a
// diagnosed log, a checked KQL query, a few history sessions, the settings dialog), saves a PNG of
// each via QWidget::grab into `out_dir`, then quits. For the README's screenshots; no model needed.
// Not a test: it asserts nothing and is started only by `sigma-ops --scenario DIR`.
#pragma once

#include <QString>

namespace sigma::ui {

class AppContext;
class MainWindow;

void run_screenshot_scenario(MainWindow* window, AppContext* context, const QString& out_dir);

}  // namespace sigma::ui
