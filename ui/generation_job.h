// GenerationJob: one request on a Backend, seen from the GUI: the streamed text, the live rate in
// tokens per second, and exactly one of done or failed. Filters the backend's signals by request id.
// Not a prompt builder and not a thread: the Backend already works off the GUI thread.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

#include "app/backend.h"

namespace sigma::ui {

class GenerationJob : public QObject {
    Q_OBJECT
public:
    explicit GenerationJob(QObject* parent = nullptr);

    // False (and nothing is emitted) when there is no backend; error() says why.
    bool start(app::Backend* backend, const app::GenerationRequest& request);
    void cancel();
    bool running() const { return id_ != 0; }
    const QString& text() const { return text_; }
    double rate() const;
    // The kind of the last failure (ContextOverflow: the prompt did not fit the model's context).
    app::BackendError::Kind last_error_kind() const { return last_error_kind_; }

signals:
    void token(const QString& piece);
    void rateChanged(double tokensPerSecond);
    void done(const QString& text, const sigma::app::GenerationStats& stats);
    void failed(const QString& message, bool cancelled);

private:
    void on_token(quint64 id, const QString& piece);
    void on_finished(quint64 id, const app::GenerationStats& stats);
    void on_failed(quint64 id, const app::BackendError& error);
    void detach();

    QPointer<app::Backend> backend_;
    quint64 id_ = 0;
    QString text_;
    int pieces_ = 0;
    QElapsedTimer clock_;
    app::BackendError::Kind last_error_kind_ = app::BackendError::Kind::Internal;
};

}  // namespace sigma::ui
