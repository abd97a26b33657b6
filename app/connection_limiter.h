// ConnectionLimiter: counts the server's open connections, in total and per peer address, and
// decides whether one more may be admitted.
// Not a rate limiter: it bounds how many are open at once, not how often clients connect.
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QString>

namespace sigma::app {

class ConnectionLimiter {
public:
    enum class Verdict { Admitted, ClientFull, ServerFull };

    // Limits below 1 are taken as 1.
    ConnectionLimiter(int total_limit, int per_client_limit);

    // Counts the connection when the answer is Admitted; the caller must release() it later.
    Verdict admit(const QHostAddress& peer);
    void release(const QHostAddress& peer);

    int total() const { return total_; }
    int count(const QHostAddress& peer) const;

private:
    static QString key(const QHostAddress& peer);

    int total_limit_;
    int per_client_limit_;
    int total_ = 0;
    QHash<QString, int> per_client_;  // peer address (IPv4-mapped IPv6 as IPv4) -> open connections
};

}  // namespace sigma::app
