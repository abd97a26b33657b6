// GitExporter: builds the new tree in an in-memory index (HEAD plus the new blobs), commits it,
// and only then writes the files and our paths in the repository's index, so a refused or failed
// export leaves the repository as it was. Not a general git client: it touches only sessions/ and
// HEAD's branch, and leaves whatever the user staged elsewhere staged and out of its commit.
#include "app/git_exporter.h"

#include <git2.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include "app/history_store.h"
#include "app/session_markdown.h"

namespace sigma::app {

namespace {

// libgit2 keeps global state; init/shutdown are reference counted, so pairing them per export is safe.
struct LibGit2 {
    LibGit2() { git_libgit2_init(); }
    ~LibGit2() { git_libgit2_shutdown(); }
};

template <typename T, void (*Free)(T*)>
struct GitFree {
    void operator()(T* p) const {
        if (p) Free(p);
    }
};
using RepoPtr = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, GitFree<git_index, git_index_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit, git_commit_free>>;
using SignaturePtr = std::unique_ptr<git_signature, GitFree<git_signature, git_signature_free>>;
using StatusListPtr = std::unique_ptr<git_status_list, GitFree<git_status_list, git_status_list_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, GitFree<git_tree_entry, git_tree_entry_free>>;

Error git_failure(const QString& what, const QString& repo) {
    const git_error* e = git_error_last();
    const QString detail = e && e->message ? QString::fromUtf8(e->message) : QStringLiteral("unknown libgit2 error");
    return make_error(ErrorCode::Io,
                      QStringLiteral("git export to %1: %2 failed: %3").arg(repo, what, detail).toStdString());
}

Error refused(const QString& message) { return make_error(ErrorCode::InvalidArgument, message.toStdString()); }

struct Planned {
    const Session* session = nullptr;
    QString path;        // sessions/<file>.md
    QByteArray content;  // UTF-8 Markdown
    QString old_path;    // a renamed session's previous file, to remove
    bool is_new = false;
};

QString describe(int sessions, int fresh, int updated) {
    QStringList parts;
    if (fresh) parts << QStringLiteral("%1 new").arg(fresh);
    if (updated) parts << QStringLiteral("%1 updated").arg(updated);
    return QStringLiteral("Export %1 session%2 (%3)")
        .arg(sessions)
        .arg(sessions == 1 ? "" : "s")
        .arg(parts.join(QStringLiteral(", ")));
}

// Opens the repository at `dir`, creating it when the folder is absent or empty.
Expected<RepoPtr> open_or_init(const QString& dir) {
    const QFileInfo info(dir);
    const QByteArray native = QFile::encodeName(dir);
    git_repository* raw = nullptr;
    if (info.exists() && !info.isDir())
        return refused(QStringLiteral("git export target %1 exists and is not a folder").arg(dir));
    if (!info.exists()) {
        if (!QDir().mkpath(dir)) return refused(QStringLiteral("cannot create the export folder %1").arg(dir));
        if (git_repository_init(&raw, native.constData(), 0) < 0)
            return git_failure(QStringLiteral("creating the repository"), dir);
        return RepoPtr(raw);
    }
    const int rc = git_repository_open_ext(&raw, native.constData(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc == 0) {
        RepoPtr repo(raw);
        if (git_repository_is_bare(repo.get()))
            return refused(
                QStringLiteral("git export target %1 is a bare repository; export into one with a working tree")
                    .arg(dir));
        return repo;
    }
    if (rc != GIT_ENOTFOUND) return git_failure(QStringLiteral("opening the repository"), dir);
    if (!QDir(dir).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
        return refused(QStringLiteral("git export target %1 is not a git repository and is not empty; export into an "
                                      "empty folder or an existing repository")
                           .arg(dir));
    if (git_repository_init(&raw, native.constData(), 0) < 0)
        return git_failure(QStringLiteral("creating the repository"), dir);
    return RepoPtr(raw);
}

// Any change under sessions/ that is not committed (staged, modified, deleted or untracked).
Status check_clean(git_repository* repo, const QString& dir) {
    git_status_options opts;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
    QByteArray folder = GitExporter::sessions_folder().toUtf8();
    char* spec[] = {folder.data()};
    opts.pathspec.strings = spec;
    opts.pathspec.count = 1;
    git_status_list* raw = nullptr;
    if (git_status_list_new(&raw, repo, &opts) < 0)
        return git_failure(QStringLiteral("reading the working tree status"), dir);
    StatusListPtr list(raw);
    QStringList dirty;
    for (size_t i = 0; i < git_status_list_entrycount(list.get()); ++i) {
        const git_status_entry* e = git_status_byindex(list.get(), i);
        if (!e || e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) continue;
        const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
        if (d) dirty << QString::fromUtf8(d->new_file.path ? d->new_file.path : d->old_file.path);
    }
    if (dirty.isEmpty()) return {};
    return refused(QStringLiteral("git repository %1 has uncommitted changes to exported files (%2); commit or discard "
                                  "them before exporting")
                       .arg(dir, dirty.join(QStringLiteral(", "))));
}

// name -> blob id of the files in HEAD's sessions/ folder; empty for an unborn HEAD.
Expected<std::map<QString, git_oid>> head_files(git_repository* repo, const QString& dir, CommitPtr& head) {
    std::map<QString, git_oid> files;
    const int unborn = git_repository_head_unborn(repo);
    if (unborn < 0) return git_failure(QStringLiteral("reading HEAD"), dir);
    if (unborn == 1) return files;
    git_oid head_id;
    if (git_reference_name_to_id(&head_id, repo, "HEAD") < 0) return git_failure(QStringLiteral("reading HEAD"), dir);
    git_commit* commit = nullptr;
    if (git_commit_lookup(&commit, repo, &head_id) < 0)
        return git_failure(QStringLiteral("reading the HEAD commit"), dir);
    head.reset(commit);
    git_tree* tree_raw = nullptr;
    if (git_commit_tree(&tree_raw, commit) < 0) return git_failure(QStringLiteral("reading the HEAD tree"), dir);
    TreePtr tree(tree_raw);
    git_tree_entry* folder_raw = nullptr;
    const QByteArray folder_name = GitExporter::sessions_folder().toUtf8();
    if (git_tree_entry_bypath(&folder_raw, tree.get(), folder_name.constData()) < 0) return files;  // no folder yet
    TreeEntryPtr folder(folder_raw);
    if (git_tree_entry_type(folder.get()) != GIT_OBJECT_TREE) return files;
    git_tree* sub_raw = nullptr;
    if (git_tree_lookup(&sub_raw, repo, git_tree_entry_id(folder.get())) < 0)
        return git_failure(QStringLiteral("reading the sessions folder"), dir);
    TreePtr sub(sub_raw);
    for (size_t i = 0; i < git_tree_entrycount(sub.get()); ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(sub.get(), i);
        if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
            files[QString::fromUtf8(git_tree_entry_name(e))] = *git_tree_entry_id(e);
    }
    return files;
}

Expected<SignaturePtr> make_signature(git_repository* repo, const GitAuthor& author, const QString& dir) {
    git_signature* sig = nullptr;
    if (!author.name.trimmed().isEmpty()) {
        const QByteArray name = author.name.trimmed().toUtf8();
        const QByteArray email = author.email.trimmed().toUtf8();
        if (git_signature_now(&sig, name.constData(), email.constData()) < 0) {
            const git_error* e = git_error_last();
            return refused(
                QStringLiteral("invalid git author \"%1 <%2>\": %3")
                    .arg(author.name, author.email, QString::fromUtf8(e && e->message ? e->message : "rejected")));
        }
        return SignaturePtr(sig);
    }
    if (git_signature_default(&sig, repo) == 0) return SignaturePtr(sig);
    if (git_signature_now(&sig, "Sigma Ops", "sigma-ops@localhost") < 0)
        return git_failure(QStringLiteral("making the author"), dir);
    return SignaturePtr(sig);
}

Status write_file(const QString& path, const QByteArray& content) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size() || !f.commit())
        return make_error(ErrorCode::Io,
                          QStringLiteral("cannot write %1: %2").arg(path, f.errorString()).toStdString());
    return {};
}

}  // namespace

Expected<ExportResult> GitExporter::export_sessions(const QString& repo_dir, const std::vector<Session>& sessions,
                                                    const GitAuthor& author, const QDateTime& since) {
    if (repo_dir.isEmpty()) return refused(QStringLiteral("git export needs a target folder"));
    LibGit2 lib;
    const QString dir = QFileInfo(repo_dir).absoluteFilePath();
    // A given author is checked before the folder is touched; the default needs the repository.
    SignaturePtr given_author;
    if (!author.name.trimmed().isEmpty()) {
        auto sig = make_signature(nullptr, author, dir);
        if (!sig) return sig.error();
        given_author = std::move(sig.value());
    }
    auto repo = open_or_init(dir);
    if (!repo) return repo.error();
    git_repository* r = repo->get();

    // Refuse up front, before anything is written.
    const QString git_dir = QString::fromUtf8(git_repository_path(r));
    const QString lock = QDir(git_dir).filePath(QStringLiteral("index.lock"));
    if (QFileInfo::exists(lock))
        return refused(QStringLiteral("git repository %1 is locked: %2 exists (another git command is running, or it "
                                      "crashed and left the lock behind; remove the file if no git command is running)")
                           .arg(dir, lock));
    if (Status s = check_clean(r, dir); !s) return s.error();
    CommitPtr head;
    auto existing = head_files(r, dir, head);
    if (!existing) return existing.error();

    // Plan: what each session's file should be, compared with HEAD by blob id.
    // Redacted copies: file names, bodies and the commit message are all made from these.
    std::vector<Session> redacted;
    for (const Session& s : sessions)
        if (!since.isValid() || s.updated_at >= since) redacted.push_back(redact_session(s));
    std::vector<const Session*> chosen;
    for (const Session& s : redacted) chosen.push_back(&s);
    std::sort(chosen.begin(), chosen.end(), [](const Session* a, const Session* b) { return a->id < b->id; });
    ExportResult result;
    std::vector<Planned> plan;
    for (const Session* s : chosen) {
        Planned p;
        p.session = s;
        const QString name = session_file_name(*s);
        p.path = sessions_folder() + QLatin1Char('/') + name;
        p.content = render_session_markdown(*s).toUtf8();
        git_oid blob;
        if (git_odb_hash(&blob, p.content.constData(), size_t(p.content.size()), GIT_OBJECT_BLOB) < 0)
            return git_failure(QStringLiteral("hashing %1").arg(p.path), dir);
        const auto same = existing->find(name);
        if (same != existing->end() && git_oid_equal(&same->second, &blob)) {
            ++result.unchanged_count;
            continue;
        }
        if (same == existing->end()) {
            const QString prefix = session_file_prefix(*s);
            const auto old = std::find_if(existing->begin(), existing->end(),
                                          [&](const auto& kv) { return kv.first.startsWith(prefix); });
            if (old != existing->end()) p.old_path = sessions_folder() + QLatin1Char('/') + old->first;
            p.is_new = old == existing->end();
        }
        (p.is_new ? result.new_count : result.updated_count)++;
        plan.push_back(std::move(p));
    }
    if (plan.empty()) {
        result.summary =
            chosen.empty() ? QStringLiteral("Nothing to export: no sessions%1")
                                 .arg(since.isValid()
                                          ? QStringLiteral(" updated since %1").arg(since.toUTC().toString(Qt::ISODate))
                                          : QString())
                           : QStringLiteral("Nothing new to export: %1 session%2 unchanged")
                                 .arg(result.unchanged_count)
                                 .arg(result.unchanged_count == 1 ? "" : "s");
        return result;
    }

    // Build the new tree in an in-memory index holding HEAD's tree plus the planned files, so that
    // whatever the user has staged elsewhere in the repository stays staged and out of this commit.
    git_index* tree_index_raw = nullptr;
    if (git_index_new(&tree_index_raw) < 0) return git_failure(QStringLiteral("making an index"), dir);
    IndexPtr tree_index(tree_index_raw);
    if (head) {
        git_tree* head_tree_raw = nullptr;
        if (git_commit_tree(&head_tree_raw, head.get()) < 0)
            return git_failure(QStringLiteral("reading the HEAD tree"), dir);
        TreePtr head_tree(head_tree_raw);
        if (git_index_read_tree(tree_index.get(), head_tree.get()) < 0)
            return git_failure(QStringLiteral("reading the HEAD tree"), dir);
    }
    for (const Planned& p : plan) {
        if (!p.old_path.isEmpty() && git_index_remove_bypath(tree_index.get(), p.old_path.toUtf8().constData()) < 0)
            return git_failure(QStringLiteral("removing %1 from the tree").arg(p.old_path), dir);
        git_index_entry entry;
        std::memset(&entry, 0, sizeof entry);
        const QByteArray path = p.path.toUtf8();
        entry.path = path.constData();
        entry.mode = GIT_FILEMODE_BLOB;
        if (git_blob_create_from_buffer(&entry.id, r, p.content.constData(), size_t(p.content.size())) < 0)
            return git_failure(QStringLiteral("storing %1").arg(p.path), dir);
        if (git_index_add(tree_index.get(), &entry) < 0)
            return git_failure(QStringLiteral("adding %1").arg(p.path), dir);
    }
    git_oid tree_id;
    if (git_index_write_tree_to(&tree_id, tree_index.get(), r) < 0)
        return git_failure(QStringLiteral("writing the tree"), dir);
    git_tree* tree_raw = nullptr;
    if (git_tree_lookup(&tree_raw, r, &tree_id) < 0) return git_failure(QStringLiteral("reading the new tree"), dir);
    TreePtr tree(tree_raw);

    SignaturePtr signature = std::move(given_author);
    if (!signature) {
        auto sig = make_signature(r, author, dir);
        if (!sig) return sig.error();
        signature = std::move(sig.value());
    }
    result.summary = describe(int(plan.size()), result.new_count, result.updated_count);
    QString message = result.summary + QStringLiteral("\n\n");
    for (const Planned& p : plan) {
        const QString title = p.session->title.simplified();
        message += QStringLiteral("- %1: %2\n")
                       .arg(p.is_new ? QStringLiteral("new") : QStringLiteral("updated"),
                            title.isEmpty() ? QStringLiteral("Untitled session") : title);
    }
    const QByteArray message_utf8 = message.toUtf8();
    const git_commit* parents[] = {head.get()};
    git_oid commit_id;
    if (git_commit_create(&commit_id, r, "HEAD", signature.get(), signature.get(), nullptr, message_utf8.constData(),
                          tree.get(), head ? 1 : 0, parents) < 0)
        return git_failure(QStringLiteral("committing"), dir);
    result.committed = true;
    result.commit_id = QString::fromLatin1(git_oid_tostr_s(&commit_id));

    // Bring the working tree and the repository's index to the new commit, for our paths only.
    // The commit already holds the data, so a failure here leaves a working tree that
    // `git checkout .` repairs.
    git_index* index_raw = nullptr;
    if (git_repository_index(&index_raw, r) < 0) return git_failure(QStringLiteral("reading the index"), dir);
    IndexPtr index(index_raw);
    if (git_index_read(index.get(), 1) < 0) return git_failure(QStringLiteral("reading the index"), dir);
    const QDir work(QString::fromUtf8(git_repository_workdir(r)));
    for (const Planned& p : plan) {
        if (!p.old_path.isEmpty()) {
            QFile::remove(work.filePath(p.old_path));
            if (git_index_remove_bypath(index.get(), p.old_path.toUtf8().constData()) < 0)
                return git_failure(QStringLiteral("removing %1 from the index").arg(p.old_path), dir);
            result.removed << p.old_path;
        }
        if (Status s = write_file(work.filePath(p.path), p.content); !s)
            return make_error(ErrorCode::Io, QStringLiteral("committed %1 but %2")
                                                 .arg(result.commit_id, QString::fromStdString(s.error().message))
                                                 .toStdString());
        // Re-adding from disk records the files' stat data, so status does not rehash them.
        if (git_index_add_bypath(index.get(), p.path.toUtf8().constData()) < 0)
            return git_failure(QStringLiteral("updating the index for %1").arg(p.path), dir);
        result.written << p.path;
    }
    if (git_index_write(index.get()) < 0) return git_failure(QStringLiteral("writing the index"), dir);
    return result;
}

}  // namespace sigma::app
