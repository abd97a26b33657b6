// DataPaths: the XDG base-directory rules for Sigma Ops, with the product's own overrides on top.
// Not a creator of folders: callers create what they write into (HistoryStore::open does).
#include "app/data_paths.h"

#include <QDir>

namespace sigma::app {

namespace {

const QString kAppFolder = QStringLiteral("sigma-ops");

// The XDG spec says a relative XDG_* value is invalid and must be ignored.
QString xdg_base(const QProcessEnvironment& env, const char* var, const char* home_fallback) {
    const QString value = env.value(QString::fromUtf8(var));
    if (!value.isEmpty() && QDir::isAbsolutePath(value)) return value;
    QString home = env.value(QStringLiteral("HOME"));
    if (home.isEmpty()) home = QDir::homePath();
    return QDir(home).filePath(QString::fromUtf8(home_fallback));
}

}  // namespace

DataPaths::DataPaths() : env_(QProcessEnvironment::systemEnvironment()) {}
DataPaths::DataPaths(const QProcessEnvironment& env) : env_(env) {}

QString DataPaths::data_dir() const {
    if (!data_override_.isEmpty()) return QDir::cleanPath(data_override_);
    const QString own = env_.value(QStringLiteral("SIGMA_DATA_DIR"));
    if (!own.isEmpty()) return QDir::cleanPath(own);
    return QDir::cleanPath(QDir(xdg_base(env_, "XDG_DATA_HOME", ".local/share")).filePath(kAppFolder));
}

QString DataPaths::config_dir() const {
    if (!config_override_.isEmpty()) return QDir::cleanPath(config_override_);
    const QString own = env_.value(QStringLiteral("SIGMA_CONFIG_DIR"));
    if (!own.isEmpty()) return QDir::cleanPath(own);
    return QDir::cleanPath(QDir(xdg_base(env_, "XDG_CONFIG_HOME", ".config")).filePath(kAppFolder));
}

QString DataPaths::history_db_path() const { return QDir(data_dir()).filePath(QStringLiteral("history.sqlite")); }

}  // namespace sigma::app
