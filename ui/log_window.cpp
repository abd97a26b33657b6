// LogWindowReader: line counting and window cutting off the GUI thread.
// Not a parser: a line is whatever ends in '\n', exactly as the rules engine numbers them.
#include "ui/log_window.h"

#include <QFile>
#include <cstring>
#include <deque>
#include <vector>

namespace sigma::ui {

namespace {

struct Window {
    qint64 first_line = 0;
    std::deque<QByteArray> lines;
    qint64 bytes = 0;
};

// Lines [first, last] of the file; a line longer than kMaxLineBytes keeps only its start.
bool read_lines(QFile& file, qint64 first, qint64 last, const std::atomic<bool>& stop, Window& out) {
    std::vector<char> buffer(1 << 20);
    qint64 line = 1;
    QByteArray current;
    bool cut = false;
    out.first_line = first;
    auto keep = [&] {
        if (cut) current += "…";
        out.bytes += current.size() + 1;
        out.lines.push_back(std::move(current));
        current = QByteArray();
        cut = false;
    };
    qint64 n = 0;
    while (line <= last && (n = file.read(buffer.data(), static_cast<qint64>(buffer.size()))) > 0) {
        if (stop.load()) return false;
        const char* p = buffer.data();
        const char* end = p + n;
        while (p < end && line <= last) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
            const char* stop_at = nl ? nl : end;
            if (line >= first) {
                const qint64 room = LogWindowReader::kMaxLineBytes - current.size();
                const qint64 len = stop_at - p;
                current.append(p, static_cast<qsizetype>(std::min(room, len)));
                cut = cut || len > room;
            }
            if (!nl) break;
            if (line >= first) keep();
            ++line;
            p = nl + 1;
        }
    }
    if (line >= first && line <= last && !current.isEmpty()) keep();  // a last line without '\n'
    return true;
}

}  // namespace

LogWindowReader::LogWindowReader(QObject* parent) : QObject(parent) {}

LogWindowReader::~LogWindowReader() { cancel(); }

void LogWindowReader::cancel() {
    ++generation_;
    if (stop_) stop_->store(true);
    if (thread_) thread_->wait();  // bounded by one chunk: the reader checks the flag per chunk
    thread_.reset();
}

void LogWindowReader::start(const QString& path, qint64 line, domain::RedactOptions redact) {
    cancel();
    const quint64 generation = generation_;
    stop_ = std::make_shared<std::atomic<bool>>(false);
    thread_.reset(QThread::create([this, path, line, redact, generation, stop = stop_] {
        auto report = [this, generation](auto&& emit_it) {
            QMetaObject::invokeMethod(
                this,
                [this, generation, emit_it] {
                    if (generation == generation_) emit_it();
                },
                Qt::QueuedConnection);
        };
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            const QString message = tr("cannot open %1: %2").arg(path, file.errorString());
            report([this, message] { emit failed(message); });
            return;
        }
        Window w;
        const qint64 first = std::max<qint64>(1, line - kContextLines);
        if (!read_lines(file, first, line + kContextLines, *stop, w)) return;
        if (w.lines.empty() || line - first >= static_cast<qint64>(w.lines.size())) {
            const QString message = tr("%1 has no line %2").arg(path).arg(line);
            report([this, message] { emit failed(message); });
            return;
        }
        // Over the byte budget: drop context, farthest from the asked-for line first.
        qint64 at = line - w.first_line;  // index of the asked-for line
        while (w.bytes > kMaxBytes && (at > 0 || static_cast<qint64>(w.lines.size()) > at + 1)) {
            if (at > static_cast<qint64>(w.lines.size()) - 1 - at) {
                w.bytes -= w.lines.front().size() + 1;
                w.lines.pop_front();
                ++w.first_line;
                --at;
            } else {
                w.bytes -= w.lines.back().size() + 1;
                w.lines.pop_back();
            }
        }
        QByteArray joined;
        joined.reserve(static_cast<qsizetype>(w.bytes));
        for (const QByteArray& l : w.lines) joined += l + '\n';
        joined.chop(1);
        const QString text = QString::fromUtf8(joined);
        const QString redacted = QString::fromStdString(domain::Redactor(redact).redact(text.toStdString()));
        const qint64 first_line = w.first_line;
        report([this, first_line, text, redacted] { emit ready(first_line, text, redacted); });
    }));
    thread_->setObjectName(QStringLiteral("sigma-log-window"));
    thread_->start();
}

}  // namespace sigma::ui
