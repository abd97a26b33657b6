// Backend selection. The embedded model is found relative to the executable, like the knowledge packs.
#include "app/backend_factory.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>
#include <QUrl>

#include "app/domain/resource_paths.h"
#include "app/local_backend.h"
#include "app/remote_backend.h"
#include "inference/context.h"

namespace sigma::app {

QString default_model_path() {
    const QString resources = QString::fromStdString(domain::resources_dir());
    if (resources.isEmpty()) return {};
    const QDir models(resources + QStringLiteral("/models"));
    if (QFileInfo::exists(models.filePath(QStringLiteral("default.gguf"))))
        return models.filePath(QStringLiteral("default.gguf"));
    const QStringList files = models.entryList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name);
    return files.size() == 1 ? models.filePath(files.first()) : QString();
}

Expected<ChosenBackend> make_backend(const BackendChoice& choice) {
    ChosenBackend out;
    if (!choice.remote_url.isEmpty()) {
        const QUrl url(choice.remote_url, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty())
            return make_error(ErrorCode::InvalidArgument,
                              "--remote needs an http(s) URL such as http://127.0.0.1:8080/v1, got '" +
                                  choice.remote_url.toStdString() + "'");
        RemoteBackendOptions o;
        o.base_url = url;
        o.api_key = choice.api_key;
        o.model = choice.remote_model;
        out.backend = std::make_unique<RemoteBackend>(o);
        out.kind = QStringLiteral("remote");
        out.model = url.toString(QUrl::RemoveUserInfo);
        return out;
    }
    if (!parse_backend_request(choice.compute_backend.toStdString()))
        return make_error(ErrorCode::InvalidArgument,
                          "backend must be auto, cpu or cuda, got '" + choice.compute_backend.toStdString() + "'");
    QString path = choice.model_path;
    if (path.isEmpty()) {
        path = default_model_path();
        if (path.isEmpty())
            return make_error(ErrorCode::InvalidArgument,
                              "no default model is installed (resources/models/ has no model file); pass -m "
                              "FILE.gguf or --remote URL");
    }
    const QFileInfo info(path);
    if (!info.exists()) return make_error(ErrorCode::Io, "model file '" + path.toStdString() + "' does not exist");
    if (!info.isFile() || !info.isReadable())
        return make_error(ErrorCode::Io, "model file '" + path.toStdString() + "' is not a readable file");
    LocalBackendOptions o;
    o.model_path = path;
    o.template_name = choice.template_name;
    o.n_threads = choice.n_threads;
    o.n_ctx = choice.n_ctx;
    o.compute_backend = choice.compute_backend;
    out.backend = std::make_unique<LocalBackend>(o);
    out.kind = QStringLiteral("local");
    out.model = info.fileName();
    return out;
}

Status wait_until_ready(Backend& backend, int timeout_ms) {
    auto* local = qobject_cast<LocalBackend*>(&backend);
    if (!local) return {};
    QEventLoop loop;
    bool done = false, ok = false;
    QString message;
    QObject::connect(local, &LocalBackend::loadFinished, &loop, [&](bool success, const QString& m) {
        done = true;
        ok = success;
        message = m;
        loop.quit();
    });
    QTimer::singleShot(timeout_ms, &loop, &QEventLoop::quit);
    loop.exec();
    if (!done) return make_error(ErrorCode::Internal, "the model did not finish loading in time");
    if (!ok) return make_error(ErrorCode::Format, message.toStdString());
    return {};
}

}  // namespace sigma::app
