// Redactor: every class of value is replaced by a consistent placeholder, ordinary words, file names,
// times and PCI bus ids are left alone, each class can be switched off, and restore() reverses it.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/domain/redactor.h"

using sigma::domain::RedactOptions;
using sigma::domain::Redactor;

namespace {
std::string redact(std::string_view s, RedactOptions o = {}) {
    Redactor r(o);
    return r.redact(s);
}
}  // namespace

TEST(Redactor, Ipv4AddressesKeepTheirPorts) {
    EXPECT_EQ(redact("from 10.2.3.4:51514 to 192.168.1.20"), "from <IP_1>:51514 to <IP_2>");
    EXPECT_EQ(redact("a 10.2.3.4 b 10.2.3.4"), "a <IP_1> b <IP_1>");  // consistent
    // Not addresses: out-of-range parts, versions with more parts, decimals.
    EXPECT_EQ(redact("v 300.1.2.3 and 1.2.3.4.5 and 3.14"), "v 300.1.2.3 and 1.2.3.4.5 and 3.14");
}

TEST(Redactor, Ipv6AddressesButNotTimesOrPciIds) {
    EXPECT_EQ(redact("peer fe80::1ff:fe23:4567:890a up"), "peer <IP_1> up");
    EXPECT_EQ(redact("gid ::ffff:10.20.1.17 ok"), "gid <IP_1> ok");
    EXPECT_EQ(redact("addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334"), "addr <IP_1>");
    const std::string keep =
        "[Tue Nov 18 03:12:44 2025] NVRM: Xid (PCI:0000:3b:00): 79 GPU 0000:3b:00.0 00000000:00:06.0";
    EXPECT_EQ(redact(keep), keep);
    EXPECT_EQ(redact("std::string and Foo::bar"), "std::string and Foo::bar");
}

TEST(Redactor, MacAddresses) {
    EXPECT_EQ(redact("link/ether 0c:42:a1:5e:77:10 brd ff:ff:ff:ff:ff:ff"), "link/ether <MAC_1> brd <MAC_2>");
    EXPECT_EQ(redact("hw 0C-42-A1-5E-77-10."), "hw <MAC_1>.");
}

TEST(Redactor, Emails) {
    EXPECT_EQ(redact("notify jane.doe+ops@corp.example.com now"), "notify <EMAIL_1> now");
    EXPECT_EQ(redact("not an email: user@localhost"), "not an email: user@localhost");
}

TEST(Redactor, HostnamesFromFqdnsAndLogPrefixesButNotFileNames) {
    EXPECT_EQ(redact("Get \"https://metrics.internal:8443/api/v1/query\""),
              "Get \"https://<HOST_1>:8443/api/v1/query\"");
    EXPECT_EQ(redact("Nov 18 10:01:02 node14 kernel: NVRM: reset on node14"),
              "Nov 18 10:01:02 <HOST_1> kernel: NVRM: reset on <HOST_1>");
    EXPECT_EQ(redact("2026-01-07T13:44:12Z gpu-node-2 kubelet[811]: ready\nassigned to gpu-node-2"),
              "2026-01-07T13:44:12Z <HOST_1> kubelet[811]: ready\nassigned to <HOST_1>");
    EXPECT_EQ(redact("gpu-017:3320:3391 [1] NCCL INFO ok"), "<HOST_1>:3320:3391 [1] NCCL INFO ok");
    const std::string keep =
        "File \"train.py\", line 211 in torch.cuda.OutOfMemoryError at ProcessGroupNCCL.cpp:563 app.service "
        "config.yaml "
        "image docker.io/library/nginx";
    EXPECT_EQ(redact(keep), keep);
    // A line without a host field keeps its program name.
    EXPECT_EQ(redact("Nov 18 10:01:02 kernel: oops"), "Nov 18 10:01:02 kernel: oops");
}

TEST(Redactor, Secrets) {
    EXPECT_EQ(redact("Authorization: Bearer abcdef0123456789xyz"), "Authorization: Bearer <SECRET_1>");
    EXPECT_EQ(redact("db_password=hunter2 user=bob"), "db_password=<SECRET_1> user=bob");
    EXPECT_EQ(redact("{\"api_key\": \"sk-123456\"}"), "{\"api_key\": \"<SECRET_1>\"}");
    EXPECT_EQ(redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG and id AKIAIOSFODNN7EXAMPLE"),
              "AWS_SECRET_ACCESS_KEY=<SECRET_1> and id <SECRET_2>");
    EXPECT_EQ(redact("token ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "token <SECRET_1>");
    EXPECT_EQ(
        redact("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end"),
        "jwt <SECRET_1> end");
    // Words about passwords are not secrets.
    const std::string keep = "sshd: Failed password for root; Permission denied (publickey,password).";
    EXPECT_EQ(redact(keep), keep);
}

TEST(Redactor, PrivateKeyBlocksKeepTheirLines) {
    const std::string in =
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nq83Jd9\n-----END RSA PRIVATE KEY-----\ndone";
    Redactor r;
    const std::string out = r.redact(in);
    EXPECT_EQ(out,
              "key:\n-----BEGIN RSA PRIVATE KEY-----\n<SECRET_1>\n<SECRET_2>\n-----END RSA PRIVATE KEY-----\ndone");
    EXPECT_EQ(r.restore(out), in);
}

TEST(Redactor, UuidsGpuUuidsAndCloudIds) {
    EXPECT_EQ(redact("GPU-2f0b1c7e-8a1d-4c3e-9d2a-6b7e1f0a9c11 and MIG-2f0b1c7e-8a1d-4c3e-9d2a-6b7e1f0a9c11"),
              "GPU-<UUID_1> and MIG-<UUID_1>");
    EXPECT_EQ(redact("/subscriptions/0b1c2d3e-1111-2222-3333-444455556666/resourceGroups/rg "
                     "tenantId=9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff"),
              "/subscriptions/<SUBSCRIPTION_1>/resourceGroups/rg tenantId=<TENANT_1>");
    EXPECT_EQ(redact("pod uid 1c2d3e4f-aaaa-bbbb-cccc-0123456789ab"), "pod uid <UUID_1>");
}

TEST(Redactor, ClassesCanBeSwitchedOff) {
    RedactOptions o;
    o.ipv4 = false;
    o.emails = false;
    // With emails off, the address's domain is still a host name.
    EXPECT_EQ(redact("10.0.0.1 a@b.example.com password=x", o), "10.0.0.1 a@<HOST_1> password=<SECRET_1>");
    RedactOptions none{false, false, false, false, false, false, false, false};
    const std::string s =
        "10.0.0.1 fe80::1 api.example.com a@b.example.com password=x 0c:42:a1:5e:77:10 "
        "GPU-2f0b1c7e-8a1d-4c3e-9d2a-6b7e1f0a9c11";
    EXPECT_EQ(redact(s, none), s);
}

TEST(Redactor, KeepsLinesAndRestoresTheOriginal) {
    const std::string in =
        "Jan 31 04:11:02 bastion sshd[91120]: Failed password for invalid user admin from 198.51.100.23 port 51022 "
        "ssh2\r\n"
        "\n"
        "curl -H 'Authorization: Bearer abcdef0123456789' https://api.example.com/v1 -d 'password=s3cr3t'\n"
        "mail ops@example.org from fe80::1 mac 0c:42:a1:5e:77:10\n";
    Redactor r;
    const std::string out = r.redact(in);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), std::count(in.begin(), in.end(), '\n'));
    for (const char* secret : {"198.51.100.23", "bastion", "abcdef0123456789", "api.example.com", "s3cr3t",
                               "ops@example.org", "fe80::1", "0c:42:a1:5e:77:10"})
        EXPECT_EQ(out.find(secret), std::string::npos) << secret << " in " << out;
    EXPECT_EQ(r.restore(out), in);
    EXPECT_GE(r.mapping().size(), 7u);
    // Placeholders stay stable across calls on the same Redactor.
    EXPECT_EQ(r.redact("again 198.51.100.23"), "again <IP_1>");
    EXPECT_EQ(r.restore("text with <NOT_A_PLACEHOLDER_9> and <IP_1>"),
              "text with <NOT_A_PLACEHOLDER_9> and 198.51.100.23");
}

TEST(Redactor, HostileInputDoesNotCrash) {
    std::string junk;
    for (int i = 0; i < 100000; ++i) junk += static_cast<char>((i * 131 + 7) & 0xFF);
    junk += "1.2.3.";  // truncated shapes at the very end
    junk += "\nfe80:";
    junk += "\neyJabcdefghijk.";
    junk += "\n-----BEGIN PRIVATE KEY-----\nabc";
    Redactor r;
    const std::string out = r.redact(junk);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), std::count(junk.begin(), junk.end(), '\n'));
    EXPECT_EQ(r.restore(out), junk);
}

TEST(Redactor, PlaceholdersNeverCollideWithTextAlreadyThere) {
    // Text that already holds placeholder-shaped words must round-trip exactly.
    const std::string text =
        "copied from a report: <IP_1> <HOST_1>\nreal address 10.1.2.3 on node gpu-node-7.example.com\n";
    sigma::domain::Redactor r;
    const std::string red = r.redact(text);
    EXPECT_EQ(red.find("10.1.2.3"), std::string::npos) << red;
    EXPECT_NE(red.find("<IP_2>"), std::string::npos) << red;
    EXPECT_EQ(r.restore(red), text);
}

TEST(Redactor, PemBlocksOnOneLineAndAcrossLines) {
    // The BEGIN and END markers stay; what lies between them goes, wherever the line breaks fall.
    EXPECT_EQ(sigma::domain::redact_secrets(
                  "key -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA7zQ -----END RSA PRIVATE KEY----- ok"),
              "key -----BEGIN RSA PRIVATE KEY----- <SECRET_1> -----END RSA PRIVATE KEY----- ok");
    EXPECT_EQ(sigma::domain::redact_secrets(
                  "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\nq83J==\\n-----END PRIVATE KEY-----\\n\""),
              "\"private_key\": \"-----BEGIN PRIVATE KEY-----<SECRET_1>-----END PRIVATE KEY-----\\n\"");
    const std::string log =
        "Jan 1 10:00:00 node7 app[1]: loading -----BEGIN EC PRIVATE KEY-----\n"
        "Jan 1 10:00:00 node7 app[1]: MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oBXe5bkpMXbmoAoGCCqGSM49\n"
        "Jan 1 10:00:00 node7 app[1]: AwEHoUQDQgAE\n"
        "Jan 1 10:00:00 node7 app[1]: -----END EC PRIVATE KEY----- password=after\n"
        "Jan 1 10:00:01 node7 app[1]: started";
    EXPECT_EQ(sigma::domain::redact_secrets(log),
              "Jan 1 10:00:00 node7 app[1]: loading -----BEGIN EC PRIVATE KEY-----\n"
              "<SECRET_1>\n"
              "<SECRET_2>\n"
              "<SECRET_3> -----END EC PRIVATE KEY----- password=<SECRET_4>\n"
              "Jan 1 10:00:01 node7 app[1]: started");
}

TEST(Redactor, CloudSaasAndConnectionStringSecrets) {
    const auto r = [](std::string_view s) { return sigma::domain::redact_secrets(s); };
    EXPECT_EQ(r("gcp AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW ok"), "gcp <SECRET_1> ok");
    EXPECT_EQ(
        r("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFy+/12==;EndpointSuffix=core.windows.net"),
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=<SECRET_1>;EndpointSuffix=core.windows.net");
    EXPECT_EQ(r("https://a.blob.core.windows.net/c?sv=2021-08-06&sp=r&sig=AbC%2BdEf123%3D x"),
              "https://a.blob.core.windows.net/c?sv=2021-08-06&sp=r&sig=<SECRET_1> x");
    EXPECT_EQ(r("AZURE_CLIENT_SECRET=8Q~abc.DEF_ghi-123 ClientSecret: \"q~Z8 x\""),
              "AZURE_CLIENT_SECRET=<SECRET_1> ClientSecret: \"<SECRET_2>\"");
    EXPECT_EQ(r("gho_16C7e42F292c6912E7710c838347Ae178B4a glpat-xYz123AbC456dEf789gH"), "<SECRET_1> <SECRET_2>");
    EXPECT_EQ(r("xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp https://hooks.slack.com/services/T000/B000/XXXXXXXX"),
              "<SECRET_1> https://hooks.slack.com/<SECRET_2>");
    EXPECT_EQ(
        r("curl -u admin:adminpass -H \"Authorization: Basic dXNlcjpwYXNz\" https://bob:Pa55@w0rd@h.example.com/x"),
        "curl -u admin:<SECRET_1> -H \"Authorization: Basic <SECRET_2>\" https://bob:<SECRET_3>@h.example.com/x");
    EXPECT_EQ(r("postgres://app:dbPa55@db:5432/prod and deploy:s3cret@10.0.0.2"),
              "postgres://app:<SECRET_1>@db:5432/prod and deploy:<SECRET_2>@10.0.0.2");
    EXPECT_EQ(r("Server=db;User Id=sa;Password=two words;Encrypt=True; Driver={ODBC};PWD={p;w};"),
              "Server=db;User Id=sa;Password=<SECRET_1>;Encrypt=True; Driver={ODBC};PWD={<SECRET_2>};");
    EXPECT_EQ(r("az login --password Hunter2x --tenant t1; Authorization: Digest username=\"bob\", response=\"66\""),
              "az login --password <SECRET_1> --tenant t1; Authorization: Digest <SECRET_2>");
    EXPECT_EQ(r("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY; alone "
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
              "aws_secret_access_key = <SECRET_1>; alone <SECRET_1>");
}

TEST(Redactor, LookalikesThatAreNotSecrets) {
    const std::string keep =
        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 "
        "/home/Ubuntu/Models/Llama3/Weights2024/Shard01ABC "
        "/subscriptions/0b1c2d3e-1111-2222-3333-444455556666/resourceGroups/rg "
        "GPU-2f0b1c7e-8a1d-4c3e-9d2a-6b7e1f0a9c11 "
        "NvidiaDevicePluginDaemonSetController bypass=true compass: north basic troubleshooting \"--token=\", "
        "\"--as=\" "
        "std::string user@host.example.com ERROR: pod@node";
    EXPECT_EQ(sigma::domain::redact_secrets(keep), keep);
}

TEST(Redactor, RedactingTwiceChangesNothing) {
    const std::string once = sigma::domain::redact_secrets(
        "password=\"a b\" Bearer abcdefgh12345678 -----BEGIN KEY----- QUJD -----END KEY----- https://u:p4ss@h/ "
        "Authorization: Digest x=1 curl -u a:b PWD={x} hooks.slack.com/services/T/B/C");
    EXPECT_EQ(sigma::domain::redact_secrets(once), once);
    Redactor r;
    EXPECT_EQ(r.redact_whole_secret("hunter2"), "<SECRET_1>");
    EXPECT_EQ(r.redact_whole_secret("<SECRET_1>"), "<SECRET_1>");
    EXPECT_TRUE(sigma::domain::names_a_secret("--token"));
    EXPECT_TRUE(sigma::domain::names_a_secret("clientSecret"));
    EXPECT_FALSE(sigma::domain::names_a_secret("tokens"));
}

TEST(Redactor, CapitalEnvironmentNamesWithoutSeparator) {
    const std::string out = sigma::domain::redact_secrets("PGPASSWORD=Hunter2Secret psql -h db; HOSTNAME=node7 ls");
    EXPECT_EQ(out.find("Hunter2Secret"), std::string::npos) << out;
    EXPECT_NE(out.find("HOSTNAME=node7"), std::string::npos) << out;
}
