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
#include "app/cli/option_checks.h"
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

struct ServeArgs {
    std::optional<std::string> host;          // --host H
    std::optional<int> port;                  // --port P
    std::optional<std::string> api_key;       // --api-key K
    std::optional<std::string> api_key_file;  // --api-key-file FILE
    bool allow_insecure_bind = false;
    std::optional<std::string> model;          // -m, --model FILE
    std::optional<std::string> remote;         // --remote URL
    std::optional<std::string> template_name;  // --template NAME
    std::optional<int> ctx;                    // -c, --ctx N
    std::optional<int> threads;                // -t, --threads N
    std::optional<int> queue;                  // --queue N
    std::optional<BackendRequest> backend;     // --backend B
};

int run_serve(const ServeArgs& args) {
    const auto& host = args.host;
    const auto& port = args.port;
    const auto& api_key = args.api_key;
    const auto& api_key_file = args.api_key_file;
    const bool allow_insecure_bind = args.allow_insecure_bind;
    const auto& model = args.model;
    const auto& remote = args.remote;
    const auto& template_name = args.template_name;
    const auto& ctx = args.ctx;
    const auto& threads = args.threads;
    const auto& queue = args.queue;
    const auto& backend_request = args.backend;
    if (model.has_value() == remote.has_value())
        return fail("serve", "give exactly one of -m FILE or --remote URL", kExitUsage);
    if (remote && (template_name || ctx || threads || backend_request))
        return fail("serve", "--template, --ctx, --threads and --backend apply to -m FILE only", kExitUsage);

    sigma::app::OpenAiServerOptions options;
    const QString host_text = QString::fromStdString(host.value_or("127.0.0.1"));
    options.host =
        host_text == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host_text);
    if (options.host.isNull())
        return fail("serve", "--host '" + host_text.toStdString() + "' is not an IP address", kExitUsage);
    options.port = static_cast<quint16>(port.value_or(8080));

    // The key: --api-key, --api-key-file, then SIGMA_API_KEY. The last two keep it out of the
    // process list, where any local user can read a command line.
    if (api_key && api_key_file) return fail("serve", "give one of --api-key and --api-key-file, not both", kExitUsage);
    if (api_key) {
        if (api_key->empty()) return fail("serve", "--api-key must not be empty", kExitUsage);
        options.api_key = QString::fromStdString(*api_key);
        std::fprintf(stderr,
                     "sigma serve: note: --api-key is visible to other local users in the process list; "
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
        std::fprintf(stderr,
                     "sigma serve: warning: listening on %s without an API key (--allow-insecure-bind): anyone "
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
        QObject::connect(local.get(), &sigma::app::LocalBackend::loadFinished, &loop,
                         [&](bool success, const QString& m) {
                             ok = success;
                             message = m;
                             loop.quit();
                         });
        loop.exec();
        if (!ok) return fail("serve", message.toStdString());
        print_backend_line(
            requested, local->compute_backend() == QLatin1String("cuda") ? ComputeBackend::Cuda : ComputeBackend::Cpu,
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

}  // namespace

void add_serve_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<ServeArgs>();
    CLI::App* sub =
        root.add_subcommand("serve", "an OpenAI-compatible server on a local model (-m) or a remote one (--remote)");
    sub->add_option("-m,--model", a->model, "the GGUF model to serve")->type_name("FILE");
    sub->add_option("--remote", a->remote, "relay to this OpenAI-compatible server instead")->type_name("URL");
    sub->add_option("--host", a->host, "the address to listen on (default 127.0.0.1)")->type_name("H");
    sub->add_option("--port", a->port, "the port (default 8080; 0: any free one)")
        ->check(integer_in(0, 65535))
        ->type_name("P");
    sub->add_option("--api-key-file", a->api_key_file, "the key clients must send, read from FILE")->type_name("FILE");
    sub->add_option("--api-key", a->api_key, "the key clients must send (visible in ps; else SIGMA_API_KEY)")
        ->type_name("K");
    sub->add_flag("--allow-insecure-bind", a->allow_insecure_bind,
                  "listen off loopback without a key (anyone may use it)");
    sub->add_option("--queue", a->queue, "requests that may wait behind the running one (0 to 1024; default 8)")
        ->check(integer_in(0, 1024))
        ->type_name("N");
    sub->add_option("--template", a->template_name, "with -m: the chat template (llama3, chatml, llama2 or sigma)")
        ->type_name("NAME");
    sub->add_option("-c,--ctx", a->ctx, "with -m: context length in tokens (0: the model's own, at most 4096)")
        ->check(integer_in(0, 1 << 24))
        ->type_name("N");
    sub->add_option("-t,--threads", a->threads, "with -m: CPU threads (0: all hardware threads)")
        ->check(integer_in(0, 1024))
        ->type_name("N");
    add_backend_option(*sub, [p = a.get()](BackendRequest b) { p->backend = b; });
    sub->footer(
        "Examples:\n"
        "  sigma serve -m model.gguf --port 8080\n"
        "  SIGMA_API_KEY=... sigma serve --remote http://gpu-box:8080/v1 --host 0.0.0.0");
    on_parsed(*sub, action, [a] { return run_serve(*a); });
}

}  // namespace sigma::cli
