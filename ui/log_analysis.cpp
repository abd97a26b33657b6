// LogAnalysis: file reading and rule matching off the GUI thread.
// Not cancellable inside the rules engine: cancelling ends the input stream, which ends the run.
#include "ui/log_analysis.h"

#include <QFile>
#include <QFileInfo>
#include <istream>
#include <streambuf>
#include <vector>

#include "app/domain/redactor.h"

namespace sigma::ui {

namespace {

// A read buffer over a QFile that reports how far it got and ends early when cancelled.
class ProgressBuf : public std::streambuf {
public:
    ProgressBuf(QFile& file, std::function<void(qint64)> on_read, const std::atomic<bool>& cancel)
        : file_(file), on_read_(std::move(on_read)), cancel_(cancel), buffer_(256 * 1024) {}

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (cancel_.load()) return traits_type::eof();
        const qint64 n = file_.read(buffer_.data(), static_cast<qint64>(buffer_.size()));
        if (n <= 0) return traits_type::eof();
        read_ += n;
        on_read_(read_);
        setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    QFile& file_;
    std::function<void(qint64)> on_read_;
    const std::atomic<bool>& cancel_;
    std::vector<char> buffer_;
    qint64 read_ = 0;
};

QString redact_text(const QString& text, domain::RedactOptions options) {
    domain::Redactor r(options);
    return QString::fromStdString(r.redact(text.toStdString()));
}

}  // namespace

LogAnalysis::LogAnalysis(const domain::SignaturePack& pack, domain::RedactOptions redact, QObject* parent)
    : QObject(parent), pack_(pack), redact_(redact) {
    qRegisterMetaType<app::DiagnoseResult>();
}

LogAnalysis::~LogAnalysis() { cancel(); }

bool LogAnalysis::running() const { return thread_ && thread_->isRunning(); }

void LogAnalysis::cancel() {
    if (cancel_) cancel_->store(true);
    if (thread_) thread_->wait();
    thread_.reset();
}

void LogAnalysis::launch(std::function<void()> work) {
    cancel();
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    thread_.reset(QThread::create(std::move(work)));
    thread_->setObjectName(QStringLiteral("sigma-log"));
    thread_->start();
}

void LogAnalysis::start_file(const QString& path) {
    launch([this, path, redact = redact_] {
        const auto& stop = *cancel_;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            emit failed(tr("cannot open %1: %2").arg(path, file.errorString()));
            return;
        }
        const qint64 total = file.size();
        const QByteArray head = file.read(kPreviewBytes);
        // Cut the preview at the last full line so that line numbers stay right.
        const qsizetype cut = head.size() < total ? head.lastIndexOf('\n') + 1 : head.size();
        const QString text = QString::fromUtf8(head.left(cut > 0 ? cut : head.size()));
        emit previewReady(text, redact_text(text, redact), total, head.size() < total);
        file.seek(0);
        int last = -1;
        ProgressBuf buf(
            file,
            [this, total, &last](qint64 read) {
                const int permille = total > 0 ? static_cast<int>(read * 1000 / total) : 1000;
                if (permille != last) {
                    last = permille;
                    emit progress(permille);
                }
            },
            stop);
        std::istream in(&buf);
        const app::DiagnoseTask task(pack_, redact);
        app::DiagnoseResult result = task.analyse(in);
        if (stop.load()) return;
        emit progress(1000);
        emit finished(result);
    });
}

void LogAnalysis::start_text(const QString& text) {
    launch([this, text, redact = redact_] {
        const QString head = text.left(kPreviewBytes);
        emit previewReady(head, redact_text(head, redact), text.size(), head.size() < text.size());
        const app::DiagnoseTask task(pack_, redact);
        app::DiagnoseResult result = task.analyse_text(text);
        if (cancel_->load()) return;
        emit progress(1000);
        emit finished(result);
    });
}

}  // namespace sigma::ui
