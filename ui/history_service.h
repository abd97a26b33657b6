// HistoryService: the GUI's door to the history database. Every call returns at once; the work runs
// on a dedicated thread that owns its own HistoryStore (one connection per thread) and the answers
// come back as queued signals carrying values. Not a model: HistoryModel turns answers into rows.
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>
#include <optional>

#include "app/history_types.h"
#include "app/job_recorder.h"
#include "ui/history_metatypes.h"

namespace sigma::ui {

class HistoryWorker;

class HistoryService : public QObject {
    Q_OBJECT
public:
    explicit HistoryService(const QString& db_path, QObject* parent = nullptr);
    ~HistoryService() override;  // finishes queued work, then joins the thread

    void set_path(const QString& db_path);

    // Each returns a ticket (> 0) that the matching answer carries.
    // `replaces` > 0: the job is a new answer to that session's request (Regenerate, a model summary
    // added to a diagnosis): once the new session is saved the old one is deleted, so the list
    // shows one entry, not a duplicate.
    // `title` names the session (empty: the request's first line).
    quint64 recordJob(const app::JobRecord& job, qint64 replaces = 0, const QString& title = {});
    quint64 recordExecution(const app::Execution& execution);
    quint64 list(std::optional<app::Panel> panel, int limit = 500);
    quint64 search(const QString& text);
    quint64 load(qint64 session_id);
    quint64 rename(qint64 session_id, const QString& title);
    quint64 remove(const QList<qint64>& session_ids);
    // Full sessions for an export, in the order given.
    quint64 loadMany(const QList<qint64>& session_ids);
    // Commits the sessions as Markdown into the git repository at `repo_dir` (GitExporter).
    quint64 exportToGit(const QList<qint64>& session_ids, const QString& repo_dir);

signals:
    void jobRecorded(quint64 ticket, qint64 sessionId, const QString& warning);
    void executionRecorded(quint64 ticket, const QString& warning);
    void listed(quint64 ticket, const QList<sigma::app::Session>& sessions, const QString& error);
    void searched(quint64 ticket, const QList<sigma::app::SearchHit>& hits, const QString& error);
    void loaded(quint64 ticket, const sigma::app::Session& session, const QString& error);
    void loadedMany(quint64 ticket, const QList<sigma::app::Session>& sessions, const QString& error);
    void renamed(quint64 ticket, const QString& error);
    void gitExported(quint64 ticket, const QString& summary, const QString& error);
    void removed(quint64 ticket, int count, const QString& error);
    void changed();  // after any write that succeeded: lists should refresh

private:
    template <typename Work>
    quint64 post(Work&& work);

    QThread thread_;
    HistoryWorker* worker_ = nullptr;  // lives on thread_
    quint64 last_ticket_ = 0;
};

}  // namespace sigma::ui
