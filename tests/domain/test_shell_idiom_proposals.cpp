// Shell idiom proposals: the standard command for everyday requests, with the request's own values
// in any of the ways people write them; nothing for requests that name no value; a changing idiom
// only for a request read as a change; no shell word of a request ever reaches a proposal.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/domain/command_validator.h"
#include "app/domain/shell_idiom_proposals.h"

using namespace sigma::domain;

namespace {

testing::AssertionResult proposes(const std::string& request, const std::string& expected) {
    std::string all;
    for (const std::string& p : propose_shell_idioms(request)) {
        if (p == expected) return testing::AssertionSuccess();
        all += "\n  proposed: " + p;
    }
    return testing::AssertionFailure() << request << "\n  expected: " << expected << (all.empty() ? "\n  (none)" : all);
}

}  // namespace

TEST(ShellIdiomProposals, FileLinesFromTheRequestsValues) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"show only lines 415-485 of /var/log/messages", "sed -n '415,485p' /var/log/messages"},
        {"print lines 100 to 140 of /var/log/syslog", "sed -n '100,140p' /var/log/syslog"},
        {"Last 5 lines of /var/log/auth.log on the box", "tail -n 5 /var/log/auth.log"},
        {"last fifty lines of /var/log/slurm/slurmctld.log", "tail -n 50 /var/log/slurm/slurmctld.log"},
        {"first 20 lines of config.yaml", "head -n 20 config.yaml"},
        {"how many lines in app.log contain OutOfMemory? thanks", "grep -c 'OutOfMemory' app.log"},
        {"count the lines containing 'CUDA error' in /var/log/train/rank0.log",
         "grep -c 'CUDA error' /var/log/train/rank0.log"},
        {"how many times does NCCL WARN show up in job-8812.out", "grep -c 'NCCL WARN' job-8812.out"},
    };
    for (const auto& [request, expected] : cases) EXPECT_TRUE(proposes(request, expected));
}

TEST(ShellIdiomProposals, ArchivesDevicesSocketsAndPods) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"list the contents of logs.tgz on this server", "tar -tzf logs.tgz"},
        {"whats inside backup-2024-05-01.tar.gz (don't extract)", "tar -tzf backup-2024-05-01.tar.gz"},
        {"list the contents of /srv/images.tar.xz", "tar -tJf /srv/images.tar.xz"},
        {"untar /tmp/weights.tar into /models", "tar -xf /tmp/weights.tar -C /models"},
        {"extract logs-0412.tgz here", "tar -xzf logs-0412.tgz"},
        {"Hey, give./start.sh execute permission", "chmod +x ./start.sh"},
        {"make deploy.sh executable", "chmod +x deploy.sh"},
        {"List block devices", "lsblk"},
        {"need help: list bolck devices on the box", "lsblk"},
        {"block devices with their fs types", "lsblk -f"},
        {"Socket statistics summary on the box", "ss -s"},
        {"check DCGM health of the gpus please", "dcgmi health -c"},
        {"please rmeove the pod api-7d9f8c6b5-x2kqp from dev on the box",
         "kubectl delete pod api-7d9f8c6b5-x2kqp -n dev"},
        {"delete pod llama-finetune-7f9c in ml-research, it's wedged",
         "kubectl delete pod llama-finetune-7f9c -n ml-research"},
    };
    for (const auto& [request, expected] : cases) EXPECT_TRUE(proposes(request, expected));
}

TEST(ShellIdiomProposals, JournalWindowsAndFindTests) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"Show nginx service logs from the last hour", "journalctl -u nginx --since \"1 hour ago\""},
        {"kubelet logs, last 5 minutes", "journalctl -u kubelet --since \"5 minutes ago\""},
        {"follow the logs of nvidia-fabricmanager", "journalctl -u nvidia-fabricmanager -f"},
        {"errors in the journal over the last hour, don't page it",
         "journalctl -p err --since \"1 hour ago\" --no-pager"},
        {"slurmd service logs since boot", "journalctl -u slurmd -b"},
        {"find checkpoint files over 50G in /mnt/ckpt", "find /mnt/ckpt -type f -size +50G"},
        {"what changed under /etc in the last 15 min", "find /etc -type f -mmin -15"},
        {"Delete compressed log files older than 30 days under /var/log",
         "find /var/log -type f -name \"*.gz\" -mtime +30 -delete"},
        {"clear out *.tmp files older than 3 days in /data/cache",
         "find /data/cache -type f -name \"*.tmp\" -mtime +3 -delete"},
    };
    for (const auto& [request, expected] : cases) EXPECT_TRUE(proposes(request, expected));
    // A log file is no journal unit, and a look never gets -delete.
    EXPECT_TRUE(propose_shell_idioms("how many lines in /var/log/nginx/error.log contain segfault").size() == 1u);
    for (const std::string& p : propose_shell_idioms("which files older than 30 days are under /var/log"))
        EXPECT_EQ(p.find("-delete"), std::string::npos) << p;
}

TEST(ShellIdiomProposals, DiskMemoryReachabilityAndNames) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"is / full?", "df -h /"},
        {"out of inodes on /scratch?", "df -i /scratch"},
        {"disk space left on /data", "df -h /data"},
        {"free ram in gigs", "free -g"},
        {"how much memory is free", "free -h"},
        {"ping 10.20.0.15 five times", "ping -c 5 10.20.0.15"},
        {"ping db01.internal", "ping -c 4 db01.internal"},
        {"resolve mlflow.corp.example.com, i just want the ip", "dig +short mlflow.corp.example.com"},
        {"what does 10.0.4.21 reverse-resolve to", "dig -x 10.0.4.21 +short"},
        {"mx records for example.org", "dig example.org MX"},
    };
    for (const auto& [request, expected] : cases) EXPECT_TRUE(proposes(request, expected));
    // GPU memory is nvidia-smi's, and a directory's size is du's, not df's.
    for (const char* request :
         {"free memory on gpus 2 and 3", "report free memory on devices 5,6", "whats eating space in /var/lib/docker"})
        for (const std::string& p : propose_shell_idioms(request))
            EXPECT_TRUE(p.find("free") == std::string::npos && p.find("df") == std::string::npos)
                << request << " -> " << p;
}

TEST(ShellIdiomProposals, SearchesPortsMountsInterfacesAndClusters) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"search /var/log/syslog for oom-killer", "grep 'oom-killer' /var/log/syslog"},
        {"case-insensitive search for timeout in /var/log/nginx/error.log",
         "grep -i 'timeout' /var/log/nginx/error.log"},
        {"log files modified in the last 2 days under /var/log", "find /var/log -type f -name \"*.log\" -mtime -2"},
        {"disk free on /home", "df -h /home"},
        {"memory in megabytes", "free -m"},
        {"cpu info", "lscpu"},
        {"list listening tcp ports with their processes", "ss -tlnp"},
        {"mounted filesystems", "findmnt"},
        {"is /mnt/lustre mounted", "findmnt /mnt/lustre"},
        {"ip address of eth0", "ip addr show eth0"},
        {"look up the A record of grafana.example.com", "dig +short grafana.example.com"},
        {"is port 443 open on web01.prod", "nc -zv web01.prod 443"},
        {"docker service logs for the last 30 minutes", "journalctl -u docker --since \"30 minutes ago\""},
        {"pods in the kube-system namespace", "kubectl get pods -n kube-system"},
        {"List pods in namespace default", "kubectl get pods -n default"},
        {"all pods in every namespace", "kubectl get pods -A"},
        {"logs of pod web-5d8f in prod", "kubectl logs web-5d8f -n prod"},
        {"scale deployment api to 4 replicas in prod", "kubectl scale deployment api -n prod --replicas=4"},
        {"my slurm jobs", "squeue --me"},
        {"what does slurm think of node gpu-a07", "scontrol show node gpu-a07"},
    };
    for (const auto& [request, expected] : cases) EXPECT_TRUE(proposes(request, expected));
    // An interface is no host to resolve, and a GPU report's "full" is no full disk.
    for (const std::string& p : propose_shell_idioms("ip of ens5?")) EXPECT_EQ(p.find("dig"), std::string::npos) << p;
    EXPECT_TRUE(propose_shell_idioms("temperature section of the full query for gpu 3").empty());
}

TEST(ShellIdiomProposals, ServicesByName) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"restart nginx", "sudo systemctl restart nginx"},
        {"Restart the docker service", "sudo systemctl restart docker"},
        {"please stop slurmd", "sudo systemctl stop slurmd"},
        {"reload sshd", "sudo systemctl reload sshd"},
        {"restart chronyd now please", "sudo systemctl restart chronyd"},
        {"enable nvidia-persistenced", "sudo systemctl enable nvidia-persistenced"},
        {"start the prometheus-node-exporter service", "sudo systemctl start prometheus-node-exporter"},
    };
    for (const auto& [request, expected] : cases) {
        EXPECT_TRUE(proposes(request, expected));
        EXPECT_TRUE(check_command(expected).valid) << expected;
    }
    // Cluster objects, questions and nameless requests get no systemctl.
    for (const char* request :
         {"restart the llm-serve deployment", "restart pod web-1", "restart the gpu-node-3 node", "is nginx running?",
          "why did nginx restart", "restart it", "restart the service", "restart /etc/nginx", "restart $(reboot)",
          "restart nginx;reboot", "stop the fabric manager"})
        for (const std::string& p : propose_shell_idioms(request))
            EXPECT_EQ(p.find("systemctl"), std::string::npos) << request << " -> " << p;
}

TEST(ShellIdiomProposals, ChangesOnlyWhenAskedAndNothingWithoutValues) {
    // A question about a pod or an archive gets no delete or extract; a look gets no chmod.
    for (const char* request : {"why did the pod api-7d9 in dev restart", "is deploy.sh executable?",
                                "what would untar /tmp/weights.tar write", "don't delete pod api-7d9 in dev",
                                "last lines of the log", "lines of /var/log/syslog", "how many lines in the log"}) {
        for (const std::string& p : propose_shell_idioms(request)) {
            const CommandCheck check = check_command(p);
            EXPECT_EQ(check.risk, Risk::ReadOnly) << request << " -> " << p;
            EXPECT_EQ(p.find("sed -n"), std::string::npos) << request << " -> " << p;
        }
    }
    EXPECT_TRUE(propose_shell_idioms("last lines of the log").empty());
    EXPECT_TRUE(propose_shell_idioms("list the contents of /etc").empty());  // not an archive
    for (const char* request :
         {"list the contents of logs.tgz", "last 5 lines of /var/log/syslog", "List block devices"})
        for (const std::string& p : propose_shell_idioms(request)) {
            const CommandCheck check = check_command(p);
            EXPECT_TRUE(check.valid) << p;
            EXPECT_EQ(check.risk, Risk::ReadOnly) << p;
        }
    for (const std::string& p : propose_shell_idioms("remove the pod web-1 from prod"))
        EXPECT_EQ(check_command(p).risk, Risk::Destructive) << p;
}

// Request text reaches a proposal only as path, name and pattern characters.
TEST(ShellIdiomProposals, NoShellWordFromTheRequestReachesTheCommand) {
    int proposed = 0;
    for (const char* request : {"last 5 lines of /var/log/syslog;reboot",
                                "last 5 lines of $(reboot)/x.log",
                                "first 3 lines of `id`.txt",
                                "how many lines in app.log contain a';reboot;'",
                                "how many lines in app.log contain $(id)",
                                "lines 1-5 of /etc/passwd|sh",
                                "give ./x.sh;rm execute permission",
                                "extract /tmp/a.tgz into /$(id)",
                                "delete pod web-1;reboot in prod",
                                "remove the pod web-1 from prod&&reboot",
                                "how many times does a'b show up in x.log",
                                "last 5 lines of /var/log/syslog",
                                "ping $(reboot).example.com",
                                "resolve a.b;reboot",
                                "mx records for x.org|sh",
                                "is /data;reboot full?",
                                "kubelet logs;reboot, last 5 minutes",
                                "find files over 5G in /srv;reboot",
                                "search /var/log/syslog for $(reboot)",
                                "is port 22 open on `id`.prod",
                                "pods in the $(id) namespace",
                                "logs of pod web;reboot in prod",
                                "scale deployment api;reboot to 4 replicas in prod"}) {
        for (const std::string& p : propose_shell_idioms(request)) {
            ++proposed;
            // The only quotes are the ones the idiom wrote around a pattern or a sed range.
            std::string unquoted = p;
            for (size_t a = unquoted.find('\''); a != std::string::npos; a = unquoted.find('\'')) {
                const size_t b = unquoted.find('\'', a + 1);
                ASSERT_NE(b, std::string::npos) << p;
                unquoted.erase(a, b - a + 1);
            }
            EXPECT_EQ(unquoted.find_first_of("$`;|&><()\"\\"), std::string::npos) << request << " -> " << p;
        }
    }
    EXPECT_GE(proposed, 1);
}
