// KqlPanel: question -> query -> validation, with a bounded repair loop.
// Not a schema editor: schemas are imported whole, read on a worker thread.
#include "ui/kql_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRandomGenerator>
#include <QPushButton>
#include <QShortcut>
#include <QThread>
#include <QVBoxLayout>
#include <utility>

#include "app/job_recorder.h"
#include "app/local_backend.h"
#include "ui/app_context.h"
#include "ui/generation_job.h"
#include "ui/history_service.h"
#include "ui/kql_highlighter.h"

namespace sigma::ui {

namespace {

// Validator positions are UTF-8 byte offsets; the editor counts UTF-16 characters.
int char_offset(const QByteArray& utf8, int byte) {
    byte = std::clamp(byte, 0, static_cast<int>(utf8.size()));
    return static_cast<int>(QString::fromUtf8(utf8.left(byte)).size());
}

}  // namespace

KqlPanel::KqlPanel(AppContext* context, QWidget* parent)
    : QWidget(parent), context_(context), job_(new GenerationJob(this)), hints_(domain::KqlTableHints::load_default()) {
    setObjectName(QStringLiteral("kqlPanel"));
    std::string error;
    const domain::KqlSchema& builtin = domain::KqlSchema::builtin(&error);
    if (!builtin.tables.empty()) schema_ = &builtin;
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(
        new QLabel(tr("<b>KQL</b> — ask a question; get a Kusto query checked against the schema."), this));
    question_ = new QPlainTextEdit(this);
    question_->setObjectName(QStringLiteral("kqlQuestion"));
    question_->setPlaceholderText(
        tr("e.g. failed sign-ins per user in the last day   (Ctrl+Enter to send, Esc to stop)"));
    question_->setMaximumHeight(80);
    question_->setTabChangesFocus(true);  // Tab moves on; a question never needs a tab character
    layout->addWidget(question_);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Schema:"), this));
    schema_box_ = new QComboBox(this);
    schema_box_->setObjectName(QStringLiteral("kqlSchema"));
    schema_box_->addItem(schema_ ? tr("Built-in: Azure Monitor (%1 tables)").arg(schema_->tables.size())
                                 : tr("Built-in (missing)"));
    auto* import = new QPushButton(tr("Import schema…"), this);
    import->setObjectName(QStringLiteral("kqlImport"));
    row->addWidget(schema_box_, 1);
    row->addWidget(import);
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setObjectName(QStringLiteral("kqlStop"));
    stop_->setEnabled(false);
    send_ = new QPushButton(tr("Generate"), this);
    send_->setObjectName(QStringLiteral("kqlSend"));
    row->addWidget(stop_);
    row->addWidget(send_);
    layout->addLayout(row);
    stream_ = new QPlainTextEdit(this);
    stream_->setObjectName(QStringLiteral("kqlStream"));
    stream_->setReadOnly(true);
    stream_->setFont(mono);
    stream_->setMaximumHeight(80);
    stream_->setPlaceholderText(tr("The model's answer streams here."));
    layout->addWidget(stream_);
    query_ = new QPlainTextEdit(this);
    query_->setObjectName(QStringLiteral("kqlQuery"));
    query_->setFont(mono);
    query_->setPlaceholderText(tr("The query appears here; you can also write one and press Check."));
    highlighter_ = new KqlHighlighter(query_->document());
    layout->addWidget(query_, 2);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("kqlValidity"));
    status_->setWordWrap(true);
    status_->setToolTip(
        tr("Checked is not the same as right: the checks cover syntax and the schema (tables, columns, "
           "types), not whether the query answers the question."));
    error_ = new QLabel(this);
    error_->setObjectName(QStringLiteral("kqlError"));
    error_->setWordWrap(true);
    error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    error_->setStyleSheet(QStringLiteral("QLabel { color: #c0392b; background: #fdecea; padding: 4px; }"));
    error_->hide();
    warnings_ = new QLabel(this);
    warnings_->setObjectName(QStringLiteral("kqlWarnings"));
    warnings_->setWordWrap(true);
    warnings_->setTextFormat(Qt::RichText);
    warnings_->setStyleSheet(
        QStringLiteral("QLabel { background: #fff4d6; border-left: 4px solid #c98a00; padding: 4px; }"));
    warnings_->hide();
    alternatives_ = new QListWidget(this);
    alternatives_->setObjectName(QStringLiteral("kqlAlternatives"));
    alternatives_->setFont(mono);
    alternatives_->setMaximumHeight(80);
    alternatives_->setToolTip(tr("Other checked candidates, best first: double-click one to put it in the editor"));
    alternatives_->hide();
    diagnostics_ = new QLabel(this);
    diagnostics_->setObjectName(QStringLiteral("kqlDiagnostics"));
    diagnostics_->setWordWrap(true);
    used_ = new QLabel(this);
    used_->setObjectName(QStringLiteral("kqlUsed"));
    used_->setWordWrap(true);
    layout->addWidget(error_);
    layout->addWidget(status_);
    layout->addWidget(warnings_);
    layout->addWidget(diagnostics_);
    layout->addWidget(used_);
    auto* actions = new QHBoxLayout;
    copy_ = new QPushButton(tr("Copy"), this);
    copy_->setObjectName(QStringLiteral("kqlCopy"));
    check_ = new QPushButton(tr("Check"), this);
    check_->setObjectName(QStringLiteral("kqlCheck"));
    repair_ = new QPushButton(tr("Repair"), this);
    repair_->setObjectName(QStringLiteral("kqlRepair"));
    regenerate_ = new QPushButton(tr("Regenerate"), this);
    regenerate_->setObjectName(QStringLiteral("kqlRegenerate"));
    for (QPushButton* b : {copy_, check_, repair_, regenerate_}) actions->addWidget(b);
    actions->addStretch();
    layout->addLayout(actions);
    layout->addWidget(alternatives_);
    copy_->setEnabled(false);
    repair_->setEnabled(false);
    regenerate_->setEnabled(false);

    // Long words (a query, a path) wrap or are cut; they never widen the window.
    for (QLabel* l : {status_, error_, warnings_, diagnostics_, used_}) {
        l->setMinimumWidth(1);
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    }
    connect(send_, &QPushButton::clicked, this, &KqlPanel::send);
    connect(stop_, &QPushButton::clicked, this, &KqlPanel::stop);
    connect(copy_, &QPushButton::clicked, this, &KqlPanel::copyQuery);
    connect(check_, &QPushButton::clicked, this, &KqlPanel::checkQuery);
    connect(repair_, &QPushButton::clicked, this, &KqlPanel::repair);
    connect(regenerate_, &QPushButton::clicked, this, &KqlPanel::regenerate);
    connect(import, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Import schema"), {}, tr("JSON (*.json);;All files (*)"));
        if (!path.isEmpty()) importSchema(path);
    });
    connect(schema_box_, &QComboBox::currentIndexChanged, this, &KqlPanel::use_schema);
    for (auto key : {Qt::Key_Return, Qt::Key_Enter}) {
        auto* s = new QShortcut(QKeySequence(Qt::CTRL | key), question_);
        s->setContext(Qt::WidgetShortcut);
        connect(s, &QShortcut::activated, this, &KqlPanel::send);
    }
    auto* esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    esc->setContext(Qt::WidgetWithChildrenShortcut);
    connect(esc, &QShortcut::activated, this, &KqlPanel::stop);
    connect(job_, &GenerationJob::token, this, [this](const QString& piece) {
        stream_->moveCursor(QTextCursor::End);
        stream_->insertPlainText(piece);
    });
    connect(job_, &GenerationJob::rateChanged, context_, &AppContext::generationRate);
    connect(job_, &GenerationJob::done, this, &KqlPanel::on_done);
    connect(job_, &GenerationJob::failed, this, &KqlPanel::on_failed);
    connect(alternatives_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { showAlternative(alternatives_->row(item)); });
    connect(context_->history(), &HistoryService::jobRecorded, this,
            [this](quint64 ticket, qint64 id, const QString& warning) {
                if (ticket != record_ticket_) return;
                session_id_ = id;
                if (!warning.isEmpty()) emit statusMessage(tr("Not saved to history: %1").arg(warning));
            });
    // A model that becomes available clears the "no model" error it replaces.
    connect(context_, &AppContext::backendChanged, this, [this] {
        if (no_model_error_ && context_->backend() && context_->backend_ready()) {
            error_->clear();
            error_->hide();
            no_model_error_ = false;
        }
    });
}

KqlPanel::~KqlPanel() {
    if (loader_) loader_->wait();
}

QString KqlPanel::schema_name() const { return schema_box_->currentText(); }

app::KqlTask KqlPanel::task() const { return app::KqlTask(*schema_, hints_, context_->corpus()); }

void KqlPanel::use_schema(int index) {
    std::string error;
    if (index == 0) {
        const domain::KqlSchema& b = domain::KqlSchema::builtin(&error);
        schema_ = b.tables.empty() ? nullptr : &b;
    } else if (imported_) {
        schema_ = &*imported_;
    }
}

void KqlPanel::importSchema(const QString& path) {
    if (loader_) return;
    // Read and parse on a worker thread: a large cluster's schema can be megabytes.
    loader_ = QThread::create([this, path] {
        std::string error;
        auto schema = domain::KqlSchema::load(path.toStdString(), &error);
        QMetaObject::invokeMethod(
            this,
            [this, path, schema = std::move(schema), error]() mutable {
                loader_->wait();
                loader_->deleteLater();
                loader_ = nullptr;
                if (!schema || schema->tables.empty()) {
                    const QString m = tr("Cannot use %1: %2")
                                          .arg(path, error.empty() ? tr("no tables") : QString::fromStdString(error));
                    emit statusMessage(m);
                    emit schemaLoaded(false, m);
                    return;
                }
                imported_ = std::move(schema);
                while (schema_box_->count() > 1) schema_box_->removeItem(1);
                schema_box_->addItem(
                    tr("%1 (%2 tables)").arg(QFileInfo(path).fileName()).arg(imported_->tables.size()));
                schema_box_->setCurrentIndex(1);
                schema_ = &*imported_;
                emit schemaLoaded(true, {});
            },
            Qt::QueuedConnection);
    });
    loader_->start();
}

void KqlPanel::show_error(const QString& text) {
    error_->setText(text);
    error_->setVisible(!text.isEmpty());
}

void KqlPanel::clear_result() {
    result_ = app::KqlResult{};
    session_id_ = 0;
    status_->clear();
    status_->setProperty("valid", QVariant());
    warnings_->clear();
    warnings_->hide();
    diagnostics_->clear();
    used_->clear();
    alternatives_->clear();
    alternatives_->hide();
    highlighter_->set_diagnostics({});
    query_->clear();
    copy_->setEnabled(false);
    repair_->setEnabled(false);
}

void KqlPanel::send() {
    const QString q = question_->toPlainText().trimmed();
    if (q.isEmpty() || job_->running()) return;
    show_error({});
    no_model_error_ = false;
    if (!schema_) {
        show_error(tr("No schema: import one first"));
        return;
    }
    if (!context_->backend()) {
        show_error(tr("No model is available: %1").arg(context_->backend_note()));
        no_model_error_ = true;
        return;
    }
    request_ = app::KqlRequest{};
    request_.question = q;
    // Repair prompts are cut to the loaded model's real context (the pipeline assumes 512 otherwise).
    if (const auto* local = qobject_cast<const app::LocalBackend*>(context_->backend()))
        if (const int n = local->context_length(); n > 0) request_.context_tokens = n;
    replaces_session_ = 0;
    start(false);
}

void KqlPanel::start(bool regenerate) {
    // The previous answer goes: a result never stands beside a question it did not answer.
    clear_result();
    repairing_ = false;
    shrink_ = 0;
    regenerating_ = regenerate;
    last_generation_ = task().prepare(request_);
    last_generation_.temperature = context_->temperature();
    if (regenerate) {
        // Another answer, not the same one again: sample (at least a little warm) with a fresh seed.
        last_generation_.temperature = std::max(last_generation_.temperature, 0.7);
        last_generation_.seed = QRandomGenerator::global()->generate64() | 1u;
    }
    stream_->clear();
    job_->start(context_->backend(), last_generation_);
    send_->setEnabled(false);
    stop_->setEnabled(true);
}

void KqlPanel::stop() { job_->cancel(); }

void KqlPanel::regenerate() {
    if (request_.question.isEmpty() || job_->running()) return;
    show_error({});
    if (!context_->backend() || !schema_) return send();
    question_->setPlainText(request_.question);
    replaces_session_ = session_id_;
    start(true);
}

void KqlPanel::repair() {
    if (!schema_ || job_->running() || request_.question.isEmpty()) return;
    show_error({});
    if (!context_->backend()) {
        show_error(tr("No model is available: %1").arg(context_->backend_note()));
        no_model_error_ = true;
        return;
    }
    // One more round than the automatic loop allowed.
    request_.max_repairs = std::max(request_.max_repairs, result_.repairs + 1);
    auto next = task().repair(request_, last_generation_, result_);
    if (!next) {
        show_error(result_.valid ? tr("The query is already valid") : tr("No repair is possible"));
        return;
    }
    last_generation_ = *next;
    repairing_ = true;
    shrink_ = 0;
    replaces_session_ = session_id_;
    stream_->clear();
    job_->start(context_->backend(), last_generation_);
    send_->setEnabled(false);
    stop_->setEnabled(true);
    repair_->setEnabled(false);
}

void KqlPanel::on_failed(const QString& message, bool cancelled) {
    if (!cancelled && job_->last_error_kind() == app::BackendError::Kind::ContextOverflow && shrink_ < 2 && schema_ &&
        context_->backend()) {
        // The prompt did not fit the model's context after all (the pipeline's estimate of tokens per
        // byte was off): the same request again, smaller. A first prompt drops worked examples and
        // schema tables; a repair prompt is cut to a smaller share of the context.
        ++shrink_;
        app::KqlRequest smaller = request_;
        smaller.example_count = shrink_ >= 2 ? 0 : 1;
        smaller.max_tables = 1;
        smaller.context_tokens = request_.context_tokens * (shrink_ >= 2 ? 2 : 3) / 4;
        app::GenerationRequest g = task().prepare(smaller);
        g.temperature = last_generation_.temperature;
        g.seed = last_generation_.seed;
        std::optional<app::GenerationRequest> next = g;
        if (repairing_) next = task().repair(smaller, g, result_);
        if (next) {
            last_generation_ = *next;
            stream_->clear();
            job_->start(context_->backend(), last_generation_);
            return;
        }
    }
    send_->setEnabled(true);
    stop_->setEnabled(false);
    regenerating_ = false;
    if (repairing_ && !result_.query.isEmpty()) showResult(result_);  // what the last round gave stays in view
    if (cancelled) {
        status_->setText(tr("Stopped; nothing was checked."));
        emit statusMessage(tr("Stopped"));
        return;
    }
    const QString what = repairing_ ? tr("Repair failed") : tr("Generation failed");
    QString text = tr("%1: %2").arg(what, message);
    if (job_->last_error_kind() == app::BackendError::Kind::ContextOverflow)
        text +=
            tr(" — even with fewer examples the prompt does not fit the loaded model's context. Shorten the question, "
               "or choose a model with a longer context in Settings.");
    show_error(text);
    emit statusMessage(what);
}

void KqlPanel::record(const app::KqlResult& r, const QString& raw, const app::GenerationStats& stats) {
    app::JobRecord job;
    job.panel = app::Panel::Kql;
    job.request = request_.question;
    job.raw_output = raw;
    job.result = r.to_json();
    job.stats = stats;
    job.model = context_->backend_model();
    job.backend = context_->backend_kind();
    record_ticket_ = context_->history()->recordJob(job, std::exchange(replaces_session_, 0));
}

void KqlPanel::on_done(const QString& text, const app::GenerationStats& stats) {
    const int previous_repairs = repairing_ ? result_.repairs + 1 : 0;
    app::KqlResult r = task().finish(request_, text, stats);
    r.repairs = previous_repairs;
    result_ = r;
    // The bounded automatic loop: feed the validator's errors back while rounds remain.
    if (!r.valid) {
        if (auto next = task().repair(request_, last_generation_, r)) {
            last_generation_ = *next;
            repairing_ = true;
            shrink_ = 0;
            stream_->clear();
            job_->start(context_->backend(), last_generation_);
            return;
        }
    }
    send_->setEnabled(true);
    stop_->setEnabled(false);
    regenerating_ = false;
    record(r, text, stats);
    showResult(r);
}

void KqlPanel::checkQuery() {
    show_error({});
    if (!schema_) {
        show_error(tr("No schema: import one first"));
        return;
    }
    app::KqlResult r = task().check(query_->toPlainText());
    r.question = request_.question;
    r.repairs = result_.repairs;
    showResult(r);
}

void KqlPanel::showResult(const app::KqlResult& result) {
    result_ = result;
    if (query_->toPlainText() != result.query) query_->setPlainText(result.query);
    const QByteArray utf8 = result.query.toUtf8();
    QList<TextRange> ranges;
    QStringList lines;
    for (const app::ValidationMessage& m : result.diagnostics) {
        const int start = char_offset(utf8, m.start);
        const int end = char_offset(utf8, m.start + m.length);
        ranges << TextRange{start, end - start, m.text};
        lines << QStringLiteral("<span style='color:#c0392b'>%1</span> %2")
                     .arg(m.severity.toHtmlEscaped(), m.text.toHtmlEscaped());
    }
    highlighter_->set_diagnostics(ranges);
    // The validity badge names what was checked, so a pass is not read as "this answers the question".
    QString what = result.checked.isEmpty() ? tr("syntax and schema checked") : result.checked;
    if (what.endsWith(QLatin1String(" checked"))) what.chop(8);
    if (result.query.trimmed().isEmpty()) {
        status_->setText(tr("<b style='color:#c0392b'>No query</b> — the model's answer held none"));
        status_->setProperty("valid", false);
    } else if (result.valid) {
        status_->setText(
            tr("<b style='color:#2e8b57'>✓ %1 OK</b> against %2 <span style='color:#555'>(not checked: whether "
               "it answers the question)</span>")
                .arg(what.toHtmlEscaped(), schema_name().toHtmlEscaped()));
        status_->setProperty("valid", true);
    } else {
        status_->setText(tr("<b style='color:#c0392b'>✗ Not valid</b> — %1 found problems (%n repair round(s))",
                            nullptr, result.repairs)
                             .arg(what.toHtmlEscaped()));
        status_->setProperty("valid", false);
    }
    QStringList warnings;
    for (const QString& w : result.warnings) warnings << QStringLiteral("⚠ ") + w.toHtmlEscaped();
    warnings_->setText(warnings.join(QStringLiteral("<br>")));
    warnings_->setVisible(!warnings.isEmpty());
    alternatives_->clear();
    for (const QString& a : result.alternatives) {
        auto* item = new QListWidgetItem(QString(a).replace(QLatin1Char('\n'), QLatin1Char(' ')), alternatives_);
        item->setToolTip(a);
    }
    alternatives_->setVisible(!result.alternatives.isEmpty());
    diagnostics_->setText(lines.join(QStringLiteral("<br>")));
    used_->setText(tr("Tables: %1    Columns: %2")
                       .arg(result.tables.isEmpty() ? tr("none") : result.tables.join(QStringLiteral(", ")),
                            result.columns.isEmpty() ? tr("none") : result.columns.join(QStringLiteral(", "))));
    copy_->setEnabled(!result.query.isEmpty());
    repair_->setEnabled(!result.valid && !request_.question.isEmpty());
    regenerate_->setEnabled(!request_.question.isEmpty());
    emit resultShown();
}

void KqlPanel::copyQuery() {
    if (result_.query.isEmpty()) return;
    QApplication::clipboard()->setText(result_.query);
    emit statusMessage(tr("Copied the query"));
}

void KqlPanel::showAlternative(int index) {
    if (!schema_ || index < 0 || index >= result_.alternatives.size()) return;
    const QStringList alternatives = result_.alternatives;
    app::KqlResult r = task().check(alternatives[index]);
    r.question = result_.question;
    r.repairs = result_.repairs;
    if (r.checked.isEmpty()) r.checked = result_.checked;
    r.alternatives = alternatives;
    r.alternatives[index] = result_.query;  // the one it replaces stays on offer
    showResult(r);
}

void KqlPanel::restore(const app::Session& session) {
    if (session.turns.empty() || !schema_) return;
    job_->cancel();
    show_error({});
    const app::Turn& t = session.turns.back();
    session_id_ = session.id;
    question_->setPlainText(t.request);
    request_ = app::KqlRequest{};
    request_.question = t.request;
    stream_->setPlainText(t.raw_output);
    const QJsonObject o = QJsonDocument::fromJson(t.result_json.toUtf8()).object();
    const QString query = o.value(QStringLiteral("query")).toString();
    app::KqlResult r = task().check(query);
    r.question = t.request;
    r.repairs = o.value(QStringLiteral("repairs")).toInt();
    if (const QString c = o.value(QStringLiteral("checked")).toString(); !c.isEmpty()) r.checked = c;
    // What the pipeline said next to the query when it was made comes back with it.
    for (const auto& v : o.value(QStringLiteral("warnings")).toArray())
        if (!r.warnings.contains(v.toString())) r.warnings << v.toString();
    for (const auto& v : o.value(QStringLiteral("alternatives")).toArray()) r.alternatives << v.toString();
    showResult(r);
}

}  // namespace sigma::ui
