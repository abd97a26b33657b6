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

signals:
    void statusMessage(const QString& text);
    void resultShown();
    void schemaLoaded(bool ok, const QString& message);

private:
    void on_done(const QString& text, const app::GenerationStats& stats);
    void use_schema(int index);
    app::KqlTask task() const;

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
};

}  // namespace sigma::ui
