// AppContext: the shared services of the panels.
// Not a backend factory: callers build the Backend (make_backend) and hand it over.
#include "ui/app_context.h"

#include "ui/history_service.h"
#include "ui/model_load.h"

namespace sigma::ui {

AppContext::AppContext(const app::DataPaths& paths, QObject* parent) : QObject(parent), paths_(paths) {
    std::string error;
    // A missing knowledge pack only costs the few-shot examples; generation still works.
    corpus_ = domain::ExampleCorpus::load_default(&error);
    history_ = new HistoryService(paths_.history_db_path(), this);
    loader_ = new ModelLoad(this, this);
    connect(loader_, &ModelLoad::stageChanged, this, &AppContext::backendChanged);
}

AppContext::~AppContext() {
    delete loader_;  // joins its reader before the backend it would replace goes away
}

void AppContext::set_backend(std::unique_ptr<app::Backend> backend, const QString& kind, const QString& model,
                             const QString& note) {
    backend_ = std::move(backend);
    backend_kind_ = backend_ ? kind : QString();
    backend_model_ = backend_ ? model : QString();
    backend_note_ = note;
    backend_ready_ = backend_ && kind != QLatin1String("local");
    emit backendChanged();
}

void AppContext::set_backend_note(const QString& note) {
    backend_note_ = note;
    emit backendChanged();
}

void AppContext::set_backend_ready(bool ready, const QString& note) {
    backend_ready_ = ready;
    if (!note.isEmpty()) backend_note_ = note;
    emit backendChanged();
}

namespace {
bool same(const domain::RedactOptions& a, const domain::RedactOptions& b) {
    return a.ipv4 == b.ipv4 && a.ipv6 == b.ipv6 && a.hostnames == b.hostnames && a.emails == b.emails &&
           a.secrets == b.secrets && a.cloud_ids == b.cloud_ids && a.uuids == b.uuids && a.macs == b.macs;
}
}  // namespace

void AppContext::set_redact_options(const domain::RedactOptions& options) {
    if (same(options, redact_)) return;
    redact_ = options;
    emit redactOptionsChanged();
}

void AppContext::set_data_dir(const QString& dir) {
    paths_.set_data_dir(dir);
    history_->set_path(paths_.history_db_path());
}

}  // namespace sigma::ui
