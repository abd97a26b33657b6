// HistoryPanel: browse, search, open, rename, delete and export past sessions.
// Not blocking: every database call is a ticket answered later by HistoryService.
#include "ui/history_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QStandardPaths>
#include <QTimer>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

#include "app/session_markdown.h"
#include "ui/app_context.h"
#include "ui/history_model.h"
#include "ui/history_service.h"

namespace sigma::ui {

namespace {

QJsonObject session_json(const app::Session& s) {
    QJsonArray turns;
    for (const app::Turn& t : s.turns) {
        turns.append(QJsonObject{{QStringLiteral("request"), t.request},
                                 {QStringLiteral("raw_output"), t.raw_output},
                                 {QStringLiteral("result"), QJsonDocument::fromJson(t.result_json.toUtf8()).object()},
                                 {QStringLiteral("created_at"), t.created_at.toString(Qt::ISODate)}});
    }
    QJsonArray runs;
    for (const app::Execution& e : s.executions) {
        runs.append(QJsonObject{{QStringLiteral("command"), e.command},
                                {QStringLiteral("exit_code"), e.exit_code},
                                {QStringLiteral("duration_ms"), e.duration_ms},
                                {QStringLiteral("started_at"), e.started_at.toString(Qt::ISODate)}});
    }
    return QJsonObject{{QStringLiteral("id"), s.id},
                       {QStringLiteral("panel"), app::panel_name(s.panel)},
                       {QStringLiteral("title"), s.title},
                       {QStringLiteral("model"), s.model},
                       {QStringLiteral("backend"), s.backend},
                       {QStringLiteral("created_at"), s.created_at.toString(Qt::ISODate)},
                       {QStringLiteral("updated_at"), s.updated_at.toString(Qt::ISODate)},
                       {QStringLiteral("turns"), turns},
                       {QStringLiteral("executions"), runs}};
}

}  // namespace

HistoryPanel::HistoryPanel(AppContext* context, QWidget* parent)
    : QWidget(parent), context_(context), model_(new HistoryModel(this)) {
    setObjectName(QStringLiteral("historyPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<b>History</b> — every request, answer and run, searchable."), this));

    auto* row = new QHBoxLayout;
    filter_ = new QComboBox(this);
    filter_->setObjectName(QStringLiteral("historyFilter"));
    filter_->addItem(tr("All panels"), QString());
    filter_->addItem(tr("Commands"), app::panel_name(app::Panel::Commands));
    filter_->addItem(tr("Diagnose"), app::panel_name(app::Panel::Diagnose));
    filter_->addItem(tr("KQL"), app::panel_name(app::Panel::Kql));
    search_ = new QLineEdit(this);
    search_->setObjectName(QStringLiteral("historySearch"));
    search_->setPlaceholderText(tr("Search every panel (Ctrl+F)"));
    search_->setClearButtonEnabled(true);
    row->addWidget(filter_);
    row->addWidget(search_, 1);
    layout->addLayout(row);

    auto* split = new QSplitter(Qt::Vertical, this);
    tree_ = new QTreeView(split);
    tree_->setObjectName(QStringLiteral("historyTree"));
    tree_->setModel(model_);
    tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree_->setSelectionBehavior(QAbstractItemView::SelectRows);
    tree_->header()->setStretchLastSection(false);
    tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    hits_ = new QTextBrowser(split);
    hits_->setObjectName(QStringLiteral("historyHits"));
    hits_->setOpenLinks(false);
    hits_->setPlaceholderText(
        tr("Search results appear here as you type: requests, answers, findings and their evidence."));
    split->addWidget(tree_);
    split->addWidget(hits_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    notice_ = new QLabel(this);
    notice_->setObjectName(QStringLiteral("historyNotice"));
    notice_->setWordWrap(true);
    notice_->hide();
    layout->addWidget(notice_);
    search_delay_ = new QTimer(this);
    search_delay_->setSingleShot(true);
    search_delay_->setInterval(200);

    confirm_bar_ = new QWidget(this);
    confirm_bar_->setObjectName(QStringLiteral("historyConfirmBar"));
    auto* cb = new QHBoxLayout(confirm_bar_);
    confirm_text_ = new QLabel(confirm_bar_);
    delete_confirm_ = new QPushButton(tr("Delete"), confirm_bar_);
    delete_confirm_->setObjectName(QStringLiteral("historyDeleteConfirm"));
    delete_confirm_->setAutoDefault(false);
    auto* keep = new QPushButton(tr("Keep"), confirm_bar_);
    keep->setObjectName(QStringLiteral("historyDeleteCancel"));
    cb->addWidget(confirm_text_, 1);
    cb->addWidget(keep);
    cb->addWidget(delete_confirm_);
    confirm_bar_->setStyleSheet(QStringLiteral("#historyConfirmBar { background: #fdecea; }"));
    confirm_bar_->hide();
    layout->addWidget(confirm_bar_);

    auto* actions = new QHBoxLayout;
    auto* open = new QPushButton(tr("Open"), this);
    open->setObjectName(QStringLiteral("historyOpen"));
    auto* rename = new QPushButton(tr("Rename…"), this);
    rename->setObjectName(QStringLiteral("historyRename"));
    auto* del = new QPushButton(tr("Delete…"), this);
    del->setObjectName(QStringLiteral("historyDelete"));
    auto* exp = new QPushButton(tr("Export…"), this);
    exp->setObjectName(QStringLiteral("historyExport"));
    auto* menu = new QMenu(exp);
    menu->addAction(tr("Markdown files…"), this, [this] { chooseExport(QStringLiteral("markdown")); })
        ->setObjectName(QStringLiteral("historyExportMarkdown"));
    menu->addAction(tr("JSON files…"), this, [this] { chooseExport(QStringLiteral("json")); })
        ->setObjectName(QStringLiteral("historyExportJson"));
    menu->addAction(tr("Git repository…"), this, [this] { chooseExport(QStringLiteral("git")); })
        ->setObjectName(QStringLiteral("historyExportGit"));
    exp->setMenu(menu);
    for (QPushButton* b : {open, rename, del, exp}) actions->addWidget(b);
    actions->addStretch();
    layout->addLayout(actions);

    connect(filter_, &QComboBox::currentIndexChanged, this, &HistoryPanel::refresh);
    // The search runs as you type (after a short pause) and filters the list; Enter runs it at once.
    connect(search_, &QLineEdit::textChanged, search_delay_, qOverload<>(&QTimer::start));
    connect(search_delay_, &QTimer::timeout, this, &HistoryPanel::runSearch);
    connect(search_, &QLineEdit::returnPressed, this, [this] {
        search_delay_->stop();
        runSearch();
    });
    connect(open, &QPushButton::clicked, this, &HistoryPanel::openSelected);
    connect(tree_, &QTreeView::doubleClicked, this, &HistoryPanel::openSelected);
    connect(rename, &QPushButton::clicked, this, [this] {
        const QList<qint64> ids = selected_ids();
        if (ids.size() != 1) return;
        bool ok = false;
        const QString title = QInputDialog::getText(this, tr("Rename session"), tr("Title:"), QLineEdit::Normal,
                                                    tree_->currentIndex().siblingAtColumn(0).data().toString(), &ok);
        if (ok && !title.trimmed().isEmpty()) renameSelected(title.trimmed());
    });
    connect(del, &QPushButton::clicked, this, &HistoryPanel::askDelete);
    connect(delete_confirm_, &QPushButton::clicked, this, &HistoryPanel::confirmDelete);
    connect(keep, &QPushButton::clicked, this, &HistoryPanel::cancelDelete);
    connect(hits_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        notice_->hide();
        open_ticket_ = context_->history()->load(url.path().toLongLong());
    });
    auto* find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        search_->setFocus();
        search_->selectAll();
    });
    auto* delete_key = new QShortcut(QKeySequence::Delete, tree_);
    delete_key->setContext(Qt::WidgetShortcut);
    connect(delete_key, &QShortcut::activated, this, &HistoryPanel::askDelete);

    HistoryService* h = context_->history();
    connect(h, &HistoryService::changed, this, [this] {
        refresh();
        // Results of a search must not outlive what they point at (a deleted session).
        if (searching_) runSearch();
    });
    connect(h, &HistoryService::listed, this,
            [this](quint64 t, const QList<app::Session>& sessions, const QString& error) {
                if (t != list_ticket_) return;
                if (!error.isEmpty()) emit statusMessage(tr("History unavailable: %1").arg(error));
                sessions_ = sessions;
                apply_filter();
                emit refreshed();
            });
    connect(h, &HistoryService::searched, this,
            [this](quint64 t, const QList<app::SearchHit>& hits, const QString& error) {
                if (t != search_ticket_) return;
                if (!searching_) return;  // the text was cleared meanwhile
                QString html;
                matches_.clear();
                for (const app::SearchHit& hit : hits) matches_.insert(hit.session_id);
                apply_filter();
                if (!error.isEmpty())
                    html = tr("<p style='color:#c0392b'>Search failed: %1</p>").arg(error.toHtmlEscaped());
                else if (hits.isEmpty()) html = tr("<p>No matches.</p>");
                for (const app::SearchHit& hit : hits) {
                    html += QStringLiteral("<p><a href='session:%1'><b>%2</b></a> <i>(%3)</i><br>%4</p>")
                                .arg(hit.session_id)
                                .arg(hit.session_title.toHtmlEscaped(), app::panel_name(hit.panel),
                                     highlight_snippet(hit.snippet));
                }
                hits_->setHtml(html);
                emit searchFinished(static_cast<int>(hits.size()));
            });
    connect(h, &HistoryService::loaded, this, [this](quint64 t, const app::Session& s, const QString& error) {
        if (t != open_ticket_) return;
        if (!error.isEmpty()) {
            show_notice(tr("Cannot open the session: %1").arg(error), true);
            if (searching_) runSearch();
        } else {
            emit openSession(s);
        }
    });
    connect(h, &HistoryService::removed, this, [this](quint64, int count, const QString& error) {
        const QString m =
            error.isEmpty() ? tr("Deleted %n session(s)", nullptr, count) : tr("Delete failed: %1").arg(error);
        show_notice(m, !error.isEmpty());
        emit statusMessage(m);
    });
    connect(h, &HistoryService::gitExported, this, [this](quint64, const QString& summary, const QString& error) {
        const QString m = error.isEmpty() ? tr("Git export: %1").arg(summary) : tr("Git export failed: %1").arg(error);
        show_notice(m, !error.isEmpty());
        emit statusMessage(m);
        emit gitExported(error.isEmpty(), error.isEmpty() ? summary : error);
    });
    connect(h, &HistoryService::renamed, this, [this](quint64, const QString& error) {
        if (!error.isEmpty()) emit statusMessage(tr("Rename failed: %1").arg(error));
    });
    connect(h, &HistoryService::loadedMany, this,
            [this](quint64 t, const QList<app::Session>& sessions, const QString& error) {
                if (t != export_ticket_) return;
                if (!error.isEmpty()) {
                    emit statusMessage(tr("Export failed: %1").arg(error));
                    emit exported(0);
                    return;
                }
                int written = 0;
                QString failure;
                for (const app::Session& s : sessions) {
                    const bool md = export_format_ == QLatin1String("markdown");
                    const QString name =
                        md ? app::session_file_name(s)
                           : app::session_file_prefix(s) + app::session_slug(s.title) + QStringLiteral(".json");
                    QSaveFile f(QDir(export_dir_).filePath(name));
                    const QByteArray bytes = md ? app::render_session_markdown(s).toUtf8()
                                                : QJsonDocument(session_json(s)).toJson(QJsonDocument::Indented);
                    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
                        failure = tr("cannot write %1: %2").arg(f.fileName(), f.errorString());
                        break;
                    }
                    ++written;
                }
                const QString m = failure.isEmpty()
                                      ? tr("Exported %n session(s) to %1", nullptr, written).arg(export_dir_)
                                      : tr("Export failed: %1").arg(failure);
                show_notice(m, !failure.isEmpty());
                emit statusMessage(m);
                emit exported(written);
            });
    refresh();
}

QString HistoryPanel::highlight_snippet(const QString& snippet) {
    QString out;
    QString word;
    bool inside = false;
    for (QChar c : snippet) {
        if (!inside && c == QLatin1Char('[')) {
            inside = true;
            word.clear();
            continue;
        }
        if (inside && c == QLatin1Char(']')) {
            out +=
                QStringLiteral("<span style='background:#ffe08a'>") + word.toHtmlEscaped() + QStringLiteral("</span>");
            inside = false;
            continue;
        }
        if (inside) word += c;
        else out += QString(c).toHtmlEscaped();
    }
    if (inside) out += QStringLiteral("[") + word.toHtmlEscaped();
    return out;
}

QList<qint64> HistoryPanel::selected_ids() const {
    QList<qint64> ids;
    for (const QModelIndex& i : tree_->selectionModel()->selectedRows(0))
        if (const qint64 id = model_->session_id(i); id > 0) ids << id;
    return ids;
}

void HistoryPanel::refresh() {
    const QString name = filter_->currentData().toString();
    list_ticket_ = context_->history()->list(app::panel_from_name(name));
}

void HistoryPanel::show_notice(const QString& text, bool error) {
    notice_->setText(text);
    notice_->setStyleSheet(error ? QStringLiteral("QLabel { color: #c0392b; background: #fdecea; padding: 4px; }")
                                 : QStringLiteral("QLabel { background: #eef6f1; padding: 4px; }"));
    notice_->setVisible(!text.isEmpty());
}

QString HistoryPanel::notice() const { return notice_->isHidden() ? QString() : notice_->text(); }

void HistoryPanel::apply_filter() {
    if (!searching_) {
        model_->set_sessions(sessions_);
    } else {
        QList<app::Session> shown;
        for (const app::Session& s : sessions_)
            if (matches_.contains(s.id)) shown << s;
        model_->set_sessions(shown);
    }
    tree_->expandAll();
}

void HistoryPanel::runSearch() {
    const QString text = search_->text().trimmed();
    if (text.isEmpty()) {
        searching_ = false;
        ++search_ticket_;  // an answer still on its way is for a text no longer there
        hits_->clear();
        matches_.clear();
        apply_filter();
        emit searchFinished(0);
        return;
    }
    searching_ = true;
    search_ticket_ = context_->history()->search(text);
}

QString HistoryPanel::export_start_dir() const {
    if (!last_export_dir_.isEmpty() && QDir(last_export_dir_).exists()) return last_export_dir_;
    const QString docs = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return !docs.isEmpty() && QDir(docs).exists() ? docs : QDir::homePath();
}

void HistoryPanel::chooseExport(const QString& format) {
    if (selected_ids().isEmpty()) {
        show_notice(tr("Select one or more sessions to export first (Ctrl+A selects all)."), true);
        return;
    }
    notice_->hide();
    const bool git = format == QLatin1String("git");
    const QString dir = QFileDialog::getExistingDirectory(
        this, git ? tr("Export to git repository") : tr("Export to folder"), export_start_dir());
    if (dir.isEmpty()) return;
    last_export_dir_ = dir;
    if (git) exportToGit(dir);
    else exportSelection(dir, format);
}

void HistoryPanel::openSelected() {
    const QList<qint64> ids = selected_ids();
    if (!ids.isEmpty()) open_ticket_ = context_->history()->load(ids.first());
}

void HistoryPanel::renameSelected(const QString& title) {
    const QList<qint64> ids = selected_ids();
    if (ids.size() == 1) context_->history()->rename(ids.first(), title);
}

void HistoryPanel::askDelete() {
    pending_delete_ = selected_ids();
    if (pending_delete_.isEmpty()) return;
    confirm_text_->setText(tr("Delete %n session(s) with their turns and runs? This cannot be undone.", nullptr,
                              static_cast<int>(pending_delete_.size())));
    confirm_bar_->show();
}

void HistoryPanel::confirmDelete() {
    confirm_bar_->hide();
    if (!pending_delete_.isEmpty()) context_->history()->remove(pending_delete_);
    pending_delete_.clear();
}

void HistoryPanel::cancelDelete() {
    confirm_bar_->hide();
    pending_delete_.clear();
}

void HistoryPanel::exportSelection(const QString& dir, const QString& format) {
    const QList<qint64> ids = selected_ids();
    if (ids.isEmpty()) {
        show_notice(tr("Select one or more sessions to export first (Ctrl+A selects all)."), true);
        emit exported(0);
        return;
    }
    export_dir_ = dir;
    export_format_ = format;
    export_ticket_ = context_->history()->loadMany(ids);
}

void HistoryPanel::exportToGit(const QString& repo_dir) {
    const QList<qint64> ids = selected_ids();
    if (ids.isEmpty()) {
        show_notice(tr("Select one or more sessions to export first (Ctrl+A selects all)."), true);
        emit gitExported(false, tr("nothing selected"));
        return;
    }
    context_->history()->exportToGit(ids, repo_dir);
}

}  // namespace sigma::ui
