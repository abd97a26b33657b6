// CommandPanel: request -> streamed answer -> validated command, with confirmation before running.
// Not a validator: CommandTask::finish/check produce every message and risk shown here.
#include "ui/command_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "app/job_recorder.h"
#include "ui/app_context.h"
#include "ui/generation_job.h"
#include "ui/history_service.h"
#include "ui/risk_badge.h"
#include "ui/run_dialog.h"

namespace sigma::ui {

namespace {

// A stored result back into a value (the inverse of CommandResult::to_json for the shown fields).
app::CommandResult result_from_json(const QJsonObject& o) {
    app::CommandResult r;
    r.command = o.value(QStringLiteral("command")).toString();
    r.explanation = o.value(QStringLiteral("explanation")).toString();
    r.risk = o.value(QStringLiteral("risk")).toString(r.risk);
    r.valid = o.value(QStringLiteral("valid")).toBool();
    for (const auto& v : o.value(QStringLiteral("reasons")).toArray()) r.reasons << v.toString();
    for (const auto& v : o.value(QStringLiteral("messages")).toArray()) {
        const QJsonObject m = v.toObject();
        app::ValidationMessage msg;
        msg.severity = m.value(QStringLiteral("severity")).toString();
        msg.text = m.value(QStringLiteral("text")).toString();
        for (const auto& s : m.value(QStringLiteral("suggestions")).toArray()) msg.suggestions << s.toString();
        r.messages << msg;
    }
    for (const auto& v : o.value(QStringLiteral("flags")).toArray()) {
        const QJsonObject f = v.toObject();
        app::FlagExplanation flag{f.value(QStringLiteral("flag")).toString(), f.value(QStringLiteral("meaning")).toString(),
                                  f.value(QStringLiteral("value")).toString(), {},
                                  f.value(QStringLiteral("program")).toString()};
        for (const auto& d : f.value(QStringLiteral("details")).toArray())
            flag.details.push_back({d.toObject().value(QStringLiteral("item")).toString(),
                                    d.toObject().value(QStringLiteral("meaning")).toString()});
        r.flags << flag;
    }
    return r;
}

QPushButton* action(const QString& text, const char* name, QWidget* parent) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(QLatin1String(name));
    b->setEnabled(false);
    return b;
}

}  // namespace

CommandPanel::CommandPanel(AppContext* context, QWidget* parent)
    : QWidget(parent), context_(context), job_(new GenerationJob(this)), explain_job_(new GenerationJob(this)) {
    setObjectName(QStringLiteral("commandPanel"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* layout = new QVBoxLayout(this);

    auto* title = new QLabel(tr("<b>Commands</b> — describe what you want; get one checked command."), this);
    layout->addWidget(title);
    request_ = new QPlainTextEdit(this);
    request_->setObjectName(QStringLiteral("commandRequest"));
    request_->setPlaceholderText(tr("e.g. show GPU memory use every second   (Ctrl+Enter to send, Esc to stop)"));
    request_->setMaximumHeight(90);
    layout->addWidget(request_);

    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Shell:"), this));
    shell_ = new QComboBox(this);
    shell_->setObjectName(QStringLiteral("shellSelector"));
    shell_->addItems({QStringLiteral("bash"), QStringLiteral("zsh"), QStringLiteral("sh"), QStringLiteral("fish")});
    row->addWidget(shell_);
    row->addStretch();
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setObjectName(QStringLiteral("commandStop"));
    stop_->setEnabled(false);
    send_ = new QPushButton(tr("Generate"), this);
    send_->setObjectName(QStringLiteral("commandSend"));
    row->addWidget(stop_);
    row->addWidget(send_);
    layout->addLayout(row);

    stream_ = new QPlainTextEdit(this);
    stream_->setObjectName(QStringLiteral("commandStream"));
    stream_->setReadOnly(true);
    stream_->setFont(mono);
    stream_->setPlaceholderText(tr("The model's answer streams here."));
    stream_->setMaximumHeight(110);
    layout->addWidget(stream_);

    auto* box = new QGroupBox(tr("Result"), this);
    auto* bl = new QVBoxLayout(box);
    auto* cmd_row = new QHBoxLayout;
    command_ = new QLineEdit(box);
    command_->setObjectName(QStringLiteral("commandText"));
    command_->setReadOnly(true);
    command_->setFont(mono);
    command_->setPlaceholderText(tr("No command yet"));
    badge_ = make_risk_badge(QString(), box);
    cmd_row->addWidget(command_, 1);
    cmd_row->addWidget(badge_);
    bl->addLayout(cmd_row);
    explanation_ = new QLabel(box);
    explanation_->setObjectName(QStringLiteral("commandExplanation"));
    explanation_->setWordWrap(true);
    explanation_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bl->addWidget(explanation_);
    messages_ = new QLabel(box);
    messages_->setObjectName(QStringLiteral("commandMessages"));
    messages_->setWordWrap(true);
    messages_->setTextFormat(Qt::RichText);
    bl->addWidget(messages_);
    flags_ = new QTreeWidget(box);
    flags_->setObjectName(QStringLiteral("commandFlags"));
    flags_->setColumnCount(3);
    flags_->setHeaderLabels({tr("Flag"), tr("Value"), tr("Meaning")});
    flags_->setRootIsDecorated(false);
    flags_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    flags_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    bl->addWidget(flags_, 1);
    auto* actions = new QHBoxLayout;
    copy_ = action(tr("Copy"), "commandCopy", box);
    explain_ = action(tr("Explain more"), "commandExplain", box);
    regenerate_ = action(tr("Regenerate"), "commandRegenerate", box);
    edit_ = action(tr("Edit"), "commandEdit", box);
    run_ = action(tr("Run…"), "commandRun", box);
    for (QPushButton* b : {copy_, explain_, regenerate_, edit_}) actions->addWidget(b);
    actions->addStretch();
    actions->addWidget(run_);
    bl->addLayout(actions);
    layout->addWidget(box, 1);

    connect(send_, &QPushButton::clicked, this, &CommandPanel::send);
    connect(stop_, &QPushButton::clicked, this, &CommandPanel::stop);
    connect(copy_, &QPushButton::clicked, this, &CommandPanel::copyCommand);
    connect(explain_, &QPushButton::clicked, this, &CommandPanel::explainMore);
    connect(regenerate_, &QPushButton::clicked, this, &CommandPanel::regenerate);
    connect(edit_, &QPushButton::clicked, this, &CommandPanel::toggleEdit);
    connect(run_, &QPushButton::clicked, this, &CommandPanel::openRunDialog);
    connect(command_, &QLineEdit::returnPressed, this, [this] { if (!command_->isReadOnly()) toggleEdit(); });
    auto* send_key = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), request_);
    send_key->setContext(Qt::WidgetShortcut);
    connect(send_key, &QShortcut::activated, this, &CommandPanel::send);
    auto* send_key2 = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), request_);
    send_key2->setContext(Qt::WidgetShortcut);
    connect(send_key2, &QShortcut::activated, this, &CommandPanel::send);
    auto* stop_key = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    stop_key->setContext(Qt::WidgetWithChildrenShortcut);
    connect(stop_key, &QShortcut::activated, this, &CommandPanel::stop);

    connect(job_, &GenerationJob::token, this, [this](const QString& piece) {
        stream_->moveCursor(QTextCursor::End);
        stream_->insertPlainText(piece);
    });
    connect(job_, &GenerationJob::rateChanged, context_, &AppContext::generationRate);
    connect(job_, &GenerationJob::done, this, &CommandPanel::on_done);
    connect(job_, &GenerationJob::failed, this, &CommandPanel::on_failed);
    connect(explain_job_, &GenerationJob::token, this, [this](const QString& piece) {
        stream_->moveCursor(QTextCursor::End);
        stream_->insertPlainText(piece);
    });
    connect(explain_job_, &GenerationJob::rateChanged, context_, &AppContext::generationRate);
    connect(explain_job_, &GenerationJob::done, this, [this] { set_busy(false); });
    connect(explain_job_, &GenerationJob::failed, this, &CommandPanel::on_failed);
    connect(context_->history(), &HistoryService::jobRecorded, this, [this](quint64 ticket, qint64 id, const QString& warning) {
        if (ticket != record_ticket_) return;
        session_id_ = id;
        if (!warning.isEmpty()) emit statusMessage(tr("Not saved to history: %1").arg(warning));
    });
}

app::CommandRequest CommandPanel::current_request() const {
    app::CommandRequest r;
    r.request = request_->toPlainText().trimmed();
    r.shell = shell_->currentText();
    return r;
}

void CommandPanel::setRequest(const QString& text) { request_->setPlainText(text); }

void CommandPanel::set_busy(bool busy) {
    send_->setEnabled(!busy);
    stop_->setEnabled(busy);
}

void CommandPanel::send() {
    const app::CommandRequest req = current_request();
    if (req.request.isEmpty() || job_->running() || explain_job_->running()) return;
    if (!context_->backend()) {
        emit statusMessage(tr("No model: %1").arg(context_->backend_note()));
        messages_->setText(tr("<span style='color:#c0392b'>No model is available: %1</span>").arg(context_->backend_note().toHtmlEscaped()));
        return;
    }
    last_request_ = req;
    stream_->clear();
    app::CommandTask task(context_->corpus());
    app::GenerationRequest generation = task.prepare(req);
    generation.temperature = context_->temperature();
    job_->start(context_->backend(), generation);
    set_busy(true);
    emit statusMessage(tr("Generating…"));
}

void CommandPanel::stop() {
    job_->cancel();
    explain_job_->cancel();
}

void CommandPanel::regenerate() {
    if (!last_request_.request.isEmpty()) request_->setPlainText(last_request_.request);
    send();
}

void CommandPanel::on_done(const QString& text, const app::GenerationStats& stats) {
    set_busy(false);
    app::CommandTask task(context_->corpus());
    const app::CommandResult r = task.finish(last_request_, text, stats);
    session_id_ = 0;
    app::JobRecord job;
    job.panel = app::Panel::Commands;
    job.request = last_request_.request;
    job.raw_output = text;
    job.result = r.to_json();
    job.stats = stats;
    job.model = context_->backend_model();
    job.backend = context_->backend_kind();
    record_ticket_ = context_->history()->recordJob(job);
    showResult(r);
    emit statusMessage(tr("Done: %1 tokens").arg(stats.completion_tokens));
}

void CommandPanel::on_failed(const QString& message, bool cancelled) {
    set_busy(false);
    const QString text = cancelled ? tr("Stopped") : tr("Generation failed: %1").arg(message);
    if (!cancelled) messages_->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(text.toHtmlEscaped()));
    emit statusMessage(text);
}

void CommandPanel::showResult(const app::CommandResult& result) {
    result_ = result;
    command_->setReadOnly(true);
    edit_->setText(tr("Edit"));
    command_->setText(result.command);
    set_risk_badge(badge_, result.command.isEmpty() ? QString() : result.risk);
    QString expl = result.explanation;
    if (!result.reasons.isEmpty()) expl += (expl.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Risk: %1").arg(result.reasons.join(QStringLiteral("; ")));
    explanation_->setText(expl);
    QStringList lines;
    if (!result.valid) lines << tr("<b style='color:#c0392b'>Not valid</b>");
    for (const app::ValidationMessage& m : result.messages) {
        const QString colour = m.severity == QLatin1String("error") ? QStringLiteral("#c0392b")
                             : m.severity == QLatin1String("warning") ? QStringLiteral("#c98a00") : QStringLiteral("#555");
        QString line = QStringLiteral("<span style='color:%1'>%2:</span> %3").arg(colour, m.severity.toHtmlEscaped(), m.text.toHtmlEscaped());
        if (!m.suggestions.isEmpty()) line += tr(" — did you mean: <code>%1</code>").arg(m.suggestions.join(QStringLiteral(", ")).toHtmlEscaped());
        lines << line;
    }
    messages_->setText(lines.join(QStringLiteral("<br>")));
    flags_->clear();
    // Parts of a value (query fields, -d sections, enum names) are child rows under their flag.
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    bool any_details = false;
    for (const app::FlagExplanation& f : result.flags) {
        auto* item = new QTreeWidgetItem(flags_, {f.flag, f.value, f.meaning});
        item->setFont(0, fixed);
        item->setFont(1, fixed);
        item->setToolTip(2, f.meaning);
        if (!f.program.isEmpty()) item->setToolTip(0, tr("option of %1").arg(f.program));
        for (const app::FlagDetail& d : f.details) {
            auto* sub = new QTreeWidgetItem(item, {QString(), d.item, d.meaning});
            sub->setFont(1, fixed);
            sub->setToolTip(2, d.meaning);
        }
        any_details = any_details || !f.details.isEmpty();
    }
    flags_->setRootIsDecorated(any_details);
    flags_->expandAll();
    const bool has = !result.command.isEmpty();
    for (QPushButton* b : {copy_, explain_, edit_, run_}) b->setEnabled(has);
    regenerate_->setEnabled(!last_request_.request.isEmpty());
    emit resultShown();
}

void CommandPanel::copyCommand() {
    if (result_.command.isEmpty()) return;
    QApplication::clipboard()->setText(result_.command);
    emit statusMessage(tr("Copied the command"));
}

void CommandPanel::explainMore() {
    if (result_.command.isEmpty() || !context_->backend() || job_->running() || explain_job_->running()) return;
    app::GenerationRequest req;
    req.messages = {{QStringLiteral("system"), QStringLiteral("You explain shell commands for site reliability engineers: what each part does and what could go wrong. Be brief.")},
                    {QStringLiteral("user"), QStringLiteral("Explain: %1").arg(result_.command)}};
    req.max_tokens = 256;
    stream_->clear();
    explain_job_->start(context_->backend(), req);
    set_busy(true);
}

void CommandPanel::toggleEdit() {
    if (command_->isReadOnly()) {
        command_->setReadOnly(false);
        command_->setFocus();
        edit_->setText(tr("Check"));
        return;
    }
    // Re-validate what the user wrote; the request it answered stays the same.
    app::CommandResult checked = app::CommandTask::check(command_->text().trimmed());
    checked.request = result_.request;
    showResult(checked);
}

void CommandPanel::openRunDialog() {
    if (result_.command.isEmpty()) return;
    if (dialog_) dialog_->deleteLater();
    dialog_ = new RunDialog(result_.command, result_.risk, result_.reasons, this);
    dialog_->setAttribute(Qt::WA_DeleteOnClose, false);
    const qint64 session = session_id_;
    const QString command = result_.command;
    connect(dialog_, &RunDialog::executed, this, [this, session, command](const app::ExecutionResult& r) {
        if (session <= 0) return;
        app::Execution e;
        e.session_id = session;
        e.command = command;
        e.exit_code = r.exit_code;
        e.duration_ms = r.duration_ms;
        e.output_excerpt = r.output_excerpt;
        context_->history()->recordExecution(e);
        emit executionRecorded(session);
    });
    dialog_->open();
}

void CommandPanel::restore(const app::Session& session) {
    if (session.turns.empty()) return;
    const app::Turn& t = session.turns.back();
    request_->setPlainText(t.request);
    stream_->setPlainText(t.raw_output);
    last_request_.request = t.request;
    session_id_ = session.id;
    app::CommandResult r = result_from_json(QJsonDocument::fromJson(t.result_json.toUtf8()).object());
    r.request = t.request;
    showResult(r);
}

}  // namespace sigma::ui
