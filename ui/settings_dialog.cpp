// SettingsDialog: the form, and the model facts read off the GUI thread.
// Not persistent by itself: AppSettings::save writes what settings() returns.
#include "ui/settings_dialog.h"

#include <QCheckBox>
#include <algorithm>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace sigma::ui {

namespace {
QString megabytes(qint64 bytes) { return QString::number(bytes / (1024.0 * 1024.0), 'f', 1) + QStringLiteral(" MB"); }
}  // namespace

SettingsDialog::SettingsDialog(const AppSettings& s, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    // The form scrolls and the buttons stay, so the dialog fits a small screen or window.
    auto* outer = new QVBoxLayout(this);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("settingsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* page = new QWidget(scroll);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(page);
    outer->addWidget(scroll, 1);

    auto* model_box = new QGroupBox(tr("Model"), this);
    auto* ml = new QVBoxLayout(model_box);
    auto* row = new QHBoxLayout;
    model_ = new QLineEdit(s.model_path, model_box);
    model_->setToolTip(tr("A GGUF model file. Leave empty for the embedded default model."));
    model_->setObjectName(QStringLiteral("settingsModel"));
    model_->setPlaceholderText(tr("The embedded default model"));
    auto* browse = new QPushButton(tr("Browse…"), model_box);
    row->addWidget(model_, 1);
    row->addWidget(browse);
    ml->addLayout(row);
    model_info_ = new QLabel(model_box);
    model_info_->setObjectName(QStringLiteral("settingsModelInfo"));
    model_info_->setWordWrap(true);
    ml->addWidget(model_info_);
    auto* template_row = new QHBoxLayout;
    template_ = new QComboBox(model_box);
    template_->setObjectName(QStringLiteral("settingsTemplate"));
    for (const ChatTemplateChoice& c : chat_template_choices()) template_->addItem(c.label, c.name);
    template_->setCurrentIndex(std::max(0, template_->findData(s.chat_template)));
    template_->setToolTip(tr("The prompt format the model was trained with. Auto reads it from the model file."));
    template_row->addWidget(new QLabel(tr("Chat template:"), model_box));
    template_row->addWidget(template_, 1);
    ml->addLayout(template_row);
    layout->addWidget(model_box);

    auto* form = new QFormLayout;
    backend_ = new QComboBox(this);
    backend_->setObjectName(QStringLiteral("settingsBackend"));
    backend_->addItem(tr("Auto (remote when set, else local, on CUDA when possible)"),
                      backend_mode_name(AppSettings::BackendMode::Auto));
    backend_->addItem(tr("Local CPU"), backend_mode_name(AppSettings::BackendMode::Cpu));
    backend_->addItem(tr("Local GPU (CUDA)"), backend_mode_name(AppSettings::BackendMode::Cuda));
    backend_->addItem(tr("Remote endpoint"), backend_mode_name(AppSettings::BackendMode::Remote));
    backend_->setCurrentIndex(std::max(0, backend_->findData(backend_mode_name(s.backend))));
    backend_->setItemData(
        2,
        tr("Runs the model on the GPU; when this build or this machine cannot, the CPU is used and the "
           "status bar says why."),
        Qt::ToolTipRole);
    url_ = new QLineEdit(s.remote_url, this);
    url_->setObjectName(QStringLiteral("settingsUrl"));
    url_->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080/v1"));
    key_ = new QLineEdit(s.api_key, this);
    key_->setObjectName(QStringLiteral("settingsKey"));
    key_->setEchoMode(QLineEdit::Password);
    threads_ = new QSpinBox(this);
    threads_->setObjectName(QStringLiteral("settingsThreads"));
    threads_->setRange(0, 256);
    threads_->setSpecialValueText(tr("All cores"));
    threads_->setValue(s.threads);
    temperature_ = new QDoubleSpinBox(this);
    temperature_->setObjectName(QStringLiteral("settingsTemperature"));
    temperature_->setRange(0.0, 2.0);
    temperature_->setSingleStep(0.1);
    temperature_->setValue(s.temperature);
    context_ = new QSpinBox(this);
    context_->setObjectName(QStringLiteral("settingsContext"));
    context_->setRange(0, 131072);
    context_->setSingleStep(512);
    context_->setSpecialValueText(tr("The model's own"));
    context_->setValue(s.context_length);
    data_dir_ = new QLineEdit(s.data_dir, this);
    data_dir_->setObjectName(QStringLiteral("settingsDataDir"));
    data_dir_->setPlaceholderText(tr("Default"));
    form->addRow(tr("Backend:"), backend_);
    form->addRow(tr("Endpoint URL:"), url_);
    form->addRow(tr("API key:"), key_);
    form->addRow(tr("Threads:"), threads_);
    form->addRow(tr("Temperature:"), temperature_);
    form->addRow(tr("Context length:"), context_);
    form->addRow(tr("Data directory:"), data_dir_);
    layout->addLayout(form);

    auto* redact = new QGroupBox(tr("Redact before storing or sending"), this);
    auto* rl = new QVBoxLayout(redact);
    redact_ip_ = new QCheckBox(tr("IP addresses"), redact);
    redact_hosts_ = new QCheckBox(tr("Host names"), redact);
    redact_emails_ = new QCheckBox(tr("E-mail addresses"), redact);
    redact_secrets_ = new QCheckBox(tr("Secrets and tokens"), redact);
    redact_ids_ = new QCheckBox(tr("UUIDs and cloud ids"), redact);
    redact_ip_->setObjectName(QStringLiteral("settingsRedactIp"));
    redact_hosts_->setObjectName(QStringLiteral("settingsRedactHosts"));
    redact_emails_->setObjectName(QStringLiteral("settingsRedactEmails"));
    redact_secrets_->setObjectName(QStringLiteral("settingsRedactSecrets"));
    redact_ids_->setObjectName(QStringLiteral("settingsRedactIds"));
    redact_ip_->setChecked(s.redact.ipv4);
    redact_hosts_->setChecked(s.redact.hostnames);
    redact_emails_->setChecked(s.redact.emails);
    redact_secrets_->setChecked(s.redact.secrets);
    redact_ids_->setChecked(s.redact.uuids);
    for (QCheckBox* c : {redact_ip_, redact_hosts_, redact_emails_, redact_secrets_, redact_ids_}) rl->addWidget(c);
    layout->addWidget(redact);

    layout->addStretch();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    outer->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Choose a model"), {}, tr("GGUF models (*.gguf);;All files (*)"));
        if (!path.isEmpty()) {
            model_->setText(path);
            inspectModel();
        }
    });
    connect(model_, &QLineEdit::editingFinished, this, &SettingsDialog::inspectModel);
    if (!s.model_path.isEmpty()) inspectModel();
}

void SettingsDialog::set_loaded_model(const QString& name, int context_length) {
    context_->setSpecialValueText(context_length > 0
                                      ? tr("The model's own: %1 tokens (%2)").arg(context_length).arg(name)
                                      : tr("The model's own"));
    context_->setToolTip(
        context_length > 0
            ? tr("%1 runs with a %2-token context; prompts and answers must fit in it.").arg(name).arg(context_length)
            : QString());
}

void SettingsDialog::accept() {
    const QString path = model_->text().trimmed();
    if (!path.isEmpty()) {
        // Read here, not only on the worker: saving an unusable path would leave the next start without a model.
        const app::ModelInfo info =
            info_.path == path && (info_.ok || !info_.error.isEmpty()) ? info_ : app::read_model_info(path);
        if (!info.ok) {
            show_info(info);
            model_->setFocus();
            model_->selectAll();
            return;
        }
    }
    QDialog::accept();
}

SettingsDialog::~SettingsDialog() {
    if (inspector_) inspector_->wait();
}

AppSettings SettingsDialog::settings() const {
    AppSettings s;
    s.model_path = model_->text().trimmed();
    s.chat_template = template_->currentData().toString();
    for (AppSettings::BackendMode m : {AppSettings::BackendMode::Auto, AppSettings::BackendMode::Cpu,
                                       AppSettings::BackendMode::Cuda, AppSettings::BackendMode::Remote})
        if (backend_->currentData().toString() == backend_mode_name(m)) s.backend = m;
    s.remote_url = url_->text().trimmed();
    s.api_key = key_->text();
    s.threads = threads_->value();
    s.temperature = temperature_->value();
    s.context_length = context_->value();
    s.data_dir = data_dir_->text().trimmed();
    s.redact.ipv4 = s.redact.ipv6 = redact_ip_->isChecked();
    s.redact.hostnames = redact_hosts_->isChecked();
    s.redact.emails = redact_emails_->isChecked();
    s.redact.secrets = redact_secrets_->isChecked();
    s.redact.uuids = s.redact.cloud_ids = redact_ids_->isChecked();
    return s;
}

void SettingsDialog::inspectModel() {
    const QString path = model_->text().trimmed();
    if (path.isEmpty() || inspector_) return;
    model_info_->setText(tr("Reading %1…").arg(path));
    inspector_ = QThread::create([this, path] {
        app::ModelInfo info = app::read_model_info(path);
        QMetaObject::invokeMethod(
            this,
            [this, info] {
                inspector_->wait();
                inspector_->deleteLater();
                inspector_ = nullptr;
                show_info(info);
            },
            Qt::QueuedConnection);
    });
    inspector_->start();
}

void SettingsDialog::show_info(const app::ModelInfo& info) {
    info_ = info;
    QString text;
    if (!info.ok) {
        text = tr("<span style='color:#c0392b'>Not usable: %1</span><br>Choose another file, or clear the field to use "
                  "the "
                  "embedded default model.")
                   .arg(info.error.toHtmlEscaped());
    } else {
        text = tr("<b>%1</b> %2 — %3 layers, %4 M parameters, %5, file %6, context %7 tokens, needs about %8 of RAM")
                   .arg(info.architecture.toHtmlEscaped(), info.name.toHtmlEscaped())
                   .arg(info.layers)
                   .arg(info.parameters / 1e6, 0, 'f', 1)
                   .arg(info.quantisation, megabytes(info.file_bytes))
                   .arg(info.context_length)
                   .arg(megabytes(info.ram_bytes));
    }
    model_info_->setText(text);
    emit modelInspected(text, info.ok);
}

}  // namespace sigma::ui
