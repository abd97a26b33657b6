// history_crash_child DB_PATH COUNT: creates one session and appends COUNT turns to it, printing
// "committed INDEX" after each commit, so a test can SIGKILL it in the middle of a write.
// Not a benchmark and not a tool: it exists only to be killed.
#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

#include "app/history_store.h"
#include "history_crash_turns.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: history_crash_child DB_PATH COUNT\n");
        return 2;
    }
    const int count = std::atoi(argv[2]);
    sigma::app::HistoryStore store;
    if (auto s = store.open(QString::fromLocal8Bit(argv[1])); !s) {
        std::fprintf(stderr, "%s\n", s.error().message.c_str());
        return 1;
    }
    sigma::app::Session session;
    session.panel = sigma::app::Panel::Diagnose;
    session.title = QStringLiteral("crash test");
    auto id = store.create_session(session);
    if (!id) {
        std::fprintf(stderr, "%s\n", id.error().message.c_str());
        return 1;
    }
    std::printf("session %lld\n", static_cast<long long>(*id));
    std::fflush(stdout);
    for (int i = 0; i < count; ++i) {
        sigma::app::Turn turn;
        turn.session_id = *id;
        turn.request = sigma::test::crash_turn_request(i);
        turn.raw_output = sigma::test::crash_turn_output(i);
        turn.result_json = sigma::test::crash_turn_json(i);
        turn.prompt_tokens = i;
        turn.completion_tokens = 2 * i;
        auto t = store.add_turn(turn);
        if (!t) {
            std::fprintf(stderr, "%s\n", t.error().message.c_str());
            return 1;
        }
        std::printf("committed %d\n", i);
        std::fflush(stdout);
    }
    return 0;
}
