// GitExporter: writes history sessions as Markdown files (sessions/<date>-<id>-<slug>.md) into a
// git repository with libgit2, one commit per export, creating the repository when absent.
// Incremental: an unchanged session is not rewritten, and an export with nothing new makes no
// commit. Not a sync: sessions deleted from the history stay in the repository's past and present.
// Every session is passed through redact_session (history_store.h) before its file name, body or
// commit message line is made, so no secret reaches the repository even from old rows.
#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <vector>

#include "app/history_types.h"
#include "inference/core/expected.h"

namespace sigma::app {

struct GitAuthor {
    QString name;  // empty: the repository's user.name/user.email, else "Sigma Ops"
    QString email;
};

struct ExportResult {
    bool committed = false;  // false: nothing new, nothing written
    QString commit_id;       // full hex id of the new commit; empty when !committed
    QString summary;         // the commit's first line, or why nothing was committed
    int new_count = 0;
    int updated_count = 0;
    int unchanged_count = 0;
    QStringList written;  // repository-relative paths added or changed by this export
    QStringList removed;  // old file names of renamed sessions
};

class GitExporter {
public:
    // Exports the sessions updated at or after `since` (all of them when `since` is invalid).
    // Sessions must carry their turns and executions (HistoryStore::sessions_since gives that).
    // Refused with an error naming the problem, before anything is written: a path that is a
    // file, a non-empty folder that is not a repository, a bare repository, a locked repository
    // (index.lock), or uncommitted changes under sessions/.
    static Expected<ExportResult> export_sessions(const QString& repo_dir, const std::vector<Session>& sessions,
                                                  const GitAuthor& author = {}, const QDateTime& since = {});

    // The folder inside the repository that holds the exported files.
    static QString sessions_folder() { return QStringLiteral("sessions"); }
};

}  // namespace sigma::app
