// Redactor: replaces personal and secret values in pasted logs with consistent placeholders
// (<IP_1>, <HOST_2>, <SECRET_1>, ...) and can put the originals back for display. Line structure is
// kept (no newline added or removed), so evidence line numbers stay valid. redact_secrets() is the
// one path every stored, exported or remotely sent text takes.
// Not a security boundary: it is a best-effort scrub before text leaves the machine or reaches a
// model, built from hand-written scanners (no regular expressions).
//
// Decisions: PCI bus ids (0000:3b:00.0) are kept, they are diagnostic and not secret. GPU and MIG
// UUIDs are UUIDs and are redacted, keeping their "GPU-"/"MIG-" prefix visible (GPU-<UUID_1>).
// UUIDs after "subscriptions/" or "subscription" are <SUBSCRIPTION_n>, after "tenant" <TENANT_n>.
// PEM blocks of any label (keys and certificates alike: a body is never diagnostic) keep their
// BEGIN/END markers; the body between them becomes <SECRET_n>, per line when the block spans lines,
// whether the markers share a line or not. A block without its END runs to the end of the text.
// Values that are already placeholders are left as they are, so redacting twice changes nothing.
// Long random-looking tokens (32+ characters of mixed-case base64 that change character class
// often) are secrets even without a key name; hex digests, UUIDs, paths and CamelCase words are
// not, though a long CamelCase name with digits may be taken for one (over-redaction is the safe
// side). An Authorization header with a scheme other than Bearer/Basic/Token (Digest, AWS4-HMAC)
// loses the rest of its line or quoted string, as its credentials span it.
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
    bool secrets = true;    // PEM blocks, cloud and SaaS keys and tokens, JWTs, key=value secrets,
                            // Authorization credentials, passwords in URLs and connection strings
    bool cloud_ids = true;  // subscription and tenant ids
    bool uuids = true;      // other UUIDs, GPU UUIDs included
    bool macs = true;

    // Only `secrets`: what the history keeps, the export writes and a remote backend is sent.
    static RedactOptions secrets_only();
};

// Finds PEM blocks ("-----BEGIN <label>-----" ... "-----END <label>-----") in text fed to it line by
// line, remembering an open block from one line to the next.
class PemBlockTracker {
public:
    enum class PieceKind { Text, Marker, Body };
    struct Piece {
        std::string_view text;
        PieceKind kind = PieceKind::Text;
    };
    // `line` (without its newline) cut into pieces, in order; together they are the whole line.
    std::vector<Piece> split(std::string_view line);
    bool in_block() const { return in_block_; }

private:
    bool in_block_ = false;
};

class Redactor {
public:
    explicit Redactor(RedactOptions options = {}) : options_(options) {}

    // Redacts `text`. The same value always gets the same placeholder within one Redactor, across
    // calls, so a conversation can be scrubbed piece by piece.
    std::string redact(std::string_view text);

    // All of `value` as one secret (a field known to hold one, like a JSON "password" member):
    // its placeholder, or the value itself when it is empty or already a placeholder.
    std::string redact_whole_secret(std::string_view value);

    // Puts the original values back in place of this Redactor's placeholders; unknown
    // placeholder-looking text is left alone.
    std::string restore(std::string_view redacted) const;

    // placeholder -> original value, in the order they were created.
    const std::vector<std::pair<std::string, std::string>>& mapping() const { return mapping_; }

private:
    std::string placeholder(const std::string& cls, std::string_view value);
    void learn_prefix_host(std::string_view line);
    std::string redact_line(std::string_view line);
    std::string redact_words(std::string_view text);
    std::string redact_pem_body(std::string_view body);

    RedactOptions options_;
    std::map<std::string, std::string> by_value_;  // cls + '\0' + value -> placeholder
    std::map<std::string, std::string> by_placeholder_;
    std::map<std::string, int> counters_;
    std::vector<std::pair<std::string, std::string>> mapping_;
    std::vector<std::string> known_hosts_;  // host names learned from line prefixes
    PemBlockTracker pem_;
    std::string_view scan_text_;  // the text redact() is working on, so placeholders never collide with it
};

// Secrets only (every `secrets` shape above; addresses, names and ids stay), with a fresh Redactor:
// what history, export and remote prompts store or send.
std::string redact_secrets(std::string_view text);

// True when a field or option named `key` holds a secret ("password", "db_password", "--token",
// "clientSecret", "AccountKey", ...).
bool names_a_secret(std::string_view key);

// True when `text` is exactly one placeholder of the shape this Redactor issues (<SECRET_12>).
bool is_placeholder(std::string_view text);

}  // namespace sigma::domain
