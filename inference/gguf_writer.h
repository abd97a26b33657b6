// GgufWriter: builds a GGUF v3 file (metadata of every type, tensors with alignment padding).
// Not a converter or quantiser: callers hand it finished bytes, or a function that fills them at write time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/tensor.h"
#include "inference/gguf.h"

namespace sigma {

class GgufWriter {
public:
    // Fills exactly `nbytes` bytes of one tensor's data; called once, during write().
    using FillFn = std::function<void(void* dst, size_t nbytes)>;

    // Metadata keeps insertion order; setting an existing key replaces its value in place.
    void set_u8(const std::string& key, uint8_t v);
    void set_i8(const std::string& key, int8_t v);
    void set_u16(const std::string& key, uint16_t v);
    void set_i16(const std::string& key, int16_t v);
    void set_u32(const std::string& key, uint32_t v);
    void set_i32(const std::string& key, int32_t v);
    void set_u64(const std::string& key, uint64_t v);
    void set_i64(const std::string& key, int64_t v);
    void set_f32(const std::string& key, float v);
    void set_f64(const std::string& key, double v);
    void set_bool(const std::string& key, bool v);
    void set_string(const std::string& key, const std::string& v);
    // element_type: an integer type or BOOL; values must fit it (checked at write time).
    void set_int_array(const std::string& key, GgufType element_type, std::vector<int64_t> values);
    // element_type: FLOAT32 or FLOAT64.
    void set_float_array(const std::string& key, GgufType element_type, std::vector<double> values);
    void set_string_array(const std::string& key, std::vector<std::string> values);
    // Copies a key/value as the reader returned it (e.g. tokenizer keys from a vocabulary file).
    void set(const GgufKeyValue& kv);
    bool remove(const std::string& key);
    const std::vector<GgufKeyValue>& metadata() const { return metadata_; }

    // Tensor data alignment; also written as general.alignment (uint32). Must be a power of two.
    Status set_alignment(uint32_t alignment);

    // Adds a tensor with ggml-order shape (ne[0] first). The byte size follows from type and shape;
    // `nbytes` must match it. The bytes are copied.
    Status add_tensor(const std::string& name, TensorType type, const std::vector<int64_t>& shape, const void* data,
                      size_t nbytes);
    // Same, but the bytes are produced by `fill` during write(), so large models never sit in memory.
    Status add_tensor(const std::string& name, TensorType type, const std::vector<int64_t>& shape, FillFn fill);
    size_t tensor_count() const { return tensors_.size(); }

    // Writes the file; a failed or short write (e.g. a full disk) is an Io error naming the path,
    // and a partly written regular file is removed.
    Status write(const std::string& path) const;
    // The same bytes in memory (tests, fuzz seeds).
    Expected<std::vector<uint8_t>> to_bytes() const;

private:
    struct PendingTensor {
        std::string name;
        TensorType type;
        std::vector<int64_t> shape;
        size_t nbytes = 0;
        std::vector<uint8_t> bytes;  // when copied
        FillFn fill;                 // when generated
    };
    using Sink = std::function<bool(const void* data, size_t n)>;

    GgufKeyValue& slot(const std::string& key);
    Status check_tensor(const std::string& name, TensorType type, const std::vector<int64_t>& shape,
                        size_t& nbytes) const;
    Status serialize(const Sink& sink) const;

    std::vector<GgufKeyValue> metadata_;
    std::vector<PendingTensor> tensors_;
    size_t alignment_ = 32;
};

}  // namespace sigma
