// LogWindowReader: reads a bounded run of lines out of a log file of any size on a worker thread,
// with its redacted twin, so that the viewer can show evidence that lies beyond its preview.
// Not an index: each request scans the file from the start (memchr over large chunks, fast enough
// for multi-GB logs on a worker), and it keeps nothing between requests.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

#include "app/domain/redactor.h"

namespace sigma::ui {

class LogWindowReader : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kContextLines = 300;        // shown before and after the line asked for
    static constexpr qint64 kMaxBytes = 512 * 1024;     // like the preview: quick to show
    static constexpr qint64 kMaxLineBytes = 16 * 1024;  // a longer line is cut (its number stays right)

    explicit LogWindowReader(QObject* parent = nullptr);
    ~LogWindowReader() override;  // stops reading and joins the worker

    // Reads the lines around `line` (1-based); replaces a read still in progress.
    void start(const QString& path, qint64 line, domain::RedactOptions redact);
    void cancel();

signals:
    // firstLine: the file's line number of the window's first line.
    void ready(qint64 firstLine, const QString& text, const QString& redacted);
    void failed(const QString& message);

private:
    std::unique_ptr<QThread> thread_;
    std::shared_ptr<std::atomic<bool>> stop_;
    quint64 generation_ = 0;
};

}  // namespace sigma::ui
