// run_screenshot_scenario: a scripted walk with the loaded model through the real pipelines (a
// command request, a pasted log, a KQL question; History then holds what they recorded), saving a
// PNG of each panel and of Settings via QWidget::grab into `out_dir`, at 1200x760 and again at
// 800x500 (names end in -800x500), then quits. For the README's screenshots.
// Not a test: it asserts nothing and is started only by `sigma-ops --scenario DIR`.
#pragma once

#include <QString>

namespace sigma::ui {

class AppContext;
class MainWindow;

void run_screenshot_scenario(MainWindow* window, AppContext* context, const QString& out_dir);

}  // namespace sigma::ui
