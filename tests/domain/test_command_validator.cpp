// CommandValidator facade: every reference and accepted command of the cmdgen dev suite validates with
// its labelled risk; a table of further shell and nvidia-smi commands with expected validity and risk;
// unknown-program policy; JSON shape; hostile input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "app/domain/command_validator.h"
#include "app/domain/json_parse.h"
#include "knowledge_packs.h"

using namespace sigma::domain;
using nlohmann::ordered_json;

namespace {

CommandCheck check(std::string_view line) {
    return check_command(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), line);
}

std::string describe(const CommandCheck& c) {
    std::string s = std::string(c.valid ? "VALID " : "INVALID ") + risk_text(c.risk) + " [";
    for (const auto& r : c.reasons) s += r + "; ";
    s += "] {";
    for (const auto& m : c.messages) s += std::string(severity_text(m.severity)) + ": " + m.text + "; ";
    return s + "}";
}

struct Case {
    const char* line;
    bool valid;
    const char* risk;
};

}  // namespace

TEST(CommandValidator, DevSuiteReferencesValidateWithTheirRisk) {
    std::ifstream in(std::string(SIGMA_SOURCE_DIR) + "/tests/data/eval/cmdgen.dev.jsonl");
    ASSERT_TRUE(in) << "no tests/data/eval/cmdgen.dev.jsonl";
    std::string line;
    size_t cases = 0, commands = 0;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        std::string err;
        auto j = parse_json(line, &err);
        ASSERT_TRUE(j) << err;
        ++cases;
        std::vector<std::string> all{json_string(*j, "reference")};
        for (const std::string& a : json_strings(*j, "accept")) all.push_back(a);
        for (const std::string& cmd : all) {
            ++commands;
            const CommandCheck c = check(cmd);
            EXPECT_TRUE(c.valid) << json_string(*j, "id") << ": " << cmd << " -> " << describe(c);
            EXPECT_EQ(risk_text(c.risk), json_string(*j, "risk"))
                << json_string(*j, "id") << ": " << cmd << " -> " << describe(c);
            EXPECT_FALSE(c.reasons.empty());
        }
    }
    EXPECT_GE(cases, 12u);
    EXPECT_GE(commands, 30u);
}

TEST(CommandValidator, Table) {
    const Case cases[] = {
        // nvidia-smi
        {"nvidia-smi", true, "read-only"},
        {"nvidia-smi -L", true, "read-only"},
        {"watch -n 1 nvidia-smi", true, "read-only"},
        {"nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used --format=csv -l 1", true, "read-only"},
        {"nvidia-smi --query-gpu=power.draw,power.limit --format=csv,noheader", true, "read-only"},
        {"nvidia-smi -q -d TEMPERATURE,POWER", true, "read-only"},
        {"nvidia-smi dmon -s pu -c 5", true, "read-only"},
        {"nvidia-smi pmon -c 1", true, "read-only"},
        {"nvidia-smi nvlink --status", true, "read-only"},
        {"nvidia-smi mig -lgi", true, "read-only"},
        {"nvidia-smi --query-gpu=ecc.errors.uncorrected.volatile.total --format=csv", true, "read-only"},
        {"nvidia-smi --query-remapped-rows=gpu_bus_id,remapped_rows.pending --format=csv", true, "read-only"},
        {"sudo nvidia-smi -pm 1", true, "changes-state"},
        {"sudo nvidia-smi -i 0 -pl 300", true, "changes-state"},
        {"sudo nvidia-smi -lgc 1410,1410", true, "changes-state"},
        {"sudo nvidia-smi -rgc", true, "changes-state"},
        {"sudo nvidia-smi -mig 1 -i 0", true, "changes-state"},
        {"sudo nvidia-smi -c EXCLUSIVE_PROCESS -i 0", true, "changes-state"},
        {"sudo nvidia-smi --gpu-reset -i 0", true, "destructive"},
        {"sudo nvidia-smi mig -dgi", true, "destructive"},
        {"nvidia-smi --query-gpu=memory.usd --format=csv", false, "read-only"},
        {"nvidia-smi --query-gpu=pid --format=csv", false, "read-only"},
        {"nvidia-smi --qurey-gpu=name --format=csv", false, "read-only"},
        {"nvidia-smi -q -d ECC --format=xml", false, "read-only"},
        {"nvidai-smi -L", false, "changes-state"},
        {"nvidia-smi --query-gpu=name --format=csv | tail -n +2", true, "read-only"},
        {"nvidia-smi --query-gpu=temperature.gpu --format=csv,noheader | sort -n | tail -1", true, "read-only"},
        // read-only shell
        {"df -h", true, "read-only"},
        {"df -hT /", true, "read-only"},
        {"du -sh /var/log/* | sort -h", true, "read-only"},
        {"free -g", true, "read-only"},
        {"free -h -s 2", true, "read-only"},
        {"uptime", true, "read-only"},
        {"ls -la /etc", true, "read-only"},
        {"ls -lhS --color=auto", true, "read-only"},
        {"cat /proc/meminfo | grep -i huge", true, "read-only"},
        {"head -n 20 /var/log/syslog", true, "read-only"},
        {"tail -f /var/log/syslog", true, "read-only"},
        {"tail -n 100 -f app.log | grep --line-buffered ERROR", true, "read-only"},
        {"grep -rn \"timeout\" /etc/nginx", true, "read-only"},
        {"grep -c ERROR app.log", true, "read-only"},
        {"egrep -i 'xid|nvrm' /var/log/kern.log", true, "read-only"},
        {"wc -l /etc/passwd", true, "read-only"},
        {"ps -ef | grep python", true, "read-only"},
        {"ps aux --sort=-%cpu | head", true, "read-only"},
        {"top -b -n 1", true, "read-only"},
        {"lsof -i :8080", true, "read-only"},
        {"ss -tulpn", true, "read-only"},
        {"netstat -tulpn", true, "read-only"},
        {"ip addr show", true, "read-only"},
        {"ip -br a", true, "read-only"},
        {"ping -c 4 8.8.8.8", true, "read-only"},
        {"dig +short example.com", true, "read-only"},
        {"curl -sS https://example.com/health", true, "read-only"},
        {"curl -I https://example.com", true, "read-only"},
        {"openssl s_client -connect example.com:443 -servername example.com", true, "read-only"},
        {"openssl x509 -in cert.pem -noout -enddate", true, "read-only"},
        {"journalctl -u kubelet -n 200 --no-pager", true, "read-only"},
        {"journalctl -k -p err --since today", true, "read-only"},
        {"dmesg -T | grep -i xid", true, "read-only"},
        {"systemctl status nginx", true, "read-only"},
        {"systemctl is-active docker", true, "read-only"},
        {"systemctl list-units --failed", true, "read-only"},
        {"lspci | grep -i nvidia", true, "read-only"},
        {"lsblk -f", true, "read-only"},
        {"mount | grep nfs", true, "read-only"},
        {"kubectl get pods -A", true, "read-only"},
        {"kubectl -n kube-system get pods -o wide", true, "read-only"},
        {"kubectl describe node gpu-node-1", true, "read-only"},
        {"kubectl logs -f deploy/api --tail=100", true, "read-only"},
        {"kubectl top nodes", true, "read-only"},
        {"kubectl rollout status deploy/api", true, "read-only"},
        {"docker ps -a", true, "read-only"},
        {"docker logs --tail 50 web", true, "read-only"},
        {"docker stats --no-stream", true, "read-only"},
        {"docker system df", true, "read-only"},
        {"helm list -A", true, "read-only"},
        {"git status", true, "read-only"},
        {"git log --oneline -n 10", true, "read-only"},
        {"find / -name '*.so' -size +100M 2>/dev/null", true, "read-only"},
        {"ibstat", true, "read-only"},
        {"ibv_devinfo -v", true, "read-only"},
        {"numactl --hardware", true, "read-only"},
        {"all_reduce_perf -b 8 -e 8G -f 2 -g 8", true, "read-only"},
        {"dcgmi discovery -l", true, "read-only"},
        {"dcgmi diag -r 1", true, "read-only"},
        {"nvcc --version", true, "read-only"},
        {"python3 --version", true, "read-only"},
        {"pip list", true, "read-only"},
        {"apt list --installed", true, "read-only"},
        {"crontab -l", true, "read-only"},
        {"iptables -L -n -v", true, "read-only"},
        {"tar -tzf backup.tar.gz", true, "read-only"},
        {"tar tzf backup.tar.gz", true, "read-only"},
        {"wget -qO- https://example.com/status", true, "read-only"},
        {"fdisk -l", true, "read-only"},
        {"parted -l", true, "read-only"},
        {"rsync -an src/ dst/", true, "read-only"},
        {"git clean -n", true, "read-only"},
        {"timeout 5 nvidia-smi", true, "read-only"},
        {"ssh gpu-node-1 nvidia-smi", true, "read-only"},
        {"ssh gpu-node-1 'nvidia-smi -L | wc -l'", true, "read-only"},
        {"echo hello | tee /dev/null", true, "read-only"},
        {"CUDA_VISIBLE_DEVICES=0 nvidia-smi", true, "read-only"},
        // changes-state
        {"sudo systemctl restart kubelet", true, "changes-state"},
        {"systemctl enable --now nvidia-persistenced", true, "changes-state"},
        {"sudo apt-get install -y htop", true, "changes-state"},
        {"pip install torch", true, "changes-state"},
        {"kubectl apply -f deploy.yaml", true, "changes-state"},
        {"kubectl cordon gpu-node-1", true, "changes-state"},
        {"kubectl scale deploy/api --replicas=3", true, "changes-state"},
        {"kubectl rollout restart deploy/api", true, "changes-state"},
        {"docker run --gpus all nvidia/cuda:12.4.0-base nvidia-smi", true, "changes-state"},
        {"docker restart web", true, "changes-state"},
        {"helm upgrade api ./chart", true, "changes-state"},
        {"git pull", true, "changes-state"},
        {"kill 12345", true, "changes-state"},
        {"kill -9 12345", true, "changes-state"},
        {"pkill -f train.py", true, "changes-state"},
        {"mkdir -p /data/ckpt", true, "changes-state"},
        {"cp config.yaml config.yaml.bak", true, "changes-state"},
        {"rm /tmp/old.log", true, "changes-state"},
        {"rm -rf /tmp/build", true, "destructive"},
        {"echo 'vm.swappiness=10' >> /etc/sysctl.conf", true, "destructive"},
        {"sysctl -w vm.swappiness=10", true, "changes-state"},
        {"sed -i 's/foo/bar/' config.ini", true, "changes-state"},
        {"chmod 644 file.txt", true, "changes-state"},
        {"tar -czf logs.tar.gz /var/log/nginx", true, "changes-state"},
        {"wget https://example.com/file.tar.gz", true, "changes-state"},
        {"curl -o out.bin https://example.com/file", true, "changes-state"},
        {"python train.py", true, "changes-state"},
        {"echo ok > status.txt", true, "changes-state"},
        {"./run_benchmark.sh", true, "changes-state"},
        {"frobnicate --all", true, "changes-state"},
        {"sudo -i", true, "changes-state"},
        {"ssh gpu-node-1", true, "changes-state"},
        {"find . -name '*.pyc' -exec rm {} \\;", true, "destructive"},
        {"chown -R www-data:www-data /var/www", true, "destructive"},
        {"curl -s -o /dev/null -w '%{http_code}' https://example.com", true, "read-only"},
        {"ulimit -n", true, "read-only"},
        {"mpirun -np 16 -H node1:8,node2:8 ./all_reduce_perf -b 8 -e 8G -f 2 -g 1", true, "read-only"},
        {"find /var/log -type f -name '*.log' -mtime +7 -exec rm -f {} +", true, "destructive"},
        {"xargs -a pids.txt kill", true, "changes-state"},
        {"nohup python serve.py &", true, "changes-state"},
        // destructive
        {"rm -rf /var/lib/docker", true, "destructive"},
        {"rm -rf ./build", true, "destructive"},
        {"sudo rm -rf /", true, "destructive"},
        {"rm *.log", true, "destructive"},
        {"rm -r -f ~/cache", true, "destructive"},
        {"dd if=/dev/zero of=/dev/sda bs=1M", true, "destructive"},
        {"dd if=disk.img of=backup.img", true, "destructive"},
        {"mkfs.ext4 /dev/nvme0n1", true, "destructive"},
        {"sudo fdisk /dev/sdb", true, "destructive"},
        {"parted /dev/sdb mklabel gpt", true, "destructive"},
        {"kubectl delete pod api-123", true, "destructive"},
        {"kubectl drain gpu-node-1 --ignore-daemonsets", true, "destructive"},
        {"kubectl scale deploy/api --replicas=0", true, "destructive"},
        {"docker system prune -af", true, "destructive"},
        {"docker rm -f web", true, "destructive"},
        {"docker rmi nginx:latest", true, "destructive"},
        {"helm uninstall api", true, "destructive"},
        {"sudo shutdown -h now", true, "destructive"},
        {"sudo reboot", true, "destructive"},
        {"systemctl poweroff", true, "destructive"},
        {"echo 1 > /dev/sda", true, "destructive"},
        {"chmod -R 777 /var/www", true, "destructive"},
        {"sudo chown -R nobody /etc", true, "destructive"},
        {"curl -fsSL https://get.example.com | sh", true, "destructive"},
        {"wget -O- https://example.com/install.sh | sudo bash", true, "destructive"},
        {"kill -9 1", true, "destructive"},
        {"sudo iptables -F", true, "destructive"},
        {"git push --force origin main", true, "destructive"},
        {"git reset --hard HEAD~1", true, "destructive"},
        {"git clean -fdx", true, "destructive"},
        {"find /data -type f -mtime +7 -delete", true, "destructive"},
        {"find /data -name '*.tmp' -exec rm -rf {} +", true, "destructive"},
        {"ls | xargs rm -rf", true, "destructive"},
        {"bash -c 'rm -rf /opt/app'", true, "destructive"},
        {"ssh node1 'sudo reboot'", true, "destructive"},
        {"crontab -r", true, "destructive"},
        {"rsync -a --delete src/ backup/", true, "destructive"},
        {"timeout 10 dd if=/dev/urandom of=/dev/nvme0n1", true, "destructive"},
        {"ls && rm -rf /srv/data", true, "destructive"},
        // invalid
        {"df --humna", false, "read-only"},
        {"head -n", false, "read-only"},
        {"ls 'unterminated", false, "changes-state"},
        {"ls |", false, "changes-state"},
        {"systemclt restart nginx", false, "changes-state"},
        {"free -x", false, "read-only"},
    };
    size_t n = 0;
    for (const Case& c : cases) {
        ++n;
        const CommandCheck r = check(c.line);
        EXPECT_EQ(r.valid, c.valid) << c.line << " -> " << describe(r);
        EXPECT_EQ(std::string(risk_text(r.risk)), c.risk) << c.line << " -> " << describe(r);
        EXPECT_FALSE(r.reasons.empty()) << c.line;
    }
    EXPECT_GE(n, 180u);
}

TEST(CommandValidator, SuggestionsAndPositions) {
    std::string line = "df --humna";
    CommandCheck c = check(line);
    ASSERT_FALSE(c.messages.empty());
    EXPECT_EQ(c.messages[0].suggestions.at(0), "--human-readable");
    EXPECT_EQ(line.substr(c.messages[0].start, c.messages[0].length), "--humna");

    line = "nvidai-smi -L";
    c = check(line);
    ASSERT_FALSE(c.messages.empty());
    EXPECT_EQ(c.messages[0].suggestions.at(0), "nvidia-smi");
    EXPECT_EQ(c.messages[0].start, 0u);
    EXPECT_EQ(c.reasons.at(0), "unknown program 'nvidai-smi'");

    line = "ls -la | grep -Z -q foo | frobnicate";
    c = check(line);
    EXPECT_TRUE(c.valid);
    ASSERT_EQ(c.messages.size(), 1u);
    EXPECT_EQ(c.messages[0].severity, CheckMessage::Severity::Warning);
    EXPECT_EQ(line.substr(c.messages[0].start, c.messages[0].length), "frobnicate");

    line = "echo 'abc";
    c = check(line);
    ASSERT_FALSE(c.valid);
    EXPECT_EQ(c.messages[0].start, 5u);
}

TEST(CommandValidator, GnuOptionPrefixesAndClusters) {
    EXPECT_TRUE(check("df --human").valid);
    EXPECT_TRUE(check("head -c100 file").valid);
    EXPECT_TRUE(check("tail -n+2 file").valid);
    EXPECT_TRUE(check("grep -A3 -B 2 err log").valid);
    EXPECT_TRUE(check("sort -t, -k2,2nr data.csv").valid);
    EXPECT_FALSE(check("sort --keyz=2 data.csv").valid);
    EXPECT_TRUE(check("wc -- -l").valid);  // after -- everything is a file name
}

TEST(CommandValidator, JsonShape) {
    const CommandCheck c = check("nvidia-smi --query-gpu=memory.usd --format=csv");
    const ordered_json j = command_check_json(c);
    EXPECT_FALSE(json_bool(j, "valid", true));
    EXPECT_EQ(json_string(j, "risk"), "read-only");
    ASSERT_TRUE(json_member(j, "reasons").is_array());
    ASSERT_EQ(json_array(j, "messages").size(), 1u);
    const ordered_json& m = json_array(j, "messages")[0];
    EXPECT_EQ(json_string(m, "severity"), "error");
    EXPECT_EQ(json_text(json_array(m, "suggestions").at(0)), "memory.used");
    EXPECT_EQ(json_int(m, "start"), 23);
    EXPECT_EQ(json_int(m, "length"), 10);
    std::string err;
    EXPECT_TRUE(parse_json(dump_json(j), &err)) << err;
}

TEST(CommandValidator, HostileInput) {
    std::string big(1 << 20, 'x');
    CommandCheck c = check(big);
    EXPECT_FALSE(c.valid);
    EXPECT_NE(c.risk, Risk::ReadOnly);
    c = check("ls \xFF\xFE");
    EXPECT_FALSE(c.valid);
    std::string err;
    EXPECT_TRUE(parse_json(dump_json(command_check_json(c)), &err)) << err;
    uint32_t x = 7;
    for (int round = 0; round < 300; ++round) {
        std::string g;
        for (int i = 0; i < 48; ++i) {
            x = x * 1664525u + 1013904223u;
            const char alphabet[] = "ab -|&;()<>'\"\\$`*~=/\n#{}0123456789";
            g += (x >> 24) % 5 == 0 ? static_cast<char>(x >> 16) : alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
        }
        const CommandCheck r = check(g);
        if (!r.valid) {
            EXPECT_FALSE(r.messages.empty());
        }
        EXPECT_FALSE(r.reasons.empty());
    }
    // Nested wrappers are bounded.
    std::string nested = "ls";
    for (int i = 0; i < 20; ++i)
        nested = "bash -c " + std::string(1, '"') + "timeout 1 " + nested + std::string(1, '"');
    (void)check(nested);
}
