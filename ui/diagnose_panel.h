// DiagnosePanel: paste a log, open or drop a file; the rules find evidence-backed findings off the
// GUI thread (progress shown), clicking one highlights its evidence lines, and the category, root
// cause, next steps and read-only evidence commands follow. A model summary is optional and comes
// after the rules result. Not a log viewer for huge files: the view shows the first 512 KB, and a
// finding whose evidence lies beyond it brings in a window of lines around that evidence instead.
#pragma once

#include <QWidget>
#include <optional>

#include "app/diagnose_task.h"
#include "app/history_types.h"
#include "ui/history_metatypes.h"

class QCheckBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTextBrowser;

namespace sigma::ui {

class AppContext;
class FindingsModel;
class GenerationJob;
class LogAnalysis;
class LogWindowReader;

class DiagnosePanel : public QWidget {
    Q_OBJECT
public:
    explicit DiagnosePanel(AppContext* context, QWidget* parent = nullptr);
    ~DiagnosePanel() override;

    FindingsModel* findings() const { return findings_; }
    const app::DiagnoseResult& result() const { return result_; }
    QPlainTextEdit* log_view() const { return view_; }
    bool has_signatures() const { return pack_.has_value(); }
    // The log's line number of the view's first line (above 1 while a window of a large log is shown).
    qint64 view_first_line() const { return view_first_line_; }
    // The finding whose details are shown (-1: none).
    int current_finding() const { return finding_row_; }
    bool analysing() const { return analysing_; }
    // The history entry of what is shown (0: not saved yet).
    qint64 session_id() const { return session_id_; }

public slots:
    void openFile(const QString& path);
    void analyse();             // the text in the view
    void summarise();           // optional model summary
    void showFinding(int row);  // highlights its evidence lines, fetching them first when not shown
    void setShowRedacted(bool on);
    void applyRedactOptions();  // the context's options, live: the view, history and prompt follow
    void restore(const sigma::app::Session& session);
    void cancelAnalysis();  // stops reading a large file; nothing is recorded

signals:
    void sendToCommands(const QString& command);
    void statusMessage(const QString& text);
    void analysed();
    void summarised();
    void evidenceShown(int row);  // the finding's evidence lines are in the view and highlighted

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void on_finished(const app::DiagnoseResult& result);
    void show_details();
    void highlight(int row);
    void set_running(bool running);
    void record(qint64 replaces);
    QString session_title() const;

    AppContext* context_;
    std::optional<domain::SignaturePack> pack_;
    LogAnalysis* analysis_ = nullptr;
    LogWindowReader* window_ = nullptr;
    qint64 view_first_line_ = 1;
    int window_row_ = -1;  // the finding whose evidence window is being read
    GenerationJob* job_;
    FindingsModel* findings_;
    QPlainTextEdit* view_;
    QProgressBar* progress_;
    QLabel* info_;
    QCheckBox* redacted_;
    QTableView* table_;
    QTextBrowser* details_;
    QListWidget* commands_;
    QPushButton* analyse_;
    QPushButton* summarise_;
    QPushButton* send_;
    QPushButton* cancel_;
    QLabel* summary_error_;
    int finding_row_ = -1;
    bool analysing_ = false;
    qint64 session_id_ = 0;
    quint64 record_ticket_ = 0;
    QString original_;
    QString redacted_text_;
    app::DiagnoseResult result_;
    QString source_path_;  // the file being diagnosed, when from_file_
    bool from_file_ = false;
    bool has_result_ = false;  // an analysis of the loaded input has finished
    bool rerun_ = false;       // the run in progress repeats one under old redaction options
};

}  // namespace sigma::ui
