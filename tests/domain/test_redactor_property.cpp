// Redactor property test: seeded random mixes of many kinds of secrets and ordinary text, on one
// line and across lines, in the secrets-only mode (history, export, remote prompts) and the full
// mode (logs). No piece of any secret survives, every ordinary word does, lines are kept, the full
// mode restores the input, and redacting twice changes nothing.
// Not a test of placeholder numbering: test_redactor.cpp pins exact outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "app/domain/redactor.h"

using sigma::domain::Redactor;

namespace {

const char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const char kPassword[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!$%*+-._~^";

// What a generator adds: the text, and the secret parts of it that must not survive.
struct Piece {
    std::string text;
    std::vector<std::string> secrets;
};

class Gen {
public:
    explicit Gen(uint64_t seed) : rng_(seed) {}

    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
    template <size_t N>
    std::string chars(const char (&set)[N], size_t n) {
        std::string s;
        for (size_t k = 0; k < n; ++k) s += set[pick(N - 1)];
        return s;
    }
    template <typename T>
    const T& one_of(const std::vector<T>& v) {
        return v[pick(v.size())];
    }

    // A password with a letter and a digit, as real ones have.
    std::string password() { return chars(kUpper, 1) + chars(kPassword, 8 + pick(12)) + std::to_string(pick(90) + 10); }

    Piece secret() {
        switch (pick(22)) {
            case 0: {
                const std::string id = "AKIA" + chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
                return {"aws id " + id, {id}};
            }
            case 1: {
                const std::string key = chars(kBase64, 40);
                const std::vector<std::string> names = {"aws_secret_access_key=", "AWS_SECRET_ACCESS_KEY: ",
                                                        "aws_secret_access_key = ", "SecretAccessKey: "};
                return {one_of(names) + key, {key}};
            }
            case 2: {
                // An access key id and its secret key side by side, as in a credentials CSV.
                const std::string id = "AKIA" + chars(kUpper, 16), key = chars(kBase64, 40);
                return {"key pair " + id + "," + key, {id, key}};
            }
            case 3: {
                const std::string key = "AIza" + chars(kBase64Url, 35);
                return {"gcp key " + key, {key}};
            }
            case 4: {
                const std::string a = chars(kBase64, 64), b = chars(kBase64, 20) + "==";
                return {
                    "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + a + "\\n" +
                        b +
                        "\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"svc@proj.iam.gserviceaccount.com\"}",
                    {a, b}};
            }
            case 5: {
                const std::string key = chars(kBase64, 86) + "==";
                return {"DefaultEndpointsProtocol=https;AccountName=acct" + std::to_string(pick(99)) +
                            ";AccountKey=" + key + ";EndpointSuffix=core.windows.net",
                        {key}};
            }
            case 6: {
                const std::string sig = chars(kAlnum, 30) + "%2B" + chars(kAlnum, 10) + "%3D";
                return {"https://acct.blob.core.windows.net/logs?sv=2022-11-02&ss=b&sp=r&se=2030-01-01&sig=" + sig,
                        {sig}};
            }
            case 7: {
                const std::string secret = chars(kAlnum, 3) + "8Q~" + chars(kBase64Url, 30);
                const std::vector<std::string> names = {
                    "client_secret=", "AZURE_CLIENT_SECRET=", "\"clientSecret\": \"", "ClientSecret: "};
                const std::string& name = one_of(names);
                return {name + secret + (name.back() == '"' ? "\"" : ""), {secret}};
            }
            case 8: {
                const std::vector<std::string> prefixes = {"ghp_", "gho_", "ghs_", "ghu_"};
                const std::string t = one_of(prefixes) + chars(kAlnum, 36);
                return {"github " + t, {t}};
            }
            case 9: {
                const std::string t = "github_pat_" + chars(kAlnum, 22) + "_" + chars(kAlnum, 59);
                return {"pat " + t, {t}};
            }
            case 10: {
                const std::string t = "glpat-" + chars(kBase64Url, 20);
                return {"gitlab " + t, {t}};
            }
            case 11: {
                const std::string t = std::string("xox") + "abpr"[pick(4)] + "-" +
                                      std::to_string(1000000000 + pick(999999)) + "-" +
                                      std::to_string(1000000000 + pick(999999)) + "-" + chars(kAlnum, 24);
                return {"slack " + t, {t}};
            }
            case 12: {
                const std::string path = "T" + chars(kUpper, 8) + "/B" + chars(kUpper, 8) + "/" + chars(kAlnum, 24);
                return {"webhook https://hooks.slack.com/services/" + path, {path}};
            }
            case 13: {
                const std::string t =
                    "eyJ" + chars(kBase64Url, 30) + "." + chars(kBase64Url, 40) + "." + chars(kBase64Url, 43);
                return {"jwt " + t, {t}};
            }
            case 14: {
                const std::vector<std::string> keys = {"password=",   "passwd: ",       "secret: ",         "token=",
                                                       "api_key=",    "db_password=",   "apiKey: ",         "PASSWORD=",
                                                       "x-api-key: ", "refresh_token=", "\"password\": \"", "secret='",
                                                       "--password ", "--token ",       "--client-secret "};
                const std::string& key = one_of(keys);
                const std::string value = password();
                const char close = key.back() == '"' || key.back() == '\'' ? key.back() : '\0';
                return {key + value + (close ? std::string(1, close) : std::string()), {value}};
            }
            case 15: {
                const std::string t = chars(kBase64Url, 28) + "." + chars(kBase64Url, 12);
                const std::vector<std::string> forms = {"Authorization: Bearer ", "-H 'Authorization: Bearer ",
                                                        "bearer ", "Proxy-Authorization: Bearer "};
                const std::string& form = one_of(forms);
                return {form + t + (form[0] == '-' ? "'" : ""), {t}};
            }
            case 16: {
                const std::string t = chars(kBase64, 20) + "=";
                return {"Authorization: Basic " + t, {t}};
            }
            case 17: {
                const std::string pw = password();
                const std::vector<std::string> schemes = {"https://", "postgres://", "postgresql://", "mysql://",
                                                          "redis://", "amqp://",     "mongodb+srv://"};
                return {one_of(schemes) + "svc" + std::to_string(pick(99)) + ":" + pw + "@db" +
                            std::to_string(pick(9)) + ".internal:5432/prod",
                        {pw}};
            }
            case 18: {
                const std::string pw = password();
                return {"ssh deploy:" + pw + "@10.1.2." + std::to_string(pick(250)), {pw}};
            }
            case 19: {
                const std::string pw = password(), pw2 = password();
                if (pick(2))
                    return {"Server=tcp:sql" + std::to_string(pick(9)) +
                                ",1433;Database=ops;User Id=sa;Password=" + pw + ";Encrypt=True;",
                            {pw}};
                return {"Driver={ODBC Driver 18};Server=db;UID=ops;PWD={" + pw + ";" + pw2 + "};", {pw, pw2}};
            }
            case 20: {
                const std::string body = chars(kBase64, 16 + pick(48));
                const std::vector<std::string> kinds = {"RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY",
                                                        "OPENSSH PRIVATE KEY"};
                const std::string& kind = one_of(kinds);
                return {"-----BEGIN " + kind + "----- " + body + " -----END " + kind + "-----", {body}};
            }
            default: {
                // A multi-line block, possibly with a log prefix on every line.
                const std::vector<std::string> prefixes = {"", "", "Jan 12 03:04:05 node7 app[311]: ", "  "};
                const std::string& prefix = one_of(prefixes);
                const std::vector<std::string> kinds = {"RSA PRIVATE KEY", "PRIVATE KEY", "CERTIFICATE",
                                                        "ENCRYPTED PRIVATE KEY"};
                const std::string& kind = one_of(kinds);
                Piece p;
                p.text = prefix + "-----BEGIN " + kind + "-----\n";
                const size_t lines = 1 + pick(5);
                for (size_t k = 0; k < lines; ++k) {
                    const std::string body =
                        chars(kBase64, k + 1 == lines ? 4 + pick(40) : 64) + (k + 1 == lines ? "==" : "");
                    p.text += prefix + body + "\n";
                    p.secrets.push_back(body);
                }
                p.text += prefix + "-----END " + kind + "-----";
                return p;
            }
        }
    }

    const std::string& word() {
        static const std::vector<std::string> words = {
            "show",        "gpu",
            "memory",      "usage",
            "restart",     "kubelet",
            "pods",        "namespace",
            "nvidia-smi",  "--query-gpu=memory.used",
            "failed",      "timeout",
            "latency",     "throttling",
            "driver",      "ecc",
            "Xid",         "79",
            "temperature", "node",
            "disk",        "SigninLogs",
            "where",       "summarize",
            "count()",     "by",
            "Computer",    "why",
            "does",        "my",
            "job",         "crash",
            "NCCL",        "WARN",
            "OOMKilled",   "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"};
        return one_of(words);
    }

    const std::string& separator() {
        static const std::vector<std::string> seps = {" ", " ", " ", ", ", "\n", " | ", "\t", "\n\n"};
        return one_of(seps);
    }

private:
    std::mt19937_64 rng_;
};

struct Case {
    std::string text;
    std::vector<std::string> secrets;
    std::vector<std::string> words;
};

Case make_case(Gen& g, bool multi_line) {
    Case c;
    const size_t n = 4 + g.pick(16);
    for (size_t k = 0; k < n; ++k) {
        if (k) c.text += multi_line ? g.separator() : std::string(" ");
        if (g.pick(2)) {
            Piece p = g.secret();
            if (!multi_line && p.text.find('\n') != std::string::npos) {
                const std::string pw = g.password();
                p = {"token=" + pw, {pw}};
            }
            c.text += p.text;
            c.secrets.insert(c.secrets.end(), p.secrets.begin(), p.secrets.end());
        } else {
            const std::string& w = g.word();
            c.text += w;
            c.words.push_back(w);
        }
    }
    return c;
}

// The first window of `secret` (8 characters, or all of a shorter one) found in `out`.
std::string leaked(const std::string& out, const std::string& secret) {
    const size_t w = std::min<size_t>(8, secret.size());
    for (size_t k = 0; k + w <= secret.size(); ++k)
        if (out.find(secret.substr(k, w)) != std::string::npos) return secret.substr(k, w);
    return {};
}

void check(const Case& c, const std::string& out, const char* mode) {
    for (const std::string& s : c.secrets) {
        const std::string piece = leaked(out, s);
        EXPECT_TRUE(piece.empty()) << mode << ": '" << piece << "' of secret '" << s << "' survived in:\n"
                                   << c.text << "\n---\n"
                                   << out;
    }
    for (const std::string& w : c.words)
        EXPECT_NE(out.find(w), std::string::npos) << mode << ": word '" << w << "' was lost in:\n"
                                                  << c.text << "\n---\n"
                                                  << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), std::count(c.text.begin(), c.text.end(), '\n')) << mode;
}

void run_cases(uint64_t seed, bool multi_line, int count) {
    const bool failed_before = ::testing::Test::HasFailure();
    Gen g(seed);
    for (int k = 0; k < count; ++k) {
        const Case c = make_case(g, multi_line);
        const std::string secrets_only = sigma::domain::redact_secrets(c.text);
        check(c, secrets_only, "secrets only");
        EXPECT_EQ(sigma::domain::redact_secrets(secrets_only), secrets_only) << "redacting twice changed:\n"
                                                                             << secrets_only;

        Redactor full;
        const std::string out = full.redact(c.text);
        for (const std::string& s : c.secrets)
            EXPECT_TRUE(leaked(out, s).empty()) << "full: secret '" << s << "' in\n" << out;
        EXPECT_EQ(full.restore(out), c.text);
        if (!failed_before && ::testing::Test::HasFailure()) {
            ADD_FAILURE() << "seed " << seed << " case " << k;
            return;
        }
    }
}

}  // namespace

TEST(RedactorProperty, ManySecretsOnOneLine) {
    for (uint64_t seed : {1u, 2u, 3u, 42u, 2026u}) run_cases(seed, false, 400);
}

TEST(RedactorProperty, ManySecretsAcrossLines) {
    for (uint64_t seed : {5u, 6u, 7u, 99u, 31337u}) run_cases(seed, true, 400);
}

TEST(RedactorProperty, TheReportedRequestIsRedactedEverywhere) {
    const std::string request =
        "show gpu memory, my creds AKIAIOSFODNN7EXAMPLE ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 "
        "password=Hunter2Secret "
        "Authorization: Bearer sk-live-9f8e7d6c5b4a39281706 -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA7zQ "
        "-----END "
        "RSA PRIVATE KEY-----";
    const std::string out = sigma::domain::redact_secrets(request);
    for (const char* secret : {"AKIAIOSFODNN7EXAMPLE", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "Hunter2Secret",
                               "sk-live-9f8e7d6c5b4a39281706", "MIIEowIBAAKCAQEA7zQ"})
        EXPECT_EQ(out.find(secret), std::string::npos) << secret << " in " << out;
    EXPECT_EQ(out.rfind("show gpu memory, my creds ", 0), 0u) << out;
}
