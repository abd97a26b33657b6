// Options every model-using command shares (-m, --remote, --api-key, --template, --threads, --ctx,
// --backend, --db, --timeout) and the small helpers the job commands share. Not a job itself.
#pragma once

#include <CLI/CLI.hpp>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include "app/backend_factory.h"
#include "app/job_recorder.h"
#include "inference/context.h"

class QCoreApplication;

namespace sigma::cli {

struct JobOptions {
    app::BackendChoice backend;
    QString db_path;          // --db FILE, else the data directory's history.sqlite (set by add_job_options)
    int timeout_ms = 300000;  // --timeout SECONDS for one generation
    bool no_history = false;  // --no-history: keep nothing
};

// --backend auto|cpu|cuda on `sub`; `store` receives the value. One outside the three is a usage
// error: "--backend must be auto, cpu or cuda, got 'tpu'".
CLI::Option* add_backend_option(CLI::App& sub, std::function<void(BackendRequest)> store);

// The one stderr line that says where a local model runs: "backend: cuda (DEVICE)", or, when auto
// fell back, "backend: cpu (WHY)". An explicit --backend cpu prints nothing.
void print_backend_line(BackendRequest requested, ComputeBackend used, const std::string& note);

// Adds the shared options to `sub`, read into `options` (which must outlive the parse).
void add_job_options(CLI::App& sub, JobOptions& options);
// Their names, for a mode that takes none of them (cmd --validate, diagnose --no-model).
inline constexpr std::initializer_list<const char*> kJobOptionNames = {
    "--model", "--remote",  "--api-key", "--remote-model", "--template", "--threads",
    "--ctx",   "--timeout", "--db",      "--no-history",   "--backend"};

// Builds the backend and waits for a local model to load. On failure prints the error (naming the
// command) and returns null.
std::unique_ptr<app::Backend> open_backend(const char* command, const JobOptions& options, QString* kind,
                                           QString* model);

// Saves a finished job unless --no-history; returns the session id (0 when not saved, after a
// warning on stderr naming why).
qint64 save_job(const char* command, const JobOptions& options, const app::JobRecord& record);

// Prints `result` plus {"session": id|null} as one compact JSON line on stdout.
void print_json_result(QJsonObject result, qint64 session);

// The application object Qt's event loops, SQL plugins and networking need (none exists yet in the CLI).
std::unique_ptr<QCoreApplication> ensure_qt_app();

}  // namespace sigma::cli
