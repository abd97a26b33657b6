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
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBlock>
#include <QTextBrowser>
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
                    original_ = text;
                    redacted_text_ = redacted;
                    view_first_line_ = 1;
                    if (from_file_) view_->setPlainText(redacted_->isChecked() ? redacted_text_ : original_);
                    else if (redacted_->isChecked()) view_->setPlainText(redacted_text_);
                    info_->setText(truncated ? tr("%1 MB log; the view shows the first 512 KB, the rules read all of it.")
                                                   .arg(total / (1024.0 * 1024.0), 0, 'f', 1)
                                             : QString());
                });
        connect(analysis_, &LogAnalysis::finished, this, &DiagnosePanel::on_finished);
        window_ = new LogWindowReader(this);
        connect(window_, &LogWindowReader::ready, this, [this](qint64 first, const QString& text, const QString& redacted) {
            if (!from_file_) return;
            original_ = text;
            redacted_text_ = redacted;
            view_first_line_ = first;
            view_->setPlainText(redacted_->isChecked() ? redacted_text_ : original_);
            const qint64 last = first + view_->document()->blockCount() - 1;
            info_->setText(tr("Showing lines %1–%2 of %3, around the selected finding's evidence; the rules read all of it.")
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
            progress_->hide();
            analyse_->setEnabled(true);
            info_->setText(m);
            emit statusMessage(m);
        });
    }
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<b>Diagnose</b> — paste a log or drop a file; findings cite their evidence."), this));
    auto* row = new QHBoxLayout;
    auto* open = new QPushButton(tr("Open file…"), this);
    open->setObjectName(QStringLiteral("diagnoseOpen"));
    analyse_ = new QPushButton(tr("Analyse"), this);
    analyse_->setObjectName(QStringLiteral("diagnoseAnalyse"));
    summarise_ = new QPushButton(tr("Summarise with model"), this);
    summarise_->setObjectName(QStringLiteral("diagnoseSummarise"));
    summarise_->setEnabled(false);
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
    layout->addWidget(progress_);
    info_ = new QLabel(this);
    info_->setObjectName(QStringLiteral("diagnoseInfo"));
    info_->setWordWrap(true);
    if (!pack_) info_->setText(tr("The diagnosis signatures could not be loaded: %1").arg(QString::fromStdString(error)));
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
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table_->verticalHeader()->hide();
    details_ = new QTextBrowser(right);
    details_->setObjectName(QStringLiteral("diagnoseDetails"));
    commands_ = new QListWidget(right);
    commands_->setObjectName(QStringLiteral("diagnoseCommands"));
    commands_->setFont(mono);
    commands_->setMaximumHeight(110);
    send_ = new QPushButton(tr("Send to Commands"), right);
    send_->setObjectName(QStringLiteral("diagnoseSend"));
    send_->setEnabled(false);
    rl->addWidget(table_, 2);
    rl->addWidget(details_, 3);
    rl->addWidget(new QLabel(tr("Evidence commands (read-only):"), right));
    rl->addWidget(commands_);
    rl->addWidget(send_, 0, Qt::AlignRight);
    split->addWidget(view_);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open log"));
        if (!path.isEmpty()) openFile(path);
    });
    connect(analyse_, &QPushButton::clicked, this, &DiagnosePanel::analyse);
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
        show_details();
        emit summarised();
    });
    connect(job_, &GenerationJob::failed, this, [this](const QString& m, bool) {
        summarise_->setEnabled(true);
        emit statusMessage(tr("Summary failed: %1").arg(m));
        emit summarised();
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

void DiagnosePanel::openFile(const QString& path) {
    if (!analysis_) return;
    from_file_ = true;
    rerun_ = false;
    if (window_) window_->cancel();
    source_path_ = path;
    view_->clear();
    view_->setReadOnly(true);
    progress_->setValue(0);
    progress_->show();
    analyse_->setEnabled(false);
    summarise_->setEnabled(false);
    findings_->set_findings({});
    analysis_->start_file(path);
}

void DiagnosePanel::analyse() {
    if (!analysis_) return;
    from_file_ = false;
    rerun_ = false;
    if (window_) window_->cancel();
    source_path_.clear();
    view_first_line_ = 1;
    view_->setReadOnly(redacted_->isChecked());
    const QString text = redacted_->isChecked() ? original_ : view_->toPlainText();
    original_ = text;
    progress_->setValue(0);
    progress_->show();
    analyse_->setEnabled(false);
    summarise_->setEnabled(false);
    analysis_->start_text(text);
}

void DiagnosePanel::on_finished(const app::DiagnoseResult& result) {
    result_ = result;
    progress_->hide();
    analyse_->setEnabled(true);
    findings_->set_findings(result.report.findings);
    show_details();
    summarise_->setEnabled(!result.report.findings.empty() && context_->backend());
    has_result_ = true;
    if (std::exchange(rerun_, false)) {
        // The same input again under new redaction options: not a new job for the history.
        emit analysed();
        return;
    }
    app::JobRecord job;
    job.panel = app::Panel::Diagnose;
    job.request = redacted_text_.left(4000);
    job.result = result.to_json();
    job.model = QStringLiteral("rules");
    job.backend = QStringLiteral("rules");
    context_->history()->recordJob(job);
    emit statusMessage(tr("%n finding(s)", nullptr, static_cast<int>(result.report.findings.size())));
    emit analysed();
}

void DiagnosePanel::show_details() {
    QString html = tr("<h3>Category: %1</h3>").arg(result_.category.toHtmlEscaped());
    if (!result_.root_cause.isEmpty())
        html += tr("<p><b>Root cause</b> (%1): %2</p>").arg(result_.summary_source, result_.root_cause.toHtmlEscaped());
    if (!result_.next_steps.isEmpty()) {
        html += tr("<p><b>Next steps</b></p><ol>");
        for (const QString& s : result_.next_steps) html += QStringLiteral("<li>%1</li>").arg(s.toHtmlEscaped());
        html += QStringLiteral("</ol>");
    }
    if (result_.report.findings.empty()) html += tr("<p>No known failure signature matched.</p>");
    details_->setHtml(html);
    commands_->clear();
    commands_->addItems(result_.commands);
}

void DiagnosePanel::showFinding(int row) {
    const domain::Finding* f = findings_->finding(row);
    if (!f || f->evidence.empty()) return;
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
            redacted_text_ = QString::fromStdString(domain::Redactor(context_->redact_options()).redact(original_.toStdString()));
        }
        view_->setPlainText(redacted_text_);
        view_->setReadOnly(true);
    } else {
        view_->setPlainText(original_);
        view_->setReadOnly(from_file_);
    }
}

void DiagnosePanel::applyRedactOptions() {
    if (!analysis_) return;
    analysis_->set_redact_options(context_->redact_options());
    // Evidence is redacted as the rules find it, so the findings, the stored request and the model's
    // prompt follow new options only by analysing the same input again.
    if (has_result_ || analysis_->running()) {
        rerun_ = has_result_;
        progress_->setValue(0);
        progress_->show();
        analyse_->setEnabled(false);
        summarise_->setEnabled(false);
        if (from_file_ && !source_path_.isEmpty()) analysis_->start_file(source_path_);
        else analysis_->start_text(original_);
        return;
    }
    if (redacted_->isChecked() && !from_file_) {
        redacted_text_ = QString::fromStdString(domain::Redactor(context_->redact_options()).redact(original_.toStdString()));
        view_->setPlainText(redacted_text_);
    }
}

void DiagnosePanel::summarise() {
    if (!pack_ || result_.report.findings.empty() || !context_->backend()) return;
    const app::DiagnoseTask task(*pack_);
    summarise_->setEnabled(false);
    job_->start(context_->backend(), task.prepare(result_));
}

void DiagnosePanel::restore(const app::Session& session) {
    if (session.turns.empty()) return;
    const app::Turn& t = session.turns.back();
    from_file_ = false;
    has_result_ = false;
    source_path_.clear();
    view_first_line_ = 1;
    view_->setPlainText(t.request);
    original_ = t.request;
    const QJsonObject o = QJsonDocument::fromJson(t.result_json.toUtf8()).object();
    app::DiagnoseResult r;
    r.category = o.value(QStringLiteral("category")).toString(r.category);
    r.root_cause = o.value(QStringLiteral("root_cause")).toString();
    for (const auto& v : o.value(QStringLiteral("next_steps")).toArray()) r.next_steps << v.toString();
    for (const auto& v : o.value(QStringLiteral("commands")).toArray()) r.commands << v.toString();
    result_ = r;
    findings_->set_findings({});
    show_details();
}

}  // namespace sigma::ui
