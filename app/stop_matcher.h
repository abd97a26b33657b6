// StopMatcher: cuts streamed text at the first of a request's stop strings, holding back only the
// tail that could still become one, so that no stop string (or part of one) is ever emitted.
// Not token-aware: it works on text after detokenisation, as OpenAI's "stop" does.
#pragma once

#include <QString>
#include <QStringList>

namespace sigma::app {

class StopMatcher {
public:
    explicit StopMatcher(QStringList stops);

    // Adds a piece; returns the text that is now safe to emit. After a stop string is found it
    // returns the text before it, sets stopped() and ignores further pieces.
    QString push(const QString& piece);
    // At the end of generation: the held-back tail (empty after a stop).
    QString flush();
    bool stopped() const { return stopped_; }

private:
    QStringList stops_;
    QString pending_;
    bool stopped_ = false;
};

}  // namespace sigma::app
