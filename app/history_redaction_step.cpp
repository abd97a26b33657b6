// History migration v3 -> v4: reads every text column that may hold a user's words, redacts it with
// the store's own functions, and writes back only what changed, with bound parameters.
#include "app/history_redaction_step.h"

#include <QSqlQuery>
#include <QVariant>
#include <vector>

#include "app/history_schema.h"
#include "app/history_store.h"

namespace sigma::app::history_sql {

namespace {

struct TextTable {
    const char* select;  // id first, then the columns in `columns`
    const char* update;  // :id and one :cN per column
    int columns;
    int json_column;  // index of a column holding JSON (-1: none)
};

constexpr TextTable kTables[] = {
    {"SELECT id, title, model FROM sessions", "UPDATE sessions SET title = :c0, model = :c1 WHERE id = :id", 2, -1},
    {"SELECT id, request, raw_output, result_json, result_text FROM turns",
     "UPDATE turns SET request = :c0, raw_output = :c1, result_json = :c2, result_text = :c3 WHERE id = :id", 4, 2},
    {"SELECT id, command, output_excerpt FROM executions",
     "UPDATE executions SET command = :c0, output_excerpt = :c1 WHERE id = :id", 2, -1},
};

}  // namespace

Status redact_stored_rows(QSqlDatabase& db, const QString& what, int* changed) {
    const QString action = QStringLiteral("redacting secrets in older history rows");
    int count = 0;
    for (const TextTable& t : kTables) {
        struct Row {
            qint64 id;
            std::vector<QString> values;
        };
        std::vector<Row> rows;
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QString::fromUtf8(t.select))) return describe_sql_error(q.lastError(), action, what);
        while (q.next()) {
            Row row{q.value(0).toLongLong(), {}};
            bool differs = false;
            for (int c = 0; c < t.columns; ++c) {
                const QString before = q.value(c + 1).toString();
                const QString after = c == t.json_column ? redact_secrets_in_json(before) : redact_secrets(before);
                differs = differs || after != before;
                row.values.push_back(after);
            }
            if (differs) rows.push_back(std::move(row));
        }
        QSqlQuery u(db);
        if (!u.prepare(QString::fromUtf8(t.update))) return describe_sql_error(u.lastError(), action, what);
        for (const Row& row : rows) {
            for (int c = 0; c < t.columns; ++c)
                u.bindValue(QStringLiteral(":c%1").arg(c), row.values[static_cast<size_t>(c)]);
            u.bindValue(QStringLiteral(":id"), row.id);
            if (!u.exec()) return describe_sql_error(u.lastError(), action, what);
            ++count;
        }
    }
    if (changed) *changed = count;
    return {};
}

}  // namespace sigma::app::history_sql
