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
    hits_->setPlaceholderText(tr("Search results appear here."));
    split->addWidget(tree_);
    split->addWidget(hits_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

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
    menu->addAction(tr("Markdown files…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export to folder"));
        if (!dir.isEmpty()) exportSelection(dir, QStringLiteral("markdown"));
    });
    menu->addAction(tr("JSON files…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export to folder"));
        if (!dir.isEmpty()) exportSelection(dir, QStringLiteral("json"));
    });
    menu->addAction(tr("Git repository…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export to git repository"));
        if (!dir.isEmpty()) exportToGit(dir);
    });
    exp->setMenu(menu);
    for (QPushButton* b : {open, rename, del, exp}) actions->addWidget(b);
    actions->addStretch();
    layout->addLayout(actions);

    connect(filter_, &QComboBox::currentIndexChanged, this, &HistoryPanel::refresh);
    connect(search_, &QLineEdit::returnPressed, this, &HistoryPanel::runSearch);
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
        open_ticket_ = context_->history()->load(url.path().toLongLong());
    });
    auto* find = new QShortcut(QKeySequence::Find, this);
    find->setContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] { search_->setFocus(); search_->selectAll(); });
    auto* delete_key = new QShortcut(QKeySequence::Delete, tree_);
    delete_key->setContext(Qt::WidgetShortcut);
    connect(delete_key, &QShortcut::activated, this, &HistoryPanel::askDelete);

    HistoryService* h = context_->history();
    connect(h, &HistoryService::changed, this, &HistoryPanel::refresh);
    connect(h, &HistoryService::listed, this, [this](quint64 t, const QList<app::Session>& sessions, const QString& error) {
        if (t != list_ticket_) return;
        if (!error.isEmpty()) emit statusMessage(tr("History unavailable: %1").arg(error));
        model_->set_sessions(sessions);
        tree_->expandAll();
        emit refreshed();
    });
    connect(h, &HistoryService::searched, this, [this](quint64 t, const QList<app::SearchHit>& hits, const QString& error) {
        if (t != search_ticket_) return;
        QString html;
        if (!error.isEmpty()) html = tr("<p style='color:#c0392b'>Search failed: %1</p>").arg(error.toHtmlEscaped());
        else if (hits.isEmpty()) html = tr("<p>No matches.</p>");
        for (const app::SearchHit& hit : hits) {
            html += QStringLiteral("<p><a href='session:%1'><b>%2</b></a> <i>(%3)</i><br>%4</p>")
                        .arg(hit.session_id)
                        .arg(hit.session_title.toHtmlEscaped(), app::panel_name(hit.panel), highlight_snippet(hit.snippet));
        }
        hits_->setHtml(html);
        emit searchFinished(static_cast<int>(hits.size()));
    });
    connect(h, &HistoryService::loaded, this, [this](quint64 t, const app::Session& s, const QString& error) {
        if (t != open_ticket_) return;
        if (!error.isEmpty()) emit statusMessage(tr("Cannot open the session: %1").arg(error));
        else emit openSession(s);
    });
    connect(h, &HistoryService::removed, this, [this](quint64, int count, const QString& error) {
        emit statusMessage(error.isEmpty() ? tr("Deleted %n session(s)", nullptr, count) : tr("Delete failed: %1").arg(error));
    });
    connect(h, &HistoryService::gitExported, this, [this](quint64, const QString& summary, const QString& error) {
        emit statusMessage(error.isEmpty() ? tr("Git export: %1").arg(summary) : tr("Git export failed: %1").arg(error));
        emit gitExported(error.isEmpty(), error.isEmpty() ? summary : error);
    });
    connect(h, &HistoryService::renamed, this, [this](quint64, const QString& error) {
        if (!error.isEmpty()) emit statusMessage(tr("Rename failed: %1").arg(error));
    });
    connect(h, &HistoryService::loadedMany, this, [this](quint64 t, const QList<app::Session>& sessions, const QString& error) {
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
            const QString name = md ? app::session_file_name(s)
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
        emit statusMessage(failure.isEmpty() ? tr("Exported %n session(s)", nullptr, written) : tr("Export failed: %1").arg(failure));
        emit exported(written);
    });
    refresh();
}

QString HistoryPanel::highlight_snippet(const QString& snippet) {
    QString out;
    QString word;
    bool inside = false;
    for (QChar c : snippet) {
        if (!inside && c == QLatin1Char('[')) { inside = true; word.clear(); continue; }
        if (inside && c == QLatin1Char(']')) {
            out += QStringLiteral("<span style='background:#ffe08a'>") + word.toHtmlEscaped() + QStringLiteral("</span>");
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

void HistoryPanel::runSearch() {
    const QString text = search_->text().trimmed();
    if (text.isEmpty()) { hits_->clear(); return; }
    search_ticket_ = context_->history()->search(text);
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
    if (ids.isEmpty()) { emit exported(0); return; }
    export_dir_ = dir;
    export_format_ = format;
    export_ticket_ = context_->history()->loadMany(ids);
}

void HistoryPanel::exportToGit(const QString& repo_dir) {
    const QList<qint64> ids = selected_ids();
    if (ids.isEmpty()) {
        emit gitExported(false, tr("nothing selected"));
        return;
    }
    context_->history()->exportToGit(ids, repo_dir);
}

}  // namespace sigma::ui
