// sigma export --git DIR: commits the history's sessions to a git repository as Markdown files.
// Not where export logic lives: it reads the store, calls GitExporter and prints what was committed.
#include <QCoreApplication>
#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/history_db.h"
#include "app/cli/job_options.h"
#include "app/git_exporter.h"
#include "app/history_store.h"

namespace sigma::cli {

namespace {

constexpr const char* kName = "export";

// "2026-03-01" (midnight UTC) or an ISO date-time ("2026-03-01T08:00:00Z").
QDateTime parse_since(const QString& text) {
    const QDate day = QDate::fromString(text, Qt::ISODate);
    if (day.isValid() && text.size() == 10) return QDateTime(day, QTime(0, 0), Qt::UTC);
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) t = QDateTime::fromString(text, Qt::ISODate);
    return t;
}

struct ExportArgs {
    std::optional<std::string> git_dir;  // --git DIR
    std::optional<std::string> since;    // --since DATE
    std::optional<std::string> author;   // --author "Name <email>"
    std::optional<std::string> db;       // --db FILE
    bool json = false;
};

int run_export(const ExportArgs& args) {
    auto qt_app = ensure_qt_app();
    const auto& git_dir = args.git_dir;
    const auto& since_option = args.since;
    const auto& author_option = args.author;
    const auto& db_option = args.db;
    const bool json = args.json;
    if (!git_dir || git_dir->empty())
        return fail(kName, "--git DIR is required (the repository to export into)", kExitUsage);

    QDateTime since;
    if (since_option) {
        since = parse_since(QString::fromStdString(*since_option));
        if (!since.isValid())
            return fail(kName, "--since expects a date (2026-03-01) or an ISO date-time, got '" + *since_option + "'",
                        kExitUsage);
    }
    app::GitAuthor author;
    if (author_option) {
        static const QRegularExpression kAuthor(QStringLiteral("^\\s*([^<>]*[^<>\\s])\\s*<([^<>\\s]+)>\\s*$"));
        const auto m = kAuthor.match(QString::fromStdString(*author_option));
        if (!m.hasMatch())
            return fail(kName, "--author expects \"Name <email>\", got '" + *author_option + "'", kExitUsage);
        author.name = m.captured(1);
        author.email = m.captured(2);
    }

    const QString path = history_db_path(db_option);
    app::HistoryStore store;
    if (auto s = open_existing_history(store, path); !s) return fail(kName, s.error().message);
    if (!store.is_open())
        return fail(kName, "there is no history database at " + path.toStdString() + "; nothing to export");
    auto sessions = store.sessions_since(since);
    if (!sessions) return fail(kName, sessions.error().message);
    auto result = app::GitExporter::export_sessions(QString::fromStdString(*git_dir), *sessions, author, since);
    if (!result) return fail(kName, result.error().message);

    if (json) {
        const QJsonObject o{{"committed", result->committed},
                            {"commit", result->commit_id},
                            {"summary", result->summary},
                            {"new", result->new_count},
                            {"updated", result->updated_count},
                            {"unchanged", result->unchanged_count},
                            {"written", QJsonArray::fromStringList(result->written)},
                            {"removed", QJsonArray::fromStringList(result->removed)}};
        std::cout << QJsonDocument(o).toJson(QJsonDocument::Indented).toStdString();
        return kExitOk;
    }
    if (!result->committed) {
        std::cout << result->summary.toStdString() << "; no commit made.\n";
        return kExitOk;
    }
    std::cout << "Committed " << result->commit_id.left(12).toStdString() << ": " << result->summary.toStdString()
              << "\n";
    for (const QString& f : result->written) std::cout << "  wrote   " << f.toStdString() << "\n";
    for (const QString& f : result->removed) std::cout << "  removed " << f.toStdString() << "\n";
    return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<ExportArgs>();
    CLI::App* sub = root.add_subcommand("export", "commit the history's sessions to a git repository as Markdown");
    sub->add_option("--git", a->git_dir, "the repository to export into (created when absent)")->type_name("DIR");
    sub->add_option("--since", a->since, "only sessions changed since DATE (2026-03-01) or an ISO date-time")
        ->type_name("DATE");
    sub->add_option("--author", a->author, "the commit's author (default: the repository's user.name and user.email)")
        ->type_name("\"NAME <EMAIL>\"");
    sub->add_option("--db", a->db, "the history database (default: history.sqlite in the data directory)")
        ->type_name("FILE");
    sub->add_flag("--json", a->json, "print what was committed as JSON on stdout");
    sub->footer(
        "Examples:\n"
        "  sigma export --git ~/ops-journal\n"
        "  sigma export --git ~/ops-journal --since 2026-03-01 --author \"Grace Oncall <grace@example.org>\"");
    on_parsed(*sub, action, [a] { return run_export(*a); });
}

}  // namespace sigma::cli
