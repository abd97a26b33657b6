// Redactor: replaces personal and secret values in pasted logs with consistent placeholders
// (<IP_1>, <HOST_2>, <SECRET_1>, ...) and can put the originals back for display. Line structure is
// kept (no newline added or removed), so evidence line numbers stay valid.
// Not a security boundary: it is a best-effort scrub before text leaves the machine or reaches a
// model, built from hand-written scanners (no regular expressions).
//
// Decisions: PCI bus ids (0000:3b:00.0) are kept, they are diagnostic and not secret. GPU and MIG
// UUIDs are UUIDs and are redacted, keeping their "GPU-"/"MIG-" prefix visible (GPU-<UUID_1>).
// UUIDs after "subscriptions/" or "subscription" are <SUBSCRIPTION_n>, after "tenant" <TENANT_n>.
// Private key blocks keep their BEGIN/END lines; each body line becomes a <SECRET_n>.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigma::domain {

struct RedactOptions {
    bool ipv4 = true;
    bool ipv6 = true;
    bool hostnames = true;  // FQDNs with a known suffix, and host names in syslog/NCCL line prefixes
    bool emails = true;
    bool secrets = true;    // Bearer tokens, key=value secrets, AWS/GitHub keys, JWTs, private keys
    bool cloud_ids = true;  // subscription and tenant ids
    bool uuids = true;      // other UUIDs, GPU UUIDs included
    bool macs = true;
};

class Redactor {
public:
    explicit Redactor(RedactOptions options = {}) : options_(options) {}

    // Redacts `text`. The same value always gets the same placeholder within one Redactor, across
    // calls, so a conversation can be scrubbed piece by piece.
    std::string redact(std::string_view text);

    // Puts the original values back in place of this Redactor's placeholders; unknown
    // placeholder-looking text is left alone.
    std::string restore(std::string_view redacted) const;

    // placeholder -> original value, in the order they were created.
    const std::vector<std::pair<std::string, std::string>>& mapping() const { return mapping_; }

private:
    std::string placeholder(const std::string& cls, std::string_view value);
    void learn_prefix_host(std::string_view line);
    std::string redact_line(std::string_view line);

    RedactOptions options_;
    std::map<std::string, std::string> by_value_;  // cls + '\0' + value -> placeholder
    std::map<std::string, std::string> by_placeholder_;
    std::map<std::string, int> counters_;
    std::vector<std::pair<std::string, std::string>> mapping_;
    std::vector<std::string> known_hosts_;  // host names learned from line prefixes
    bool in_key_block_ = false;
    std::string_view scan_text_;  // the text redact() is working on, so placeholders never collide with it
};

}  // namespace sigma::domain
