// Tests of the training-data generator's request styles (request_style.h) and of the prompt it
// renders: literals survive every style, numbers become words only where the product reads them
// back as the same digits, and command prompts carry the pipeline's catalogue slice.
// Not a test of the model: no model runs here.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "app/domain/command_catalogue_slice.h"
#include "app/domain/example_corpus.h"
#include "app/domain/request_literals.h"
#include "tools/datagen/datagen.h"
#include "tools/datagen/request_style.h"

namespace sigma::datagen {
namespace {

std::multiset<std::pair<int, std::string>> literals(const std::string& text) {
    std::multiset<std::pair<int, std::string>> out;
    for (const auto& l : domain::request_literals(text)) out.insert({static_cast<int>(l.kind), l.text});
    return out;
}

TEST(RequestStyle, LiteralsSurviveEveryStyle) {
    const std::vector<std::string> requests = {
        "show the last 10 lines of /var/log/syslog",
        "Report SM clock on devices 2,5 as CSV",
        "show only lines 160-246 of app.log",
        "delete pod web-5f6d7c8b9-abcde in namespace prod",
        "find files larger than 500M under /scratch modified 7 days ago",
        "count lines containing 'ERROR' in train.log",
        "scale deployment llm-serve to 3 replicas",
        "GPU 3 temperature every 5 seconds",
        "ping 10.0.0.12 4 times",
    };
    RequestStyle always;
    always.number_words = always.fragment = always.drop_articles = always.lower_gpu = always.context = always.typo =
        1.0;
    size_t changed = 0;
    for (uint64_t seed = 1; seed <= 400; ++seed) {
        Rng rng(seed);
        for (const std::string& r : requests) {
            const std::string styled = humanise_request(r, rng, seed % 2 ? always : RequestStyle{});
            EXPECT_EQ(literals(styled), literals(r)) << r << " -> " << styled;
            changed += styled != r;
        }
    }
    EXPECT_GT(changed, 400u * requests.size() / 2);
}

TEST(RequestStyle, NumbersBecomeWordsOnlyAlone) {
    RequestStyle words_only;
    words_only.number_words = 1.0;
    words_only.fragment = words_only.drop_articles = words_only.lower_gpu = words_only.context = words_only.typo = 0.0;
    Rng rng(1);
    EXPECT_EQ(humanise_request("show the last 10 lines of app.log", rng, words_only),
              "show the last ten lines of app.log");
    EXPECT_EQ(humanise_request("GPU 3 temperature every 5 seconds?", rng, words_only),
              "GPU three temperature every five seconds?");
    // Lists, ranges, sizes, addresses and numbers without a word stay digits.
    EXPECT_EQ(humanise_request("devices 2,5 and lines 160-246", rng, words_only), "devices 2,5 and lines 160-246");
    EXPECT_EQ(humanise_request("files over 500M on 10.0.0.2 port 8080", rng, words_only),
              "files over 500M on 10.0.0.2 port 8080");
    EXPECT_EQ(humanise_request("gpus 1 and 3", rng, words_only), "gpus 1 and 3");
    for (int n = 0; n <= 120; ++n) {
        const std::string_view w = number_word(n);
        if (w.empty()) continue;
        const auto lits = domain::request_literals("keep " + std::string(w) + " lines");
        ASSERT_EQ(lits.size(), 1u) << w;
        EXPECT_EQ(lits[0].text, std::to_string(n)) << w;
    }
}

TEST(RequestStyle, CommandPromptsCarryThePipelinesSlice) {
    std::string err;
    auto corpus = domain::ExampleCorpus::load_default(&err);
    ASSERT_TRUE(corpus.has_value()) << err;
    DatagenOptions o;
    o.seed = 5;
    o.scale = 0.25;
    o.kql = o.diagnosis = o.explain = false;
    DatagenResult r;
    ASSERT_TRUE(generate_all(*corpus, o, &r, &err)) << err;
    const auto* index = domain::CommandCatalogueIndex::builtin();
    ASSERT_NE(index, nullptr);
    size_t with = 0, total = 0, worded = 0;
    for (const Record& rec : r.writer->records()) {
        const std::string& system = rec.example.messages.front().content;
        ++total;
        const size_t at = system.find("Catalogue entries that may help:\n");
        if (at != std::string::npos) {
            ++with;
            EXPECT_EQ(system.substr(at + 33), domain::command_catalogue_slice(rec.example.request, *index));
        }
        for (const char* w : {" two ", " five ", " ten ", " twenty "})
            worded += rec.example.request.find(w) != std::string::npos;
    }
    ASSERT_GT(total, 200u);
    EXPECT_GT(with, total * 3 / 4);
    EXPECT_LT(with, total);  // some prompts have no slice, as a backend without one sends
    EXPECT_GT(worded, 0u);
}

}  // namespace
}  // namespace sigma::datagen
