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
#include <QRandomGenerator>
#include <QShortcut>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>

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
    r.checked = o.value(QStringLiteral("checked")).toString();
    for (const auto& v : o.value(QStringLiteral("warnings")).toArray()) r.warnings << v.toString();
    for (const auto& v : o.value(QStringLiteral("alternatives")).toArray()) {
        const QJsonObject a = v.toObject();
        r.alternatives << app::CommandAlternative{
            a.value(QStringLiteral("command")).toString(), a.value(QStringLiteral("risk")).toString(),
            a.value(QStringLiteral("valid")).toBool(), a.value(QStringLiteral("score")).toDouble()};
    }
    for (const auto& v : o.value(QStringLiteral("flags")).toArray()) {
        const QJsonObject f = v.toObject();
        app::FlagExplanation flag{f.value(QStringLiteral("flag")).toString(),
                                  f.value(QStringLiteral("meaning")).toString(),
                                  f.value(QStringLiteral("value")).toString(),
                                  {},
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
    request_->setTabChangesFocus(true);  // Tab moves on; a request never needs a tab character
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
    checked_ = new QLabel(box);
    checked_->setObjectName(QStringLiteral("commandChecked"));
    checked_->setWordWrap(true);
    checked_->setToolTip(
        tr("Checked is not the same as right: the checks cover syntax, options and risk, not "
           "whether the command does what you asked. Read it before running it."));
    bl->addWidget(checked_);
    warnings_ = new QLabel(box);
    warnings_->setObjectName(QStringLiteral("commandWarnings"));
    warnings_->setWordWrap(true);
    warnings_->setTextFormat(Qt::RichText);
    warnings_->setStyleSheet(
        QStringLiteral("QLabel { background: #fff4d6; border-left: 4px solid #c98a00; padding: 4px; }"));
    warnings_->hide();
    bl->addWidget(warnings_);
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
    alternatives_ = new QTreeWidget(box);
    alternatives_->setObjectName(QStringLiteral("commandAlternatives"));
    alternatives_->setColumnCount(4);
    alternatives_->setHeaderLabels(
        {tr("Other candidates (double-click to use)"), tr("Risk"), tr("Valid"), tr("Score")});
    alternatives_->setRootIsDecorated(false);
    alternatives_->header()->setStretchLastSection(false);
    alternatives_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c) alternatives_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    alternatives_->setMaximumHeight(100);
    alternatives_->hide();
    bl->addWidget(alternatives_);
    more_ = new QPlainTextEdit(box);
    more_->setObjectName(QStringLiteral("commandMore"));
    more_->setReadOnly(true);
    more_->setPlaceholderText(tr("The model's explanation of the command appears here."));
    more_->setMaximumHeight(100);
    more_->setTabChangesFocus(true);
    more_->hide();
    bl->addWidget(more_);
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
    edit_->setEnabled(true);  // a command you wrote yourself can be checked without generating one
    edit_->setToolTip(tr("Write or change the command, then press Check (or Enter) to validate it"));

    // Long words (a query, a path) wrap or are cut; they never widen the window.
    for (QLabel* l : {checked_, warnings_, messages_, explanation_}) {
        l->setMinimumWidth(1);
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    }
    connect(send_, &QPushButton::clicked, this, &CommandPanel::send);
    connect(stop_, &QPushButton::clicked, this, &CommandPanel::stop);
    connect(copy_, &QPushButton::clicked, this, &CommandPanel::copyCommand);
    connect(explain_, &QPushButton::clicked, this, &CommandPanel::explainMore);
    connect(regenerate_, &QPushButton::clicked, this, &CommandPanel::regenerate);
    connect(edit_, &QPushButton::clicked, this, &CommandPanel::toggleEdit);
    connect(run_, &QPushButton::clicked, this, &CommandPanel::openRunDialog);
    connect(command_, &QLineEdit::returnPressed, this, [this] {
        if (!command_->isReadOnly()) toggleEdit();
    });
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
        more_->moveCursor(QTextCursor::End);
        more_->insertPlainText(piece);
    });
    connect(explain_job_, &GenerationJob::rateChanged, context_, &AppContext::generationRate);
    connect(explain_job_, &GenerationJob::done, this, [this](const QString& text) {
        set_busy(false);
        if (text.trimmed().isEmpty()) more_->setPlainText(tr("The model gave no explanation."));
        emit statusMessage(tr("Explained"));
    });
    connect(alternatives_, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem* item) { showAlternative(alternatives_->indexOfTopLevelItem(item)); });
    // A model that becomes available clears the "no model" error it replaces.
    connect(context_, &AppContext::backendChanged, this, [this] {
        if (no_model_error_ && context_->backend() && context_->backend_ready()) {
            messages_->clear();
            no_model_error_ = false;
        }
    });
    connect(explain_job_, &GenerationJob::failed, this, &CommandPanel::on_failed);
    connect(context_->history(), &HistoryService::jobRecorded, this,
            [this](quint64 ticket, qint64 id, const QString& warning) {
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

void CommandPanel::show_error(const QString& text) {
    messages_->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(text.toHtmlEscaped()));
}

void CommandPanel::clear_result() {
    result_ = app::CommandResult{};
    session_id_ = 0;
    command_->clear();
    command_->setReadOnly(true);
    edit_->setText(tr("Edit"));
    set_risk_badge(badge_, QString());
    checked_->clear();
    warnings_->clear();
    warnings_->hide();
    explanation_->clear();
    messages_->clear();
    no_model_error_ = false;
    flags_->clear();
    alternatives_->clear();
    alternatives_->hide();
    more_->clear();
    more_->hide();
    for (QPushButton* b : {copy_, explain_, run_}) b->setEnabled(false);
}

void CommandPanel::send() {
    const app::CommandRequest req = current_request();
    if (req.request.isEmpty() || job_->running() || explain_job_->running()) return;
    if (!context_->backend()) {
        const QString m = tr("No model is available: %1").arg(context_->backend_note());
        show_error(m);
        no_model_error_ = true;
        emit statusMessage(m);
        return;
    }
    last_request_ = req;
    replaces_session_ = 0;
    start_generation(false);
}

void CommandPanel::start_generation(bool regenerate) {
    // The previous answer goes: a result and its Run… never stand beside a request they did not answer.
    clear_result();
    stream_->clear();
    app::CommandTask task(context_->corpus());
    app::GenerationRequest generation = task.prepare(last_request_);
    generation.temperature = context_->temperature();
    if (regenerate) {
        // Another answer, not the same one again: sample (at least a little warm) with a fresh seed.
        generation.temperature = std::max(generation.temperature, 0.7);
        generation.seed = QRandomGenerator::global()->generate64() | 1u;
    }
    last_generation_ = generation;
    job_->start(context_->backend(), generation);
    set_busy(true);
    emit statusMessage(regenerate ? tr("Generating another answer…") : tr("Generating…"));
}

void CommandPanel::stop() {
    job_->cancel();
    explain_job_->cancel();
}

void CommandPanel::regenerate() {
    if (last_request_.request.isEmpty() || job_->running() || explain_job_->running()) return;
    if (!context_->backend()) return send();
    request_->setPlainText(last_request_.request);
    replaces_session_ = session_id_;
    start_generation(true);
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
    record_ticket_ = context_->history()->recordJob(job, std::exchange(replaces_session_, 0));
    showResult(r);
    emit statusMessage(tr("Done: %1 tokens").arg(stats.completion_tokens));
}

void CommandPanel::on_failed(const QString& message, bool cancelled) {
    set_busy(false);
    replaces_session_ = 0;
    const QString text = cancelled ? tr("Stopped") : tr("Generation failed: %1").arg(message);
    if (cancelled) messages_->setText(tr("Stopped before an answer was complete; nothing was checked."));
    else show_error(text);
    emit statusMessage(text);
}

void CommandPanel::showResult(const app::CommandResult& result) {
    result_ = result;
    command_->setReadOnly(true);
    edit_->setText(tr("Edit"));
    command_->setText(result.command);
    command_->setCursorPosition(0);  // a long command shows its start, not its tail
    set_risk_badge(badge_, result.command.isEmpty() ? QString() : result.risk);
    // The validity badge names what was checked, so a pass is not read as "this is right".
    QString what = result.checked.isEmpty() ? tr("syntax, options and risk checked") : result.checked;
    if (what.endsWith(QLatin1String(" checked"))) what.chop(8);
    if (result.command.isEmpty()) {
        checked_->clear();
        checked_->setProperty("valid", QVariant());
    } else if (result.valid) {
        checked_->setText(tr("<b style='color:#2e8b57'>✓ %1 OK</b> <span style='color:#555'>(not checked: whether it "
                             "does what you asked)</span>")
                              .arg(what.toHtmlEscaped()));
        checked_->setProperty("valid", true);
    } else {
        checked_->setText(
            tr("<b style='color:#c0392b'>✗ Not valid</b> — %1 found problems (below)").arg(what.toHtmlEscaped()));
        checked_->setProperty("valid", false);
    }
    QStringList warnings;
    for (const QString& w : result.warnings) warnings << QStringLiteral("⚠ ") + w.toHtmlEscaped();
    warnings_->setText(warnings.join(QStringLiteral("<br>")));
    warnings_->setVisible(!warnings.isEmpty());
    alternatives_->clear();
    for (const app::CommandAlternative& a : result.alternatives) {
        auto* item = new QTreeWidgetItem(alternatives_, {a.command, a.risk, a.valid ? tr("valid") : tr("not valid"),
                                                         QString::number(a.score, 'f', 2)});
        item->setFont(0, QFontDatabase::systemFont(QFontDatabase::FixedFont));
        item->setToolTip(0, a.command);
    }
    alternatives_->setVisible(!result.alternatives.isEmpty());
    more_->clear();
    more_->hide();
    QString expl = result.explanation;
    if (!result.reasons.isEmpty())
        expl += (expl.isEmpty() ? QString() : QStringLiteral("\n")) +
                tr("Risk: %1").arg(result.reasons.join(QStringLiteral("; ")));
    explanation_->setText(expl);
    QStringList lines;
    if (!result.valid) lines << tr("<b style='color:#c0392b'>Not valid</b>");
    for (const app::ValidationMessage& m : result.messages) {
        const QString colour = m.severity == QLatin1String("error")     ? QStringLiteral("#c0392b")
                               : m.severity == QLatin1String("warning") ? QStringLiteral("#c98a00")
                                                                        : QStringLiteral("#555");
        QString line = QStringLiteral("<span style='color:%1'>%2:</span> %3")
                           .arg(colour, m.severity.toHtmlEscaped(), m.text.toHtmlEscaped());
        if (!m.suggestions.isEmpty())
            line +=
                tr(" — did you mean: <code>%1</code>").arg(m.suggestions.join(QStringLiteral(", ")).toHtmlEscaped());
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
    for (QPushButton* b : {copy_, explain_}) b->setEnabled(has);
    // A command marked Not valid cannot be run from here; Edit and Check it first.
    run_->setEnabled(has && result.valid);
    run_->setToolTip(has && !result.valid ? tr("Not valid: edit the command and Check it first") : QString());
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
    req.messages = {
        {QStringLiteral("system"), QStringLiteral("You explain shell commands for site reliability engineers: what "
                                                  "each part does and what could go wrong. Be brief.")},
        {QStringLiteral("user"), QStringLiteral("Explain: %1").arg(result_.command)}};
    req.max_tokens = 256;
    // The command and the model's answer stay; the explanation has its own place.
    more_->clear();
    more_->show();
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
    const QString text = command_->text().trimmed();
    if (text.isEmpty()) {
        command_->setReadOnly(true);
        edit_->setText(tr("Edit"));
        return;
    }
    app::CommandResult checked = app::CommandTask::check(text);
    checked.request = result_.request;
    showResult(checked);
}

void CommandPanel::openRunDialog() {
    if (result_.command.isEmpty()) return;
    if (dialog_) dialog_->deleteLater();
    dialog_ = new RunDialog(result_.command, result_.risk, result_.reasons, this);
    if (!result_.valid) {
        QString problem;
        for (const app::ValidationMessage& m : result_.messages)
            if (m.severity == QLatin1String("error")) {
                problem = m.text;
                break;
            }
        dialog_->set_not_valid(problem);
    }
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

void CommandPanel::showAlternative(int index) {
    if (index < 0 || index >= result_.alternatives.size()) return;
    const QList<app::CommandAlternative> alternatives = result_.alternatives;
    // The chosen one and the one it replaces swap places, so nothing the pipeline offered is lost.
    app::CommandResult r = app::CommandTask::check(alternatives[index].command);
    r.request = result_.request;
    r.alternatives = alternatives;
    r.alternatives[index] = app::CommandAlternative{result_.command, result_.risk, result_.valid, 0};
    if (r.checked.isEmpty()) r.checked = result_.checked;
    showResult(r);
}

void CommandPanel::restore(const app::Session& session) {
    if (session.turns.empty()) return;
    job_->cancel();
    explain_job_->cancel();
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
