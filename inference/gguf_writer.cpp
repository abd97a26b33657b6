// GGUF v3 writer: metadata, tensor infos and aligned tensor data, written front to back in one pass.
// Not a reader: round-trip checks go through GgufFile, which trusts nothing this file produces.
#include "inference/gguf_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_set>

#include "inference/tensor_types.h"

namespace sigma {

namespace {

constexpr uint32_t kVersion = 3;

// Appends little-endian encodings to a byte string (our hosts are little-endian, like GGUF).
class Encoder {
public:
    std::string bytes;
    template <typename T>
    void put(T v) {
        char raw[sizeof(T)];
        std::memcpy(raw, &v, sizeof(T));
        bytes.append(raw, sizeof(T));
    }
    void put_string(const std::string& s) {
        put<uint64_t>(s.size());
        bytes.append(s);
    }
};

bool fits(GgufType type, int64_t v) {
    switch (type) {
        case GgufType::UINT8: return v >= 0 && v <= 0xff;
        case GgufType::INT8: return v >= -128 && v <= 127;
        case GgufType::UINT16: return v >= 0 && v <= 0xffff;
        case GgufType::INT16: return v >= -32768 && v <= 32767;
        case GgufType::UINT32: return v >= 0 && v <= 0xffffffffLL;
        case GgufType::INT32:
            return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
        case GgufType::UINT64:
        case GgufType::INT64: return true;  // UINT64 keeps its bits in int64
        case GgufType::BOOL: return v == 0 || v == 1;
        default: return false;
    }
}

// Encodes one integer/bool/float scalar of `type`.
bool put_number(Encoder& e, GgufType type, int64_t i, double f) {
    switch (type) {
        case GgufType::UINT8: e.put(static_cast<uint8_t>(i)); return true;
        case GgufType::INT8: e.put(static_cast<int8_t>(i)); return true;
        case GgufType::UINT16: e.put(static_cast<uint16_t>(i)); return true;
        case GgufType::INT16: e.put(static_cast<int16_t>(i)); return true;
        case GgufType::UINT32: e.put(static_cast<uint32_t>(i)); return true;
        case GgufType::INT32: e.put(static_cast<int32_t>(i)); return true;
        case GgufType::UINT64: e.put(static_cast<uint64_t>(i)); return true;
        case GgufType::INT64: e.put(static_cast<int64_t>(i)); return true;
        case GgufType::BOOL: e.put(static_cast<uint8_t>(i != 0)); return true;
        case GgufType::FLOAT32: e.put(static_cast<float>(f)); return true;
        case GgufType::FLOAT64: e.put(f); return true;
        default: return false;
    }
}

bool is_float(GgufType t) { return t == GgufType::FLOAT32 || t == GgufType::FLOAT64; }

Status encode_kv(Encoder& e, const GgufKeyValue& kv) {
    const std::string what = "gguf writer: metadata '" + kv.key + "': ";
    e.put_string(kv.key);
    e.put<uint32_t>(static_cast<uint32_t>(kv.type));
    if (kv.type == GgufType::STRING) {
        e.put_string(kv.string_value);
        return Status{};
    }
    if (kv.type != GgufType::ARRAY) {
        if (!is_float(kv.type) && !fits(kv.type, kv.int_value)) {
            return make_error(ErrorCode::InvalidArgument,
                              what + std::to_string(kv.int_value) + " does not fit " + gguf_type_name(kv.type));
        }
        if (!put_number(e, kv.type, kv.int_value, kv.float_value)) {
            return make_error(ErrorCode::InvalidArgument, what + "unsupported type " + gguf_type_name(kv.type));
        }
        return Status{};
    }
    e.put<uint32_t>(static_cast<uint32_t>(kv.array_type));
    if (kv.array_type == GgufType::STRING) {
        e.put<uint64_t>(kv.string_array.size());
        for (const std::string& s : kv.string_array) e.put_string(s);
    } else if (is_float(kv.array_type)) {
        e.put<uint64_t>(kv.float_array.size());
        for (double v : kv.float_array) put_number(e, kv.array_type, 0, v);
    } else if (kv.array_type != GgufType::ARRAY) {
        e.put<uint64_t>(kv.int_array.size());
        for (int64_t v : kv.int_array) {
            if (!fits(kv.array_type, v)) {
                return make_error(ErrorCode::InvalidArgument, what + "element " + std::to_string(v) + " does not fit " +
                                                                  gguf_type_name(kv.array_type));
            }
            put_number(e, kv.array_type, v, 0.0);
        }
    } else {
        return make_error(ErrorCode::InvalidArgument, what + "nested arrays are not supported");
    }
    return Status{};
}

size_t pad_to(size_t n, size_t alignment) { return (alignment - n % alignment) % alignment; }

}  // namespace

GgufKeyValue& GgufWriter::slot(const std::string& key) {
    for (GgufKeyValue& kv : metadata_) {
        if (kv.key == key) {
            kv = GgufKeyValue{};
            kv.key = key;
            return kv;
        }
    }
    metadata_.emplace_back();
    metadata_.back().key = key;
    return metadata_.back();
}

#define SIGMA_GGUF_SET_INT(fn, ctype, gtype)               \
    void GgufWriter::fn(const std::string& key, ctype v) { \
        GgufKeyValue& kv = slot(key);                      \
        kv.type = GgufType::gtype;                         \
        kv.int_value = static_cast<int64_t>(v);            \
    }
SIGMA_GGUF_SET_INT(set_u8, uint8_t, UINT8)
SIGMA_GGUF_SET_INT(set_i8, int8_t, INT8)
SIGMA_GGUF_SET_INT(set_u16, uint16_t, UINT16)
SIGMA_GGUF_SET_INT(set_i16, int16_t, INT16)
SIGMA_GGUF_SET_INT(set_u32, uint32_t, UINT32)
SIGMA_GGUF_SET_INT(set_i32, int32_t, INT32)
SIGMA_GGUF_SET_INT(set_u64, uint64_t, UINT64)
SIGMA_GGUF_SET_INT(set_i64, int64_t, INT64)
SIGMA_GGUF_SET_INT(set_bool, bool, BOOL)
#undef SIGMA_GGUF_SET_INT

void GgufWriter::set_f32(const std::string& key, float v) {
    GgufKeyValue& kv = slot(key);
    kv.type = GgufType::FLOAT32;
    kv.float_value = v;
}

void GgufWriter::set_f64(const std::string& key, double v) {
    GgufKeyValue& kv = slot(key);
    kv.type = GgufType::FLOAT64;
    kv.float_value = v;
}

void GgufWriter::set_string(const std::string& key, const std::string& v) {
    GgufKeyValue& kv = slot(key);
    kv.type = GgufType::STRING;
    kv.string_value = v;
}

void GgufWriter::set_int_array(const std::string& key, GgufType element_type, std::vector<int64_t> values) {
    GgufKeyValue& kv = slot(key);
    kv.type = GgufType::ARRAY;
    kv.array_type = element_type;
    kv.int_array = std::move(values);
}

void GgufWriter::set_float_array(const std::string& key, GgufType element_type, std::vector<double> values) {
    GgufKeyValue& kv = slot(key);
    kv.type = GgufType::ARRAY;
    kv.array_type = is_float(element_type) ? element_type : GgufType::FLOAT32;
    kv.float_array = std::move(values);
}

void GgufWriter::set_string_array(const std::string& key, std::vector<std::string> values) {
    GgufKeyValue& kv = slot(key);
    kv.type = GgufType::ARRAY;
    kv.array_type = GgufType::STRING;
    kv.string_array = std::move(values);
}

void GgufWriter::set(const GgufKeyValue& kv) { slot(kv.key) = kv; }

bool GgufWriter::remove(const std::string& key) {
    for (auto it = metadata_.begin(); it != metadata_.end(); ++it) {
        if (it->key == key) {
            metadata_.erase(it);
            return true;
        }
    }
    return false;
}

Status GgufWriter::set_alignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        return make_error(ErrorCode::InvalidArgument,
                          "gguf writer: alignment " + std::to_string(alignment) + " is not a power of two");
    }
    alignment_ = alignment;
    set_u32("general.alignment", alignment);
    return Status{};
}

Status GgufWriter::check_tensor(const std::string& name, TensorType type, const std::vector<int64_t>& shape,
                                size_t& nbytes) const {
    const std::string what = "gguf writer: tensor '" + name + "': ";
    for (const PendingTensor& t : tensors_) {
        if (t.name == name) return make_error(ErrorCode::InvalidArgument, what + "duplicate tensor name");
    }
    const auto traits = type_traits(type);
    if (!traits) {
        return make_error(ErrorCode::InvalidArgument,
                          what + "unknown tensor type id " + std::to_string(static_cast<uint32_t>(type)));
    }
    if (shape.empty() || shape.size() > 4) {
        return make_error(ErrorCode::InvalidArgument,
                          what + std::to_string(shape.size()) + " dimensions (1..4 allowed)");
    }
    uint64_t rows = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] <= 0)
            return make_error(ErrorCode::InvalidArgument, what + "ne[" + std::to_string(d) + "] is not positive");
        if (d > 0) rows *= static_cast<uint64_t>(shape[d]);
    }
    if (shape[0] % traits->block_size != 0) {
        return make_error(ErrorCode::InvalidArgument, what + "ne[0] = " + std::to_string(shape[0]) +
                                                          " is not a multiple of the block size " +
                                                          std::to_string(traits->block_size));
    }
    nbytes = static_cast<size_t>(rows * row_bytes(type, shape[0]));
    return Status{};
}

Status GgufWriter::add_tensor(const std::string& name, TensorType type, const std::vector<int64_t>& shape,
                              const void* data, size_t nbytes) {
    size_t expected = 0;
    Status st = check_tensor(name, type, shape, expected);
    if (!st) return st;
    if (nbytes != expected || (!data && nbytes != 0)) {
        return make_error(ErrorCode::InvalidArgument, "gguf writer: tensor '" + name + "': " + std::to_string(nbytes) +
                                                          " bytes given, shape and type need " +
                                                          std::to_string(expected));
    }
    PendingTensor t{name, type, shape, expected, {}, {}};
    t.bytes.assign(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + nbytes);
    tensors_.push_back(std::move(t));
    return Status{};
}

Status GgufWriter::add_tensor(const std::string& name, TensorType type, const std::vector<int64_t>& shape,
                              FillFn fill) {
    size_t expected = 0;
    Status st = check_tensor(name, type, shape, expected);
    if (!st) return st;
    if (!fill) return make_error(ErrorCode::InvalidArgument, "gguf writer: tensor '" + name + "': no fill function");
    tensors_.push_back(PendingTensor{name, type, shape, expected, {}, std::move(fill)});
    return Status{};
}

Status GgufWriter::serialize(const Sink& sink) const {
    Encoder e;
    e.bytes.append("GGUF", 4);
    e.put<uint32_t>(kVersion);
    e.put<uint64_t>(tensors_.size());
    e.put<uint64_t>(metadata_.size());
    for (const GgufKeyValue& kv : metadata_) {
        Status st = encode_kv(e, kv);
        if (!st) return st;
    }
    size_t offset = 0;
    for (const PendingTensor& t : tensors_) {
        e.put_string(t.name);
        e.put<uint32_t>(static_cast<uint32_t>(t.shape.size()));
        for (int64_t ne : t.shape) e.put<int64_t>(ne);
        e.put<uint32_t>(static_cast<uint32_t>(t.type));
        e.put<uint64_t>(offset);
        offset += t.nbytes + pad_to(t.nbytes, alignment_);
    }
    e.bytes.append(pad_to(e.bytes.size(), alignment_), '\0');
    if (!sink(e.bytes.data(), e.bytes.size())) return make_error(ErrorCode::Io, "write failed");
    const std::vector<uint8_t> zeros(alignment_, 0);
    std::vector<uint8_t> scratch;
    for (const PendingTensor& t : tensors_) {
        const uint8_t* data = t.bytes.data();
        if (t.fill) {
            scratch.assign(t.nbytes, 0);
            t.fill(scratch.data(), t.nbytes);
            data = scratch.data();
        }
        if (!sink(data, t.nbytes) || !sink(zeros.data(), pad_to(t.nbytes, alignment_))) {
            return make_error(ErrorCode::Io, "write failed");
        }
    }
    return Status{};
}

Status GgufWriter::write(const std::string& path) const {
    struct Closer {
        void operator()(FILE* f) const {
            if (f) std::fclose(f);
        }
    };
    std::unique_ptr<FILE, Closer> file(std::fopen(path.c_str(), "wb"));
    if (!file) {
        return make_error(ErrorCode::Io, "gguf writer: " + path + ": cannot create (" + std::strerror(errno) + ")");
    }
    int write_errno = 0;
    FILE* f = file.get();
    Status st = serialize([&](const void* data, size_t n) {
        if (n == 0) return true;
        if (std::fwrite(data, 1, n, f) == n) return true;
        write_errno = errno;
        return false;
    });
    if (st.ok() && std::fflush(f) != 0) {
        write_errno = errno;
        st = make_error(ErrorCode::Io, "write failed");
    }
    if (std::fclose(file.release()) != 0 && st.ok()) {
        write_errno = errno;
        st = make_error(ErrorCode::Io, "write failed");
    }
    if (st.ok()) return st;
    // Leave no half-written model behind, but never unlink a device such as /dev/full.
    struct stat sb {};
    if (stat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode)) ::unlink(path.c_str());
    if (st.error().code != ErrorCode::Io) return st;
    return make_error(ErrorCode::Io, "gguf writer: " + path + ": write failed (" +
                                         std::strerror(write_errno ? write_errno : EIO) + ")");
}

Expected<std::vector<uint8_t>> GgufWriter::to_bytes() const {
    std::vector<uint8_t> out;
    Status st = serialize([&](const void* data, size_t n) {
        const uint8_t* p = static_cast<const uint8_t*>(data);
        out.insert(out.end(), p, p + n);
        return true;
    });
    if (!st) return st.error();
    return out;
}

}  // namespace sigma
