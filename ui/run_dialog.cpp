// RunDialog: confirmation and live execution of one command.
// Not a policy: CommandRunner::check decides whether the typed confirmation is enough.
#include "ui/run_dialog.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/risk_badge.h"

namespace sigma::ui {

RunDialog::RunDialog(const QString& command, const QString& risk, const QStringList& reasons, QWidget* parent)
    : QDialog(parent), command_(command) {
    setWindowTitle(tr("Run command"));
    setObjectName(QStringLiteral("runDialog"));
    // The runner's own verdict decides: the class is never lower than the one the caller shows.
    const app::RunAssessment assessed = app::CommandRunner::assess(
        command, domain::risk_from_text(risk.toStdString()).value_or(domain::Risk::Destructive));
    risk_ = assessed.risk;
    QStringList all_reasons = reasons;
    for (const QString& r : assessed.reasons)
        if (!all_reasons.contains(r)) all_reasons << r;
    auto* layout = new QVBoxLayout(this);

    auto* head = new QHBoxLayout;
    head->addWidget(new QLabel(tr("This command will run on this machine:"), this));
    head->addStretch();
    head->addWidget(make_risk_badge(QString::fromLatin1(domain::risk_text(risk_)), this));
    layout->addLayout(head);

    auto* view = new QPlainTextEdit(command, this);
    view->setObjectName(QStringLiteral("runCommand"));
    view->setReadOnly(true);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setMaximumHeight(80);
    layout->addWidget(view);

    not_valid_ = new QLabel(this);
    not_valid_->setObjectName(QStringLiteral("runNotValid"));
    not_valid_->setWordWrap(true);
    not_valid_->setStyleSheet(QStringLiteral("QLabel { color: #c0392b; font-weight: bold; }"));
    not_valid_->hide();
    layout->addWidget(not_valid_);
    if (!assessed.valid) {
        auto* invalid =
            new QLabel(tr("This command did not validate (%1), so it cannot be run.").arg(assessed.problem), this);
        invalid->setObjectName(QStringLiteral("runInvalid"));
        invalid->setWordWrap(true);
        layout->addWidget(invalid);
    }
    if (!all_reasons.isEmpty()) {
        auto* why = new QLabel(QStringLiteral("• ") + all_reasons.join(QStringLiteral("\n• ")), this);
        why->setObjectName(QStringLiteral("runReasons"));
        why->setWordWrap(true);
        layout->addWidget(why);
    }
    if (risk_ == domain::Risk::Destructive) {
        auto* prompt = new QLabel(tr("This command is destructive. Type the program name to confirm:"), this);
        prompt->setWordWrap(true);
        layout->addWidget(prompt);
        typed_ = new QLineEdit(this);
        typed_->setObjectName(QStringLiteral("confirmProgram"));
        typed_->setPlaceholderText(assessed.confirm_words.isEmpty()
                                       ? command.section(QLatin1Char(' '), 0, 0, QString::SectionSkipEmpty)
                                       : assessed.confirm_words.join(tr(" or ")));
        layout->addWidget(typed_);
        connect(typed_, &QLineEdit::textChanged, this, &RunDialog::update_run_button);
    }
    refusal_ = new QLabel(this);
    refusal_->setObjectName(QStringLiteral("runRefusal"));
    refusal_->setWordWrap(true);
    layout->addWidget(refusal_);

    output_ = new QPlainTextEdit(this);
    output_->setObjectName(QStringLiteral("runOutput"));
    output_->setReadOnly(true);
    output_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    output_->setPlaceholderText(tr("Output appears here while the command runs."));
    layout->addWidget(output_, 1);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("runStatus"));
    layout->addWidget(status_);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName(QStringLiteral("runCancel"));
    run_ = new QPushButton(risk_ == domain::Risk::Destructive ? tr("Run destructive command") : tr("Run"), this);
    run_->setObjectName(QStringLiteral("runConfirm"));
    // Enter presses the default button: make that Cancel, and never let Run become default.
    run_->setAutoDefault(false);
    run_->setDefault(false);
    cancel_->setAutoDefault(true);
    cancel_->setDefault(true);
    buttons->addWidget(cancel_);
    buttons->addWidget(run_);
    layout->addLayout(buttons);

    connect(run_, &QPushButton::clicked, this, &RunDialog::start_run);
    connect(cancel_, &QPushButton::clicked, this, &RunDialog::on_cancel);
    connect(&runner_, &app::CommandRunner::outputReceived, this, [this](const QString& text) {
        output_->moveCursor(QTextCursor::End);
        output_->insertPlainText(text);
    });
    connect(&runner_, &app::CommandRunner::finished, this, &RunDialog::on_finished);
    resize(640, 420);
    update_run_button();
}

app::Confirmation RunDialog::confirmation() const {
    if (risk_ == domain::Risk::Destructive)
        return app::Confirmation::destructive(typed_ ? typed_->text().trimmed() : QString());
    return app::Confirmation::confirmed();
}

void RunDialog::set_not_valid(const QString& problem) {
    not_valid_problem_ = problem.isEmpty() ? tr("not valid") : problem;
    not_valid_->setText(tr("Not valid: %1. Edit the command and Check it before running.").arg(not_valid_problem_));
    not_valid_->show();
    update_run_button();
}

bool RunDialog::can_run() const {
    return not_valid_problem_.isEmpty() && !runner_.is_running() &&
           app::CommandRunner::check(command_, risk_, confirmation()).isEmpty();
}

void RunDialog::update_run_button() {
    const QString why = app::CommandRunner::check(command_, risk_, confirmation());
    run_->setEnabled(why.isEmpty() && not_valid_problem_.isEmpty() && !runner_.is_running());
    refusal_->setText(typed_ && !typed_->text().isEmpty() ? why : QString());
}

void RunDialog::start_run() {
    if (!can_run()) return;
    output_->clear();
    if (!runner_.start(command_, risk_, confirmation())) {
        status_->setText(tr("Not started: %1").arg(runner_.last_error()));
        return;
    }
    status_->setText(tr("Running…"));
    run_->setEnabled(false);
    if (typed_) typed_->setEnabled(false);
}

void RunDialog::on_cancel() {
    if (runner_.is_running()) {
        runner_.cancel();
        status_->setText(tr("Cancelling…"));
        return;
    }
    reject();
}

void RunDialog::on_finished(const app::ExecutionResult& result) {
    QString text;
    if (result.cancelled) text = tr("Cancelled after %1 ms").arg(result.duration_ms);
    else if (result.timed_out) text = tr("Timed out after %1 ms").arg(result.duration_ms);
    else text = tr("Exit code %1 in %2 ms").arg(result.exit_code).arg(result.duration_ms);
    status_->setText(text);
    cancel_->setText(tr("Close"));
    emit executed(result);
}

}  // namespace sigma::ui
