// GgufFile: a checked, read-only view of a GGUF v2/v3 file (mmapped or in memory).
// Not a model: model.cpp turns metadata and tensors into a ModelConfig and ModelWeights.
// Every count, length, offset and shape is checked against the bytes; errors name the field.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/tensor.h"

namespace sigma {

// GGUF metadata value types. Stored on disk: never renumber.
enum class GgufType : uint32_t {
    UINT8 = 0,
    INT8 = 1,
    UINT16 = 2,
    INT16 = 3,
    UINT32 = 4,
    INT32 = 5,
    FLOAT32 = 6,
    BOOL = 7,
    STRING = 8,
    ARRAY = 9,
    UINT64 = 10,
    INT64 = 11,
    FLOAT64 = 12,
};

const char* gguf_type_name(GgufType type);

struct GgufKeyValue {
    std::string key;
    GgufType type = GgufType::UINT8;        // the scalar type, or ARRAY
    GgufType array_type = GgufType::UINT8;  // element type when type == ARRAY (nested arrays are rejected)
    // Scalar payload: integers and bool in int_value (UINT64 keeps its bits), floats in float_value.
    int64_t int_value = 0;
    double float_value = 0.0;
    std::string string_value;
    // Array payload: exactly one is filled, by array_type's kind.
    std::vector<int64_t> int_array;
    std::vector<double> float_array;
    std::vector<std::string> string_array;

    bool is_array() const { return type == GgufType::ARRAY; }
    size_t array_size() const { return int_array.size() + float_array.size() + string_array.size(); }
};

class GgufFile {
public:
    // Maps and parses the file. The mapping lives as long as the GgufFile.
    static Expected<std::unique_ptr<GgufFile>> open(const std::string& path);
    // Parses bytes that the caller keeps alive (fuzzing, tests).
    static Expected<std::unique_ptr<GgufFile>> parse(const void* data, size_t size);

    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    uint32_t version() const { return version_; }
    size_t alignment() const { return alignment_; }
    size_t data_offset() const { return data_offset_; }  // start of the tensor data section
    size_t size() const { return size_; }                // bytes in the file

    const std::vector<GgufKeyValue>& metadata() const { return metadata_; }
    const GgufKeyValue* find(std::string_view key) const;
    // Typed getters: nullopt when absent or of a different kind (any integer type reads as int,
    // any float or integer as double).
    std::optional<std::string> get_string(std::string_view key) const;
    std::optional<int64_t> get_int(std::string_view key) const;
    std::optional<double> get_float(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;
    const std::vector<std::string>* get_string_array(std::string_view key) const;
    const std::vector<int64_t>* get_int_array(std::string_view key) const;
    const std::vector<double>* get_float_array(std::string_view key) const;

    const std::vector<TensorView>& tensors() const { return tensors_; }
    const TensorView* find_tensor(std::string_view name) const;

    GgufFile();

private:
    friend class GgufParser;
    uint32_t version_ = 0;
    size_t alignment_ = 32;
    size_t data_offset_ = 0;
    size_t size_ = 0;
    std::vector<GgufKeyValue> metadata_;
    std::vector<TensorView> tensors_;
    void* mapping_ = nullptr;  // owned mmap, when opened from a path
    size_t mapping_size_ = 0;
};

}  // namespace sigma
