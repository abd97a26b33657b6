// Finding and opening the history database for sigma history and sigma export.
#include "app/cli/history_db.h"

#include <QFileInfo>

#include "app/data_paths.h"

namespace sigma::cli {

QString history_db_path(const std::optional<std::string>& db_option) {
    return db_option ? QString::fromStdString(*db_option) : app::DataPaths().history_db_path();
}

Status open_existing_history(app::HistoryStore& store, const QString& path) {
    if (!QFileInfo::exists(path)) return {};
    return store.open(path);
}

}  // namespace sigma::cli
