// ShellCatalog: the pack loads, covers the tools operators use, resolves paths, aliases and
// prefixes, walks options (clusters, values, unique long prefixes, subcommands), and rejects damage.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "app/domain/shell_catalog.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {
std::vector<ShellWord> words(const std::string& line) {
    auto p = parse_shell("x " + line);
    EXPECT_TRUE(p.ok) << p.error;
    return p.ok ? p.commands[0].args : std::vector<ShellWord>{};
}
}  // namespace

TEST(ShellCatalog, CoversOperatorTools) {
    const char* tools[] = {"ls",
                           "cat",
                           "head",
                           "tail",
                           "wc",
                           "sort",
                           "uniq",
                           "cut",
                           "tr",
                           "cp",
                           "mv",
                           "rm",
                           "mkdir",
                           "rmdir",
                           "ln",
                           "chmod",
                           "chown",
                           "touch",
                           "stat",
                           "date",
                           "echo",
                           "printf",
                           "tee",
                           "xargs",
                           "env",
                           "id",
                           "whoami",
                           "hostname",
                           "uname",
                           "uptime",
                           "watch",
                           "timeout",
                           "kill",
                           "pkill",
                           "killall",
                           "nice",
                           "renice",
                           "sleep",
                           "find",
                           "grep",
                           "egrep",
                           "awk",
                           "sed",
                           "ps",
                           "top",
                           "htop",
                           "free",
                           "df",
                           "du",
                           "lsof",
                           "ss",
                           "netstat",
                           "ip",
                           "ping",
                           "traceroute",
                           "dig",
                           "nslookup",
                           "host",
                           "curl",
                           "wget",
                           "openssl",
                           "journalctl",
                           "systemctl",
                           "dmesg",
                           "lspci",
                           "lsblk",
                           "mount",
                           "umount",
                           "tar",
                           "gzip",
                           "rsync",
                           "scp",
                           "ssh",
                           "docker",
                           "kubectl",
                           "helm",
                           "dcgmi",
                           "nvcc",
                           "all_reduce_perf",
                           "all_gather_perf",
                           "numactl",
                           "taskset",
                           "ibstat",
                           "ibv_devinfo",
                           "mkfs",
                           "mkfs.ext4",
                           "dd",
                           "fdisk",
                           "parted",
                           "shutdown",
                           "reboot",
                           "iptables",
                           "useradd",
                           "sudo",
                           "crontab",
                           "apt",
                           "apt-get",
                           "yum",
                           "dnf",
                           "pip",
                           "pip3",
                           "python",
                           "python3",
                           "git",
                           "nvidia-smi",
                           "/usr/bin/ls",
                           "podman"};
    for (const char* t : tools) EXPECT_NE(sigma_test::shell_catalog().find(t), nullptr) << t;
    EXPECT_EQ(sigma_test::shell_catalog().find("mkfs.xfs"), sigma_test::shell_catalog().find("mkfs"));
    EXPECT_EQ(sigma_test::shell_catalog().find("egrep"), sigma_test::shell_catalog().find("grep"));
    EXPECT_EQ(sigma_test::shell_catalog().find("nope-not-a-tool"), nullptr);
    EXPECT_EQ(sigma_test::shell_catalog().find(""), nullptr);
    EXPECT_GT(sigma_test::shell_catalog().tools().size(), 150u);
}

TEST(ShellCatalog, WalksOptions) {
    const ShellSpec* rm = sigma_test::shell_catalog().find("rm");
    ToolArgs a = sigma_test::shell_catalog().walk(*rm, words("-rf --verbose /tmp/a b"));
    ASSERT_EQ(a.options.size(), 3u);
    EXPECT_EQ(a.options[0].written, "-r");
    EXPECT_EQ(a.options[1].written, "-f");
    EXPECT_EQ(a.options[2].option->name(), "-v");
    EXPECT_EQ(a.positionals.size(), 2u);
    EXPECT_TRUE(a.messages.empty());

    const ShellSpec* head = sigma_test::shell_catalog().find("head");
    a = sigma_test::shell_catalog().walk(*head, words("-n5 --lines 7 -20 --verb f"));
    ASSERT_EQ(a.options.size(), 4u);
    EXPECT_EQ(a.options[0].value, "5");
    EXPECT_EQ(a.options[1].value, "7");
    EXPECT_EQ(a.options[2].written, "-NUM");
    EXPECT_EQ(a.options[3].option->name(), "-v");  // unique prefix of --verbose
    EXPECT_TRUE(a.messages.empty());

    a = sigma_test::shell_catalog().walk(*head, words("-x f"));
    ASSERT_EQ(a.messages.size(), 1u);
    EXPECT_NE(a.messages[0].text.find("unknown option '-x'"), std::string::npos);

    const ShellSpec* kubectl = sigma_test::shell_catalog().find("kubectl");
    a = sigma_test::shell_catalog().walk(*kubectl, words("-n prod rollout status deploy/api"));
    EXPECT_EQ(a.subcommand_path, (std::vector<std::string>{"rollout", "status"}));
    EXPECT_EQ(a.positionals.size(), 1u);

    a = sigma_test::shell_catalog().walk(*kubectl, words("frobnicate x"));
    EXPECT_EQ(a.unknown_subcommand, "frobnicate");

    const ShellSpec* timeout = sigma_test::shell_catalog().find("timeout");
    a = sigma_test::shell_catalog().walk(*timeout, words("-s KILL 10 rm -rf /x"));
    EXPECT_EQ(a.wrapped_start, 3u);

    const ShellSpec* tar = sigma_test::shell_catalog().find("tar");
    a = sigma_test::shell_catalog().walk(*tar, words("xzf archive.tgz -C /opt"));
    ASSERT_GE(a.options.size(), 4u);
    EXPECT_EQ(a.options[2].value, "archive.tgz");
}

TEST(ShellCatalog, RejectsDamagedPacks) {
    std::string err;
    EXPECT_FALSE(ShellCatalog::load("/nonexistent/tools.json", &err));
    EXPECT_NE(err.find("cannot open"), std::string::npos);
    const std::string bad = std::string(SIGMA_BINARY_DIR) + "/shell_bad_pack.json";
    for (const char* text : {"[", "{\"format_version\": 9, \"tools\": []}", "{\"format_version\": 1, \"tools\": []}",
                             "{\"format_version\": 1, \"tools\": [{\"name\": \"x\", \"risk\": \"harmless\"}]}",
                             "{\"format_version\": 1, \"tools\": [{\"name\": \"x\", \"options\": [\"-a||--b\"]}]}",
                             "{\"format_version\": 1, \"tools\": [{\"risk\": \"read-only\"}]}"}) {
        std::ofstream(bad) << text;
        err.clear();
        EXPECT_FALSE(ShellCatalog::load(bad, &err)) << text;
        EXPECT_FALSE(err.empty()) << text;
    }
}
