// sigma serve: the OpenAI-compatible server on a local model (-m FILE) or relaying to another
// OpenAI-compatible endpoint (--remote URL). Prints "listening on http://HOST:PORT" first on stdout.
// Not a daemon manager: it runs in the foreground until killed.
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "app/local_backend.h"
#include "app/openai_server.h"
#include "app/remote_backend.h"

namespace sigma::cli {

namespace {

// SIGINT/SIGTERM end the event loop through a pipe (the only safe thing a handler can do), so that
// the server closes and the engine's thread is cancelled and joined before the process exits.
int g_quit_pipe[2] = {-1, -1};
extern "C" void on_quit_signal(int) {
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_quit_pipe[1], &byte, 1);
}

constexpr qint64 kMaxKeyFileBytes = 4096;

// The key in a file: the whole file, surrounding whitespace (the final newline) trimmed. Empty on
// failure, with the reason in error.
QString read_key_file(const QString& path, std::string& error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        error = "cannot read --api-key-file '" + path.toStdString() + "': " + f.errorString().toStdString();
        return {};
    }
    const QByteArray bytes = f.read(kMaxKeyFileBytes + 1);
    if (bytes.size() > kMaxKeyFileBytes) {
        error = "--api-key-file '" + path.toStdString() + "' is larger than " + std::to_string(kMaxKeyFileBytes) +
                " bytes; it should hold the key alone";
        return {};
    }
    const QByteArray key = bytes.trimmed();
    if (key.isEmpty()) {
        error = "--api-key-file '" + path.toStdString() + "' is empty";
        return {};
    }
    if (f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther))
        std::fprintf(stderr, "sigma serve: warning: --api-key-file '%s' is readable by other users (chmod 600 it)\n",
                     path.toLocal8Bit().constData());
    return QString::fromUtf8(key);
}

// A key must fit in one header line: no control characters (a newline would end the header).
bool key_is_printable(const QString& key) {
    for (const QChar c : key) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7F) return false;
    }
    return true;
}

}  // namespace

int cmd_serve(CliArgs& args) {
    const auto host = args.value({"--host"});
    const auto port = args.integer({"--port"});
    const auto api_key = args.value({"--api-key"});
    const auto api_key_file = args.value({"--api-key-file"});
    const bool allow_insecure_bind = args.flag({"--allow-insecure-bind"});
    const auto model = args.value({"-m", "--model"});
    const auto remote = args.value({"--remote"});
    const auto template_name = args.value({"--template"});
    const auto ctx = args.integer({"--ctx", "-c"});
    const auto threads = args.integer({"--threads", "-t"});
    const auto queue = args.integer({"--queue"});
    const auto backend_text = args.value({"--backend"});
    std::optional<BackendRequest> backend_request;
    if (backend_text) {
        backend_request = parse_backend_request(*backend_text);
        if (!backend_request) args.reject("--backend must be auto, cpu or cuda, got '" + *backend_text + "'");
    }
    if (!args.finish()) return fail("serve", args.error(), kExitUsage);
    if (model.has_value() == remote.has_value()) return fail("serve", "give exactly one of -m FILE or --remote URL", kExitUsage);
    if (port && (*port < 0 || *port > 65535)) return fail("serve", "--port must be from 0 to 65535", kExitUsage);
    if (queue && (*queue < 0 || *queue > 1024)) return fail("serve", "--queue must be from 0 to 1024", kExitUsage);
    if (ctx && (*ctx < 0 || *ctx > (1 << 24))) return fail("serve", "--ctx is out of range", kExitUsage);
    if (threads && (*threads < 0 || *threads > 1024)) return fail("serve", "--threads must be from 0 to 1024", kExitUsage);
    if (remote && (template_name || ctx || threads || backend_text))
        return fail("serve", "--template, --ctx, --threads and --backend apply to -m FILE only", kExitUsage);

    sigma::app::OpenAiServerOptions options;
    const QString host_text = QString::fromStdString(host.value_or("127.0.0.1"));
    options.host = host_text == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host_text);
    if (options.host.isNull()) return fail("serve", "--host '" + host_text.toStdString() + "' is not an IP address", kExitUsage);
    options.port = static_cast<quint16>(port.value_or(8080));

    // The key: --api-key, --api-key-file, then SIGMA_API_KEY. The last two keep it out of the
    // process list, where any local user can read a command line.
    if (api_key && api_key_file) return fail("serve", "give one of --api-key and --api-key-file, not both", kExitUsage);
    if (api_key) {
        if (api_key->empty()) return fail("serve", "--api-key must not be empty", kExitUsage);
        options.api_key = QString::fromStdString(*api_key);
        std::fprintf(stderr, "sigma serve: note: --api-key is visible to other local users in the process list; "
                             "SIGMA_API_KEY or --api-key-file FILE keep it out of it\n");
    } else if (api_key_file) {
        std::string error;
        options.api_key = read_key_file(QString::fromStdString(*api_key_file), error);
        if (options.api_key.isEmpty()) return fail("serve", error);
    } else {
        options.api_key = qEnvironmentVariable("SIGMA_API_KEY").trimmed();
    }
    if (!key_is_printable(options.api_key))
        return fail("serve", "the API key holds control characters (a line break?); give it on one line", kExitUsage);

    // Off loopback, anyone who can reach the port could use the model: a key is required there,
    // unless the operator says in so many words that the network is trusted.
    if (!options.host.isLoopback() && options.api_key.isEmpty()) {
        if (!allow_insecure_bind)
            return fail("serve",
                        "refusing to listen on " + host_text.toStdString() +
                            " without an API key: anyone who can reach it could use the server. Set SIGMA_API_KEY, "
                            "give --api-key-file FILE (or --api-key K), listen on 127.0.0.1, or pass "
                            "--allow-insecure-bind to accept the risk",
                        kExitUsage);
        std::fprintf(stderr, "sigma serve: warning: listening on %s without an API key (--allow-insecure-bind): anyone "
                             "who can reach this address can use the server\n",
                     host_text.toUtf8().constData());
        options.allow_insecure_bind = true;
    }
    if (queue) options.queue_limit = static_cast<int>(*queue);

    int argc = 1;
    char name[] = "sigma";
    char* argv[] = {name, nullptr};
    std::unique_ptr<QCoreApplication> app;
    if (!QCoreApplication::instance()) app = std::make_unique<QCoreApplication>(argc, argv);

    std::unique_ptr<sigma::app::Backend> backend;
    if (model) {
        sigma::app::LocalBackendOptions lo;
        lo.model_path = QString::fromStdString(*model);
        if (template_name) lo.template_name = QString::fromStdString(*template_name);
        if (ctx) lo.n_ctx = static_cast<int>(*ctx);
        if (threads) lo.n_threads = static_cast<int>(*threads);
        const BackendRequest requested = backend_request.value_or(BackendRequest::Auto);
        lo.compute_backend = QString::fromLatin1(backend_name(requested));
        auto local = std::make_unique<sigma::app::LocalBackend>(lo);
        // Load before listening, so that a bad model file fails here and not on the first request.
        bool ok = false;
        QString message;
        QEventLoop loop;
        QObject::connect(local.get(), &sigma::app::LocalBackend::loadFinished, &loop, [&](bool success, const QString& m) {
            ok = success;
            message = m;
            loop.quit();
        });
        loop.exec();
        if (!ok) return fail("serve", message.toStdString());
        print_backend_line(requested,
                           local->compute_backend() == QLatin1String("cuda") ? ComputeBackend::Cuda : ComputeBackend::Cpu,
                           local->backend_note().toStdString());
        backend = std::move(local);
    } else {
        sigma::app::RemoteBackendOptions ro;
        ro.base_url = QUrl(QString::fromStdString(*remote));
        if (!ro.base_url.isValid() || ro.base_url.host().isEmpty() ||
            (ro.base_url.scheme() != QLatin1String("http") && ro.base_url.scheme() != QLatin1String("https")))
            return fail("serve", "--remote '" + *remote + "' is not an http(s) URL", kExitUsage);
        backend = std::make_unique<sigma::app::RemoteBackend>(ro);
    }

    sigma::app::OpenAiServer server(*backend, options);
    QString error;
    if (!server.listen(&error)) return fail("serve", error.toStdString());
    std::printf("listening on %s\n", server.base_url().toString().toUtf8().constData());
    std::fflush(stdout);
    std::fprintf(stderr, "sigma serve: model %s; OpenAI-compatible API at %s/v1%s\n",
                 server.model_id().toUtf8().constData(), server.base_url().toString().toUtf8().constData(),
                 options.api_key.isEmpty() ? "" : " (API key required)");
    std::unique_ptr<QSocketNotifier> quit_notifier;
    if (::pipe(g_quit_pipe) == 0) {
        quit_notifier = std::make_unique<QSocketNotifier>(g_quit_pipe[0], QSocketNotifier::Read);
        QObject::connect(quit_notifier.get(), &QSocketNotifier::activated, [] { QCoreApplication::quit(); });
        std::signal(SIGINT, on_quit_signal);
        std::signal(SIGTERM, on_quit_signal);
    }
    const int rc = QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::fprintf(stderr, "sigma serve: stopped\n");
    return rc == 0 ? kExitOk : kExitFailure;
}

}  // namespace sigma::cli
