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

// Length of the run of `pred` characters from i, at most `max` (scanners that start at every word
// boundary cap their runs, so a long line of "a.a.a.a" stays linear).
size_t run(std::string_view s, size_t i, bool (*pred)(char), size_t max = 16384) {
    size_t j = i;
    const size_t end = i + std::min(max, s.size() - std::min(i, s.size()));
    while (j < end && pred(s[j])) ++j;
    return j - i;
}

bool token_char(char c) {
    return alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}
bool b64url(char c) { return alnum(c) || c == '-' || c == '_'; }
bool ident_char(char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; }
bool value_char(char c) {
    return c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '&' && c != ',' && c != ';' && c != '<' && c != '>' &&
           c != ')' && c != '}' && c != ']';
}
bool local_char(char c) { return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool label_char(char c) { return alnum(c) || c == '-'; }

// --- secrets ---------------------------------------------------------------------------------
const char* const kSecretKeys[] = {"password",      "passwd",          "pwd",
                                   "pass",          "passphrase",      "secret",
                                   "token",         "apikey",          "api_key",
                                   "api-key",       "accesskey",       "access_key",
                                   "secretkey",     "secret_key",      "privatekey",
                                   "private_key",   "private-key",     "private_key_id",
                                   "accountkey",    "sharedaccesskey", "sharedaccesssignature",
                                   "client_secret", "credential",      "credentials",
                                   "sig",           "auth_token",      "access_token",
                                   "refresh_token", "id_token"};

// True when `ident` ends with a secret key name at a word boundary: after a non-letter or digit
// ("db_password", "x-api-key") or at a camelCase hump ("dbPassword", "ClientSecret").
bool secret_key_name(std::string_view ident) {
    const std::string low = lowered(ident);
    for (const char* k : kSecretKeys) {
        const size_t n = std::strlen(k);
        if (low.size() < n || low.compare(low.size() - n, n, k) != 0) continue;
        const size_t at = low.size() - n;
        if (at == 0 || !alnum(ident[at - 1])) return true;
        const char first = ident[at], before = ident[at - 1];
        if (first >= 'A' && first <= 'Z' && ((before >= 'a' && before <= 'z') || digit(before))) return true;
        // An environment variable in capitals names its secret without a separator (PGPASSWORD).
        bool capitals = true;
        for (char c : ident) capitals = capitals && ((c >= 'A' && c <= 'Z') || digit(c) || c == '_');
        if (capitals && n >= 6) return true;
    }
    return false;
}

bool base64_char(char c) { return alnum(c) || c == '+' || c == '/'; }
bool token_run_char(char c) { return base64_char(c) || c == '-' || c == '_'; }
bool space(char c) { return c == ' ' || c == '\t'; }
bool quote(char c) { return c == '"' || c == '\''; }
// Characters of a URL's user-info or a password after "user:": anything up to a space or quote.
bool userinfo_char(char c) {
    return c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`';
}
bool url_path_char(char c) { return userinfo_char(c) && c != ')' && c != ']' && c != '}' && c != ','; }

// Positions where the character class (upper, lower, digit, other) changes.
size_t class_changes(std::string_view t) {
    auto cls = [](char c) { return (c >= 'A' && c <= 'Z') ? 0 : (c >= 'a' && c <= 'z') ? 1 : digit(c) ? 2 : 3; };
    size_t n = 0;
    for (size_t k = 1; k < t.size(); ++k) n += cls(t[k]) != cls(t[k - 1]);
    return n;
}

// A path segment: a word or camelCase name, maybe with a number after it ("lib", "Models",
// "resourceGroups", "Llama3"): humps of an optional capital and two or more lower-case letters.
bool word_segment(std::string_view seg) {
    auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
    size_t k = 0, humps = 0;
    while (k < seg.size() && !digit(seg[k])) {
        if (seg[k] >= 'A' && seg[k] <= 'Z') ++k;
        const size_t lower_from = k;
        while (k < seg.size() && is_lower(seg[k])) ++k;
        if (k - lower_from < 2) return false;
        ++humps;
    }
    while (k < seg.size() && digit(seg[k])) ++k;
    return humps > 0 && k == seg.size();
}

// A token that reads as random base64 rather than a word, a path, a UUID or a hex digest.
// Statistical, so deliberately one-sided: a long CamelCase name with digits may be taken for a key.
bool random_looking(std::string_view t) {
    bool upper = false, lower = false, dig = false, sym = false;
    for (char c : t) {
        upper = upper || (c >= 'A' && c <= 'Z');
        lower = lower || (c >= 'a' && c <= 'z');
        dig = dig || digit(c);
        sym = sym || c == '+' || c == '/';
    }
    if (!upper || !lower) return false;  // hex digests, lower-case names
    // Words change class rarely; random base64 about two times in three. Without digits or + and /
    // the bar is higher, as CamelCaseNames change class at every hump.
    if (class_changes(t) * 100 < t.size() * (dig || sym ? 30 : 45)) return false;
    // Mixed case inside one '-'/'_' part of 8+ characters ("GPU-2f0b1c7e-..." has none).
    bool mixed_part = false;
    for (size_t k = 0, part = 0; k <= t.size(); ++k) {
        if (k < t.size() && t[k] != '-' && t[k] != '_') continue;
        const std::string_view p = t.substr(part, k - part);
        const bool u = std::any_of(p.begin(), p.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
        const bool l = std::any_of(p.begin(), p.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        mixed_part = mixed_part || (p.size() >= 8 && u && l);
        part = k + 1;
    }
    if (!mixed_part) return false;
    // A path (no '+' in it): most of its segments between slashes are words.
    if (t.find('/') != std::string_view::npos && t.find('+') == std::string_view::npos) {
        size_t segments = 0, words = 0;
        for (size_t k = 0, seg = 0; k <= t.size(); ++k) {
            if (k < t.size() && t[k] != '/') continue;
            const std::string_view p = t.substr(seg, k - seg);
            if (p.size() >= 3) {
                ++segments;
                words += word_segment(p);
            }
            seg = k + 1;
        }
        if (words >= 2 && words * 2 >= segments) return false;
    }
    return true;
}

// The value after a secret key's separator, from `j`: a quoted value to its closing quote, an ODBC
// {braced} value, or a bare run; in a connection string a bare value runs to the next ';'.
// Returns {offset, length} of the value; length 0 when there is none.
std::pair<size_t, size_t> secret_value(std::string_view s, size_t j, bool in_connection_string) {
    if (j + 1 < s.size() && s[j] == '\\' && quote(s[j + 1])) {
        // An escaped quote (JSON inside a JSON string): the value ends at the next escaped quote.
        const char closing[] = {'\\', s[j + 1], '\0'};
        const size_t k = s.find(closing, j + 2);
        if (k != std::string_view::npos) return {j + 2, k - j - 2};
    }
    if (j < s.size() && quote(s[j])) {
        const char q = s[j];
        size_t k = j + 1;
        while (k < s.size() && s[k] != q) k += (s[k] == '\\' && k + 1 < s.size()) ? 2 : 1;
        if (k < s.size()) return {j + 1, k - j - 1};
        ++j;  // unclosed: a bare value after the quote
    }
    if (j < s.size() && s[j] == '{') {
        const size_t close = s.find('}', j + 1);
        if (close != std::string_view::npos) return {j + 1, close - j - 1};
    }
    size_t v = run(s, j, value_char);
    if (v > 0 && in_connection_string && j + v < s.size() && s[j + v] == ' ') {
        // "Password=two words;" in an ADO/ODBC string: the value ends at the ';'.
        const size_t semi = s.find(';', j + v);
        if (semi != std::string_view::npos && semi - j <= 128) {
            const std::string_view gap = s.substr(j + v, semi - j - v);
            if (gap.find_first_of("=:\"'<>") == std::string_view::npos) v = semi - j;
        }
    }
    return {j, v};
}

// "scheme://user:password@host": the password. Also "user:password@host" without a scheme.
Match scan_url_credentials(std::string_view s, size_t i) {
    size_t j = i;
    if (j < s.size() && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) {
        size_t k = j + 1;
        while (k < s.size() && k - j < 32 && (alnum(s[k]) || s[k] == '+' || s[k] == '.' || s[k] == '-')) ++k;
        if (s.compare(k, 3, "://") == 0) j = k + 3;
    }
    const bool has_scheme = j != i;
    // User-info: up to the last '@' before the path.
    size_t end = j;
    while (end < s.size() && end - j < 256 && userinfo_char(s[end]) && s[end] != '/' && s[end] != '?' && s[end] != '#')
        ++end;
    const std::string_view info = s.substr(j, end - j);
    const size_t at = info.rfind('@');
    if (at == std::string_view::npos || at == 0 || j + at + 1 >= s.size() || !label_char(s[j + at + 1])) return {};
    const size_t colon = info.find(':');
    if (colon == std::string_view::npos || colon >= at || colon + 1 == at) return {};
    if (!has_scheme) {
        // Bare form: a plain user name before the colon ("password:x@y" is a key and its value).
        if (colon == 0 || secret_key_name(info.substr(0, colon))) return {};
        for (size_t k = 0; k < colon; ++k)
            if (!ident_char(info[k])) return {};
    }
    const size_t value_off = j - i + colon + 1;
    return {j - i + at, value_off, at - colon - 1, "SECRET"};
}

bool prefix_run(std::string_view s, size_t i, std::string_view prefix, bool (*pred)(char), size_t min_len,
                size_t* len) {
    if (s.compare(i, prefix.size(), prefix) != 0) return false;
    const size_t n = run(s, i + prefix.size(), pred);
    if (n < min_len) return false;
    *len = prefix.size() + n;
    return true;
}

Match scan_secret(std::string_view s, size_t i) {
    size_t len = 0;
    // Tokens recognised by their prefix.
    static const char* const kAwsIdPrefixes[] = {"AKIA", "ASIA", "AGPA", "AIDA", "AROA",
                                                 "AIPA", "ANPA", "ANVA", "ABIA", "ACCA"};
    for (const char* p : kAwsIdPrefixes) {
        if (s.compare(i, 4, p) != 0 || i + 20 > s.size()) continue;
        bool ok = true;
        for (size_t k = i + 4; k < i + 20; ++k) ok = ok && upper_or_digit(s[k]);
        if (ok && (i + 20 == s.size() || !alnum(s[i + 20]))) return {20, 0, 20, "SECRET"};
    }
    if (prefix_run(s, i, "AIza", b64url, 30, &len)) return {len, 0, len, "SECRET"};  // GCP API key
    if (prefix_run(s, i, "github_pat_", word, 20, &len)) return {len, 0, len, "SECRET"};
    if (i + 4 <= s.size() && s[i] == 'g' && s[i + 1] == 'h' && std::strchr("pousr", s[i + 2]) && s[i + 3] == '_') {
        const size_t n = run(s, i + 4, alnum);
        if (n >= 20) return {4 + n, 0, 4 + n, "SECRET"};
    }
    for (const char* p : {"glpat-", "gldt-", "glrt-", "glptt-", "glsoat-", "glcbt-"})
        if (prefix_run(s, i, p, b64url, 16, &len)) return {len, 0, len, "SECRET"};
    if (i + 5 <= s.size() && s.compare(i, 3, "xox") == 0 && std::strchr("abposr", s[i + 3]) && s[i + 4] == '-') {
        const size_t n = run(s, i + 5, [](char c) { return alnum(c) || c == '-'; });
        if (n >= 10) return {5 + n, 0, 5 + n, "SECRET"};
    }
    if (prefix_run(
            s, i, "xapp-", [](char c) { return alnum(c) || c == '-'; }, 10, &len))
        return {len, 0, len, "SECRET"};
    for (const char* p : {"sk-", "sk_live_", "sk_test_", "rk_live_", "rk_test_"}) {
        if (prefix_run(s, i, p, b64url, 16, &len)) {
            const std::string_view t = s.substr(i, len);
            if (std::any_of(t.begin() + 3, t.end(), digit)) return {len, 0, len, "SECRET"};
        }
    }
    // Slack incoming webhooks: the path after the host is the secret.
    {
        size_t j = i;
        if (starts_with_ci(s, j, "https://")) j += 8;
        else if (starts_with_ci(s, j, "http://")) j += 7;
        if (starts_with_ci(s, j, "hooks.slack.com/")) {
            j += 16;
            const size_t n = run(s, j, url_path_char);
            if (n > 0) return {j + n - i, j - i, n, "SECRET"};
        }
    }
    // Authorization headers: the credentials after the scheme (Bearer, Basic, Token, Digest, ...).
    {
        const size_t id = run(s, i, ident_char, 65);
        if (id >= 13 && id <= 64 && lowered(s.substr(i + id - 13, 13)) == "authorization" &&
            (id == 13 || !alnum(s[i + id - 14]))) {
            size_t j = i + id;
            while (j < s.size() && quote(s[j])) ++j;
            while (j < s.size() && space(s[j])) ++j;
            if (j < s.size() && (s[j] == ':' || s[j] == '=')) {
                ++j;
                while (j < s.size() && (space(s[j]) || quote(s[j]))) ++j;
                const size_t scheme = run(s, j, [](char c) { return alnum(c) || c == '-'; });
                size_t v = j;
                bool single_token = true;
                if (scheme > 0 && j + scheme + 1 < s.size() && s[j + scheme] == ' ' && !space(s[j + scheme + 1])) {
                    const std::string low = lowered(s.substr(j, scheme));
                    single_token =
                        low == "bearer" || low == "basic" || low == "token" || low == "bot" || low == "apikey";
                    v = j + scheme + 1;
                }
                const char closing = i > 0 && quote(s[i - 1]) ? s[i - 1] : '\0';
                size_t e = v;
                if (single_token) {
                    while (e < s.size() && !space(s[e]) && !quote(s[e]) && s[e] != '<' && s[e] != ',' && s[e] != ';')
                        ++e;
                } else {
                    while (e < s.size() && s[e] != closing && s[e] != '<') ++e;
                    while (e > v && space(s[e - 1])) --e;
                }
                if (e > v) return {e - i, v - i, e - v, "SECRET"};
            }
        }
    }
    if (starts_with_ci(s, i, "bearer ")) {
        const size_t n = run(s, i + 7, token_char);
        if (n >= 8) return {7 + n, 7, n, "SECRET"};
    }
    if (starts_with_ci(s, i, "basic ")) {
        const size_t n = run(s, i + 6, [](char c) { return base64_char(c) || c == '='; });
        const std::string_view t = s.substr(i + 6, n);
        size_t case_changes = 0;
        for (size_t k = 1; k < t.size(); ++k)
            case_changes += alnum(t[k]) && alnum(t[k - 1]) && !digit(t[k]) && !digit(t[k - 1]) &&
                            ((t[k] >= 'a') != (t[k - 1] >= 'a'));
        const bool encoded =
            std::any_of(t.begin(), t.end(), [](char c) { return digit(c) || c == '=' || c == '+' || c == '/'; }) ||
            case_changes >= 4;
        if (n >= 8 && encoded && (i + 6 + n == s.size() || !ident_char(s[i + 6 + n]))) return {6 + n, 6, n, "SECRET"};
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
    if (Match m = scan_url_credentials(s, i); m.len) return m;
    // curl -u user:password / --user user:password
    for (const char* opt : {"-u ", "--user ", "--user=", "--proxy-user "}) {
        const size_t o = std::strlen(opt);
        if (s.compare(i, o, opt) != 0) continue;
        size_t j = i + o;
        const bool quoted = j < s.size() && quote(s[j]);
        if (quoted) ++j;
        const size_t n = run(s, j, userinfo_char, 256);
        const size_t colon = s.substr(j, n).find(':');
        if (colon != std::string_view::npos && colon + 1 < n)
            return {j + n - i, j + colon + 1 - i, n - colon - 1, "SECRET"};
    }
    // key=value / key: value where the key names a secret.
    const size_t id = run(s, i, ident_char, 65);
    if (id > 0 && id <= 64 && secret_key_name(s.substr(i, id))) {
        size_t j = i + id;
        const size_t key_end = j;
        while (j < s.size() && (quote(s[j]) || s[j] == '\\')) ++j;
        const bool key_quoted = j != key_end;
        while (j < s.size() && space(s[j])) ++j;
        if (!key_quoted && s.compare(i, 2, "--") == 0 && j == key_end + 1 && s[key_end] == ' ' && j < s.size() &&
            s[j] != '-' && s[j] != '=' && s[j] != ':') {
            // A command-line option naming a secret, its value after a space: --password VALUE.
            const auto [off, v] = secret_value(s, j, false);
            if (v > 0) return {off + v - i, off - i, v, "SECRET"};
        }
        if (j < s.size() && (s[j] == '=' || s[j] == ':') && s.compare(j, 3, "://") != 0) {
            // "...;Password=two words;": a key inside an ADO/ODBC connection string.
            const bool in_connection_string = s[j] == '=' && i > 0 && s[i - 1] == ';';
            ++j;
            while (j < s.size() && space(s[j])) ++j;
            // "--token=" inside a quoted string: the quote after it closes that string, no value follows.
            size_t b = i;
            while (b > 0 && i - b < 64 && ident_char(s[b - 1])) --b;
            if (!key_quoted && b > 0 && quote(s[b - 1]) && j < s.size() && s[j] == s[b - 1]) return {};
            const auto [off, v] = secret_value(s, j, in_connection_string);
            if (v > 0) return {off + v - i, off - i, v, "SECRET"};
        }
    }
    // A long random-looking token with no name: a key, a PEM body line, a signature. Judged once,
    // from the start of its run.
    if (i == 0 || !token_run_char(s[i - 1])) {
        const size_t n = run(s, i, token_run_char);
        size_t pad = 0;
        while (i + n + pad < s.size() && s[i + n + pad] == '=' && pad < 2) ++pad;
        if (n >= 32 && random_looking(s.substr(i, n))) return {n + pad, 0, n + pad, "SECRET"};
    }
    return {};
}

// --- emails, UUIDs, MACs, IPs, hosts -----------------------------------------------------------
size_t domain_len(std::string_view s, size_t i, size_t* labels, std::string* tld) {
    size_t j = i, n_labels = 0, last_start = i;
    for (;;) {
        const size_t l = run(s, j, label_char, 64);
        if (l == 0 || l > 63 || j + l - i > 253) break;
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
    const size_t l = run(s, i, local_char, 65);
    if (l == 0 || l > 64 || i + l >= s.size() || s[i + l] != '@') return {};
    size_t labels = 0;
    std::string tld;
    const size_t d = domain_len(s, i + l + 1, &labels, &tld);
    if (labels < 2 || tld.size() < 2 ||
        !std::all_of(tld.begin(), tld.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
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

const char* const kHostSuffixes[] = {"com",  "net",   "org",     "io",  "dev",      "ai",    "app",        "cloud",
                                     "co",   "biz",   "info",    "edu", "gov",      "mil",   "us",         "uk",
                                     "de",   "fr",    "jp",      "cn",  "nl",       "eu",    "ca",         "au",
                                     "in",   "br",    "ch",      "se",  "internal", "local", "lan",        "corp",
                                     "home", "intra", "private", "svc", "example",  "test",  "localdomain"};
const char* const kPublicDomains[] = {"docker.io",  "ghcr.io",         "gcr.io",         "quay.io",
                                      "nvcr.io",    "k8s.io",          "kubernetes.io",  "github.com",
                                      "nvidia.com", "pypi.org",        "microsoft.com",  "ubuntu.com",
                                      "debian.org", "letsencrypt.org", "registry.k8s.io"};

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
        if (host.size() < 2 || host.size() > 63 ||
            !std::any_of(host.begin(), host.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            return;
        for (char c : host)
            if (!ident_char(c)) return;
        if (std::find(known_hosts_.begin(), known_hosts_.end(), host) == known_hosts_.end())
            known_hosts_.emplace_back(host);
    };
    size_t p = 0;
    std::string_view first = tok(p);
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const bool month = first.size() == 3 &&
                       std::any_of(std::begin(months), std::end(months), [&](const char* m) { return first == m; });
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

std::vector<PemBlockTracker::Piece> PemBlockTracker::split(std::string_view line) {
    std::vector<Piece> pieces;
    // A marker runs from "-----BEGIN"/"-----END" to the next "-----" (or the end of the line).
    auto marker_end = [&](size_t from, size_t keyword) {
        const size_t close = line.find("-----", from + keyword);
        return close == std::string_view::npos ? line.size() : close + 5;
    };
    size_t i = 0;
    while (i < line.size()) {
        if (in_block_) {
            const size_t end = line.find("-----END", i);
            if (end == std::string_view::npos) {
                pieces.push_back({line.substr(i), PieceKind::Body});
                break;
            }
            if (end > i) pieces.push_back({line.substr(i, end - i), PieceKind::Body});
            const size_t after = marker_end(end, 8);
            pieces.push_back({line.substr(end, after - end), PieceKind::Marker});
            in_block_ = false;
            i = after;
        } else {
            const size_t begin = line.find("-----BEGIN", i);
            if (begin == std::string_view::npos) {
                pieces.push_back({line.substr(i), PieceKind::Text});
                break;
            }
            if (begin > i) pieces.push_back({line.substr(i, begin - i), PieceKind::Text});
            const size_t after = marker_end(begin, 10);
            pieces.push_back({line.substr(begin, after - begin), PieceKind::Marker});
            in_block_ = true;
            i = after;
        }
    }
    return pieces;
}

bool is_placeholder(std::string_view t) {
    if (t.size() < 4 || t.front() != '<' || t.back() != '>') return false;
    const std::string_view inner = t.substr(1, t.size() - 2);
    const size_t us = inner.rfind('_');
    if (us == std::string_view::npos || us == 0 || us + 1 == inner.size()) return false;
    for (size_t k = 0; k < us; ++k)
        if (!((inner[k] >= 'A' && inner[k] <= 'Z') || inner[k] == '_')) return false;
    for (size_t k = us + 1; k < inner.size(); ++k)
        if (!digit(inner[k])) return false;
    return true;
}

std::string Redactor::redact_pem_body(std::string_view body) {
    // Keep the surrounding blanks (and a CR), replace the rest; a body that is already a placeholder stays.
    size_t b = 0, e = body.size();
    while (b < e && (space(body[b]) || body[b] == '\r')) ++b;
    while (e > b && (space(body[e - 1]) || body[e - 1] == '\r')) --e;
    const std::string_view core = body.substr(b, e - b);
    if (core.empty() || is_placeholder(core)) return std::string(body);
    return std::string(body.substr(0, b)) + placeholder("SECRET", core) + std::string(body.substr(e));
}

std::string Redactor::redact_line(std::string_view s) {
    if (!options_.secrets) return redact_words(s);
    std::string out;
    out.reserve(s.size());
    for (const PemBlockTracker::Piece& p : pem_.split(s)) {
        switch (p.kind) {
            case PemBlockTracker::PieceKind::Text: out += redact_words(p.text); break;
            case PemBlockTracker::PieceKind::Marker: out.append(p.text); break;
            case PemBlockTracker::PieceKind::Body: out += redact_pem_body(p.text); break;
        }
    }
    return out;
}

std::string Redactor::redact_words(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const char prev = i ? s[i - 1] : ' ';
        if (s[i] == '<') {
            // A placeholder already there (redacting twice) is copied as it is.
            const size_t close = s.find('>', i);
            if (close != std::string_view::npos && close - i <= 40 && is_placeholder(s.substr(i, close - i + 1))) {
                out.append(s.substr(i, close - i + 1));
                i = close + 1;
                continue;
            }
        }
        Match m;
        if (!word(prev)) {
            if (options_.secrets) m = scan_secret(s, i);
            if (!m.len && options_.emails) m = scan_email(s, i);
            if (!m.len && (options_.uuids || options_.cloud_ids)) {
                const bool prefixed =
                    (s.compare(i, 4, "GPU-") == 0 || s.compare(i, 4, "MIG-") == 0) && is_uuid_at(s, i + 4);
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
        if (m.len && is_placeholder(s.substr(i + m.value_off, m.value_len))) m.value_len = 0;
        if (m.len && m.value_len) {
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

RedactOptions RedactOptions::secrets_only() {
    RedactOptions o;
    o.ipv4 = o.ipv6 = o.hostnames = o.emails = o.cloud_ids = o.uuids = o.macs = false;
    return o;
}

std::string redact_secrets(std::string_view text) {
    Redactor r(RedactOptions::secrets_only());
    return r.redact(text);
}

bool names_a_secret(std::string_view key) { return !key.empty() && key.size() <= 64 && secret_key_name(key); }

std::string Redactor::redact_whole_secret(std::string_view value) {
    if (value.empty() || is_placeholder(value)) return std::string(value);
    return placeholder("SECRET", value);
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
