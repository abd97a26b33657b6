// Tests for GitExporter: one commit per export with the given author, Markdown contents, the
// incremental rules (unchanged sessions untouched, nothing new -> no commit, renames move the
// file), and each refusal (a file, a foreign folder, a lock, uncommitted changes). Results are
// read back twice: with libgit2 and with the git command line.
#include <git2.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "app/git_exporter.h"
#include "app/history_store.h"
#include "app/session_markdown.h"
#include "require_ok.h"

using namespace sigma::app;

namespace {

const QDateTime kT0 = QDateTime(QDate(2026, 4, 2), QTime(8, 0, 0), Qt::UTC);
const GitAuthor kAda{QStringLiteral("Ada Operator"), QStringLiteral("ada@example.org")};

Session make_session(qint64 id, const QString& title, int turns, const QDateTime& at = kT0) {
    Session s;
    s.id = id;
    s.panel = Panel::Commands;
    s.title = title;
    s.created_at = at;
    s.updated_at = at;
    s.model = QStringLiteral("sigma-1.5b");
    s.backend = QStringLiteral("local");
    for (int i = 0; i < turns; ++i) {
        Turn t;
        t.id = id * 100 + i;
        t.session_id = id;
        t.request = QStringLiteral("request %1 of %2").arg(i).arg(title);
        t.raw_output = QStringLiteral("nvidia-smi -q -d ECC -i %1").arg(i);
        t.created_at = at.addSecs(i);
        s.turns.push_back(t);
    }
    s.turn_count = turns;
    return s;
}

// Runs git in `dir`; returns stdout, or a "git failed" text the comparisons will show.
QString git(const QString& dir, const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QStringLiteral("git failed: ") + QString::fromUtf8(p.readAllStandardError());
    return QString::fromUtf8(p.readAllStandardOutput());
}

struct GitLib {
    GitLib() { git_libgit2_init(); }
    ~GitLib() { git_libgit2_shutdown(); }
};

// HEAD's commit count, author and the text of `path` in HEAD, read with libgit2.
struct HeadInfo {
    int commits = 0;
    QString author_name;
    QString author_email;
    QString summary;
    QByteArray file;
    bool ok = false;
};

HeadInfo read_head(const QString& dir, const QString& path) {
    GitLib lib;
    HeadInfo info;
    git_repository* repo = nullptr;
    if (git_repository_open(&repo, QFile::encodeName(dir).constData()) < 0) return info;
    git_revwalk* walk = nullptr;
    git_revwalk_new(&walk, repo);
    git_revwalk_push_head(walk);
    git_oid id;
    while (git_revwalk_next(&id, walk) == 0) ++info.commits;
    git_revwalk_free(walk);
    git_oid head_id;
    git_commit* commit = nullptr;
    if (git_reference_name_to_id(&head_id, repo, "HEAD") == 0 && git_commit_lookup(&commit, repo, &head_id) == 0) {
        const git_signature* a = git_commit_author(commit);
        info.author_name = QString::fromUtf8(a->name);
        info.author_email = QString::fromUtf8(a->email);
        info.summary = QString::fromUtf8(git_commit_summary(commit));
        git_tree* tree = nullptr;
        git_commit_tree(&tree, commit);
        git_tree_entry* entry = nullptr;
        if (!path.isEmpty() && git_tree_entry_bypath(&entry, tree, path.toUtf8().constData()) == 0) {
            git_blob* blob = nullptr;
            if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry)) == 0) {
                info.file =
                    QByteArray(static_cast<const char*>(git_blob_rawcontent(blob)), int(git_blob_rawsize(blob)));
                git_blob_free(blob);
            }
            git_tree_entry_free(entry);
        }
        git_tree_free(tree);
        git_commit_free(commit);
        info.ok = true;
    }
    git_repository_free(repo);
    return info;
}

QString path_of(const Session& s) { return QStringLiteral("sessions/") + session_file_name(s); }

}  // namespace

class TestGitExport : public QObject {
    Q_OBJECT

private slots:
    void first_export_creates_repository_and_one_commit() {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("journal"));  // absent: created
        const std::vector<Session> sessions{make_session(3, QStringLiteral("ECC errors on GPU 2"), 2),
                                            make_session(5, QStringLiteral("Disk full on /var"), 1)};
        auto r = GitExporter::export_sessions(dir, sessions, kAda);
        REQUIRE_OK(r);
        QVERIFY(r->committed);
        QCOMPARE(r->new_count, 2);
        QCOMPARE(r->updated_count, 0);
        QCOMPARE(r->summary, QStringLiteral("Export 2 sessions (2 new)"));
        QCOMPARE(r->written, QStringList({QStringLiteral("sessions/2026-04-02-3-ecc-errors-on-gpu-2.md"),
                                          QStringLiteral("sessions/2026-04-02-5-disk-full-on-var.md")}));

        const HeadInfo head = read_head(dir, path_of(sessions[0]));
        QVERIFY(head.ok);
        QCOMPARE(head.commits, 1);
        QCOMPARE(head.author_name, kAda.name);
        QCOMPARE(head.author_email, kAda.email);
        QCOMPARE(head.summary, r->summary);
        QCOMPARE(head.file, render_session_markdown(sessions[0]).toUtf8());
        QVERIFY(head.file.contains("nvidia-smi -q -d ECC -i 1"));

        // The git command line agrees.
        QCOMPARE(git(dir, {QStringLiteral("log"), QStringLiteral("--format=%an <%ae>|%s|%H")}),
                 QStringLiteral("Ada Operator <ada@example.org>|Export 2 sessions (2 new)|%1\n").arg(r->commit_id));
        const QString body = git(dir, {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%b")});
        QVERIFY2(body.contains(QStringLiteral("- new: ECC errors on GPU 2")), qPrintable(body));
        QVERIFY2(body.contains(QStringLiteral("- new: Disk full on /var")), qPrintable(body));
        const QString stat = git(dir, {QStringLiteral("show"), QStringLiteral("HEAD"), QStringLiteral("--stat"),
                                       QStringLiteral("--format=")});
        QVERIFY2(stat.contains(QStringLiteral("2 files changed")), qPrintable(stat));
        QVERIFY2(stat.contains(QStringLiteral("sessions/2026-04-02-5-disk-full-on-var.md")), qPrintable(stat));
        QCOMPARE(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}), QString());
        QFile f(QDir(dir).filePath(path_of(sessions[1])));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), render_session_markdown(sessions[1]).toUtf8());
    }

    void exports_are_incremental() {
        QTemporaryDir tmp;
        const QString dir = tmp.path();  // exists and is empty: initialised in place
        std::vector<Session> sessions{make_session(1, QStringLiteral("first"), 1),
                                      make_session(2, QStringLiteral("second"), 1)};
        REQUIRE_OK(GitExporter::export_sessions(dir, sessions, kAda));

        auto again = GitExporter::export_sessions(dir, sessions, kAda);
        REQUIRE_OK(again);
        QVERIFY(!again->committed);
        QCOMPARE(again->unchanged_count, 2);
        QCOMPARE(again->summary, QStringLiteral("Nothing new to export: 2 sessions unchanged"));
        QCOMPARE(git(dir, {QStringLiteral("rev-list"), QStringLiteral("--count"), QStringLiteral("HEAD")}),
                 QStringLiteral("1\n"));

        // One session grows, one is new, one stays as it was.
        Turn t;
        t.id = 999;
        t.session_id = 2;
        t.request = QStringLiteral("and the follow-up");
        t.raw_output = QStringLiteral("dmesg -T | tail");
        sessions[1].turns.push_back(t);
        sessions[1].updated_at = kT0.addSecs(600);
        sessions.push_back(make_session(7, QStringLiteral("third"), 2, kT0.addDays(1)));
        auto next = GitExporter::export_sessions(dir, sessions, kAda);
        REQUIRE_OK(next);
        QVERIFY(next->committed);
        QCOMPARE(next->summary, QStringLiteral("Export 2 sessions (1 new, 1 updated)"));
        QCOMPARE(next->unchanged_count, 1);
        QCOMPARE(git(dir, {QStringLiteral("rev-list"), QStringLiteral("--count"), QStringLiteral("HEAD")}),
                 QStringLiteral("2\n"));
        const QString names = git(dir, {QStringLiteral("show"), QStringLiteral("HEAD"), QStringLiteral("--name-status"),
                                        QStringLiteral("--format=")});
        QCOMPARE(names, QStringLiteral("M\tsessions/2026-04-02-2-second.md\nA\tsessions/2026-04-03-7-third.md\n"));
        QCOMPARE(read_head(dir, path_of(sessions[1])).file, render_session_markdown(sessions[1]).toUtf8());
        QCOMPARE(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}), QString());

        // A rename moves the file: the old name goes in the same commit.
        sessions[0].title = QStringLiteral("first, renamed");
        auto renamed = GitExporter::export_sessions(dir, sessions, kAda);
        REQUIRE_OK(renamed);
        QCOMPARE(renamed->summary, QStringLiteral("Export 1 session (1 updated)"));
        QCOMPARE(renamed->removed, QStringList({QStringLiteral("sessions/2026-04-02-1-first.md")}));
        const QString moved = git(dir, {QStringLiteral("show"), QStringLiteral("HEAD"), QStringLiteral("--name-status"),
                                        QStringLiteral("--no-renames"), QStringLiteral("--format=")});
        QCOMPARE(moved,
                 QStringLiteral("A\tsessions/2026-04-02-1-first-renamed.md\nD\tsessions/2026-04-02-1-first.md\n"));
        QVERIFY(!QFileInfo::exists(QDir(dir).filePath(QStringLiteral("sessions/2026-04-02-1-first.md"))));
        QCOMPARE(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}), QString());
    }

    void staged_work_elsewhere_stays_staged() {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        std::vector<Session> sessions{make_session(1, QStringLiteral("first"), 1)};
        REQUIRE_OK(GitExporter::export_sessions(dir, sessions, kAda));
        QFile readme(QDir(dir).filePath(QStringLiteral("README.md")));
        QVERIFY(readme.open(QIODevice::WriteOnly));
        readme.write("# Incident journal\n");
        readme.close();
        QCOMPARE(git(dir, {QStringLiteral("add"), QStringLiteral("README.md")}), QString());
        sessions.push_back(make_session(2, QStringLiteral("second"), 1));
        auto r = GitExporter::export_sessions(dir, sessions, kAda);
        REQUIRE_OK(r);
        QVERIFY(r->committed);
        // The export commits only its own file; the user's staged README stays staged.
        QCOMPARE(git(dir, {QStringLiteral("show"), QStringLiteral("HEAD"), QStringLiteral("--name-only"),
                           QStringLiteral("--format=")}),
                 QStringLiteral("sessions/2026-04-02-2-second.md\n"));
        QCOMPARE(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}), QStringLiteral("A  README.md\n"));
    }

    void default_author_comes_from_the_repository() {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        QCOMPARE(git(dir, {QStringLiteral("init"), QStringLiteral("-q")}), QString());
        QCOMPARE(git(dir, {QStringLiteral("config"), QStringLiteral("user.name"), QStringLiteral("Repo Owner")}),
                 QString());
        QCOMPARE(
            git(dir, {QStringLiteral("config"), QStringLiteral("user.email"), QStringLiteral("owner@example.net")}),
            QString());
        auto r = GitExporter::export_sessions(dir, {make_session(1, QStringLiteral("first"), 1)});
        REQUIRE_OK(r);
        QCOMPARE(git(dir, {QStringLiteral("log"), QStringLiteral("--format=%an <%ae>")}),
                 QStringLiteral("Repo Owner <owner@example.net>\n"));
    }

    void since_limits_what_is_exported() {
        QTemporaryDir tmp;
        const std::vector<Session> sessions{make_session(1, QStringLiteral("old"), 1, kT0),
                                            make_session(2, QStringLiteral("recent"), 1, kT0.addDays(10))};
        auto r = GitExporter::export_sessions(tmp.path(), sessions, kAda, kT0.addDays(5));
        REQUIRE_OK(r);
        QCOMPARE(r->written, QStringList({path_of(sessions[1])}));
        auto none = GitExporter::export_sessions(tmp.path(), sessions, kAda, kT0.addDays(20));
        REQUIRE_OK(none);
        QVERIFY(!none->committed);
        QVERIFY2(none->summary.startsWith(QStringLiteral("Nothing to export: no sessions updated since")),
                 qPrintable(none->summary));
    }

    void exports_from_the_store() {
        QTemporaryDir tmp;
        HistoryStore store;
        REQUIRE_OK(store.open(tmp.filePath(QStringLiteral("history.sqlite"))));
        Session s;
        s.panel = Panel::Kql;
        s.title = QStringLiteral("Sign-in failures `by` country");
        s.created_at = kT0;
        auto id = store.create_session(s);
        REQUIRE_OK(id);
        Turn t;
        t.session_id = *id;
        t.request = QStringLiteral("failed sign-ins per country");
        t.raw_output = QStringLiteral(
            "SigninLogs\n| where ResultType != 0\n| summarize count() by Location\n```\nnot a fence end");
        t.created_at = kT0.addSecs(1);
        REQUIRE_OK(store.add_turn(t));
        auto all = store.sessions_since({});
        REQUIRE_OK(all);
        const QString dir = tmp.filePath(QStringLiteral("repo"));
        auto r = GitExporter::export_sessions(dir, *all, kAda);
        REQUIRE_OK(r);
        QCOMPARE(r->written.size(), 1);
        const QByteArray text = read_head(dir, r->written[0]).file;
        QVERIFY(text.startsWith("# Sign-in failures `by` country\n"));
        QVERIFY(text.contains("- Panel: kql\n"));
        // The stored ``` sits inside a longer fence, so it cannot close the block.
        QVERIFY2(text.contains("````text\nSigninLogs\n| where ResultType != 0\n| summarize count() by "
                               "Location\n```\nnot a fence end\n````\n"),
                 text.constData());
    }

    void refusals_name_the_problem_data() {
        QTest::addColumn<QString>("setup");
        QTest::addColumn<QString>("expected");
        QTest::newRow("path is a file") << "file"
                                        << "exists and is not a folder";
        QTest::newRow("foreign folder") << "foreign"
                                        << "is not a git repository and is not empty";
        QTest::newRow("locked") << "locked"
                                << "is locked: ";
        QTest::newRow("modified export") << "modified"
                                         << "uncommitted changes to exported files (sessions/2026-04-02-1-first.md)";
        QTest::newRow("stray file") << "untracked"
                                    << "uncommitted changes to exported files (sessions/notes.md)";
        QTest::newRow("staged deletion") << "staged"
                                         << "uncommitted changes to exported files (sessions/2026-04-02-1-first.md)";
        QTest::newRow("bare") << "bare"
                              << "is a bare repository";
        QTest::newRow("bad author") << "author"
                                    << "invalid git author";
    }
    void refusals_name_the_problem() {
        QFETCH(QString, setup);
        QFETCH(QString, expected);
        QTemporaryDir tmp;
        QString dir = tmp.filePath(QStringLiteral("repo"));
        std::vector<Session> sessions{make_session(1, QStringLiteral("first"), 1)};
        GitAuthor author = kAda;
        auto write = [](const QString& path, const QByteArray& data) {
            QDir().mkpath(QFileInfo(path).absolutePath());
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
        };
        if (setup == QLatin1String("file")) {
            QVERIFY(write(dir, "just a file"));
        } else if (setup == QLatin1String("foreign")) {
            QVERIFY(write(QDir(dir).filePath(QStringLiteral("thesis.tex")), "\\documentclass{article}"));
        } else if (setup == QLatin1String("bare")) {
            QCOMPARE(git(tmp.path(), {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("--bare"), dir}),
                     QString());
        } else if (setup == QLatin1String("author")) {
            author.name = QStringLiteral("Mallory <evil>");
        } else {
            REQUIRE_OK(GitExporter::export_sessions(dir, sessions, kAda));
            sessions[0].turns[0].raw_output = QStringLiteral("changed since");  // so the export would write
            const QString exported = QDir(dir).filePath(path_of(sessions[0]));
            if (setup == QLatin1String("locked"))
                QVERIFY(write(QDir(dir).filePath(QStringLiteral(".git/index.lock")), ""));
            if (setup == QLatin1String("modified")) QVERIFY(write(exported, "edited by hand\n"));
            if (setup == QLatin1String("untracked"))
                QVERIFY(write(QDir(dir).filePath(QStringLiteral("sessions/notes.md")), "mine\n"));
            if (setup == QLatin1String("staged"))
                QCOMPARE(git(dir, {QStringLiteral("rm"), QStringLiteral("-q"), path_of(sessions[0])}), QString());
        }
        const QString head_before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        auto r = GitExporter::export_sessions(dir, sessions, author);
        QVERIFY(!r.ok());
        const QString message = QString::fromStdString(r.error().message);
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains(QFileInfo(dir).absoluteFilePath()) || setup == QLatin1String("author"),
                 qPrintable(message));
        if (setup == QLatin1String("locked")) QVERIFY(message.contains(QStringLiteral("index.lock")));
        // Nothing was committed.
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}), head_before);
        if (setup == QLatin1String("author")) QVERIFY(!QFileInfo::exists(dir));  // refused before touching the folder
    }

    void slugs_and_file_names() {
        QCOMPARE(session_slug(QStringLiteral("  GPU 3: Xid 79 — fell off the bus!! ")),
                 QStringLiteral("gpu-3-xid-79-fell-off-the-bus"));
        QCOMPARE(session_slug(QStringLiteral("¿¡ !?")), QStringLiteral("session"));
        QCOMPARE(session_slug(QString(200, QLatin1Char('a'))).size(), 48);
        Session s = make_session(42, QStringLiteral("../../etc/passwd"), 0);
        QCOMPARE(session_file_name(s), QStringLiteral("2026-04-02-42-etc-passwd.md"));
    }
};

QTEST_GUILESS_MAIN(TestGitExport)
#include "test_git_export.moc"
