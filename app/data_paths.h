// DataPaths: where Sigma Ops keeps user data (history database, models, logs) and settings.
// Data: the setter, else $SIGMA_DATA_DIR, else $XDG_DATA_HOME/sigma-ops, else ~/.local/share/sigma-ops.
// Config: the setter, else $SIGMA_CONFIG_DIR, else $XDG_CONFIG_HOME/sigma-ops, else ~/.config/sigma-ops.
// Not a settings store and not a global: each owner (the app's settings, a CLI command) holds one,
// built from an explicit environment so tests never touch the process environment.
#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace sigma::app {

class DataPaths {
public:
    // Reads the process environment.
    DataPaths();
    explicit DataPaths(const QProcessEnvironment& env);

    QString data_dir() const;
    QString config_dir() const;
    QString history_db_path() const;  // data_dir()/history.sqlite

    // An empty string drops the override and falls back to the environment.
    void set_data_dir(const QString& dir) { data_override_ = dir; }
    void set_config_dir(const QString& dir) { config_override_ = dir; }

private:
    QProcessEnvironment env_;
    QString data_override_;
    QString config_override_;
};

}  // namespace sigma::app
