// LogAnalysis: reads a log file (or takes pasted text) and runs the diagnosis rules on a worker
// thread, reporting progress and a bounded preview of the text for the viewer, then the result.
// Not a viewer: it keeps no copy of the log beyond the preview; the rules engine streams the file.
#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

#include "app/diagnose_task.h"

Q_DECLARE_METATYPE(sigma::app::DiagnoseResult)

namespace sigma::ui {

struct LogPreview {
    QString text;      // the first preview_bytes of the log
    QString redacted;  // the same text, redacted
    qint64 total_bytes = 0;
    bool truncated = false;  // the preview is shorter than the log
};

class LogAnalysis : public QObject {
    Q_OBJECT
public:
    // Kept small enough that showing it (setPlainText on the GUI thread) stays well under 50 ms.
    static constexpr qint64 kPreviewBytes = 512 * 1024;

    LogAnalysis(const domain::SignaturePack& pack, domain::RedactOptions redact, QObject* parent = nullptr);
    ~LogAnalysis() override;  // stops reading and joins the worker

    // Each start replaces a run still in progress. Results arrive as signals.
    void start_file(const QString& path);
    void start_text(const QString& text);
    void cancel();
    bool running() const;
    // Used by the next start; a run in progress keeps the options it started with.
    void set_redact_options(domain::RedactOptions redact) { redact_ = redact; }
    const domain::RedactOptions& redact_options() const { return redact_; }

signals:
    void progress(int permille);
    void previewReady(const QString& text, const QString& redacted, qint64 totalBytes, bool truncated);
    void finished(const sigma::app::DiagnoseResult& result);
    void failed(const QString& message);

private:
    void launch(std::function<void()> work);

    const domain::SignaturePack& pack_;
    domain::RedactOptions redact_;
    std::unique_ptr<QThread> thread_;
    std::shared_ptr<std::atomic<bool>> cancel_;
};

}  // namespace sigma::ui
