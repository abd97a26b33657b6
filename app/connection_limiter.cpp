// ConnectionLimiter: two counters checked before a connection is taken on; the per-client one is
// checked first so that one busy client is told so even when the server as a whole is also full.
// Not thread-safe: the server uses it on its own thread.
#include "app/connection_limiter.h"

#include <algorithm>

namespace sigma::app {

ConnectionLimiter::ConnectionLimiter(int total_limit, int per_client_limit)
    : total_limit_(std::max(1, total_limit)), per_client_limit_(std::max(1, per_client_limit)) {}

QString ConnectionLimiter::key(const QHostAddress& peer) {
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; count them under a.b.c.d.
    bool is_v4 = false;
    const quint32 v4 = peer.toIPv4Address(&is_v4);
    return is_v4 ? QHostAddress(v4).toString() : peer.toString();
}

ConnectionLimiter::Verdict ConnectionLimiter::admit(const QHostAddress& peer) {
    int& mine = per_client_[key(peer)];
    if (mine >= per_client_limit_) return Verdict::ClientFull;
    if (total_ >= total_limit_) {
        if (mine == 0) per_client_.remove(key(peer));
        return Verdict::ServerFull;
    }
    ++mine;
    ++total_;
    return Verdict::Admitted;
}

void ConnectionLimiter::release(const QHostAddress& peer) {
    const auto it = per_client_.find(key(peer));
    if (it == per_client_.end()) return;
    if (--it.value() <= 0) per_client_.erase(it);
    if (total_ > 0) --total_;
}

int ConnectionLimiter::count(const QHostAddress& peer) const { return per_client_.value(key(peer), 0); }

}  // namespace sigma::app
