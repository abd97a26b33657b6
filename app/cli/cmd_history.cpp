// sigma history list|search|show|delete: the history database from the command line.
// Not where history logic lives: it parses arguments, calls HistoryStore and prints (text, or JSON
// with --json); the app calls the same store.
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/cli/history_db.h"
#include "app/cli/job_options.h"
#include "app/cli/option_checks.h"
#include "app/cli/usage_errors.h"
#include "app/history_store.h"
#include "app/session_markdown.h"

namespace sigma::cli {

namespace {

using app::HistoryStore;
using app::Session;

constexpr const char* kName = "history";

void print(const QString& text) { std::cout << text.toStdString(); }
void print_json(const QJsonValue& v) {
    const QJsonDocument doc = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    std::cout << doc.toJson(QJsonDocument::Indented).toStdString();
}
QString iso(const QDateTime& t) { return t.toUTC().toString(Qt::ISODateWithMs); }

QJsonObject summary_json(const Session& s) {
    return QJsonObject{{"id", s.id},
                       {"panel", app::panel_name(s.panel)},
                       {"title", s.title},
                       {"created_at", iso(s.created_at)},
                       {"updated_at", iso(s.updated_at)},
                       {"model", s.model},
                       {"backend", s.backend},
                       {"pinned", s.pinned},
                       {"turn_count", s.turn_count}};
}

QJsonObject session_json(const Session& s) {
    QJsonObject o = summary_json(s);
    QJsonArray turns;
    for (const app::Turn& t : s.turns) {
        turns.append(QJsonObject{{"id", t.id},
                                 {"request", t.request},
                                 {"raw_output", t.raw_output},
                                 {"result_json", t.result_json},
                                 {"prompt_tokens", t.prompt_tokens},
                                 {"completion_tokens", t.completion_tokens},
                                 {"prompt_ms", t.prompt_ms},
                                 {"decode_ms", t.decode_ms},
                                 {"created_at", iso(t.created_at)}});
    }
    QJsonArray executions;
    for (const app::Execution& e : s.executions) {
        executions.append(QJsonObject{{"id", e.id},
                                      {"turn_id", e.turn_id ? QJsonValue(*e.turn_id) : QJsonValue()},
                                      {"command", e.command},
                                      {"exit_code", e.exit_code},
                                      {"duration_ms", e.duration_ms},
                                      {"output_excerpt", e.output_excerpt},
                                      {"host", e.host},
                                      {"started_at", iso(e.started_at)}});
    }
    o.insert("turns", turns);
    o.insert("executions", executions);
    return o;
}

std::optional<qint64> parse_id(const std::string& text) {
    bool ok = false;
    const qint64 id = QString::fromStdString(text).toLongLong(&ok);
    if (!ok || id <= 0) return std::nullopt;
    return id;
}

int run_list(HistoryStore* store, const app::SessionFilter& filter, bool json) {
    std::vector<Session> sessions;
    if (store) {
        auto listed = store->list_sessions(filter);
        if (!listed) return fail(kName, listed.error().message);
        sessions = std::move(listed.value());
    }
    if (json) {
        QJsonArray a;
        for (const Session& s : sessions) a.append(summary_json(s));
        print_json(a);
        return kExitOk;
    }
    if (sessions.empty()) {
        print(QStringLiteral("No sessions.\n"));
        return kExitOk;
    }
    print(QStringLiteral("%1  %2  %3  %4  %5\n")
              .arg(QStringLiteral("ID"), 6)
              .arg(QStringLiteral("PANEL"), -8)
              .arg(QStringLiteral("UPDATED (UTC)"), -19)
              .arg(QStringLiteral("TURNS"), 5)
              .arg(QStringLiteral("TITLE")));
    for (const Session& s : sessions) {
        print(QStringLiteral("%1  %2  %3  %4  %5\n")
                  .arg(s.id, 6)
                  .arg(app::panel_name(s.panel), -8)
                  .arg(s.updated_at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), -19)
                  .arg(s.turn_count, 5)
                  .arg(s.title.simplified()));
    }
    return kExitOk;
}

int run_search(HistoryStore* store, const QString& text, int limit, bool json) {
    std::vector<app::SearchHit> hits;
    if (store) {
        auto found = store->search(text, limit);
        if (!found) return fail(kName, found.error().message);
        hits = std::move(found.value());
    }
    if (json) {
        QJsonArray a;
        for (const app::SearchHit& h : hits)
            a.append(QJsonObject{{"session_id", h.session_id},
                                 {"turn_id", h.turn_id ? QJsonValue(*h.turn_id) : QJsonValue()},
                                 {"panel", app::panel_name(h.panel)},
                                 {"title", h.session_title},
                                 {"snippet", h.snippet}});
        print_json(a);
        return kExitOk;
    }
    if (hits.empty()) print(QStringLiteral("No matches.\n"));
    for (const app::SearchHit& h : hits) {
        const QString where = h.turn_id ? QStringLiteral("session %1, turn %2").arg(h.session_id).arg(*h.turn_id)
                                        : QStringLiteral("session %1, title").arg(h.session_id);
        print(QStringLiteral("%1 [%2] %3\n    %4\n")
                  .arg(where, app::panel_name(h.panel), h.session_title.simplified(), h.snippet.simplified()));
    }
    return kExitOk;
}

struct HistoryArgs {
    std::vector<std::string> words;  // ACTION, then its TEXT or IDs
    std::optional<std::string> db;   // --db FILE
    bool json = false;
    std::optional<std::string> panel;  // --panel P
    std::optional<int> limit;          // -n, --limit N
    std::optional<int> offset;         // --offset N
};

int run_history(const HistoryArgs& args) {
    auto qt_app = ensure_qt_app();
    const auto& db_option = args.db;
    const bool json = args.json;
    const auto& panel_option = args.panel;
    const auto& limit_option = args.limit;
    const auto& offset_option = args.offset;
    if (args.words.empty())
        return fail(kName, "expected list, search TEXT, show ID or delete ID... (sigma history --help)", kExitUsage);
    const std::vector<std::string> rest(args.words.begin() + 1, args.words.end());

    const std::string& cmd = args.words.front();
    const std::vector<std::string> actions{"list", "search", "show", "delete"};
    if (std::find(actions.begin(), actions.end(), cmd) == actions.end())
        return fail(kName,
                    "unknown subcommand '" + cmd + "' (expected list, search, show or delete)" +
                        did_you_mean(nearest_spellings(cmd, actions)),
                    kExitUsage);
    if ((panel_option || offset_option) && cmd != "list")
        return fail(kName, "--panel and --offset apply to 'history list' only", kExitUsage);
    if (limit_option && cmd != "list" && cmd != "search")
        return fail(kName, "--limit applies to 'history list' and 'history search' only", kExitUsage);
    if (cmd == "list" && !rest.empty()) return fail(kName, "unexpected argument '" + rest.front() + "'", kExitUsage);
    if (cmd == "search" && rest.empty()) return fail(kName, "search needs the TEXT to look for", kExitUsage);
    if (cmd == "show" && rest.size() != 1) return fail(kName, "show needs exactly one session ID", kExitUsage);
    if (cmd == "delete" && rest.empty()) return fail(kName, "delete needs at least one session ID", kExitUsage);
    const int limit = limit_option.value_or(cmd == "list" ? 50 : 20);
    app::SessionFilter filter;
    filter.limit = limit;
    filter.offset = offset_option.value_or(0);
    if (panel_option) {
        filter.panel = app::panel_from_name(QString::fromStdString(*panel_option));
        if (!filter.panel)
            return fail(kName, "unknown panel '" + *panel_option + "' (expected commands, diagnose or kql)",
                        kExitUsage);
    }
    std::vector<qint64> ids;
    if (cmd == "show" || cmd == "delete") {
        for (const std::string& r : rest) {
            auto id = parse_id(r);
            if (!id) return fail(kName, "'" + r + "' is not a session ID (a positive number)", kExitUsage);
            ids.push_back(*id);
        }
    }

    // With no database yet there is simply nothing to list or find.
    const QString path = history_db_path(db_option);
    HistoryStore store;
    if (auto s = open_existing_history(store, path); !s) return fail(kName, s.error().message);
    HistoryStore* opened = store.is_open() ? &store : nullptr;

    if (cmd == "list") return run_list(opened, filter, json);
    if (cmd == "search") {
        QStringList words;
        for (const std::string& r : rest) words << QString::fromStdString(r);
        return run_search(opened, words.join(QLatin1Char(' ')), limit, json);
    }
    if (!opened)
        return fail(kName, "no session with id " + std::to_string(ids.front()) + " (there is no history database at " +
                               path.toStdString() + ")");
    if (cmd == "show") {
        auto session = store.get_session(ids.front());
        if (!session) return fail(kName, session.error().message);
        if (json) print_json(session_json(*session));
        else print(app::render_session_markdown(*session));
        return kExitOk;
    }
    auto deleted = store.delete_sessions(ids);
    if (!deleted) return fail(kName, deleted.error().message);
    if (json) {
        QJsonArray a;
        for (const Session& s : *deleted) a.append(summary_json(s));
        print_json(a);
        return kExitOk;
    }
    for (const Session& s : *deleted)
        print(QStringLiteral("Deleted session %1 [%2] %3 (%4 turn%5)\n")
                  .arg(s.id)
                  .arg(app::panel_name(s.panel), s.title.simplified())
                  .arg(s.turn_count)
                  .arg(s.turn_count == 1 ? "" : "s"));
    return kExitOk;
}

}  // namespace

void add_history_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<HistoryArgs>();
    CLI::App* sub = root.add_subcommand("history", "the job history: list, search, show or delete sessions");
    sub->add_option("ACTION", a->words, "list | search TEXT... | show ID | delete ID...")->type_name("");
    sub->add_option("--db", a->db, "the history database (default: history.sqlite in the data directory)")
        ->type_name("FILE");
    sub->add_flag("--json", a->json, "print JSON on stdout");
    sub->add_option("--panel", a->panel, "list: only commands, diagnose or kql sessions")->type_name("P");
    sub->add_option("-n,--limit", a->limit, "list, search: at most N (1 to 10000; default 50, search 20)")
        ->check(integer_in(1, 10000))
        ->type_name("N");
    sub->add_option("--offset", a->offset, "list: skip the newest N")
        ->check(integer_in(0, std::numeric_limits<int>::max()))
        ->type_name("N");
    sub->footer(
        "Examples:\n"
        "  sigma history list --panel commands\n"
        "  sigma history search nvidia-smi --json\n"
        "  sigma history show 12\n"
        "  sigma history delete 12 13\n\n"
        "The data directory is $SIGMA_DATA_DIR, else $XDG_DATA_HOME/sigma-ops.");
    on_parsed(*sub, action, [a] { return run_history(*a); });
}

}  // namespace sigma::cli
