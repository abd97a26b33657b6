// Bm25Index: tokenisation, ranking by term rarity and frequency, length normalisation, k and ties.
#include <gtest/gtest.h>

#include "app/domain/bm25.h"

using sigma::domain::Bm25Index;

TEST(Bm25, DropsFunctionWordsAndFoldsPlurals) {
    EXPECT_EQ(Bm25Index::tokenize("Show the temperatures of all GPUs and processes"),
              (std::vector<std::string>{"show", "temperature", "gpu", "process"}));
    EXPECT_EQ(Bm25Index::tokenize("status bus dies ps logs policies"),
              (std::vector<std::string>{"status", "bus", "die", "ps", "log", "policy"}));
}

TEST(Bm25, TokenizesLowerCaseWordsAndDigits) {
    EXPECT_EQ(Bm25Index::tokenize("nvidia-smi --query-gpu=memory.used,GPU_0"),
              (std::vector<std::string>{"nvidia", "smi", "query", "gpu", "memory", "used", "gpu", "0"}));
    EXPECT_TRUE(Bm25Index::tokenize("  --- ,,, ").empty());
    EXPECT_EQ(Bm25Index::tokenize(std::string(100, 'a'))[0].size(), 64u);
}

TEST(Bm25, RanksTheMostRelevantDocumentFirst) {
    Bm25Index idx;
    idx.add("temp", "show the temperature of every gpu");
    idx.add("mem", "show memory used and memory total of every gpu");
    idx.add("disk", "show disk usage of mounted filesystems");
    idx.add("proc", "list processes using the gpu");
    auto hits = idx.search("gpu memory usage", 4);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].id, "mem");
    // "disk usage" matches only on "usage", yet still beats nothing.
    auto disk = idx.search("disk", 10);
    ASSERT_EQ(disk.size(), 1u);
    EXPECT_EQ(disk[0].id, "disk");
    EXPECT_GT(disk[0].score, 0.0);
}

TEST(Bm25, RareTermsWeighMoreThanCommonOnes) {
    Bm25Index idx;
    idx.add("a", "gpu gpu gpu");
    idx.add("b", "gpu ecc");
    idx.add("c", "gpu clocks");
    auto hits = idx.search("gpu ecc", 3);
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0].id, "b");  // "ecc" is rare, so it outweighs three "gpu"s
}

TEST(Bm25, ShorterDocumentsWinAtEqualTermFrequency) {
    Bm25Index idx;
    idx.add("long", "restart the docker service now please with extra words here and there");
    idx.add("short", "restart docker");
    auto hits = idx.search("docker", 2);
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].id, "short");
    EXPECT_GT(hits[0].score, hits[1].score);
}

TEST(Bm25, LimitsToKAndKeepsInsertionOrderOnTies) {
    Bm25Index idx;
    for (int i = 0; i < 10; ++i) {
        std::string id = "d";
        id += std::to_string(i);
        idx.add(id, "same words");
    }
    auto hits = idx.search("words", 3);
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0].id, "d0");
    EXPECT_EQ(hits[2].id, "d2");
    EXPECT_TRUE(idx.search("absent", 3).empty());
    EXPECT_TRUE(idx.search("words", 0).empty());
    EXPECT_TRUE(Bm25Index().search("words", 3).empty());
}

TEST(Bm25, RepeatedQueryTermsCountOnce) {
    Bm25Index idx;
    idx.add("x", "alpha beta");
    idx.add("y", "beta gamma");
    EXPECT_DOUBLE_EQ(idx.search("alpha alpha alpha", 1)[0].score, idx.search("alpha", 1)[0].score);
}
