// AppSettings: QSettings (ini) under the config directory.
// Not a secret store: the API key sits in the user's own config file, like other CLI tools' keys.
#include "ui/app_settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QSettings>

namespace sigma::ui {

QString backend_mode_name(AppSettings::BackendMode m) {
    switch (m) {
        case AppSettings::BackendMode::Cpu: return QStringLiteral("cpu");
        case AppSettings::BackendMode::Cuda: return QStringLiteral("cuda");
        case AppSettings::BackendMode::Remote: return QStringLiteral("remote");
        case AppSettings::BackendMode::Auto: break;
    }
    return QStringLiteral("auto");
}

namespace {
AppSettings::BackendMode mode_from(const QString& s) {
    if (s == QLatin1String("cpu")) return AppSettings::BackendMode::Cpu;
    if (s == QLatin1String("cuda")) return AppSettings::BackendMode::Cuda;
    if (s == QLatin1String("remote")) return AppSettings::BackendMode::Remote;
    return AppSettings::BackendMode::Auto;
}
}  // namespace

QString settings_file(const QString& config_dir) { return QDir(config_dir).filePath(QStringLiteral("sigma-ops.ini")); }

QList<ChatTemplateChoice> chat_template_choices() {
    // The names are the ones app::LocalBackendOptions::template_name accepts (the CLI's --template).
    auto tr = [](const char* text) { return QCoreApplication::translate("Settings", text); };
    return {{QString(), tr("Auto (from the model file)")},
            {QStringLiteral("sigma"), tr("Sigma")},
            {QStringLiteral("llama3"), tr("Llama 3")},
            {QStringLiteral("chatml"), tr("ChatML")},
            {QStringLiteral("llama2"), tr("Llama 2")}};
}

AppSettings AppSettings::load(const QString& config_dir) {
    QSettings s(settings_file(config_dir), QSettings::IniFormat);
    AppSettings a;
    a.model_path = s.value(QStringLiteral("model/path")).toString();
    a.chat_template = s.value(QStringLiteral("model/template")).toString();
    bool known = false;
    for (const ChatTemplateChoice& c : chat_template_choices()) known = known || c.name == a.chat_template;
    if (!known) a.chat_template.clear();  // an edited file must not stop the model from loading
    a.backend = mode_from(s.value(QStringLiteral("backend/mode")).toString());
    a.remote_url = s.value(QStringLiteral("backend/remote_url")).toString();
    a.api_key = s.value(QStringLiteral("backend/api_key")).toString();
    a.threads = std::clamp(s.value(QStringLiteral("generation/threads"), 0).toInt(), 0, 1024);
    a.temperature = std::clamp(s.value(QStringLiteral("generation/temperature"), 0.0).toDouble(), 0.0, 2.0);
    a.context_length = std::clamp(s.value(QStringLiteral("generation/context"), 0).toInt(), 0, 1 << 20);
    a.data_dir = s.value(QStringLiteral("data/dir")).toString();
    a.redact.ipv4 = a.redact.ipv6 = s.value(QStringLiteral("redact/ip"), true).toBool();
    a.redact.hostnames = s.value(QStringLiteral("redact/hostnames"), true).toBool();
    a.redact.emails = s.value(QStringLiteral("redact/emails"), true).toBool();
    a.redact.secrets = s.value(QStringLiteral("redact/secrets"), true).toBool();
    a.redact.uuids = a.redact.cloud_ids = s.value(QStringLiteral("redact/ids"), true).toBool();
    return a;
}

bool AppSettings::save(const QString& config_dir) const {
    QDir().mkpath(config_dir);
    QSettings s(settings_file(config_dir), QSettings::IniFormat);
    s.setValue(QStringLiteral("model/path"), model_path);
    s.setValue(QStringLiteral("model/template"), chat_template);
    s.setValue(QStringLiteral("backend/mode"), backend_mode_name(backend));
    s.setValue(QStringLiteral("backend/remote_url"), remote_url);
    s.setValue(QStringLiteral("backend/api_key"), api_key);
    s.setValue(QStringLiteral("generation/threads"), threads);
    s.setValue(QStringLiteral("generation/temperature"), temperature);
    s.setValue(QStringLiteral("generation/context"), context_length);
    s.setValue(QStringLiteral("data/dir"), data_dir);
    s.setValue(QStringLiteral("redact/ip"), redact.ipv4);
    s.setValue(QStringLiteral("redact/hostnames"), redact.hostnames);
    s.setValue(QStringLiteral("redact/emails"), redact.emails);
    s.setValue(QStringLiteral("redact/secrets"), redact.secrets);
    s.setValue(QStringLiteral("redact/ids"), redact.uuids);
    s.sync();
    return s.status() == QSettings::NoError;
}

app::BackendChoice AppSettings::backend_choice() const {
    app::BackendChoice c;
    // Auto uses the endpoint when one is set, else the local model; CPU and CUDA never go remote.
    if (backend == BackendMode::Auto || backend == BackendMode::Remote) {
        c.remote_url = remote_url.trimmed();
        c.api_key = api_key;
    }
    // The local model's compute backend, in app::LocalBackendOptions' words.
    c.compute_backend = backend == BackendMode::Cpu    ? QStringLiteral("cpu")
                        : backend == BackendMode::Cuda ? QStringLiteral("cuda")
                                                       : QStringLiteral("auto");
    c.model_path = model_path;
    c.template_name = chat_template;
    c.n_threads = threads;
    c.n_ctx = context_length;
    return c;
}

}  // namespace sigma::ui
