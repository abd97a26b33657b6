// HistoryPanel: past sessions grouped by date and filtered by panel, full-text search with the
// matches highlighted, open, rename, bulk delete with a confirm step, and export of the selection
// to Markdown or JSON files. Not a database client: HistoryService does the work off this thread.
#pragma once

#include <QList>
#include <QSet>
#include <QWidget>

#include "app/history_types.h"
#include "ui/history_metatypes.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;
class QTimer;
class QTreeView;
class QWidget;

namespace sigma::ui {

class AppContext;
class HistoryModel;

class HistoryPanel : public QWidget {
    Q_OBJECT
public:
    explicit HistoryPanel(AppContext* context, QWidget* parent = nullptr);

    HistoryModel* model() const { return model_; }
    QList<qint64> selected_ids() const;
    // "[word]" in a snippet becomes a highlighted word; everything else is escaped.
    static QString highlight_snippet(const QString& snippet);
    // Where an export's folder dialog opens: the last export folder, else the home folder.
    QString export_start_dir() const;
    // The panel's own message line (errors and "select something first"), kept until the next action.
    QString notice() const;
    QTreeView* tree() const { return tree_; }

public slots:
    void refresh();
    void runSearch();
    void openSelected();
    void renameSelected(const QString& title);
    void askDelete();      // shows the confirm bar
    void confirmDelete();  // deletes the selection
    void cancelDelete();
    // Writes one file per selected session into `dir` ("markdown" or "json"); returns via statusMessage.
    void exportSelection(const QString& dir, const QString& format);
    // Commits the selection as Markdown into a git repository (created when the folder is empty).
    void exportToGit(const QString& repo_dir);
    // The Export menu's actions: each asks for a folder only when sessions are selected.
    void chooseExport(const QString& format);  // "markdown", "json" or "git"

signals:
    void openSession(const sigma::app::Session& session);
    void statusMessage(const QString& text);
    void refreshed();
    void searchFinished(int hits);
    void exported(int files);
    void gitExported(bool ok, const QString& message);

private:
    AppContext* context_;
    HistoryModel* model_;
    QComboBox* filter_;
    QLineEdit* search_;
    QTextBrowser* hits_;
    QLabel* notice_;
    QTimer* search_delay_;
    QList<app::Session> sessions_;  // the last listing, before the search filter
    QSet<qint64> matches_;          // sessions the current search found
    bool searching_ = false;        // a search text is set: the list shows only its matches
    QTreeView* tree_;
    QWidget* confirm_bar_;
    QLabel* confirm_text_;
    QPushButton* delete_confirm_;
    quint64 list_ticket_ = 0;
    quint64 search_ticket_ = 0;
    quint64 open_ticket_ = 0;
    quint64 export_ticket_ = 0;
    QString export_dir_;
    QString export_format_;
    QString last_export_dir_;
    void show_notice(const QString& text, bool error);
    void apply_filter();
    QList<qint64> pending_delete_;
};

}  // namespace sigma::ui
