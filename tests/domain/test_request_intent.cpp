// Request intent read from how people write: a change asked for in a later clause after a
// statement, verbs used as nouns or participles, and "is/does" that state rather than ask.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "app/domain/request_intent.h"

using namespace sigma::domain;

namespace {

void expect_intents(const std::vector<std::pair<std::string, RequestIntent>>& cases) {
    for (const auto& [request, intent] : cases) {
        const IntentReading r = read_intent(request);
        EXPECT_EQ(request_intent_text(r.intent), std::string(request_intent_text(intent)))
            << request << " (cue \"" << r.cue << "\")";
    }
}

}  // namespace

TEST(RequestIntent, ChangeInALaterClauseAfterAStatement) {
    expect_intents({
        {"grafana container is frozen, restart it", RequestIntent::Change},
        {"the new api build in prod is broken, roll it back", RequestIntent::Change},
        {"gpu 5 is stuck in exclusive mode. put it back to DEFAULT", RequestIntent::Change},
        {"nobody should use gpu 7 while we debug it - set compute mode prohibited", RequestIntent::Change},
        {"before I drain this node, do a reset of gpu 6", RequestIntent::Change},
        // A question in a later clause still reads.
        {"compute mode on gpu 5, did someone set it to exclusive?", RequestIntent::Read},
        {"the disk on /data is full?", RequestIntent::Read},
    });
    EXPECT_EQ(read_intent("get rid of namespace scratch-test entirely").allowed, Risk::Destructive);
    EXPECT_EQ(read_intent("tear down the compute instances on gpu 3").allowed, Risk::Destructive);
}

TEST(RequestIntent, APhraseThatNamesNoChangeLooks) {
    expect_intents({
        {"rss of process 7781", RequestIntent::Read},
        {"fan % on all cards", RequestIntent::Read},
        {"kernel release + arch", RequestIntent::Read},
        // A word of change keeps it open: these ask for changes without a leading verb.
        {"persistence off on gpu 2 only", RequestIntent::Unknown},
        {"gpu 1 volatile ecc counts back to 0 pls", RequestIntent::Unknown},
        {"triton in inference needs 4 replicas", RequestIntent::Unknown},
        {"dcgm-exporter should come up on boot", RequestIntent::Unknown},
    });
}

// A verb used as a noun or a participle is no word of change either: such a phrase looks.
TEST(RequestIntent, VerbsAsNounsAndParticiplesDoNotAct) {
    expect_intents({
        {"restart policy of the redis-cache container?", RequestIntent::Read},
        {"load avg", RequestIntent::Read},
        {"p2p write support between gpus", RequestIntent::Read},
        {"default power limit on gpu 0 vs whatever it's set to now", RequestIntent::Read},
        {"nodes with their gpu product label", RequestIntent::Read},
        // The same verbs still act where they are verbs.
        {"restart the redis-cache container", RequestIntent::Change},
        {"set the power limit to 250 W", RequestIntent::Change},
        {"flip persistence mode on everywhere before the job starts", RequestIntent::Change},
        {"bounce slurmd on this node", RequestIntent::Change},
        {"cancel my job 771204", RequestIntent::Change},
    });
}

TEST(RequestIntent, NegatedVerbsAskForNothing) {
    expect_intents({
        {"don't reset gpu 0, just show its state", RequestIntent::Read},
        {"never enable persistence mode on gpu 2", RequestIntent::Read},
        {"no need to restart nginx, show its status", RequestIntent::Read},
        {"block devices with their fs types", RequestIntent::Read},
        // A negation in an earlier clause leaves a later verb alone.
        {"not the docs: restart nginx", RequestIntent::Change},
        {"No, delete it", RequestIntent::Change},
        {"restart nginx without downtime", RequestIntent::Change},
        {"block port 8080 on the firewall", RequestIntent::Change},
    });
}

TEST(RequestIntent, WordsInsideFileAndHostNamesAskForNothing) {
    expect_intents({
        {"lines 20 through 40 of deploy.yaml", RequestIntent::Read},
        {"show /usr/local/bin/restart-all", RequestIntent::Read},
        {"last 10 lines of kill_old.log", RequestIntent::Read},
        {"what's in delete-me.tar.gz", RequestIntent::Read},
        // The verbs around names still act.
        {"restart nginx.service", RequestIntent::Change},
        {"delete /tmp/nccl-debug.txt", RequestIntent::Change},
        {"run deploy.sh, then restart it", RequestIntent::Change},
        {"Give./start.sh execute permission", RequestIntent::Change},
    });
}
