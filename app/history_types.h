// Value types of the history: a Session (one conversation in one panel), its Turns (request and
// model output) and its Executions (commands the user confirmed and ran). Plain values, no behaviour.
// Not a database row binding: HistoryStore maps these to SQL; nothing here knows about SQL.
#pragma once

#include <QDateTime>
#include <QString>

#include <optional>
#include <vector>

namespace sigma::app {

// The panel a session belongs to. Stored on disk as text ("commands", "diagnose", "kql"):
// never rename the stored names, add new ones only.
enum class Panel { Commands, Diagnose, Kql };

inline QString panel_name(Panel panel) {
    switch (panel) {
        case Panel::Commands: return QStringLiteral("commands");
        case Panel::Diagnose: return QStringLiteral("diagnose");
        case Panel::Kql: return QStringLiteral("kql");
    }
    return QStringLiteral("commands");
}

// nullopt when `name` is not one of the stored names.
inline std::optional<Panel> panel_from_name(const QString& name) {
    for (Panel p : {Panel::Commands, Panel::Diagnose, Panel::Kql})
        if (name == panel_name(p)) return p;
    return std::nullopt;
}

struct Turn {
    qint64 id = 0;  // 0 until stored
    qint64 session_id = 0;
    QString request;      // what the user asked (already redacted upstream)
    QString raw_output;   // what the model produced, verbatim (already redacted upstream)
    QString result_json;  // the validated result as JSON text; empty when there is none
    int prompt_tokens = 0;
    int completion_tokens = 0;
    double prompt_ms = 0;
    double decode_ms = 0;
    QDateTime created_at;  // UTC; set by the store when left invalid
};

struct Execution {
    qint64 id = 0;  // 0 until stored
    qint64 session_id = 0;
    std::optional<qint64> turn_id;  // the turn that proposed the command, if any
    QString command;
    int exit_code = 0;
    qint64 duration_ms = 0;
    QString output_excerpt;  // the head/tail of the output, already redacted upstream
    QString host;
    QDateTime started_at;  // UTC; set by the store when left invalid
};

struct Session {
    qint64 id = 0;  // 0 until stored
    Panel panel = Panel::Commands;
    QString title;
    QDateTime created_at;  // UTC
    QDateTime updated_at;  // UTC; moves forward with every turn, execution or rename
    QString model;         // model file or remote model name that answered
    QString backend;       // "local", "remote", ...
    bool pinned = false;
    int turn_count = 0;                 // filled by list_sessions and get_session
    std::vector<Turn> turns;            // filled by get_session / sessions_since, oldest first
    std::vector<Execution> executions;  // filled by get_session / sessions_since, oldest first
};

// One full-text match: a turn (turn_id set) or a session title (turn_id unset).
struct SearchHit {
    qint64 session_id = 0;
    std::optional<qint64> turn_id;
    Panel panel = Panel::Commands;
    QString session_title;
    QString snippet;  // the matching text with each match wrapped in [ and ]
};

}  // namespace sigma::app
