// The corrupt-file corpus: handcrafted GGUF bytes that break one rule each, plus every truncation of
// a small valid file. Each must come back as an Error whose message names the problem, never a crash.
// Not a round-trip test: valid files are covered by test_gguf_roundtrip.cpp.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "inference/gguf.h"
#include "inference/gguf_writer.h"

using namespace sigma;

namespace {

// Raw little-endian bytes, written field by field so that any field can hold any value.
struct Raw {
    std::string b;
    Raw& u8(uint8_t v) { return put(v); }
    Raw& u32(uint32_t v) { return put(v); }
    Raw& u64(uint64_t v) { return put(v); }
    Raw& i64(int64_t v) { return put(v); }
    Raw& str(const std::string& s) {
        u64(s.size());
        b += s;
        return *this;
    }
    Raw& header(uint64_t n_tensors, uint64_t n_kv, uint32_t version = 3) {
        b += "GGUF";
        return u32(version).u64(n_tensors).u64(n_kv);
    }
    Raw& kv_u32(const std::string& key, uint32_t v) { return str(key).u32(4).u32(v); }
    Raw& kv_str(const std::string& key, const std::string& v) { return str(key).u32(8).str(v); }
    // One tensor info; type 0 = F32.
    Raw& tensor(const std::string& name, std::vector<int64_t> ne, uint32_t type, uint64_t offset) {
        str(name).u32(static_cast<uint32_t>(ne.size()));
        for (int64_t n : ne) i64(n);
        return u32(type).u64(offset);
    }
    Raw& pad(size_t alignment = 32) {
        b.append((alignment - b.size() % alignment) % alignment, '\0');
        return *this;
    }
    Raw& zeros(size_t n) {
        b.append(n, '\0');
        return *this;
    }
    template <typename T>
    Raw& put(T v) {
        char raw[sizeof(T)];
        std::memcpy(raw, &v, sizeof(T));
        b.append(raw, sizeof(T));
        return *this;
    }
};

// Parses and expects an Error whose message contains `needle`.
void expect_error(const std::string& bytes, const std::string& needle, ErrorCode code = ErrorCode::Format) {
    auto f = GgufFile::parse(bytes.data(), bytes.size());
    ASSERT_FALSE(f.ok()) << "accepted a file that should fail with: " << needle;
    EXPECT_EQ(f.error().code, code) << f.error().message;
    EXPECT_NE(f.error().message.find(needle), std::string::npos) << "message: " << f.error().message;
    EXPECT_EQ(f.error().message.rfind("gguf: ", 0), 0u) << f.error().message;
}

void expect_ok(const std::string& bytes) {
    auto f = GgufFile::parse(bytes.data(), bytes.size());
    EXPECT_TRUE(f.ok()) << f.error().message;
}

}  // namespace

TEST(GgufCorrupt, HandBuiltBaselineIsValid) {
    // The baseline the cases below break: proves the builder itself writes valid files.
    expect_ok(Raw().header(1, 1).kv_str("general.architecture", "llama").tensor("t", {8, 2}, 0, 0).pad().zeros(64).b);
    expect_ok(Raw().header(0, 0, 2).b);
}

TEST(GgufCorrupt, EveryTruncationOfAValidFileIsAnError) {
    GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_u32("llama.block_count", 2);
    w.set_string_array("tokenizer.ggml.tokens", {"a", "bc", "def"});
    w.set_float_array("tokenizer.ggml.scores", GgufType::FLOAT32, {0.0, -1.0, -2.0});
    const float data[40] = {1};
    ASSERT_TRUE(w.add_tensor("blk.0.attn_q.weight", TensorType::F32, {8, 3}, data, 96).ok());
    ASSERT_TRUE(w.add_tensor("blk.1.attn_q.weight", TensorType::F32, {4}, data, 16).ok());
    auto full = w.to_bytes();
    ASSERT_TRUE(full.ok());
    const std::vector<uint8_t>& bytes = full.value();
    auto parsed = GgufFile::parse(bytes.data(), bytes.size());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    // The last byte any tensor needs; the padding after it is optional.
    size_t needed = 0;
    for (const TensorView& t : (*parsed)->tensors()) {
        needed = std::max(needed, static_cast<size_t>(static_cast<const uint8_t*>(t.data) - bytes.data()) + t.nbytes);
    }
    for (size_t n = 0; n < bytes.size(); ++n) {
        // A fresh copy of exactly n bytes, so that a sanitizer sees any read past the end.
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        auto f = GgufFile::parse(cut.data(), cut.size());
        if (n < needed) {
            ASSERT_FALSE(f.ok()) << "truncated at " << n << " of " << bytes.size() << " was accepted";
            EXPECT_FALSE(f.error().message.empty());
        } else {
            EXPECT_TRUE(f.ok()) << "cut in the final padding at " << n << ": " << f.error().message;
        }
    }
}

TEST(GgufCorrupt, HeaderProblems) {
    expect_error("", "bad magic");
    expect_error("GGU", "bad magic");
    expect_error(Raw().u32(0x47475546).u32(3).u64(0).u64(0).b, "bad magic");  // "GGUF" reversed
    expect_error("GGUF", "version");
    expect_error(Raw().header(0, 0, 1).b, "unsupported version 1", ErrorCode::Unsupported);
    expect_error(Raw().header(0, 0, 4).b, "unsupported version 4", ErrorCode::Unsupported);
    expect_error(Raw().header(0, 0, 0x03000000).b, "big-endian", ErrorCode::Unsupported);
    expect_error(Raw().header(uint64_t{1} << 60, 0).b, "tensor count 1152921504606846976 is impossible");
    expect_error(Raw().header(0, ~uint64_t{0}).b, "metadata count 18446744073709551615 is impossible");
    expect_error(Raw().header(0, 1).b, "metadata count 1 is impossible in a file of 24 bytes");
}

TEST(GgufCorrupt, MetadataProblems) {
    // Key and value strings that claim more bytes than the file has.
    expect_error(Raw().header(0, 1).u64(1000).b + "abc" + std::string(16, 'x'), "metadata #0 key: string length 1000");
    expect_error(Raw().header(0, 1).str("k").u32(8).u64(uint64_t{1} << 62).b, "metadata 'k': string length");
    expect_error(Raw().header(0, 1).str("k").u32(13).b, "metadata 'k' type: unknown value type id 13");
    expect_error(Raw().header(0, 1).str("k").u32(7).u8(2).b, "bool value 2");
    expect_error(Raw().header(0, 2).kv_u32("dup", 1).kv_u32("dup", 2).b, "metadata 'dup': duplicate key");
    // Arrays: nested, absurdly long, strings inside running past the end.
    expect_error(Raw().header(0, 1).str("arr").u32(9).u32(9).u64(1).b, "metadata 'arr': nested arrays");
    expect_error(Raw().header(0, 1).str("arr").u32(9).u32(4).u64(uint64_t{1} << 61).b,
                 "array of 2305843009213693952 uint32");
    expect_error(Raw().header(0, 1).str("arr").u32(9).u32(8).u64(uint64_t{1} << 59).b, "runs past the end");
    expect_error(Raw().header(0, 1).str("arr").u32(9).u32(8).u64(2).str("ok").u64(99).b,
                 "metadata 'arr'[1]: string length 99");
    expect_error(Raw().header(0, 1).str("arr").u32(9).u32(42).u64(0).b, "unknown value type id 42");
}

TEST(GgufCorrupt, AlignmentProblems) {
    expect_error(Raw().header(0, 1).kv_u32("general.alignment", 0).b, "'general.alignment': 0 is not a power of two");
    expect_error(Raw().header(0, 1).kv_u32("general.alignment", 48).b, "'general.alignment': 48 is not a power of two");
    expect_error(Raw().header(0, 1).kv_str("general.alignment", "32").b, "'general.alignment': expected an integer");
    expect_ok(Raw().header(0, 1).kv_u32("general.alignment", 64).b);
}

TEST(GgufCorrupt, TensorShapeAndTypeProblems) {
    auto one = [](std::vector<int64_t> ne, uint32_t type) {
        return Raw().header(1, 0).tensor("blk.3.attn_q.weight", std::move(ne), type, 0).pad().zeros(4096).b;
    };
    expect_error(one({0, 4}, 0), "tensor 'blk.3.attn_q.weight': ne[0] = 0 is not positive");
    expect_error(one({4, -1}, 0), "ne[1] = -1 is not positive");
    expect_error(one({int64_t{1} << 40, int64_t{1} << 40}, 0), "tensor 'blk.3.attn_q.weight': element count overflows");
    expect_error(one({int64_t{1} << 62}, 0), "byte size overflows");
    expect_error(one({32}, 99), "tensor 'blk.3.attn_q.weight': unknown tensor type id 99");
    expect_error(one({33}, 8), "row length ne[0] = 33 is not a multiple of q8_0's block size 32");
    expect_error(Raw().header(1, 0).str("t").u32(0).zeros(64).b, "tensor 't': n_dims 0 is outside 1..4");
    expect_error(Raw().header(1, 0).str("t").u32(5).zeros(64).b, "n_dims 5 is outside 1..4");
    expect_error(Raw().header(1, 0).str("t").u32(1000).zeros(64).b, "n_dims 1000");
}

TEST(GgufCorrupt, TensorPlacementProblems) {
    // Offset not a multiple of the alignment.
    expect_error(Raw().header(1, 0).tensor("t", {4}, 0, 8).pad().zeros(64).b,
                 "tensor 't': data offset 8 is not a multiple of the alignment 32");
    // Data past the end of the file.
    expect_error(Raw().header(1, 0).tensor("blk.3.attn_q.weight", {8}, 0, 64).pad().zeros(64).b,
                 "tensor 'blk.3.attn_q.weight': data offset 64 + 32 bytes is outside the file");
    expect_error(Raw().header(1, 0).tensor("t", {8}, 0, uint64_t{1} << 63).pad().zeros(64).b, "is outside the file");
    // Two tensors sharing bytes.
    expect_error(Raw().header(2, 0).tensor("a", {16}, 0, 0).tensor("b", {8}, 0, 32).pad().zeros(128).b,
                 "tensor 'b': data at offset 32 overlaps tensor 'a'");
    expect_error(Raw().header(2, 0).tensor("a", {8}, 0, 0).tensor("a", {8}, 0, 32).pad().zeros(128).b,
                 "tensor 'a': duplicate tensor name");
    // Header ends, but the data section would start past the end of the file.
    expect_error(Raw().header(1, 0).tensor("t", {8}, 0, 0).b, "past the end of the file");
    // Adjacent tensors that touch but do not overlap are fine.
    expect_ok(Raw().header(2, 0).tensor("a", {8}, 0, 0).tensor("b", {8}, 0, 32).pad().zeros(64).b);
}

TEST(GgufCorrupt, OpenNamesThePathAndTheProblem) {
    const std::string path = ::testing::TempDir() + "sigma_corrupt_" + std::to_string(::getpid()) + ".gguf";
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string bytes = Raw().header(0, 0, 7).b;
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    auto g = GgufFile::open(path);
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().message.find(path), std::string::npos) << g.error().message;
    EXPECT_NE(g.error().message.find("unsupported version 7"), std::string::npos) << g.error().message;
    std::remove(path.c_str());
}
