// Writer -> reader round trips: every metadata type, alignment, tensor data pointers and sizes,
// and the writer's own errors (bad shapes, values that do not fit, a full disk).
// Not the corrupt-file corpus: that lives in test_gguf_corrupt.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "inference/gguf.h"
#include "inference/gguf_writer.h"
#include "inference/tensor_types.h"

using namespace sigma;

namespace {

std::unique_ptr<GgufFile> parse_ok(const std::vector<uint8_t>& bytes) {
    auto f = GgufFile::parse(bytes.data(), bytes.size());
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
    return f.ok() ? std::move(f).value() : nullptr;
}

std::vector<uint8_t> bytes_of(const GgufWriter& w) {
    auto b = w.to_bytes();
    EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
    return b.ok() ? b.value() : std::vector<uint8_t>{};
}

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("sigma_test_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

}  // namespace

TEST(GgufRoundTrip, EveryScalarType) {
    GgufWriter w;
    w.set_u8("u8", 255);
    w.set_i8("i8", -128);
    w.set_u16("u16", 65535);
    w.set_i16("i16", -32768);
    w.set_u32("u32", 0xffffffffu);
    w.set_i32("i32", std::numeric_limits<int32_t>::min());
    w.set_u64("u64", 0xfedcba9876543210ull);
    w.set_i64("i64", std::numeric_limits<int64_t>::min());
    w.set_f32("f32", 1.5f);
    w.set_f64("f64", -2.25e300);
    w.set_bool("yes", true);
    w.set_bool("no", false);
    w.set_string("s", "h\xc3\xa9llo \xe2\x96\x81 world");
    w.set_string("empty", "");
    auto f = parse_ok(bytes_of(w));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->metadata().size(), 14u);
    EXPECT_EQ(f->get_int("u8"), 255);
    EXPECT_EQ(f->get_int("i8"), -128);
    EXPECT_EQ(f->get_int("u16"), 65535);
    EXPECT_EQ(f->get_int("i16"), -32768);
    EXPECT_EQ(f->get_int("u32"), 0xffffffffLL);
    EXPECT_EQ(f->get_int("i32"), std::numeric_limits<int32_t>::min());
    EXPECT_EQ(static_cast<uint64_t>(*f->get_int("u64")), 0xfedcba9876543210ull);
    EXPECT_EQ(f->get_int("i64"), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(f->get_float("f32"), 1.5);
    EXPECT_EQ(f->get_float("f64"), -2.25e300);
    EXPECT_EQ(f->get_bool("yes"), true);
    EXPECT_EQ(f->get_bool("no"), false);
    EXPECT_EQ(f->get_string("s"), "h\xc3\xa9llo \xe2\x96\x81 world");
    EXPECT_EQ(f->get_string("empty"), "");
    // Types are kept, and getters refuse the wrong kind.
    EXPECT_EQ(f->find("u16")->type, GgufType::UINT16);
    EXPECT_EQ(f->find("f64")->type, GgufType::FLOAT64);
    EXPECT_FALSE(f->get_int("s").has_value());
    EXPECT_FALSE(f->get_string("u8").has_value());
    EXPECT_FALSE(f->get_bool("u8").has_value());
    EXPECT_FALSE(f->get_int("f32").has_value());
    EXPECT_EQ(f->get_float("u32"), 4294967295.0);  // integers read as double too
    EXPECT_FALSE(f->get_int("absent").has_value());
    EXPECT_EQ(f->find("absent"), nullptr);
}

TEST(GgufRoundTrip, EveryArrayType) {
    GgufWriter w;
    const GgufType int_types[] = {GgufType::UINT8,  GgufType::INT8,   GgufType::UINT16,
                                  GgufType::INT16,  GgufType::UINT32, GgufType::INT32,
                                  GgufType::UINT64, GgufType::INT64,  GgufType::BOOL};
    for (GgufType t : int_types) w.set_int_array(std::string("a.") + gguf_type_name(t), t, {0, 1, 1, 0, 1});
    w.set_int_array("a.int32.signed", GgufType::INT32, {-7, 2147483647, -2147483647 - 1});
    w.set_float_array("a.float32", GgufType::FLOAT32, {0.5, -1.25, 1048576.0});
    w.set_float_array("a.float64", GgufType::FLOAT64, {1e-300, -0.0, 12345.678});
    w.set_string_array("a.string", {"<unk>", "", "\xe2\x96\x81the", std::string("nul\0inside", 10)});
    w.set_string_array("a.empty", {});
    auto f = parse_ok(bytes_of(w));
    ASSERT_TRUE(f);
    for (GgufType t : int_types) {
        const std::string key = std::string("a.") + gguf_type_name(t);
        const auto* a = f->get_int_array(key);
        ASSERT_NE(a, nullptr) << key;
        EXPECT_EQ(*a, (std::vector<int64_t>{0, 1, 1, 0, 1})) << key;
        EXPECT_EQ(f->find(key)->array_type, t);
    }
    EXPECT_EQ(*f->get_int_array("a.int32.signed"), (std::vector<int64_t>{-7, 2147483647, -2147483647 - 1}));
    EXPECT_EQ(*f->get_float_array("a.float32"), (std::vector<double>{0.5, -1.25, 1048576.0}));
    const auto* f64 = f->get_float_array("a.float64");
    ASSERT_NE(f64, nullptr);
    EXPECT_EQ((*f64)[0], 1e-300);
    EXPECT_TRUE(std::signbit((*f64)[1]));
    EXPECT_EQ((*f64)[2], 12345.678);
    const auto* s = f->get_string_array("a.string");
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(s->size(), 4u);
    EXPECT_EQ((*s)[2], "\xe2\x96\x81the");
    EXPECT_EQ((*s)[3].size(), 10u);
    ASSERT_NE(f->get_string_array("a.empty"), nullptr);
    EXPECT_TRUE(f->get_string_array("a.empty")->empty());
    EXPECT_EQ(f->get_string_array("a.float32"), nullptr);
    EXPECT_EQ(f->get_float_array("a.string"), nullptr);
}

TEST(GgufRoundTrip, SettingAKeyAgainReplacesItInPlace) {
    GgufWriter w;
    w.set_u32("first", 1);
    w.set_string("second", "x");
    w.set_f32("first", 2.0f);
    auto f = parse_ok(bytes_of(w));
    ASSERT_TRUE(f);
    ASSERT_EQ(f->metadata().size(), 2u);
    EXPECT_EQ(f->metadata()[0].key, "first");
    EXPECT_EQ(f->metadata()[0].type, GgufType::FLOAT32);
    EXPECT_TRUE(w.remove("second"));
    EXPECT_FALSE(w.remove("second"));
}

TEST(GgufRoundTrip, TensorsKeepShapeTypeBytesAndAlignment) {
    for (uint32_t alignment : {1u, 32u, 64u, 256u}) {
        SCOPED_TRACE(alignment);
        GgufWriter w;
        ASSERT_TRUE(w.set_alignment(alignment).ok());
        w.set_string("general.architecture", "llama");
        std::vector<float> a(4 * 3);
        for (size_t i = 0; i < a.size(); ++i) a[i] = 0.25f * static_cast<float>(i) - 1.0f;
        ASSERT_TRUE(w.add_tensor("a", TensorType::F32, {4, 3}, a.data(), a.size() * 4).ok());
        std::vector<uint16_t> h(5);
        for (size_t i = 0; i < h.size(); ++i) h[i] = fp32_to_fp16(static_cast<float>(i));
        ASSERT_TRUE(w.add_tensor("h", TensorType::F16, {5}, h.data(), h.size() * 2).ok());
        std::vector<float> src(64 * 2);
        for (size_t i = 0; i < src.size(); ++i) src[i] = std::sin(static_cast<float>(i));
        std::vector<BlockQ8_0> q(4);
        ASSERT_TRUE(quantize_row(TensorType::Q8_0, src.data(), q.data(), 128));
        ASSERT_TRUE(w.add_tensor("q", TensorType::Q8_0, {64, 2}, q.data(), q.size() * sizeof(BlockQ8_0)).ok());
        ASSERT_TRUE(w.add_tensor("b", TensorType::BF16, {2, 1, 3, 2}, [](void* dst, size_t n) {
                         auto* p = static_cast<uint16_t*>(dst);
                         for (size_t i = 0; i < n / 2; ++i) p[i] = fp32_to_bf16(static_cast<float>(i));
                     }).ok());
        const std::vector<uint8_t> bytes = bytes_of(w);
        auto f = parse_ok(bytes);
        ASSERT_TRUE(f);
        EXPECT_EQ(f->alignment(), alignment);
        EXPECT_EQ(f->data_offset() % alignment, 0u);
        ASSERT_EQ(f->tensors().size(), 4u);
        for (const TensorView& t : f->tensors()) {
            const size_t at = static_cast<const uint8_t*>(t.data) - bytes.data();
            EXPECT_EQ((at - f->data_offset()) % alignment, 0u) << t.name;
            EXPECT_LE(at + t.nbytes, bytes.size());
        }
        const TensorView* ta = f->find_tensor("a");
        ASSERT_NE(ta, nullptr);
        EXPECT_EQ(ta->type, TensorType::F32);
        EXPECT_EQ(ta->n_dims, 2);
        EXPECT_EQ(ta->ne[0], 4);
        EXPECT_EQ(ta->ne[1], 3);
        EXPECT_EQ(ta->nbytes, 48u);
        EXPECT_EQ(std::memcmp(ta->data, a.data(), 48), 0);
        const TensorView* th = f->find_tensor("h");
        ASSERT_NE(th, nullptr);
        EXPECT_EQ(th->nbytes, 10u);
        EXPECT_EQ(std::memcmp(th->data, h.data(), 10), 0);
        const TensorView* tq = f->find_tensor("q");
        ASSERT_NE(tq, nullptr);
        EXPECT_EQ(tq->nbytes, 4u * 34u);
        EXPECT_EQ(std::memcmp(tq->data, q.data(), tq->nbytes), 0);
        const TensorView* tb = f->find_tensor("b");
        ASSERT_NE(tb, nullptr);
        EXPECT_EQ(tb->n_dims, 4);
        EXPECT_EQ(tb->elements(), 12);
        EXPECT_EQ(tb->nbytes, 24u);
        EXPECT_EQ(bf16_to_fp32(static_cast<const uint16_t*>(tb->data)[11]), 11.0f);
        EXPECT_EQ(f->find_tensor("missing"), nullptr);
    }
}

TEST(GgufRoundTrip, WriteAndOpenFromDiskViaMmap) {
    GgufWriter w;
    w.set_string("general.name", "disk");
    const float v[32] = {1, 2, 3};
    ASSERT_TRUE(w.add_tensor("t", TensorType::F32, {32}, v, sizeof v).ok());
    const std::string path = temp_path("rt.gguf");
    ASSERT_TRUE(w.write(path).ok());
    auto f = GgufFile::open(path);
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ((*f)->get_string("general.name"), "disk");
    EXPECT_EQ((*f)->size(), std::filesystem::file_size(path));
    ASSERT_NE((*f)->find_tensor("t"), nullptr);
    EXPECT_EQ(static_cast<const float*>((*f)->find_tensor("t")->data)[2], 3.0f);
    std::filesystem::remove(path);
}

TEST(GgufWriterErrors, FullDiskIsAnIoErrorNamingThePath) {
    if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
    GgufWriter w;
    std::vector<float> big(1 << 20, 1.0f);  // larger than any stdio buffer, so the write itself fails
    ASSERT_TRUE(w.add_tensor("big", TensorType::F32, {1 << 20}, big.data(), big.size() * 4).ok());
    Status st = w.write("/dev/full");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::Io);
    EXPECT_NE(st.error().message.find("/dev/full"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("write failed"), std::string::npos) << st.error().message;
}

TEST(GgufWriterErrors, MissingDirectoryIsAnIoError) {
    GgufWriter w;
    Status st = w.write("/nonexistent-dir/x.gguf");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::Io);
    EXPECT_NE(st.error().message.find("/nonexistent-dir/x.gguf"), std::string::npos);
}

TEST(GgufWriterErrors, BadTensorsAreRefusedByName) {
    GgufWriter w;
    const float v[64] = {};
    ASSERT_TRUE(w.add_tensor("t", TensorType::F32, {4}, v, 16).ok());
    Status dup = w.add_tensor("t", TensorType::F32, {4}, v, 16);
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.error().message.find("duplicate"), std::string::npos);
    Status size = w.add_tensor("u", TensorType::F32, {4}, v, 12);
    ASSERT_FALSE(size.ok());
    EXPECT_NE(size.error().message.find("'u'"), std::string::npos);
    Status block = w.add_tensor("q", TensorType::Q8_0, {16}, v, 34);
    ASSERT_FALSE(block.ok());
    EXPECT_NE(block.error().message.find("block size"), std::string::npos);
    EXPECT_FALSE(w.add_tensor("z", TensorType::F32, {0}, v, 0).ok());
    EXPECT_FALSE(w.add_tensor("d", TensorType::F32, {1, 1, 1, 1, 1}, v, 4).ok());
    EXPECT_FALSE(w.add_tensor("x", static_cast<TensorType>(99), {4}, v, 16).ok());
    EXPECT_FALSE(w.set_alignment(0).ok());
    EXPECT_FALSE(w.set_alignment(48).ok());
    EXPECT_EQ(w.tensor_count(), 1u);
}

TEST(GgufWriterErrors, ValuesThatDoNotFitTheirTypeAreRefused) {
    GgufWriter w;
    w.set_int_array("bytes", GgufType::UINT8, {1, 256});
    auto b = w.to_bytes();
    ASSERT_FALSE(b.ok());
    EXPECT_NE(b.error().message.find("'bytes'"), std::string::npos);
}
