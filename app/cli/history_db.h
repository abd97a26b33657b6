// The history database as the commands that only read or prune it (history, export) find it: which
// file (--db, else the data directory's), opened only when it is there. Not the store (HistoryStore).
#pragma once

#include <QString>

#include <optional>
#include <string>

#include "app/history_store.h"

namespace sigma::cli {

// --db FILE when given, else history.sqlite in the data directory.
QString history_db_path(const std::optional<std::string>& db_option);

// Opens `store` on `path` when a file is there. Looking must not create a database: with no file
// `store` stays closed (is_open() is false) and this succeeds; an error means the file would not open.
Status open_existing_history(app::HistoryStore& store, const QString& path);

}  // namespace sigma::cli
