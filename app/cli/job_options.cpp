// Shared option handling for the model-backed commands.
#include "app/cli/job_options.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <iostream>

#include "app/cli/commands.h"
#include "app/data_paths.h"
#include "app/local_backend.h"

namespace sigma::cli {

BackendRequest read_backend_option(CliArgs& args) {
    const auto v = args.value({"--backend"});
    if (!v) return BackendRequest::Auto;
    const auto b = parse_backend_request(*v);
    if (!b) {
        args.reject("--backend must be auto, cpu or cuda, got '" + *v + "'");
        return BackendRequest::Auto;
    }
    return *b;
}

void print_backend_line(BackendRequest requested, ComputeBackend used, const std::string& note) {
    if (requested == BackendRequest::Cpu && used == ComputeBackend::Cpu) return;
    std::cerr << "backend: " << backend_name(used);
    if (!note.empty()) std::cerr << " (" << note << ")";
    std::cerr << "\n";
}

JobOptions read_job_options(CliArgs& args) {
    JobOptions o;
    o.backend.compute_backend = QString::fromLatin1(backend_name(read_backend_option(args)));
    if (auto v = args.value({"-m", "--model"})) o.backend.model_path = QString::fromStdString(*v);
    if (auto v = args.value({"--remote"})) o.backend.remote_url = QString::fromStdString(*v);
    if (auto v = args.value({"--api-key"})) o.backend.api_key = QString::fromStdString(*v);
    if (auto v = args.value({"--remote-model"})) o.backend.remote_model = QString::fromStdString(*v);
    if (auto v = args.value({"--template"})) o.backend.template_name = QString::fromStdString(*v);
    if (auto v = args.integer({"-t", "--threads"})) o.backend.n_threads = static_cast<int>(*v);
    if (auto v = args.integer({"--ctx"})) o.backend.n_ctx = static_cast<int>(*v);
    if (auto v = args.integer({"--timeout"})) o.timeout_ms = static_cast<int>(std::max<long long>(1, *v) * 1000);
    o.no_history = args.flag({"--no-history"});
    if (auto v = args.value({"--db"})) o.db_path = QString::fromStdString(*v);
    else o.db_path = app::DataPaths().history_db_path();
    return o;
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
