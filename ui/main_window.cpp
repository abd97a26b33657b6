// MainWindow: sidebar, panels and status bar.
// Not a settings dialog: geometry and the last panel are its only persisted state.
#include "ui/main_window.h"

#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <algorithm>

#include "ui/app_context.h"
#include "app/backend_factory.h"
#include "app/command_task.h"
#include "app/local_backend.h"
#include "ui/command_panel.h"
#include "ui/diagnose_panel.h"
#include "ui/kql_panel.h"
#include "ui/model_load.h"
#include "ui/backend_setup.h"
#include "ui/settings_dialog.h"
#include "ui/history_panel.h"

namespace sigma::ui {

namespace {
QSettings window_settings(const AppContext* context) {
    return QSettings(QDir(context->paths().config_dir()).filePath(QStringLiteral("sigma-ops.ini")),
                     QSettings::IniFormat);
}
// Where the local model runs, once loaded, with the engine's word on it (auto on the CPU: why not
// CUDA; on CUDA: the device).
QString local_status(const AppContext* context) {
    const auto* local = qobject_cast<const app::LocalBackend*>(context->backend());
    if (!context->backend_ready() || !local) return MainWindow::tr("Local model (loading…)");
    const QString used = local->compute_backend();
    QString text = used == QLatin1String("cuda") ? MainWindow::tr("Local CUDA") : MainWindow::tr("Local CPU");
    if (!local->backend_note().isEmpty()) text += QStringLiteral(" (%1)").arg(local->backend_note());
    return text;
}

bool same_backend(const AppSettings& a, const AppSettings& b) {
    const app::BackendChoice x = a.backend_choice(), y = b.backend_choice();
    return a.backend == b.backend && x.model_path == y.model_path && x.remote_url == y.remote_url &&
           x.api_key == y.api_key && x.remote_model == y.remote_model && x.template_name == y.template_name &&
           x.n_threads == y.n_threads && x.n_ctx == y.n_ctx && x.compute_backend == y.compute_backend;
}
}  // namespace

MainWindow::MainWindow(AppContext* context, QWidget* parent) : QMainWindow(parent), context_(context) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Sigma Ops"));
    setWindowIcon(QIcon(QStringLiteral(":/sigma/sigma-ops.png")));

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    sidebar_ = new QListWidget(central);
    sidebar_->setObjectName(QStringLiteral("sidebar"));
    sidebar_->setFixedWidth(150);
    sidebar_->setStyleSheet(
        QStringLiteral("QListWidget { background: #1f2a36; color: #dfe6ee; border: none; font-size: 11pt; }"
                       "QListWidget::item { padding: 10px 14px; }"
                       "QListWidget::item:selected { background: #4fc3a1; color: #10161d; }"));
    stack_ = new QStackedWidget(central);
    layout->addWidget(sidebar_);
    layout->addWidget(stack_, 1);
    setCentralWidget(central);

    commands_ = new CommandPanel(context_, stack_);
    diagnose_ = new DiagnosePanel(context_, stack_);
    kql_ = new KqlPanel(context_, stack_);
    history_ = new HistoryPanel(context_, stack_);
    const struct {
        QString name;
        QWidget* page;
    } pages[] = {
        {tr("Commands"), commands_},
        {tr("Diagnose"), diagnose_},
        {tr("KQL"), kql_},
        {tr("History"), history_},
    };
    for (const auto& p : pages) {
        sidebar_->addItem(p.name);
        stack_->addWidget(p.page);
    }
    connect(sidebar_, &QListWidget::currentRowChanged, stack_, &QStackedWidget::setCurrentIndex);
    connect(history_, &HistoryPanel::openSession, this, [this](const app::Session& s) {
        if (s.panel == app::Panel::Commands) {
            commands_->restore(s);
            set_current_panel(stack_->indexOf(commands_));
        } else if (s.panel == app::Panel::Diagnose) {
            diagnose_->restore(s);
            set_current_panel(stack_->indexOf(diagnose_));
        } else if (s.panel == app::Panel::Kql) {
            kql_->restore(s);
            set_current_panel(stack_->indexOf(kql_));
        }
    });

    connect(diagnose_, &DiagnosePanel::sendToCommands, this, [this](const QString& command) {
        app::CommandResult checked = app::CommandTask::check(command);
        commands_->showResult(checked);
        set_current_panel(stack_->indexOf(commands_));
    });

    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Settings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma), this, [this] { openSettings(); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    auto* go = menuBar()->addMenu(tr("&Go"));
    for (int i = 0; i < sidebar_->count(); ++i)
        go->addAction(sidebar_->item(i)->text(), QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)), this,
                      [this, i] { set_current_panel(i); });

    model_ = new QLabel(this);
    model_->setObjectName(QStringLiteral("statusModel"));
    backend_ = new QLabel(this);
    backend_->setObjectName(QStringLiteral("statusBackend"));
    rate_ = new QLabel(this);
    rate_->setObjectName(QStringLiteral("statusRate"));
    // Long model and backend descriptions are cut to the window, never widen it; the tooltip has all.
    for (QLabel* l : {model_, backend_}) l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    statusBar()->addPermanentWidget(model_, 2);
    statusBar()->addPermanentWidget(backend_, 1);
    statusBar()->addPermanentWidget(rate_);
    load_progress_ = new QProgressBar(this);
    load_progress_->setObjectName(QStringLiteral("statusLoadProgress"));
    load_progress_->setRange(0, 100);
    load_progress_->setMaximumWidth(220);
    statusBar()->addPermanentWidget(load_progress_);
    cancel_load_ = new QPushButton(tr("Cancel loading"), this);
    cancel_load_->setObjectName(QStringLiteral("statusCancelLoad"));
    cancel_load_->setFlat(true);
    statusBar()->addPermanentWidget(cancel_load_);
    // The load runs off the GUI thread; Cancel stops it and keeps whatever backend was there.
    connect(cancel_load_, &QPushButton::clicked, context_->loader(), &ModelLoad::cancel);
    connect(context_->loader(), &ModelLoad::progress, load_progress_, &QProgressBar::setValue);
    connect(context_->loader(), &ModelLoad::cancelled, this,
            [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(context_, &AppContext::backendChanged, this, &MainWindow::update_backend_status);
    connect(context_, &AppContext::generationRate, this,
            [this](double rate) { rate_->setText(tr("%1 tok/s").arg(rate, 0, 'f', 1)); });
    connect(commands_, &CommandPanel::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(diagnose_, &DiagnosePanel::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(kql_, &KqlPanel::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    connect(history_, &HistoryPanel::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 5000); });
    update_backend_status();
    restore_state();
}

int MainWindow::current_panel() const { return stack_->currentIndex(); }

void MainWindow::set_current_panel(int index) {
    if (index < 0 || index >= stack_->count()) return;
    sidebar_->setCurrentRow(index);
}

int MainWindow::loaded_context_length() const {
    const auto* local = qobject_cast<const app::LocalBackend*>(context_->backend());
    return local && context_->backend_ready() ? local->context_length() : 0;
}

void MainWindow::update_backend_status() {
    const QString model = context_->backend_model();
    const QString name = QFileInfo(model).fileName().isEmpty() ? model : QFileInfo(model).fileName();
    QString model_text = model.isEmpty() ? tr("No model") : tr("Model: %1").arg(name);
    QString model_tip;
    model_->setStyleSheet(QString());
    if (context_->backend_kind() == QLatin1String("local") && context_->backend_ready()) {
        // The backend names the default model by its file name; its facts come from the file itself.
        QString path = model;
        if (!QFileInfo::exists(path)) {
            const QString fallback = app::default_model_path();
            if (QFileInfo(fallback).fileName() == QFileInfo(model).fileName()) path = fallback;
        }
        if (model_info_.path != path) model_info_ = app::read_model_info(path);
        const int context = loaded_context_length();
        // Where the parameter count is not known, the file size stands in (under 1 GB: small).
        const qint64 file_bytes = model_info_.file_bytes > 0 ? model_info_.file_bytes : QFileInfo(path).size();
        const bool small = model_info_.parameters > 0 ? model_info_.parameters < 1'000'000'000
                                                      : file_bytes > 0 && file_bytes < 1'000'000'000;
        if (small) {
            // A small model writes plausible answers that are often wrong: say so where the model is named.
            const QString size = model_info_.parameters > 0
                                     ? tr("%1 M parameters").arg(model_info_.parameters / 1e6, 0, 'f', 1)
                                     : tr("%1 MB file").arg(file_bytes / 1e6, 0, 'f', 1);
            model_text =
                tr("Model: %1 — small (%2, %3-token context): check every answer").arg(name, size).arg(context);
            model_->setStyleSheet(QStringLiteral("QLabel { color: #8a5a00; }"));
        } else if (context > 0) {
            model_text = tr("Model: %1 (%2-token context)").arg(name).arg(context);
        }
        model_tip = model;
    }
    model_->setText(model_text);
    model_->setToolTip(model_tip.isEmpty() ? model_text : model_text + QStringLiteral("\n") + model_tip);
    QString text;
    if (context_->backend_kind() == QLatin1String("remote")) text = tr("Remote: %1").arg(model);
    else if (context_->backend_kind() == QLatin1String("local")) text = local_status(context_);
    else text = tr("No backend");
    if (!context_->backend_note().isEmpty()) text += QStringLiteral(" — ") + context_->backend_note();
    const ModelLoad* load = context_->loader();
    if (load->active()) {
        load_progress_->setValue(load->percent());
        load_progress_->setFormat(load->stage() == ModelLoad::Stage::Reading
                                      ? tr("Loading %1… %p%").arg(load->model_name())
                                      : tr("Preparing %1…").arg(load->model_name()));
    }
    backend_->setText(text);
    backend_->setToolTip(text);
    load_progress_->setVisible(load->active());
    cancel_load_->setVisible(load->active());
}

SettingsDialog* MainWindow::openSettings() {
    const AppSettings before = AppSettings::load(context_->paths().config_dir());
    auto* dialog = new SettingsDialog(before, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->set_loaded_model(QFileInfo(context_->backend_model()).fileName(), loaded_context_length());
    // Never taller than the window it belongs to: the form scrolls instead.
    dialog->setMaximumHeight(std::max(320, height()));
    dialog->resize(dialog->sizeHint().boundedTo(QSize(std::max(480, width() - 40), std::max(320, height()))));
    connect(dialog, &QDialog::accepted, this, [this, dialog, before] {
        const AppSettings settings = dialog->settings();
        if (!settings.save(context_->paths().config_dir()))
            statusBar()->showMessage(tr("Settings could not be saved in %1").arg(context_->paths().config_dir()), 5000);
        if (!settings.data_dir.isEmpty() && settings.data_dir != context_->paths().data_dir())
            context_->set_data_dir(settings.data_dir);
        context_->set_redact_options(settings.redact);
        // Reloading a model takes a while: only a changed backend setting rebuilds the backend.
        if (context_->backend() && same_backend(before, settings)) context_->set_temperature(settings.temperature);
        else install_backend(context_, settings);
    });
    dialog->open();
    return dialog;
}

void MainWindow::save_state() const {
    QSettings s = window_settings(context_);
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/panel"), current_panel());
}

void MainWindow::restore_state() {
    QSettings s = window_settings(context_);
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) resize(1100, 720);
    set_current_panel(s.value(QStringLiteral("window/panel"), 0).toInt());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    save_state();
    event->accept();
}

}  // namespace sigma::ui
