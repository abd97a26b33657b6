// ScriptedBackend: a Backend for server tests that answers every request with fixed pieces of text
// (or holds requests until released, or fails), through queued signals like a real backend.
// Not a model: it exists so the server's HTTP behaviour can be tested without an engine.
#pragma once

#include <QList>
#include <QTimer>

#include "app/backend.h"

class ScriptedBackend : public sigma::app::Backend {
public:
    QStringList pieces{QStringLiteral("Hello"), QStringLiteral(" world")};
    bool hold = false;              // keep requests running until release()
    bool fail_after_first = false;  // emit one piece, then fail with Internal
    QList<sigma::app::GenerationRequest> requests;
    QList<quint64> cancelled;
    int running() const { return static_cast<int>(held_.size()); }

    quint64 generate(const sigma::app::GenerationRequest& request) override {
        const quint64 id = next_request_id();
        requests.append(request);
        if (hold) {
            held_.append(id);
            return id;
        }
        QMetaObject::invokeMethod(
            this, [this, id] { play(id); }, Qt::QueuedConnection);
        return id;
    }
    void cancel(quint64 id) override {
        if (!held_.removeOne(id)) return;
        cancelled.append(id);
        QMetaObject::invokeMethod(
            this,
            [this, id] {
                emit failed(id, {sigma::app::BackendError::Kind::Cancelled, QStringLiteral("cancelled"), 0});
            },
            Qt::QueuedConnection);
    }
    QString model_name() const override { return QStringLiteral("scripted-model"); }
    void release() {
        const QList<quint64> ids = held_;
        held_.clear();
        for (quint64 id : ids)
            QMetaObject::invokeMethod(
                this, [this, id] { play(id); }, Qt::QueuedConnection);
    }

private:
    void play(quint64 id) {
        if (fail_after_first) {
            emit tokenReceived(id, pieces.first());
            emit failed(id, {sigma::app::BackendError::Kind::Internal, QStringLiteral("the engine broke down"), 0});
            return;
        }
        for (const QString& p : pieces) emit tokenReceived(id, p);
        sigma::app::GenerationStats stats;
        stats.prompt_tokens = 7;
        stats.completion_tokens = static_cast<int>(pieces.size());
        stats.finish_reason = QStringLiteral("stop");
        emit finished(id, stats);
    }
    QList<quint64> held_;
};
