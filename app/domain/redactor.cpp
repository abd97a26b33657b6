// Hand-written scanners for the Redactor: each is tried only at a token boundary and returns the span
// to replace. Not exhaustive: anything that does not look like a known shape passes through unchanged.
#include "app/domain/redactor.h"

#include <algorithm>
#include <cstring>

namespace sigma::domain {

namespace {

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool word(char c) { return alnum(c) || c == '_'; }
bool hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || digit(c); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool starts_with_ci(std::string_view s, size_t i, std::string_view p) {
    if (i + p.size() > s.size()) return false;
    for (size_t k = 0; k < p.size(); ++k)
        if (lower(s[i + k]) != lower(p[k])) return false;
    return true;
}
std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

struct Match {
    size_t len = 0;        // span consumed from the start position
    size_t value_off = 0;  // replaced part inside the span
    size_t value_len = 0;
    const char* cls = nullptr;
};

size_t run(std::string_view s, size_t i, bool (*pred)(char)) {
    size_t j = i;
    while (j < s.size() && pred(s[j])) ++j;
    return j - i;
}

bool token_char(char c) { return alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='; }
bool b64url(char c) { return alnum(c) || c == '-' || c == '_'; }
bool ident_char(char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; }
bool value_char(char c) {
    return c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '&' && c != ',' && c != ';' && c != '<' && c != '>' &&
           c != ')' && c != '}' && c != ']';
}
bool local_char(char c) { return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool label_char(char c) { return alnum(c) || c == '-'; }

// --- secrets ---------------------------------------------------------------------------------
const char* const kSecretKeys[] = {"password", "passwd", "pwd", "pass", "secret", "token", "apikey", "api_key",
                                   "api-key", "accesskey", "access_key", "secretkey", "secret_key", "privatekey",
                                   "private_key", "accountkey", "sharedaccesskey", "client_secret", "credential",
                                   "credentials", "sig", "auth_token", "access_token", "refresh_token"};

bool secret_key_name(std::string_view ident) {
    const std::string low = lowered(ident);
    for (const char* k : kSecretKeys) {
        const size_t n = std::strlen(k);
        if (low.size() < n || low.compare(low.size() - n, n, k) != 0) continue;
        if (low.size() == n || !alnum(low[low.size() - n - 1])) return true;
    }
    return false;
}

Match scan_secret(std::string_view s, size_t i) {
    Match m;
    if (starts_with_ci(s, i, "bearer ")) {
        const size_t n = run(s, i + 7, token_char);
        if (n >= 8) return {7 + n, 7, n, "SECRET"};
    }
    if ((s.compare(i, 4, "AKIA") == 0 || s.compare(i, 4, "ASIA") == 0) && i + 20 <= s.size()) {
        bool ok = true;
        for (size_t k = i + 4; k < i + 20; ++k) ok = ok && upper_or_digit(s[k]);
        if (ok && (i + 20 == s.size() || !alnum(s[i + 20]))) return {20, 0, 20, "SECRET"};
    }
    if (s.compare(i, 11, "github_pat_") == 0) {
        const size_t n = run(s, i + 11, word);
        if (n >= 20) return {11 + n, 0, 11 + n, "SECRET"};
    }
    if (i + 4 <= s.size() && s[i] == 'g' && s[i + 1] == 'h' && std::strchr("pousr", s[i + 2]) && s[i + 3] == '_') {
        const size_t n = run(s, i + 4, alnum);
        if (n >= 30) return {4 + n, 0, 4 + n, "SECRET"};
    }
    if (s.compare(i, 3, "eyJ") == 0) {
        const size_t a = run(s, i, b64url);
        if (a >= 10 && i + a < s.size() && s[i + a] == '.') {
            const size_t b = run(s, i + a + 1, b64url);
            if (b >= 10 && i + a + 1 + b < s.size() && s[i + a + 1 + b] == '.') {
                const size_t c = run(s, i + a + 2 + b, b64url);
                const size_t total = a + b + c + 2;
                return {total, 0, total, "SECRET"};
            }
        }
    }
    // key=value / key: value where the key names a secret.
    const size_t id = run(s, i, ident_char);
    if (id > 0 && id <= 64 && secret_key_name(s.substr(i, id))) {
        size_t j = i + id;
        while (j < s.size() && (s[j] == '"' || s[j] == '\'')) ++j;
        while (j < s.size() && s[j] == ' ') ++j;
        if (j < s.size() && (s[j] == '=' || s[j] == ':') && s.compare(j, 3, "://") != 0) {
            ++j;
            while (j < s.size() && (s[j] == ' ' || s[j] == '"' || s[j] == '\'')) ++j;
            const size_t v = run(s, j, value_char);
            if (v > 0) return {j + v - i, j - i, v, "SECRET"};
        }
    }
    return m;
}

// --- emails, UUIDs, MACs, IPs, hosts -----------------------------------------------------------
size_t domain_len(std::string_view s, size_t i, size_t* labels, std::string* tld) {
    size_t j = i, n_labels = 0, last_start = i;
    for (;;) {
        const size_t l = run(s, j, label_char);
        if (l == 0 || l > 63) break;
        ++n_labels;
        last_start = j;
        j += l;
        if (j + 1 < s.size() && s[j] == '.' && label_char(s[j + 1])) ++j;
        else break;
    }
    *labels = n_labels;
    *tld = lowered(s.substr(last_start, j - last_start));
    return j - i;
}

Match scan_email(std::string_view s, size_t i) {
    const size_t l = run(s, i, local_char);
    if (l == 0 || i + l >= s.size() || s[i + l] != '@') return {};
    size_t labels = 0;
    std::string tld;
    const size_t d = domain_len(s, i + l + 1, &labels, &tld);
    if (labels < 2 || tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        return {};
    return {l + 1 + d, 0, l + 1 + d, "EMAIL"};
}

bool is_uuid_at(std::string_view s, size_t i) {
    static const size_t groups[] = {8, 4, 4, 4, 12};
    size_t j = i;
    for (size_t g = 0; g < 5; ++g) {
        for (size_t k = 0; k < groups[g]; ++k, ++j)
            if (j >= s.size() || !hex(s[j])) return false;
        if (g < 4) {
            if (j >= s.size() || s[j] != '-') return false;
            ++j;
        }
    }
    return j == s.size() || !alnum(s[j]);
}

const char* uuid_class(std::string_view s, size_t i) {
    const size_t from = i >= 32 ? i - 32 : 0;
    const std::string before = lowered(s.substr(from, i - from));
    const size_t sub = before.rfind("subscription");
    const size_t ten = before.rfind("tenant");
    if (sub != std::string::npos && (ten == std::string::npos || sub > ten)) return "SUBSCRIPTION";
    if (ten != std::string::npos) return "TENANT";
    return "UUID";
}

Match scan_mac(std::string_view s, size_t i) {
    if (i + 17 > s.size()) return {};
    const char sep = s[i + 2];
    if (sep != ':' && sep != '-') return {};
    for (size_t g = 0; g < 6; ++g) {
        const size_t p = i + g * 3;
        if (!hex(s[p]) || !hex(s[p + 1])) return {};
        if (g < 5 && s[p + 2] != sep) return {};
    }
    if (i + 17 < s.size() && (alnum(s[i + 17]) || s[i + 17] == sep)) return {};
    return {17, 0, 17, "MAC"};
}

size_t ipv4_len(std::string_view s, size_t i) {
    size_t j = i;
    for (int part = 0; part < 4; ++part) {
        const size_t n = run(s, j, digit);
        if (n == 0 || n > 3) return 0;
        if (std::stoi(std::string(s.substr(j, n))) > 255) return 0;
        j += n;
        if (part < 3) {
            if (j >= s.size() || s[j] != '.') return 0;
            ++j;
        }
    }
    if (j < s.size() && (digit(s[j]) || (s[j] == '.' && j + 1 < s.size() && digit(s[j + 1])))) return 0;
    return j - i;
}

Match scan_ipv6(std::string_view s, size_t i) {
    size_t j = i, colons = 0, groups = 0;
    bool dbl = false;
    while (j < s.size()) {
        const size_t h = run(s, j, hex);
        if (h > 4) return {};
        if (h > 0) ++groups;
        j += h;
        if (j < s.size() && s[j] == ':') {
            if (j + 1 < s.size() && s[j + 1] == ':') {
                if (dbl) return {};
                dbl = true;
                colons += 2;
                j += 2;
            } else {
                ++colons;
                ++j;
                if (h == 0 && !(j >= 2 && s[j - 2] == ':')) return {};
            }
            continue;
        }
        // Embedded IPv4 tail (::ffff:10.1.2.3).
        if (j < s.size() && s[j] == '.' && h > 0 && h <= 3) {
            const size_t v4 = ipv4_len(s, j - h);
            if (v4 > 0 && (dbl || colons == 6)) return {j - h + v4 - i, 0, j - h + v4 - i, "IP"};
            return {};
        }
        break;
    }
    const size_t len = j - i;
    if (len < 3 || groups < 2 || (!dbl && colons != 7) || colons > 7) return {};
    if (j < s.size() && (word(s[j]) || s[j] == ':')) return {};
    return {len, 0, len, "IP"};
}

const char* const kHostSuffixes[] = {"com", "net", "org", "io", "dev", "ai", "app", "cloud", "co", "biz", "info",
                                     "edu", "gov", "mil", "us", "uk", "de", "fr", "jp", "cn", "nl", "eu", "ca", "au",
                                     "in", "br", "ch", "se", "internal", "local", "lan", "corp", "home", "intra",
                                     "private", "svc", "example", "test", "localdomain"};
const char* const kPublicDomains[] = {"docker.io", "ghcr.io", "gcr.io", "quay.io", "nvcr.io", "k8s.io",
                                      "kubernetes.io", "github.com", "nvidia.com", "pypi.org", "microsoft.com",
                                      "ubuntu.com", "debian.org", "letsencrypt.org", "registry.k8s.io"};

Match scan_fqdn(std::string_view s, size_t i) {
    size_t labels = 0;
    std::string tld;
    const size_t d = domain_len(s, i, &labels, &tld);
    if (labels < 2) return {};
    if (std::none_of(std::begin(kHostSuffixes), std::end(kHostSuffixes), [&](const char* t) { return tld == t; }))
        return {};
    const std::string name = lowered(s.substr(i, d));
    for (const char* p : kPublicDomains)
        if (name == p) return {};
    return {d, 0, d, "HOST"};
}

}  // namespace

std::string Redactor::placeholder(const std::string& cls, std::string_view value) {
    const std::string key = cls + '\0' + std::string(value);
    auto it = by_value_.find(key);
    if (it != by_value_.end()) return it->second;
    // Never issue a placeholder the text already contains literally, or restore() would rewrite it.
    std::string ph;
    do {
        ph = "<" + cls + "_" + std::to_string(++counters_[cls]) + ">";
    } while (scan_text_.find(ph) != std::string_view::npos);
    by_value_.emplace(key, ph);
    by_placeholder_.emplace(ph, std::string(value));
    mapping_.emplace_back(ph, std::string(value));
    return ph;
}

// Learns the host field of "Mon DD HH:MM:SS host prog[pid]:", "2026-01-02T03:04:05Z host prog:" and
// NCCL's "host:pid:tid [dev] NCCL ..." prefixes.
void Redactor::learn_prefix_host(std::string_view line) {
    auto tok = [&](size_t& p) {
        while (p < line.size() && line[p] == ' ') ++p;
        const size_t b = p;
        while (p < line.size() && line[p] != ' ') ++p;
        return line.substr(b, p - b);
    };
    auto remember = [&](std::string_view host) {
        // Needs a lower-case letter: "ERROR", "INFO" and other level words are not hosts.
        if (host.size() < 2 || host.size() > 63 || !std::any_of(host.begin(), host.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            return;
        for (char c : host)
            if (!ident_char(c)) return;
        if (std::find(known_hosts_.begin(), known_hosts_.end(), host) == known_hosts_.end()) known_hosts_.emplace_back(host);
    };
    size_t p = 0;
    std::string_view first = tok(p);
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const bool month = first.size() == 3 && std::any_of(std::begin(months), std::end(months), [&](const char* m) { return first == m; });
    if (month) {
        std::string_view day = tok(p), time = tok(p);
        if (day.empty() || !std::all_of(day.begin(), day.end(), digit) || time.size() < 8 || time[2] != ':') return;
    } else if (first.size() >= 19 && digit(first[0]) && first[4] == '-' && first.find(':') != std::string_view::npos) {
        // ISO timestamp in one token.
    } else {
        const size_t c1 = first.find(':');
        if (c1 == std::string_view::npos || c1 == 0) return;
        const std::string_view rest = first.substr(c1 + 1);
        const size_t c2 = rest.find(':');
        if (c2 == std::string_view::npos || c2 == 0 || c2 + 1 >= rest.size()) return;
        if (!std::all_of(rest.begin(), rest.begin() + static_cast<long>(c2), digit) ||
            !std::all_of(rest.begin() + static_cast<long>(c2) + 1, rest.end(), digit))
            return;
        size_t q = p;
        if (tok(q).substr(0, 1) == "[") remember(first.substr(0, c1));
        return;
    }
    std::string_view host = tok(p);
    size_t q = p;
    std::string_view prog = tok(q);
    if (host.empty() || host.back() == ':' || prog.empty()) return;
    if (prog.back() != ':' && prog.find('[') == std::string_view::npos) return;
    remember(host);
}

std::string Redactor::redact(std::string_view text) {
    scan_text_ = text;
    if (options_.hostnames) {
        size_t start = 0;
        while (start <= text.size()) {
            size_t nl = text.find('\n', start);
            if (nl == std::string_view::npos) nl = text.size();
            learn_prefix_host(text.substr(start, std::min<size_t>(nl - start, 256)));
            start = nl + 1;
        }
        std::sort(known_hosts_.begin(), known_hosts_.end(), [](auto& a, auto& b) { return a.size() > b.size(); });
    }
    std::string out;
    out.reserve(text.size());
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        const bool last = nl == std::string_view::npos;
        if (last) nl = text.size();
        out += redact_line(text.substr(start, nl - start));
        if (last) break;
        out += '\n';
        start = nl + 1;
    }
    scan_text_ = {};
    return out;
}

std::string Redactor::redact_line(std::string_view s) {
    if (options_.secrets) {
        if (s.find("-----BEGIN") != std::string_view::npos && s.find("PRIVATE KEY-----") != std::string_view::npos) {
            in_key_block_ = true;
            return std::string(s);
        }
        if (in_key_block_) {
            if (s.find("-----END") != std::string_view::npos) {
                in_key_block_ = false;
                return std::string(s);
            }
            return s.empty() ? std::string() : placeholder("SECRET", s);
        }
    }
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const char prev = i ? s[i - 1] : ' ';
        Match m;
        if (!word(prev)) {
            if (options_.secrets) m = scan_secret(s, i);
            if (!m.len && options_.emails) m = scan_email(s, i);
            if (!m.len && (options_.uuids || options_.cloud_ids)) {
                const bool prefixed = (s.compare(i, 4, "GPU-") == 0 || s.compare(i, 4, "MIG-") == 0) && is_uuid_at(s, i + 4);
                if (prefixed && options_.uuids) m = {40, 4, 36, "UUID"};
                else if (!prefixed && prev != '-' && is_uuid_at(s, i)) {
                    const char* cls = uuid_class(s, i);
                    const bool cloud = std::strcmp(cls, "UUID") != 0;
                    if ((cloud && options_.cloud_ids) || (!cloud && options_.uuids)) m = {36, 0, 36, cls};
                }
            }
            if (!m.len && options_.macs) m = scan_mac(s, i);
            if (!m.len && options_.ipv6 && prev != ':' && prev != '.') m = scan_ipv6(s, i);
            if (!m.len && options_.ipv4 && prev != '.') {
                const size_t n = ipv4_len(s, i);
                if (n) m = {n, 0, n, "IP"};
            }
            if (!m.len && options_.hostnames && prev != '.' && prev != '-') {
                for (const std::string& h : known_hosts_) {
                    const size_t e = i + h.size();
                    if (s.compare(i, h.size(), h) == 0 && (e == s.size() || !(word(s[e]) || s[e] == '-'))) {
                        m = {h.size(), 0, h.size(), "HOST"};
                        break;
                    }
                }
                if (!m.len) m = scan_fqdn(s, i);
            }
        }
        if (m.len) {
            out.append(s.substr(i, m.value_off));
            out += placeholder(m.cls, s.substr(i + m.value_off, m.value_len));
            out.append(s.substr(i + m.value_off + m.value_len, m.len - m.value_off - m.value_len));
            i += m.len;
            continue;
        }
        // No match here: copy this whole word (matches only start at word boundaries).
        size_t j = i + 1;
        if (word(s[i]))
            while (j < s.size() && word(s[j])) ++j;
        out.append(s.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string Redactor::restore(std::string_view text) const {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '<') {
            const size_t close = text.find('>', i);
            if (close != std::string_view::npos && close - i <= 32) {
                auto it = by_placeholder_.find(std::string(text.substr(i, close - i + 1)));
                if (it != by_placeholder_.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i++];
    }
    return out;
}

}  // namespace sigma::domain
