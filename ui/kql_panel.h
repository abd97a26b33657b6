// KqlPanel: a question becomes a KQL query checked against the chosen schema (built-in pack or an
// imported `.show database schema as json` file): highlighted, diagnostics underlined at their
// positions, the tables and columns used, and Copy, Repair and Regenerate. Not the validator.
#pragma once

#include <QWidget>
#include <optional>

#include "app/history_types.h"
#include "app/kql_task.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "ui/history_metatypes.h"

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QThread;

namespace sigma::ui {

class AppContext;
class GenerationJob;
class KqlHighlighter;

class KqlPanel : public QWidget {
    Q_OBJECT
public:
    explicit KqlPanel(AppContext* context, QWidget* parent = nullptr);
    ~KqlPanel() override;

    const app::KqlResult& result() const { return result_; }
    KqlHighlighter* highlighter() const { return highlighter_; }
    QString schema_name() const;
    int schema_table_count() const { return schema_ ? static_cast<int>(schema_->tables.size()) : 0; }
    // The last request sent to the model (Regenerate samples with a new seed).
    const app::GenerationRequest& last_generation() const { return last_generation_; }

public slots:
    void send();
    void stop();
    void repair();
    void regenerate();
    void copyQuery();
    void checkQuery();  // validates the query as written in the editor
    void importSchema(const QString& path);
    void showResult(const sigma::app::KqlResult& result);
    void restore(const sigma::app::Session& session);
    // Puts the pipeline's alternative `index` in the editor and checks it; the list stays.
    void showAlternative(int index);

signals:
    void statusMessage(const QString& text);
    void resultShown();
    void schemaLoaded(bool ok, const QString& message);

private:
    void on_done(const QString& text, const app::GenerationStats& stats);
    void use_schema(int index);
    app::KqlTask task() const;
    void start(bool regenerate);
    void on_failed(const QString& message, bool cancelled);
    void show_error(const QString& text);
    void clear_result();
    void record(const app::KqlResult& r, const QString& raw, const app::GenerationStats& stats);

    AppContext* context_;
    GenerationJob* job_;
    domain::KqlTableHints hints_;
    std::optional<domain::KqlSchema> imported_;
    const domain::KqlSchema* schema_ = nullptr;
    QThread* loader_ = nullptr;
    QPlainTextEdit* question_;
    QComboBox* schema_box_;
    QPushButton* send_;
    QPushButton* stop_;
    QPlainTextEdit* stream_;
    QPlainTextEdit* query_;
    KqlHighlighter* highlighter_;
    QLabel* status_;
    QLabel* error_;     // the last action's failure, in the panel until the next action
    QLabel* warnings_;  // the pipeline's warnings (e.g. the tables do not fit the question)
    QListWidget* alternatives_;
    QLabel* diagnostics_;
    QLabel* used_;
    QPushButton* copy_;
    QPushButton* repair_;
    QPushButton* regenerate_;
    QPushButton* check_;
    app::KqlRequest request_;
    app::GenerationRequest last_generation_;
    app::KqlResult result_;
    bool repairing_ = false;
    // Prompts shrink step by step when they do not fit the model's context: 0 as built, 1 one
    // example and one table, 2 no examples.
    int shrink_ = 0;
    bool regenerating_ = false;
    qint64 session_id_ = 0;
    qint64 replaces_session_ = 0;
    quint64 record_ticket_ = 0;
    bool no_model_error_ = false;
};

}  // namespace sigma::ui
