// History migration v3 -> v4: rows stored by builds whose redaction missed some secrets (mixed
// lines, PEM bodies across log lines) are passed through today's redactor, in place.
// Not a general rewrite: only text columns change, ids, times and counts stay as they were.
#pragma once

#include <QSqlDatabase>
#include <QString>

#include "inference/core/expected.h"

namespace sigma::app::history_sql {

// Runs inside the migration's transaction; the FTS triggers drop the old tokens of every row it
// changes. Returns the number of rows changed through `changed` when given.
Status redact_stored_rows(QSqlDatabase& db, const QString& what, int* changed = nullptr);

}  // namespace sigma::app::history_sql
