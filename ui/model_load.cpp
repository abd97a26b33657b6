// ModelLoad: the read-ahead with progress on a worker thread, then the backend's own load.
// Not able to interrupt the engine's load step: a backend cancelled there finishes loading on its
// own thread and is then thrown away, so the GUI thread never waits for it.
#include "ui/model_load.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <vector>

#include "app/local_backend.h"
#include "ui/app_context.h"

namespace sigma::ui {

ModelLoad::ModelLoad(AppContext* context, QObject* parent) : QObject(parent), context_(context) {}

ModelLoad::~ModelLoad() {
    if (stop_) stop_->store(true);
    join_reader();
    pending_.reset();  // joins the backend's thread, which ends once its load returns
}

bool ModelLoad::busy() const {
    return (reader_ && reader_->isRunning()) || !findChildren<app::Backend*>(Qt::FindDirectChildrenOnly).isEmpty();
}

void ModelLoad::set_stage(Stage stage) {
    stage_ = stage;
    emit stageChanged();
}

void ModelLoad::join_reader() {
    // Bounded by one chunk: the reader checks the stop flag between reads.
    if (reader_) reader_->wait();
    reader_.reset();
}

void ModelLoad::start(const app::BackendChoice& choice, const QString& note) {
    abandon();
    const quint64 generation = ++generation_;
    choice_ = choice;
    choice_.remote_url.clear();
    note_ = note;
    QString path = choice_.model_path.isEmpty() ? app::default_model_path() : choice_.model_path;
    model_name_ = path.isEmpty() ? tr("the default model") : QFileInfo(path).fileName();
    percent_ = 0;
    if (!note_.isEmpty()) context_->set_backend_note(note_);
    else if (!context_->backend()) context_->set_backend_note(tr("%1 is still loading").arg(model_name_));
    if (path.isEmpty() || !QFileInfo(path).isFile()) {
        // make_backend names the problem (no default model installed, a missing file).
        auto chosen = app::make_backend(choice_);
        fail(chosen ? tr("%1 is not a readable file").arg(path) : QString::fromStdString(chosen.error().message));
        return;
    }
    set_stage(Stage::Reading);
    emit progress(0);
    stop_ = std::make_shared<std::atomic<bool>>(false);
    reader_.reset(QThread::create([this, path, generation, stop = stop_] {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            const QString error = file.errorString();
            QMetaObject::invokeMethod(
                this, [this, generation, error] { on_read(generation, false, error); }, Qt::QueuedConnection);
            return;
        }
        const qint64 total = file.size();
        // About a hundred steps, each small enough to stop promptly and large enough to read fast.
        const qint64 chunk = std::clamp<qint64>(total / 100, 64 * 1024, 8 * 1024 * 1024);
        std::vector<char> buffer(static_cast<size_t>(chunk));
        qint64 done = 0;
        int last = 0;
        while (!stop->load()) {
            const qint64 n = file.read(buffer.data(), chunk);
            if (n <= 0) break;
            done += n;
            const int percent = total > 0 ? static_cast<int>(std::min<qint64>(100, done * 100 / total)) : 100;
            if (percent != last) {
                last = percent;
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, percent] {
                        if (generation != generation_) return;
                        percent_ = percent;
                        emit progress(percent);
                    },
                    Qt::QueuedConnection);
            }
        }
        if (stop->load()) return;
        const bool ok = done == total;
        const QString error = ok ? QString() : file.errorString();
        QMetaObject::invokeMethod(
            this, [this, generation, ok, error] { on_read(generation, ok, error); }, Qt::QueuedConnection);
    }));
    reader_->setObjectName(QStringLiteral("sigma-model-read"));
    reader_->start();
}

void ModelLoad::on_read(quint64 generation, bool ok, const QString& error) {
    if (generation != generation_) return;
    join_reader();
    if (!ok) return fail(tr("reading %1 failed: %2").arg(model_name_, error));
    if (percent_ != 100) {
        percent_ = 100;
        emit progress(100);
    }
    auto chosen = app::make_backend(choice_);
    if (!chosen) return fail(QString::fromStdString(chosen.error().message));
    auto* local = qobject_cast<app::LocalBackend*>(chosen->backend.get());
    if (!local) return fail(tr("%1 did not give a local model").arg(model_name_));
    pending_ = std::move(chosen->backend);
    pending_kind_ = chosen->kind;
    pending_model_ = chosen->model;
    connect(local, &app::LocalBackend::loadFinished, this,
            [this, generation](bool loaded, const QString& message) { on_loaded(generation, loaded, message); });
    set_stage(Stage::Preparing);
}

void ModelLoad::on_loaded(quint64 generation, bool ok, const QString& message) {
    if (generation != generation_) return;  // a discarded backend: deleted by discard_pending's hook
    if (!ok) {
        // It has reported, so deleting it joins a thread that is done; deleteLater because this
        // runs inside its own signal.
        pending_.release()->deleteLater();
        if (choice_.compute_backend == QLatin1String("cuda")) {
            // CUDA was asked for and could not be had: the CPU instead, saying why. A failure
            // with nothing to do with CUDA then fails again on the CPU and is reported as such.
            choice_.compute_backend = QStringLiteral("cpu");
            const QString why = tr("CUDA unavailable (%1), using the CPU").arg(message);
            note_ = note_.isEmpty() ? why : note_ + QStringLiteral("; ") + why;
            return on_read(generation, true, {});
        }
        return fail(message);
    }
    context_->set_backend(std::move(pending_), pending_kind_, pending_model_, note_);
    context_->set_backend_ready(true, note_);
    set_stage(Stage::Idle);
    emit finished(true, QString());
}

void ModelLoad::discard_pending() {
    if (!pending_) return;
    app::Backend* backend = pending_.release();
    backend->setParent(this);  // so the destructor still joins it if it outlives the load
    auto* local = qobject_cast<app::LocalBackend*>(backend);
    // Deleting it now would wait on the GUI thread for the engine's load; let it finish first.
    if (local) connect(local, &app::LocalBackend::loadFinished, local, &QObject::deleteLater);
    else backend->deleteLater();
}

void ModelLoad::fail(const QString& message) {
    const QString fallback = app::default_model_path();
    if (!context_->backend() && !choice_.model_path.isEmpty() && !fallback.isEmpty() &&
        QFileInfo(choice_.model_path).absoluteFilePath() != QFileInfo(fallback).absoluteFilePath()) {
        // The chosen model cannot be used and nothing else is loaded (a start with a bad saved path):
        // the default model instead, with a notice saying why, rather than no model at all.
        app::BackendChoice instead = choice_;
        instead.model_path.clear();
        QString why = tr("could not load %1 (%2); using the default model — fix the path in Settings")
                          .arg(choice_.model_path, message);
        if (!note_.isEmpty()) why = note_ + QStringLiteral("; ") + why;
        set_stage(Stage::Idle);
        start(instead, why);
        return;
    }
    set_stage(Stage::Idle);
    if (context_->backend()) {
        context_->set_backend_note(
            tr("could not load %1 (%2); still using %3").arg(model_name_, message, context_->backend_model()));
    } else {
        context_->set_backend(nullptr, {}, {}, message);
    }
    emit finished(false, message);
}

void ModelLoad::abandon() {
    ++generation_;
    if (stop_) stop_->store(true);
    join_reader();
    discard_pending();
    if (stage_ != Stage::Idle) set_stage(Stage::Idle);
}

void ModelLoad::cancel() {
    if (stage_ == Stage::Idle) return;
    abandon();
    const QString message =
        context_->backend() ? tr("loading %1 was cancelled; still using %2").arg(model_name_, context_->backend_model())
                            : tr("loading %1 was cancelled; no model is loaded").arg(model_name_);
    context_->set_backend_note(message);
    emit cancelled(message);
}

}  // namespace sigma::ui
