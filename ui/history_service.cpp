// HistoryService: database work on its own thread, answers as queued signals.
// Not a cache: every list or search reads the database again (they are small, indexed queries).
#include "ui/history_service.h"

#include <QMetaObject>

#include "app/git_exporter.h"
#include "app/history_store.h"

namespace sigma::ui {

// Lives on the service's thread; owns the store, which is opened lazily there.
class HistoryWorker : public QObject {
public:
    explicit HistoryWorker(QString path) : path_(std::move(path)) {}

    app::HistoryStore* store(QString* error) {
        if (!store_.is_open()) {
            if (auto st = store_.open(path_); !st) {
                *error = QString::fromStdString(st.error().message);
                return nullptr;
            }
        }
        return &store_;
    }
    void set_path(const QString& path) {
        store_.close();
        path_ = path;
    }
    const QString& path() const { return path_; }

private:
    QString path_;
    app::HistoryStore store_;
};

namespace {
QString message_of(const sigma::Error& e) { return QString::fromStdString(e.message); }
}  // namespace

HistoryService::HistoryService(const QString& db_path, QObject* parent) : QObject(parent) {
    qRegisterMetaType<app::Session>();
    qRegisterMetaType<app::SearchHit>();
    qRegisterMetaType<QList<app::Session>>();
    qRegisterMetaType<QList<app::SearchHit>>();
    thread_.setObjectName(QStringLiteral("sigma-history"));
    worker_ = new HistoryWorker(db_path);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

HistoryService::~HistoryService() {
    thread_.quit();
    thread_.wait();
}

template <typename Work>
quint64 HistoryService::post(Work&& work) {
    const quint64 ticket = ++last_ticket_;
    // The lambda runs on the worker's thread; it emits this object's signals, which reach GUI-thread
    // receivers queued (the receiver lives elsewhere), carrying only values.
    QMetaObject::invokeMethod(
        worker_, [ticket, w = worker_, work = std::forward<Work>(work)]() mutable { work(*w, ticket); },
        Qt::QueuedConnection);
    return ticket;
}

void HistoryService::set_path(const QString& db_path) {
    post([db_path](HistoryWorker& w, quint64) { w.set_path(db_path); });
}

quint64 HistoryService::recordJob(const app::JobRecord& job, qint64 replaces, const QString& title) {
    return post([this, job, replaces, title](HistoryWorker& w, quint64 ticket) {
        app::RecordOutcome out = app::record_job(w.path(), job, title);
        if (out.session_id > 0 && replaces > 0) {
            QString error;
            if (auto* store = w.store(&error)) {
                // The old entry may already be gone (deleted meanwhile): nothing to replace then.
                if (store->get_session(replaces)) (void)store->delete_sessions({replaces});
            }
        }
        emit jobRecorded(ticket, out.session_id, out.warning);
        if (out.session_id > 0) emit changed();
    });
}

quint64 HistoryService::recordExecution(const app::Execution& execution) {
    return post([this, execution](HistoryWorker& w, quint64 ticket) {
        const app::RecordOutcome out = app::record_execution(w.path(), execution);
        emit executionRecorded(ticket, out.warning);
        if (out.warning.isEmpty()) emit changed();
    });
}

quint64 HistoryService::list(std::optional<app::Panel> panel, int limit) {
    return post([this, panel, limit](HistoryWorker& w, quint64 ticket) {
        QString error;
        QList<app::Session> out;
        if (auto* store = w.store(&error)) {
            app::SessionFilter filter;
            filter.panel = panel;
            filter.limit = limit;
            auto sessions = store->list_sessions(filter);
            if (sessions) out = QList<app::Session>(sessions->begin(), sessions->end());
            else error = message_of(sessions.error());
        }
        emit listed(ticket, out, error);
    });
}

quint64 HistoryService::search(const QString& text) {
    return post([this, text](HistoryWorker& w, quint64 ticket) {
        QString error;
        QList<app::SearchHit> out;
        if (auto* store = w.store(&error)) {
            auto hits = store->search(text, 200);
            if (hits) out = QList<app::SearchHit>(hits->begin(), hits->end());
            else error = message_of(hits.error());
        }
        emit searched(ticket, out, error);
    });
}

quint64 HistoryService::load(qint64 session_id) {
    return post([this, session_id](HistoryWorker& w, quint64 ticket) {
        QString error;
        app::Session session;
        if (auto* store = w.store(&error)) {
            auto s = store->get_session(session_id);
            if (s) session = *s;
            else error = message_of(s.error());
        }
        emit loaded(ticket, session, error);
    });
}

quint64 HistoryService::loadMany(const QList<qint64>& session_ids) {
    return post([this, session_ids](HistoryWorker& w, quint64 ticket) {
        QString error;
        QList<app::Session> out;
        if (auto* store = w.store(&error)) {
            for (qint64 id : session_ids) {
                auto s = store->get_session(id);
                if (!s) {
                    error = message_of(s.error());
                    break;
                }
                out.append(*s);
            }
        }
        emit loadedMany(ticket, out, error);
    });
}

quint64 HistoryService::exportToGit(const QList<qint64>& session_ids, const QString& repo_dir) {
    return post([this, session_ids, repo_dir](HistoryWorker& w, quint64 ticket) {
        QString error;
        QString summary;
        std::vector<app::Session> sessions;
        if (auto* store = w.store(&error)) {
            for (qint64 id : session_ids) {
                auto s = store->get_session(id);
                if (!s) {
                    error = message_of(s.error());
                    break;
                }
                sessions.push_back(*s);
            }
        }
        if (error.isEmpty()) {
            auto result = app::GitExporter::export_sessions(repo_dir, sessions);
            if (result) summary = result->summary;
            else error = message_of(result.error());
        }
        emit gitExported(ticket, summary, error);
    });
}

quint64 HistoryService::rename(qint64 session_id, const QString& title) {
    return post([this, session_id, title](HistoryWorker& w, quint64 ticket) {
        QString error;
        if (auto* store = w.store(&error)) {
            if (auto st = store->rename_session(session_id, title); !st) error = message_of(st.error());
        }
        emit renamed(ticket, error);
        if (error.isEmpty()) emit changed();
    });
}

quint64 HistoryService::remove(const QList<qint64>& session_ids) {
    return post([this, session_ids](HistoryWorker& w, quint64 ticket) {
        QString error;
        int count = 0;
        if (auto* store = w.store(&error)) {
            auto gone = store->delete_sessions(std::vector<qint64>(session_ids.begin(), session_ids.end()));
            if (gone) count = static_cast<int>(gone->size());
            else error = message_of(gone.error());
        }
        emit removed(ticket, count, error);
        if (count > 0) emit changed();
    });
}

}  // namespace sigma::ui
