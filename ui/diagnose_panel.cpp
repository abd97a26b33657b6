// DiagnosePanel: log in, findings with evidence out.
// Not the rules: DiagnoseTask finds, cites and redacts; this panel only shows.
#include "ui/diagnose_panel.h"

#include <QCheckBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QJsonObject>
#include <QKeySequence>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTextBlock>
#include <QTextBrowser>
#include <QDateTime>
#include <QVBoxLayout>
#include <utility>

#include "app/job_recorder.h"
#include "ui/app_context.h"
#include "ui/findings_model.h"
#include "ui/generation_job.h"
#include "ui/history_service.h"
#include "ui/log_analysis.h"
#include "ui/log_window.h"

namespace sigma::ui {

namespace {

domain::Severity severity_from(const QString& name) {
    for (domain::Severity s :
         {domain::Severity::Critical, domain::Severity::High, domain::Severity::Medium, domain::Severity::Low})
        if (name == QLatin1String(domain::severity_name(s))) return s;
    return domain::Severity::Medium;
}

std::vector<std::string> strings(const QJsonValue& v) {
    std::vector<std::string> out;
    for (const auto& e : v.toArray()) out.push_back(e.toString().toStdString());
    return out;
}

std::vector<domain::Evidence> evidence_from(const QJsonArray& a) {
    std::vector<domain::Evidence> out;
    for (const auto& v : a) {
        const QJsonObject e = v.toObject();
        domain::Evidence ev;
        ev.line = static_cast<size_t>(e.value(QStringLiteral("line")).toInteger());
        ev.last_line = static_cast<size_t>(e.value(QStringLiteral("last_line")).toInteger());
        ev.text = e.value(QStringLiteral("text")).toString().toStdString();
        ev.pattern = e.value(QStringLiteral("pattern")).toString().toStdString();
        ev.reason = e.value(QStringLiteral("reason")).toString().toStdString();
        out.push_back(std::move(ev));
    }
    return out;
}

// A stored diagnosis back into a value (the inverse of DiagnoseResult::to_json for what is shown).
app::DiagnoseResult result_from_json(const QJsonObject& o) {
    app::DiagnoseResult r;
    r.category = o.value(QStringLiteral("category")).toString(r.category);
    r.report.category = r.category.toStdString();
    r.root_cause = o.value(QStringLiteral("root_cause")).toString();
    for (const auto& v : o.value(QStringLiteral("next_steps")).toArray()) r.next_steps << v.toString();
    for (const auto& v : o.value(QStringLiteral("commands")).toArray()) r.commands << v.toString();
    r.summary_source = o.value(QStringLiteral("summary_source")).toString(r.summary_source);
    r.raw_output = o.value(QStringLiteral("raw_output")).toString();
    for (const auto& v : o.value(QStringLiteral("findings")).toArray()) {
        const QJsonObject f = v.toObject();
        domain::Finding finding;
        finding.category = f.value(QStringLiteral("category")).toString().toStdString();
        finding.title = f.value(QStringLiteral("title")).toString().toStdString();
        finding.severity = severity_from(f.value(QStringLiteral("severity")).toString());
        finding.score = f.value(QStringLiteral("score")).toDouble();
        finding.hits = static_cast<size_t>(f.value(QStringLiteral("hits")).toInteger());
        finding.evidence = evidence_from(f.value(QStringLiteral("evidence")).toArray());
        finding.explanation = f.value(QStringLiteral("explanation")).toString().toStdString();
        finding.root_causes = strings(f.value(QStringLiteral("root_causes")));
        finding.remediation = strings(f.value(QStringLiteral("next_steps")));
        finding.commands = strings(f.value(QStringLiteral("commands")));
        r.report.findings.push_back(std::move(finding));
    }
    for (const auto& v : o.value(QStringLiteral("nearest")).toArray()) {
        const QJsonObject f = v.toObject();
        domain::Finding near;
        near.category = f.value(QStringLiteral("category")).toString().toStdString();
        near.title = f.value(QStringLiteral("title")).toString().toStdString();
        near.evidence = evidence_from(f.value(QStringLiteral("almost_matched")).toArray());
        r.report.nearest.push_back(std::move(near));
    }
    r.report.lines_read = static_cast<size_t>(o.value(QStringLiteral("lines_read")).toInteger());
    return r;
}

QString html_list(const std::vector<std::string>& items, const char* tag) {
    QString html = QStringLiteral("<%1>").arg(QLatin1String(tag));
    for (const std::string& s : items)
        html += QStringLiteral("<li>%1</li>").arg(QString::fromStdString(s).toHtmlEscaped());
    return html + QStringLiteral("</%1>").arg(QLatin1String(tag));
}

}  // namespace

DiagnosePanel::DiagnosePanel(AppContext* context, QWidget* parent)
    : QWidget(parent), context_(context), job_(new GenerationJob(this)), findings_(new FindingsModel(this)) {
    setObjectName(QStringLiteral("diagnosePanel"));
    setAcceptDrops(true);
    std::string error;
    pack_ = domain::SignaturePack::load_default(&error);
    if (pack_) {
        analysis_ = new LogAnalysis(*pack_, context_->redact_options(), this);
        connect(analysis_, &LogAnalysis::progress, this, [this](int permille) { progress_->setValue(permille); });
        connect(analysis_, &LogAnalysis::previewReady, this,
                [this](const QString& text, const QString& redacted, qint64 total, bool truncated) {
                    if (!analysing_) return;  // cancelled meanwhile
                    original_ = text;
                    redacted_text_ = redacted;
                    view_first_line_ = 1;
                    if (from_file_) view_->setPlainText(redacted_->isChecked() ? redacted_text_ : original_);
                    else if (redacted_->isChecked()) view_->setPlainText(redacted_text_);
                    info_->setText(truncated
                                       ? tr("%1 MB log; the view shows the first 512 KB, the rules read all of it.")
                                             .arg(total / (1024.0 * 1024.0), 0, 'f', 1)
                                       : QString());
                });
        connect(analysis_, &LogAnalysis::finished, this, &DiagnosePanel::on_finished);
        window_ = new LogWindowReader(this);
        connect(
            window_, &LogWindowReader::ready, this, [this](qint64 first, const QString& text, const QString& redacted) {
                if (!from_file_) return;
                original_ = text;
                redacted_text_ = redacted;
                view_first_line_ = first;
                view_->setPlainText(redacted_->isChecked() ? redacted_text_ : original_);
                const qint64 last = first + view_->document()->blockCount() - 1;
                info_->setText(
                    tr("Showing lines %1–%2 of %3, around the selected finding's evidence; the rules read all of it.")
                        .arg(first)
                        .arg(last)
                        .arg(QFileInfo(source_path_).fileName()));
                highlight(std::exchange(window_row_, -1));
            });
        connect(window_, &LogWindowReader::failed, this, [this](const QString& m) {
            window_row_ = -1;
            info_->setText(m);
            emit statusMessage(m);
        });
        connect(analysis_, &LogAnalysis::failed, this, [this](const QString& m) {
            rerun_ = false;
            set_running(false);
            info_->setText(m);
            emit statusMessage(m);
        });
    }
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(
        new QLabel(tr("<b>Diagnose</b> — paste a log or drop a file; findings cite their evidence."), this));
    auto* row = new QHBoxLayout;
    auto* open = new QPushButton(tr("Open file…"), this);
    open->setObjectName(QStringLiteral("diagnoseOpen"));
    analyse_ = new QPushButton(tr("Analyse"), this);
    analyse_->setObjectName(QStringLiteral("diagnoseAnalyse"));
    summarise_ = new QPushButton(tr("Summarise with model"), this);
    summarise_->setObjectName(QStringLiteral("diagnoseSummarise"));
    summarise_->setEnabled(false);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("diagnoseCancel"));
    cancel_->setToolTip(tr("Stop reading the log (Esc)"));
    cancel_->hide();
    redacted_ = new QCheckBox(tr("Show redacted"), this);
    redacted_->setObjectName(QStringLiteral("diagnoseRedacted"));
    row->addWidget(open);
    row->addWidget(analyse_);
    row->addWidget(summarise_);
    row->addStretch();
    row->addWidget(redacted_);
    layout->addLayout(row);
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("diagnoseProgress"));
    progress_->setRange(0, 1000);
    progress_->hide();
    auto* progress_row = new QHBoxLayout;
    progress_row->addWidget(progress_, 1);
    progress_row->addWidget(cancel_);
    layout->addLayout(progress_row);
    info_ = new QLabel(this);
    info_->setObjectName(QStringLiteral("diagnoseInfo"));
    info_->setWordWrap(true);
    if (!pack_)
        info_->setText(tr("The diagnosis signatures could not be loaded: %1").arg(QString::fromStdString(error)));
    layout->addWidget(info_);

    auto* split = new QSplitter(Qt::Horizontal, this);
    view_ = new QPlainTextEdit(split);
    view_->setObjectName(QStringLiteral("diagnoseLog"));
    view_->setFont(mono);
    view_->setLineWrapMode(QPlainTextEdit::NoWrap);
    view_->setAcceptDrops(false);  // a dropped file goes to the panel, which loads it
    view_->setPlaceholderText(tr("Paste a log here, or drop a log file on this panel."));
    auto* right = new QWidget(split);
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    table_ = new QTableView(right);
    table_->setObjectName(QStringLiteral("diagnoseFindings"));
    table_->setModel(findings_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Interactive);
    table_->horizontalHeader()->setMinimumSectionSize(60);
    table_->horizontalHeader()->resizeSection(2, 90);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    details_ = new QTextBrowser(right);
    details_->setObjectName(QStringLiteral("diagnoseDetails"));
    summary_error_ = new QLabel(right);
    summary_error_->setObjectName(QStringLiteral("diagnoseSummaryError"));
    summary_error_->setWordWrap(true);
    summary_error_->setStyleSheet(QStringLiteral("QLabel { color: #c0392b; background: #fdecea; padding: 4px; }"));
    summary_error_->hide();
    commands_ = new QListWidget(right);
    commands_->setObjectName(QStringLiteral("diagnoseCommands"));
    commands_->setFont(mono);
    commands_->setMaximumHeight(110);
    send_ = new QPushButton(tr("Send to Commands"), right);
    send_->setObjectName(QStringLiteral("diagnoseSend"));
    send_->setEnabled(false);
    rl->addWidget(table_, 2);
    rl->addWidget(summary_error_);
    rl->addWidget(details_, 3);
    rl->addWidget(new QLabel(tr("Evidence commands (read-only):"), right));
    rl->addWidget(commands_);
    rl->addWidget(send_, 0, Qt::AlignRight);
    split->addWidget(view_);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    // The findings keep a readable width in a small window; the log view gives way instead.
    split->setChildrenCollapsible(false);
    right->setMinimumWidth(300);
    view_->setMinimumWidth(160);
    layout->addWidget(split, 1);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open log"));
        if (!path.isEmpty()) openFile(path);
    });
    connect(analyse_, &QPushButton::clicked, this, &DiagnosePanel::analyse);
    connect(cancel_, &QPushButton::clicked, this, &DiagnosePanel::cancelAnalysis);
    connect(summarise_, &QPushButton::clicked, this, &DiagnosePanel::summarise);
    connect(redacted_, &QCheckBox::toggled, this, &DiagnosePanel::setShowRedacted);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showFinding(current.row()); });
    connect(commands_, &QListWidget::currentRowChanged, this, [this](int r) { send_->setEnabled(r >= 0); });
    connect(send_, &QPushButton::clicked, this, [this] {
        if (auto* item = commands_->currentItem()) emit sendToCommands(item->text());
    });
    connect(context_, &AppContext::redactOptionsChanged, this, &DiagnosePanel::applyRedactOptions);
    // A model that finishes loading after the analysis can still write the summary.
    connect(context_, &AppContext::backendChanged, this, [this] {
        const bool idle = analyse_->isEnabled() && !job_->running();
        summarise_->setEnabled(idle && has_result_ && !result_.report.findings.empty() && context_->backend());
    });
    connect(job_, &GenerationJob::rateChanged, context_, &AppContext::generationRate);
    connect(job_, &GenerationJob::done, this, [this](const QString& text, const app::GenerationStats& stats) {
        if (!pack_) return;
        const app::DiagnoseTask task(*pack_);
        result_ = task.finish(result_, text, stats);
        summarise_->setEnabled(true);
        summarise_->setText(tr("Summarise with model"));
        show_details();
        record(session_id_);  // the summary joins the stored diagnosis, replacing the entry without it
        emit statusMessage(tr("Summary written"));
        emit summarised();
    });
    connect(job_, &GenerationJob::failed, this, [this](const QString& m, bool cancelled) {
        summarise_->setEnabled(true);
        summarise_->setText(tr("Summarise with model"));
        summary_error_->setText(cancelled ? tr("Summary stopped.") : tr("Summary failed: %1").arg(m));
        summary_error_->show();
        emit summarised();
    });
    connect(job_, &GenerationJob::token, this,
            [this](const QString&) { summarise_->setText(tr("Summarising… %1 tokens").arg(job_->text().size())); });
    connect(context_->history(), &HistoryService::jobRecorded, this,
            [this](quint64 ticket, qint64 id, const QString& warning) {
                if (ticket != record_ticket_) return;
                session_id_ = id;
                if (!warning.isEmpty()) emit statusMessage(tr("Not saved to history: %1").arg(warning));
            });
    auto* esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    esc->setContext(Qt::WidgetWithChildrenShortcut);
    connect(esc, &QShortcut::activated, this, [this] {
        if (analysing_) cancelAnalysis();
        else job_->cancel();
    });
}

DiagnosePanel::~DiagnosePanel() = default;

void DiagnosePanel::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void DiagnosePanel::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        openFile(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

void DiagnosePanel::set_running(bool running) {
    analysing_ = running;
    if (running) progress_->setValue(0);
    progress_->setVisible(running);
    cancel_->setVisible(running);
    analyse_->setEnabled(!running);
    if (running) summarise_->setEnabled(false);
}

void DiagnosePanel::openFile(const QString& path) {
    if (!analysis_) return;
    from_file_ = true;
    rerun_ = false;
    has_result_ = false;
    session_id_ = 0;
    if (window_) window_->cancel();
    source_path_ = path;
    view_->clear();
    view_->setReadOnly(true);
    info_->clear();
    summary_error_->hide();
    set_running(true);
    findings_->set_findings({});
    analysis_->start_file(path);
}

void DiagnosePanel::analyse() {
    if (!analysis_) return;
    from_file_ = false;
    rerun_ = false;
    has_result_ = false;
    session_id_ = 0;
    if (window_) window_->cancel();
    source_path_.clear();
    view_first_line_ = 1;
    view_->setReadOnly(redacted_->isChecked());
    const QString text = redacted_->isChecked() ? original_ : view_->toPlainText();
    original_ = text;
    info_->clear();  // a line about an earlier file or session no longer applies
    summary_error_->hide();
    set_running(true);
    analysis_->start_text(text);
}

void DiagnosePanel::cancelAnalysis() {
    if (!analysing_ || !analysis_) return;
    analysis_->cancel();
    rerun_ = false;
    set_running(false);
    findings_->set_findings({});
    result_ = app::DiagnoseResult{};
    has_result_ = false;
    finding_row_ = -1;
    details_->clear();
    commands_->clear();
    info_->setText(tr("Analysis cancelled; nothing was recorded. Analyse again to read the whole log."));
    emit statusMessage(tr("Analysis cancelled"));
}

QString DiagnosePanel::session_title() const {
    // Logs often begin alike (a boot banner, the same service): the title says what was found, in
    // what, and when, so two loads of one log are told apart.
    const QString found = result_.report.findings.empty()
                              ? tr("No known signature")
                              : QString::fromStdString(result_.report.findings.front().title);
    const QString source = from_file_ && !source_path_.isEmpty()
                               ? QFileInfo(source_path_).fileName()
                               : tr("pasted log, %n line(s)", nullptr, static_cast<int>(result_.report.lines_read));
    return tr("%1 — %2, %3")
        .arg(found, source, QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
}

void DiagnosePanel::record(qint64 replaces) {
    app::JobRecord job;
    job.panel = app::Panel::Diagnose;
    // The whole (redacted) log: evidence anywhere in it stays searchable and restores in place.
    // A large file is represented by the part the view shows.
    job.request = redacted_text_;
    QJsonObject result = result_.to_json();
    if (!result_.raw_output.isEmpty()) result.insert(QStringLiteral("raw_output"), result_.raw_output);
    job.result = result;
    job.raw_output = result_.raw_output;
    job.stats = result_.stats;
    job.model = result_.raw_output.isEmpty() ? QStringLiteral("rules") : context_->backend_model();
    job.backend = result_.raw_output.isEmpty() ? QStringLiteral("rules") : context_->backend_kind();
    record_ticket_ = context_->history()->recordJob(job, replaces, session_title());
}

void DiagnosePanel::on_finished(const app::DiagnoseResult& result) {
    if (!analysing_) return;  // cancelled: a result that was already on its way is dropped
    result_ = result;
    set_running(false);
    findings_->set_findings(result.report.findings);
    finding_row_ = -1;
    if (!result.report.findings.empty()) table_->selectRow(0);
    show_details();
    summarise_->setEnabled(!result.report.findings.empty() && context_->backend());
    has_result_ = true;
    if (std::exchange(rerun_, false)) {
        // The same input again under new redaction options: not a new job for the history.
        emit analysed();
        return;
    }
    if (redacted_text_.isEmpty() && !from_file_)
        redacted_text_ =
            QString::fromStdString(domain::Redactor(context_->redact_options()).redact(original_.toStdString()));
    record(0);
    emit statusMessage(tr("%n finding(s)", nullptr, static_cast<int>(result.report.findings.size())));
    emit analysed();
}

void DiagnosePanel::show_details() {
    const domain::Finding* f = findings_->finding(finding_row_ >= 0 ? finding_row_ : 0);
    QString html;
    QStringList commands;
    if (f) {
        // The selected finding's own category, cause, steps and commands.
        html += tr("<h3>%1</h3>").arg(QString::fromStdString(f->title).toHtmlEscaped());
        html += tr("<p>Category: <b>%1</b> · severity %2 · lines %3</p>")
                    .arg(QString::fromStdString(f->category).toHtmlEscaped(),
                         QString::fromLatin1(domain::severity_name(f->severity)),
                         FindingsModel::line_list(*f, 12).toHtmlEscaped());
        if (!f->explanation.empty())
            html +=
                tr("<p><b>Root cause</b> (rules): %1</p>").arg(QString::fromStdString(f->explanation).toHtmlEscaped());
        if (!f->root_causes.empty()) html += tr("<p><b>Possible causes</b></p>") + html_list(f->root_causes, "ul");
        if (!f->remediation.empty()) html += tr("<p><b>Next steps</b></p>") + html_list(f->remediation, "ol");
        for (const std::string& c : f->commands) commands << QString::fromStdString(c);
    } else if (has_result_) {
        html += tr("<h3>Category: %1</h3>").arg(result_.category.toHtmlEscaped());
        html += tr("<p>No known failure signature matched.</p>");
        if (!result_.report.nearest.empty()) {
            html += tr("<p><b>Closest categories</b></p><ul>");
            for (const domain::Finding& n : result_.report.nearest)
                html += QStringLiteral("<li>%1 (%2)</li>")
                            .arg(QString::fromStdString(n.title).toHtmlEscaped(),
                                 QString::fromStdString(n.category).toHtmlEscaped());
            html += QStringLiteral("</ul>");
        }
        commands = result_.commands;
    }
    // The model's summary is about the whole log, shown apart from the selected finding.
    if (result_.summary_source == QLatin1String("model")) {
        html += tr("<hr><p><b>Model summary</b> (%1): %2</p>")
                    .arg(context_->backend_model().section(QLatin1Char('/'), -1).toHtmlEscaped(),
                         result_.root_cause.toHtmlEscaped());
        if (!result_.next_steps.isEmpty()) {
            html += QStringLiteral("<ol>");
            for (const QString& s : result_.next_steps) html += QStringLiteral("<li>%1</li>").arg(s.toHtmlEscaped());
            html += QStringLiteral("</ol>");
        }
    } else if (!result_.raw_output.trimmed().isEmpty()) {
        html += tr("<hr><p><b>Model summary</b>: the answer did not follow the summary format, so the rules' findings "
                   "above "
                   "stand. As written:</p><pre>%1</pre>")
                    .arg(result_.raw_output.left(2000).toHtmlEscaped());
    }
    details_->setHtml(html);
    commands_->clear();
    commands_->addItems(commands);
}

void DiagnosePanel::showFinding(int row) {
    const domain::Finding* f = findings_->finding(row);
    if (!f) return;
    finding_row_ = row;
    show_details();
    if (f->evidence.empty()) return;
    const qint64 line = static_cast<qint64>(f->evidence.front().line);
    const qint64 shown_last = view_first_line_ + view_->document()->blockCount() - 1;
    if (from_file_ && window_ && !source_path_.isEmpty() && (line < view_first_line_ || line > shown_last)) {
        // Beyond what the view holds: read the lines around it on a worker, then highlight.
        window_row_ = row;
        info_->setText(tr("Reading the lines around line %1…").arg(line));
        window_->start(source_path_, line, context_->redact_options());
        return;
    }
    highlight(row);
}

void DiagnosePanel::highlight(int row) {
    const domain::Finding* f = findings_->finding(row);
    if (!f) return;
    QList<QTextEdit::ExtraSelection> marks;
    QTextCursor first;
    for (const auto& e : f->evidence) {
        const qint64 block_number = static_cast<qint64>(e.line) - view_first_line_;
        if (block_number < 0 || block_number >= view_->document()->blockCount()) continue;
        const QTextBlock block = view_->document()->findBlockByNumber(static_cast<int>(block_number));
        if (!block.isValid()) continue;
        QTextEdit::ExtraSelection sel;
        sel.format.setBackground(QColor(0xff, 0xe0, 0x8a));
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        sel.cursor = QTextCursor(block);
        sel.cursor.clearSelection();
        if (first.isNull()) first = sel.cursor;
        marks << sel;
    }
    view_->setExtraSelections(marks);
    if (!first.isNull()) {
        view_->setTextCursor(first);
        view_->centerCursor();
    }
    emit evidenceShown(row);
}

void DiagnosePanel::setShowRedacted(bool on) {
    if (on) {
        if (!from_file_) {
            original_ = view_->toPlainText();
            redacted_text_ =
                QString::fromStdString(domain::Redactor(context_->redact_options()).redact(original_.toStdString()));
        }
        view_->setPlainText(redacted_text_);
        view_->setReadOnly(true);
    } else {
        view_->setPlainText(original_);
        view_->setReadOnly(from_file_);
    }
    // New text drops the marks (they would all fall to line 1): mark the selected finding again.
    if (finding_row_ >= 0) highlight(finding_row_);
}

void DiagnosePanel::applyRedactOptions() {
    if (!analysis_) return;
    analysis_->set_redact_options(context_->redact_options());
    // Evidence is redacted as the rules find it, so the findings, the stored request and the model's
    // prompt follow new options only by analysing the same input again.
    if (has_result_ || analysis_->running()) {
        rerun_ = has_result_;
        set_running(true);
        if (from_file_ && !source_path_.isEmpty()) analysis_->start_file(source_path_);
        else analysis_->start_text(original_);
        return;
    }
    if (redacted_->isChecked() && !from_file_) {
        redacted_text_ =
            QString::fromStdString(domain::Redactor(context_->redact_options()).redact(original_.toStdString()));
        view_->setPlainText(redacted_text_);
    }
}

void DiagnosePanel::summarise() {
    if (!pack_ || result_.report.findings.empty() || !context_->backend()) return;
    const app::DiagnoseTask task(*pack_);
    summarise_->setEnabled(false);
    summarise_->setText(tr("Summarising…"));
    summary_error_->hide();
    job_->start(context_->backend(), task.prepare(result_));
}

void DiagnosePanel::restore(const app::Session& session) {
    if (session.turns.empty()) return;
    const app::Turn& t = session.turns.back();
    if (analysing_ && analysis_) analysis_->cancel();
    set_running(false);
    if (window_) window_->cancel();
    job_->cancel();
    from_file_ = false;
    rerun_ = false;
    source_path_.clear();
    view_first_line_ = 1;
    session_id_ = session.id;
    // The stored log is the redacted one the user saw findings in; its line numbers are the evidence's.
    original_ = t.request;
    redacted_text_ = t.request;
    view_->setReadOnly(false);
    view_->setPlainText(t.request);
    result_ = result_from_json(QJsonDocument::fromJson(t.result_json.toUtf8()).object());
    if (result_.raw_output.isEmpty()) result_.raw_output = t.raw_output;
    has_result_ = true;
    findings_->set_findings(result_.report.findings);
    finding_row_ = -1;
    summary_error_->hide();
    info_->setText(tr("Restored from history: %1").arg(session.title));
    if (!result_.report.findings.empty()) table_->selectRow(0);
    show_details();
    summarise_->setEnabled(!result_.report.findings.empty() && context_->backend());
}

}  // namespace sigma::ui
