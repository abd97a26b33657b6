// Shared option handling for the model-backed commands.
#include "app/cli/job_options.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/option_checks.h"
#include "app/data_paths.h"
#include "app/local_backend.h"

namespace sigma::cli {

CLI::Option* add_backend_option(CLI::App& sub, std::function<void(BackendRequest)> store) {
    return sub
        .add_option_function<std::string>(
            "--backend", [store = std::move(store)](const std::string& v) { store(*parse_backend_request(v)); },
            "where a local model runs (default auto: CUDA when it can, else the CPU)")
        ->check(one_of({"auto", "cpu", "cuda"}))
        ->type_name("auto|cpu|cuda");
}

void print_backend_line(BackendRequest requested, ComputeBackend used, const std::string& note) {
    if (requested == BackendRequest::Cpu && used == ComputeBackend::Cpu) return;
    std::cerr << "backend: " << backend_name(used);
    if (!note.empty()) std::cerr << " (" << note << ")";
    std::cerr << "\n";
}

void add_job_options(CLI::App& sub, JobOptions& o) {
    o.db_path = app::DataPaths().history_db_path();
    const auto text = [&sub](const char* names, QString& target, const char* type, const char* help) {
        sub.add_option_function<std::string>(
               names, [&target](const std::string& v) { target = QString::fromStdString(v); }, help)
            ->type_name(type);
    };
    text("-m,--model", o.backend.model_path, "FILE", "the GGUF model to run (default: the embedded model)");
    text("--remote", o.backend.remote_url, "URL", "an OpenAI-compatible server to ask instead of a local model");
    text("--api-key", o.backend.api_key, "K", "the --remote server's key (else SIGMA_REMOTE_API_KEY)");
    text("--remote-model", o.backend.remote_model, "NAME", "the model name sent to the --remote server");
    text("--template", o.backend.template_name, "NAME",
         "chat template of a local model: llama3, chatml, llama2 or sigma");
    sub.add_option("-t,--threads", o.backend.n_threads, "CPU threads (0, the default: all hardware threads)")
        ->check(integer_in(0, 1024))
        ->type_name("N");
    sub.add_option("--ctx", o.backend.n_ctx, "context length in tokens (0, the default: the model's own, at most 4096)")
        ->check(integer_in(0, 1 << 24))
        ->type_name("N");
    sub.add_option_function<int>(
           "--timeout", [&o](int seconds) { o.timeout_ms = seconds * 1000; },
           "seconds one generation may take (default 300)")
        ->check(integer_in(1, 86400))
        ->type_name("SECONDS");
    add_backend_option(sub,
                       [&o](BackendRequest b) { o.backend.compute_backend = QString::fromLatin1(backend_name(b)); });
    text("--db", o.db_path, "FILE", "the history database (default: history.sqlite in the data directory)");
    sub.add_flag("--no-history", o.no_history, "keep nothing in the history");
}

std::unique_ptr<app::Backend> open_backend(const char* command, const JobOptions& options, QString* kind,
                                           QString* model) {
    auto chosen = app::make_backend(options.backend);
    if (!chosen) {
        fail(command, chosen.error().message);
        return nullptr;
    }
    if (Status s = app::wait_until_ready(*chosen->backend, 120000); !s) {
        fail(command, "cannot load the model: " + s.error().message);
        return nullptr;
    }
    if (auto* local = qobject_cast<app::LocalBackend*>(chosen->backend.get())) {
        const auto requested = parse_backend_request(options.backend.compute_backend.toStdString());
        const ComputeBackend used =
            local->compute_backend() == QLatin1String("cuda") ? ComputeBackend::Cuda : ComputeBackend::Cpu;
        print_backend_line(requested.value_or(BackendRequest::Auto), used, local->backend_note().toStdString());
    }
    if (kind) *kind = chosen->kind;
    if (model) *model = chosen->model;
    return std::move(chosen->backend);
}

qint64 save_job(const char* command, const JobOptions& options, const app::JobRecord& record) {
    if (options.no_history) return 0;
    const app::RecordOutcome saved = app::record_job(options.db_path, record);
    if (!saved.warning.isEmpty())
        std::cerr << "sigma " << command << ": warning: not saved to history: " << saved.warning.toStdString() << "\n";
    return saved.session_id;
}

void print_json_result(QJsonObject result, qint64 session) {
    result.insert("session", session > 0 ? QJsonValue(session) : QJsonValue());
    std::cout << QJsonDocument(result).toJson(QJsonDocument::Compact).toStdString() << "\n";
}

std::unique_ptr<QCoreApplication> ensure_qt_app() {
    if (QCoreApplication::instance()) return nullptr;
    static int argc = 1;
    static char name[] = "sigma";
    static char* argv[] = {name, nullptr};
    return std::make_unique<QCoreApplication>(argc, argv);
}

}  // namespace sigma::cli
