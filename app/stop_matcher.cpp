// StopMatcher: search the held-back text plus the new piece; keep back the longest suffix that is a
// proper prefix of some stop string. Not a regex matcher: stop strings are literal.
#include "app/stop_matcher.h"

namespace sigma::app {

StopMatcher::StopMatcher(QStringList stops) {
    for (const QString& s : stops) {
        if (!s.isEmpty()) stops_.append(s);
    }
}

QString StopMatcher::push(const QString& piece) {
    if (stopped_) return {};
    pending_ += piece;
    if (stops_.isEmpty()) {
        QString out;
        out.swap(pending_);
        return out;
    }
    qsizetype first = -1;
    for (const QString& s : stops_) {
        const qsizetype at = pending_.indexOf(s);
        if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    if (first >= 0) {
        stopped_ = true;
        const QString out = pending_.left(first);
        pending_.clear();
        return out;
    }
    qsizetype keep = 0;
    for (const QString& s : stops_) {
        for (qsizetype n = std::min(s.size() - 1, pending_.size()); n > keep; --n) {
            if (pending_.endsWith(QStringView(s).left(n))) {
                keep = n;
                break;
            }
        }
    }
    const QString out = pending_.left(pending_.size() - keep);
    pending_.remove(0, pending_.size() - keep);
    return out;
}

QString StopMatcher::flush() {
    QString out;
    if (!stopped_) out.swap(pending_);
    pending_.clear();
    return out;
}

}  // namespace sigma::app
