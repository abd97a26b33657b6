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
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QThread>
#include <QVBoxLayout>

#include "app/job_recorder.h"
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
    layout->addWidget(new QLabel(tr("<b>KQL</b> — ask a question; get a Kusto query checked against the schema."), this));
    question_ = new QPlainTextEdit(this);
    question_->setObjectName(QStringLiteral("kqlQuestion"));
    question_->setPlaceholderText(tr("e.g. failed sign-ins per user in the last day   (Ctrl+Enter to send, Esc to stop)"));
    question_->setMaximumHeight(80);
    layout->addWidget(question_);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Schema:"), this));
    schema_box_ = new QComboBox(this);
    schema_box_->setObjectName(QStringLiteral("kqlSchema"));
    schema_box_->addItem(schema_ ? tr("Built-in: Azure Monitor (%1 tables)").arg(schema_->tables.size()) : tr("Built-in (missing)"));
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
    diagnostics_ = new QLabel(this);
    diagnostics_->setObjectName(QStringLiteral("kqlDiagnostics"));
    diagnostics_->setWordWrap(true);
    used_ = new QLabel(this);
    used_->setObjectName(QStringLiteral("kqlUsed"));
    used_->setWordWrap(true);
    layout->addWidget(status_);
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
    copy_->setEnabled(false);
    repair_->setEnabled(false);
    regenerate_->setEnabled(false);

    connect(send_, &QPushButton::clicked, this, &KqlPanel::send);
    connect(stop_, &QPushButton::clicked, this, &KqlPanel::stop);
    connect(copy_, &QPushButton::clicked, this, &KqlPanel::copyQuery);
    connect(check_, &QPushButton::clicked, this, &KqlPanel::checkQuery);
    connect(repair_, &QPushButton::clicked, this, &KqlPanel::repair);
    connect(regenerate_, &QPushButton::clicked, this, &KqlPanel::regenerate);
    connect(import, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import schema"), {}, tr("JSON (*.json);;All files (*)"));
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
    connect(job_, &GenerationJob::failed, this, [this](const QString& m, bool cancelled) {
        send_->setEnabled(true);
        stop_->setEnabled(false);
        emit statusMessage(cancelled ? tr("Stopped") : tr("Generation failed: %1").arg(m));
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
        QMetaObject::invokeMethod(this, [this, path, schema = std::move(schema), error]() mutable {
            loader_->wait();
            loader_->deleteLater();
            loader_ = nullptr;
            if (!schema || schema->tables.empty()) {
                const QString m = tr("Cannot use %1: %2").arg(path, error.empty() ? tr("no tables") : QString::fromStdString(error));
                emit statusMessage(m);
                emit schemaLoaded(false, m);
                return;
            }
            imported_ = std::move(schema);
            while (schema_box_->count() > 1) schema_box_->removeItem(1);
            schema_box_->addItem(tr("%1 (%2 tables)").arg(QFileInfo(path).fileName()).arg(imported_->tables.size()));
            schema_box_->setCurrentIndex(1);
            schema_ = &*imported_;
            emit schemaLoaded(true, {});
        }, Qt::QueuedConnection);
    });
    loader_->start();
}

void KqlPanel::send() {
    const QString q = question_->toPlainText().trimmed();
    if (q.isEmpty() || job_->running()) return;
    if (!schema_) { emit statusMessage(tr("No schema: import one first")); return; }
    if (!context_->backend()) {
        const QString m = tr("No model is available: %1").arg(context_->backend_note());
        status_->setText(m);
        emit statusMessage(m);
        return;
    }
    request_ = app::KqlRequest{};
    request_.question = q;
    repairing_ = false;
    last_generation_ = task().prepare(request_);
    last_generation_.temperature = context_->temperature();
    stream_->clear();
    job_->start(context_->backend(), last_generation_);
    send_->setEnabled(false);
    stop_->setEnabled(true);
}

void KqlPanel::stop() { job_->cancel(); }

void KqlPanel::regenerate() {
    if (!request_.question.isEmpty()) question_->setPlainText(request_.question);
    send();
}

void KqlPanel::repair() {
    if (!schema_ || job_->running() || !context_->backend() || request_.question.isEmpty()) return;
    // One more round than the automatic loop allowed.
    request_.max_repairs = std::max(request_.max_repairs, result_.repairs + 1);
    auto next = task().repair(request_, last_generation_, result_);
    if (!next) {
        emit statusMessage(result_.valid ? tr("The query is already valid") : tr("No repair is possible"));
        return;
    }
    last_generation_ = *next;
    repairing_ = true;
    stream_->clear();
    job_->start(context_->backend(), last_generation_);
    send_->setEnabled(false);
    stop_->setEnabled(true);
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
            stream_->clear();
            job_->start(context_->backend(), last_generation_);
            return;
        }
    }
    send_->setEnabled(true);
    stop_->setEnabled(false);
    app::JobRecord job;
    job.panel = app::Panel::Kql;
    job.request = request_.question;
    job.raw_output = text;
    job.result = r.to_json();
    job.stats = stats;
    job.model = context_->backend_model();
    job.backend = context_->backend_kind();
    context_->history()->recordJob(job);
    showResult(r);
}

void KqlPanel::checkQuery() {
    if (!schema_) return;
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
        lines << QStringLiteral("<span style='color:#c0392b'>%1</span> %2").arg(m.severity.toHtmlEscaped(), m.text.toHtmlEscaped());
    }
    highlighter_->set_diagnostics(ranges);
    status_->setText(result.valid ? tr("<b style='color:#2e8b57'>Valid</b> against %1").arg(schema_name().toHtmlEscaped())
                                  : tr("<b style='color:#c0392b'>Not valid</b> (%n repair round(s))", nullptr, result.repairs));
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

void KqlPanel::restore(const app::Session& session) {
    if (session.turns.empty() || !schema_) return;
    const app::Turn& t = session.turns.back();
    question_->setPlainText(t.request);
    request_ = app::KqlRequest{};
    request_.question = t.request;
    stream_->setPlainText(t.raw_output);
    const QString query = QJsonDocument::fromJson(t.result_json.toUtf8()).object().value(QStringLiteral("query")).toString();
    app::KqlResult r = task().check(query);
    r.question = t.request;
    showResult(r);
}

}  // namespace sigma::ui
