// GGUF v2/v3 reader: parses the header, metadata and tensor infos of a mapped or caller-owned buffer.
// Not a writer (gguf_writer.h) and not a model loader (model.cpp); it only checks and describes bytes.
#include "inference/gguf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "inference/tensor_types.h"

namespace sigma {

namespace {

constexpr uint32_t kMaxDims = 4;
constexpr size_t kDefaultAlignment = 32;
// Smallest possible encodings, used to reject absurd counts before anything is allocated.
constexpr size_t kMinKvBytes = 8 + 4 + 1;                  // key length, type, 1-byte value
constexpr size_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // name length, n_dims, ne[0], type, offset

bool is_integer_type(GgufType t) {
    switch (t) {
        case GgufType::UINT8:
        case GgufType::INT8:
        case GgufType::UINT16:
        case GgufType::INT16:
        case GgufType::UINT32:
        case GgufType::INT32:
        case GgufType::UINT64:
        case GgufType::INT64: return true;
        default: return false;
    }
}

bool is_float_type(GgufType t) { return t == GgufType::FLOAT32 || t == GgufType::FLOAT64; }

// Bytes of one scalar of this type; 0 for STRING and ARRAY (variable) and unknown ids.
size_t scalar_size(GgufType t) {
    switch (t) {
        case GgufType::UINT8:
        case GgufType::INT8:
        case GgufType::BOOL: return 1;
        case GgufType::UINT16:
        case GgufType::INT16: return 2;
        case GgufType::UINT32:
        case GgufType::INT32:
        case GgufType::FLOAT32: return 4;
        case GgufType::UINT64:
        case GgufType::INT64:
        case GgufType::FLOAT64: return 8;
        default: return 0;
    }
}

bool is_known_type(uint32_t id) { return id <= static_cast<uint32_t>(GgufType::FLOAT64); }

}  // namespace

const char* gguf_type_name(GgufType type) {
    switch (type) {
        case GgufType::UINT8: return "uint8";
        case GgufType::INT8: return "int8";
        case GgufType::UINT16: return "uint16";
        case GgufType::INT16: return "int16";
        case GgufType::UINT32: return "uint32";
        case GgufType::INT32: return "int32";
        case GgufType::FLOAT32: return "float32";
        case GgufType::BOOL: return "bool";
        case GgufType::STRING: return "string";
        case GgufType::ARRAY: return "array";
        case GgufType::UINT64: return "uint64";
        case GgufType::INT64: return "int64";
        case GgufType::FLOAT64: return "float64";
    }
    return "unknown";
}

// Walks the bytes once, front to back. Every read checks the bytes left first; the first failure
// stops the walk and becomes the Error.
class GgufParser {
public:
    GgufParser(const uint8_t* data, size_t size, GgufFile& out) : data_(data), size_(size), out_(out) {}

    Status run() {
        if (!parse_header() || !parse_metadata() || !parse_alignment() || !parse_tensor_infos() || !place_tensors()) {
            return make_error(code_, "gguf: " + message_);
        }
        return Status{};
    }

private:
    const uint8_t* data_;
    size_t size_;
    GgufFile& out_;
    size_t pos_ = 0;
    uint64_t n_tensors_ = 0;
    uint64_t n_kv_ = 0;
    ErrorCode code_ = ErrorCode::Format;
    std::string message_;

    size_t left() const { return size_ - pos_; }

    bool fail(std::string message, ErrorCode code = ErrorCode::Format) {
        message_ = std::move(message);
        code_ = code;
        return false;
    }

    bool need(size_t n, const std::string& what) {
        if (n <= left()) return true;
        return fail("unexpected end of file reading " + what + " at offset " + std::to_string(pos_) + " (needs " +
                    std::to_string(n) + " bytes, " + std::to_string(left()) + " left)");
    }

    template <typename T>
    bool read(T& value, const std::string& what) {
        if (!need(sizeof(T), what)) return false;
        std::memcpy(&value, data_ + pos_, sizeof(T));  // unaligned-safe; GGUF is little-endian like our hosts
        pos_ += sizeof(T);
        return true;
    }

    bool read_string(std::string& s, const std::string& what) {
        uint64_t n = 0;
        if (!read(n, what + " length")) return false;
        if (n > left()) {
            return fail(what + ": string length " + std::to_string(n) + " at offset " + std::to_string(pos_ - 8) +
                        " runs past the end of the file (" + std::to_string(left()) + " bytes left)");
        }
        s.assign(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(n));
        pos_ += static_cast<size_t>(n);
        return true;
    }

    bool parse_header() {
        if (size_ < 4 || std::memcmp(data_, "GGUF", 4) != 0) {
            return fail("bad magic: not a GGUF file (expected \"GGUF\" in the first 4 bytes)");
        }
        pos_ = 4;
        uint32_t version = 0;
        if (!read(version, "version")) return false;
        if (version == 0x02000000u || version == 0x03000000u) {
            return fail("big-endian GGUF files are not supported", ErrorCode::Unsupported);
        }
        if (version != 2 && version != 3) {
            return fail("unsupported version " + std::to_string(version) + " (supported: 2, 3)",
                        ErrorCode::Unsupported);
        }
        out_.version_ = version;
        if (!read(n_tensors_, "tensor count") || !read(n_kv_, "metadata count")) return false;
        // Checked against the bytes that follow, before anything is reserved.
        if (n_tensors_ > left() / kMinTensorInfoBytes) {
            return fail("tensor count " + std::to_string(n_tensors_) + " is impossible in a file of " +
                        std::to_string(size_) + " bytes");
        }
        if (n_kv_ > left() / kMinKvBytes) {
            return fail("metadata count " + std::to_string(n_kv_) + " is impossible in a file of " +
                        std::to_string(size_) + " bytes");
        }
        return true;
    }

    bool read_type(GgufType& type, const std::string& what) {
        uint32_t id = 0;
        if (!read(id, what)) return false;
        if (!is_known_type(id)) return fail(what + ": unknown value type id " + std::to_string(id));
        type = static_cast<GgufType>(id);
        return true;
    }

    // One scalar into int_value/float_value/string_value.
    bool read_scalar(GgufType type, GgufKeyValue& kv, const std::string& what) {
        switch (type) {
            case GgufType::UINT8: {
                uint8_t v;
                if (!read(v, what)) return false;
                kv.int_value = v;
                return true;
            }
            case GgufType::INT8: {
                int8_t v;
                if (!read(v, what)) return false;
                kv.int_value = v;
                return true;
            }
            case GgufType::UINT16: {
                uint16_t v;
                if (!read(v, what)) return false;
                kv.int_value = v;
                return true;
            }
            case GgufType::INT16: {
                int16_t v;
                if (!read(v, what)) return false;
                kv.int_value = v;
                return true;
            }
            case GgufType::UINT32: {
                uint32_t v;
                if (!read(v, what)) return false;
                kv.int_value = v;
                return true;
            }
            case GgufType::INT32: {
                int32_t v;
                if (!read(v, what)) return false;
                kv.int_value = v;
                return true;
            }
            case GgufType::UINT64: {
                uint64_t v;
                if (!read(v, what)) return false;
                kv.int_value = static_cast<int64_t>(v);  // keeps the bits; documented in gguf.h
                return true;
            }
            case GgufType::INT64: {
                int64_t v;
                if (!read(v, what)) return false;
                kv.int_value = v;
                return true;
            }
            case GgufType::FLOAT32: {
                float v;
                if (!read(v, what)) return false;
                kv.float_value = v;
                return true;
            }
            case GgufType::FLOAT64: {
                double v;
                if (!read(v, what)) return false;
                kv.float_value = v;
                return true;
            }
            case GgufType::BOOL: {
                uint8_t v;
                if (!read(v, what)) return false;
                if (v > 1) return fail(what + ": bool value " + std::to_string(v) + " is neither 0 nor 1");
                kv.int_value = v;
                return true;
            }
            case GgufType::STRING: return read_string(kv.string_value, what);
            case GgufType::ARRAY: break;
        }
        return fail(what + ": unexpected type " + gguf_type_name(type));
    }

    bool read_array(GgufKeyValue& kv, const std::string& what) {
        if (!read_type(kv.array_type, what + " element type")) return false;
        if (kv.array_type == GgufType::ARRAY) return fail(what + ": nested arrays are not supported");
        uint64_t n = 0;
        if (!read(n, what + " element count")) return false;
        // A string needs at least its 8-byte length; a scalar its own size.
        const size_t min_each = kv.array_type == GgufType::STRING ? 8 : scalar_size(kv.array_type);
        if (n > left() / min_each) {
            return fail(what + ": array of " + std::to_string(n) + " " + gguf_type_name(kv.array_type) +
                        " elements runs past the end of the file (" + std::to_string(left()) + " bytes left)");
        }
        const size_t count = static_cast<size_t>(n);
        GgufKeyValue element;
        if (kv.array_type == GgufType::STRING) {
            kv.string_array.resize(count);
            for (size_t i = 0; i < count; ++i) {
                if (!read_string(kv.string_array[i], what + "[" + std::to_string(i) + "]")) return false;
            }
        } else if (is_float_type(kv.array_type)) {
            kv.float_array.resize(count);
            for (size_t i = 0; i < count; ++i) {
                if (!read_scalar(kv.array_type, element, what)) return false;
                kv.float_array[i] = element.float_value;
            }
        } else {
            kv.int_array.resize(count);
            for (size_t i = 0; i < count; ++i) {
                if (!read_scalar(kv.array_type, element, what)) return false;
                kv.int_array[i] = element.int_value;
            }
        }
        return true;
    }

    bool parse_metadata() {
        std::unordered_set<std::string> seen;
        out_.metadata_.reserve(static_cast<size_t>(n_kv_));
        for (uint64_t i = 0; i < n_kv_; ++i) {
            GgufKeyValue kv;
            const std::string index = "metadata #" + std::to_string(i);
            if (!read_string(kv.key, index + " key")) return false;
            const std::string what = "metadata '" + kv.key + "'";
            if (!seen.insert(kv.key).second) return fail(what + ": duplicate key");
            if (!read_type(kv.type, what + " type")) return false;
            if (kv.type == GgufType::ARRAY) {
                if (!read_array(kv, what)) return false;
            } else if (!read_scalar(kv.type, kv, what)) {
                return false;
            }
            out_.metadata_.push_back(std::move(kv));
        }
        return true;
    }

    bool parse_alignment() {
        out_.alignment_ = kDefaultAlignment;
        const GgufKeyValue* kv = out_.find("general.alignment");
        if (!kv) return true;
        if (!is_integer_type(kv->type)) {
            return fail(std::string("metadata 'general.alignment': expected an integer, found ") +
                        gguf_type_name(kv->type));
        }
        const uint64_t a = static_cast<uint64_t>(kv->int_value);
        // Signed types with negative values arrive as huge numbers and fail the range check.
        if (a == 0 || (a & (a - 1)) != 0 || a > (uint64_t{1} << 30)) {
            return fail("metadata 'general.alignment': " + std::to_string(kv->int_value) +
                        " is not a power of two between 1 and 2^30");
        }
        out_.alignment_ = static_cast<size_t>(a);
        return true;
    }

    bool parse_tensor_infos() {
        std::unordered_set<std::string> seen;
        out_.tensors_.reserve(static_cast<size_t>(n_tensors_));
        offsets_.reserve(static_cast<size_t>(n_tensors_));
        for (uint64_t i = 0; i < n_tensors_; ++i) {
            TensorView t;
            if (!read_string(t.name, "tensor #" + std::to_string(i) + " name")) return false;
            const std::string what = "tensor '" + t.name + "'";
            if (!seen.insert(t.name).second) return fail(what + ": duplicate tensor name");
            uint32_t n_dims = 0;
            if (!read(n_dims, what + " n_dims")) return false;
            if (n_dims < 1 || n_dims > kMaxDims) {
                return fail(what + ": n_dims " + std::to_string(n_dims) + " is outside 1.." + std::to_string(kMaxDims));
            }
            t.n_dims = static_cast<int>(n_dims);
            int64_t elements = 1;
            for (uint32_t d = 0; d < n_dims; ++d) {
                int64_t ne = 0;
                if (!read(ne, what + " ne[" + std::to_string(d) + "]")) return false;
                if (ne <= 0)
                    return fail(what + ": ne[" + std::to_string(d) + "] = " + std::to_string(ne) + " is not positive");
                if (elements > std::numeric_limits<int64_t>::max() / ne) {
                    return fail(what + ": element count overflows (shape too large)");
                }
                elements *= ne;
                t.ne[d] = ne;
            }
            uint32_t type_id = 0;
            if (!read(type_id, what + " type")) return false;
            t.type = static_cast<TensorType>(type_id);
            const auto traits = type_traits(t.type);
            if (!traits) return fail(what + ": unknown tensor type id " + std::to_string(type_id));
            if (t.ne[0] % traits->block_size != 0) {
                return fail(what + ": row length ne[0] = " + std::to_string(t.ne[0]) + " is not a multiple of " +
                            traits->name + "'s block size " + std::to_string(traits->block_size));
            }
            // rows * blocks-per-row * block_bytes, each step checked.
            const uint64_t blocks = static_cast<uint64_t>(t.ne[0] / traits->block_size);
            const uint64_t rows = static_cast<uint64_t>(elements / t.ne[0]);
            constexpr uint64_t kMaxBytes = std::numeric_limits<int64_t>::max();
            if (blocks > kMaxBytes / traits->block_bytes || rows > kMaxBytes / (blocks * traits->block_bytes)) {
                return fail(what + ": byte size overflows (shape too large)");
            }
            t.nbytes = static_cast<size_t>(blocks * traits->block_bytes * rows);
            uint64_t offset = 0;
            if (!read(offset, what + " data offset")) return false;
            if (offset % out_.alignment_ != 0) {
                return fail(what + ": data offset " + std::to_string(offset) + " is not a multiple of the alignment " +
                            std::to_string(out_.alignment_));
            }
            offsets_.push_back(offset);
            out_.tensors_.push_back(std::move(t));
        }
        return true;
    }

    bool place_tensors() {
        const size_t header_end = pos_;
        const size_t a = out_.alignment_;
        // Padding after the header; a vocabulary-only file may end before the padded boundary.
        out_.data_offset_ = header_end + (a - header_end % a) % a;
        if (out_.tensors_.empty()) return true;
        if (out_.data_offset_ > size_) {
            return fail("the tensor data section would start at offset " + std::to_string(out_.data_offset_) +
                        ", past the end of the file (size " + std::to_string(size_) + ")");
        }
        const uint64_t data_bytes = size_ - out_.data_offset_;
        for (size_t i = 0; i < out_.tensors_.size(); ++i) {
            TensorView& t = out_.tensors_[i];
            const uint64_t off = offsets_[i];
            if (off > data_bytes || t.nbytes > data_bytes - off) {
                return fail("tensor '" + t.name + "': data offset " + std::to_string(off) + " + " +
                            std::to_string(t.nbytes) + " bytes is outside the file (data section of " +
                            std::to_string(data_bytes) + " bytes, file size " + std::to_string(size_) + ")");
            }
            t.data = data_ + out_.data_offset_ + off;
        }
        std::vector<size_t> order(out_.tensors_.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return offsets_[x] < offsets_[y]; });
        for (size_t k = 1; k < order.size(); ++k) {
            const size_t prev = order[k - 1], cur = order[k];
            if (offsets_[prev] + out_.tensors_[prev].nbytes > offsets_[cur]) {
                return fail("tensor '" + out_.tensors_[cur].name + "': data at offset " +
                            std::to_string(offsets_[cur]) + " overlaps tensor '" + out_.tensors_[prev].name +
                            "' (offset " + std::to_string(offsets_[prev]) + ", " +
                            std::to_string(out_.tensors_[prev].nbytes) + " bytes)");
            }
        }
        return true;
    }

    std::vector<uint64_t> offsets_;  // per tensor, relative to the data section
};

GgufFile::GgufFile() = default;

GgufFile::~GgufFile() {
    if (mapping_) munmap(mapping_, mapping_size_);
}

Expected<std::unique_ptr<GgufFile>> GgufFile::parse(const void* data, size_t size) {
    auto file = std::make_unique<GgufFile>();
    if (!data && size != 0) return make_error(ErrorCode::InvalidArgument, "gguf: null buffer");
    file->size_ = size;
    static const uint8_t kEmpty = 0;
    GgufParser parser(data ? static_cast<const uint8_t*>(data) : &kEmpty, size, *file);
    Status st = parser.run();
    if (!st) return st.error();
    return file;
}

namespace {
// What a path that is not a regular file is, for the error message.
const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "a special file";
}
}  // namespace

Expected<std::unique_ptr<GgufFile>> GgufFile::open(const std::string& path) {
    const std::string where = "gguf: " + path + ": ";
    auto not_regular = [&](mode_t mode) {
        return make_error(ErrorCode::Io,
                          where + "is " + file_kind(mode) + ", not a regular file; a model must be a GGUF file");
    };
    // Only regular files are models. Checked before opening, since opening a FIFO for reading waits
    // for a writer, and again on the open descriptor (O_NONBLOCK keeps that open from waiting), in
    // case the path was swapped in between.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return make_error(ErrorCode::Io, where + "cannot open (" + std::strerror(errno) + ")");
    if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return make_error(ErrorCode::Io, where + "cannot open (" + std::strerror(errno) + ")");
    if (fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return make_error(ErrorCode::Io, where + "cannot stat (" + std::strerror(e) + ")");
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return not_regular(st.st_mode);
    }
    const size_t size = static_cast<size_t>(st.st_size);
    if (size == 0) {
        ::close(fd);
        return make_error(ErrorCode::Format, where + "the file is empty");
    }
    void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int map_errno = errno;
    ::close(fd);  // the mapping keeps the file alive
    if (map == MAP_FAILED) {
        return make_error(ErrorCode::Io,
                          where + "cannot map " + std::to_string(size) + " bytes (" + std::strerror(map_errno) + ")");
    }
    auto parsed = parse(map, size);
    if (!parsed) {
        munmap(map, size);
        Error e = parsed.error();
        const std::string prefix = "gguf: ";
        if (e.message.compare(0, prefix.size(), prefix) == 0) e.message = where + e.message.substr(prefix.size());
        return e;
    }
    std::unique_ptr<GgufFile> file = std::move(parsed).value();
    file->mapping_ = map;
    file->mapping_size_ = size;
    return file;
}

const GgufKeyValue* GgufFile::find(std::string_view key) const {
    for (const GgufKeyValue& kv : metadata_) {
        if (kv.key == key) return &kv;
    }
    return nullptr;
}

std::optional<std::string> GgufFile::get_string(std::string_view key) const {
    const GgufKeyValue* kv = find(key);
    if (!kv || kv->type != GgufType::STRING) return std::nullopt;
    return kv->string_value;
}

std::optional<int64_t> GgufFile::get_int(std::string_view key) const {
    const GgufKeyValue* kv = find(key);
    if (!kv || !is_integer_type(kv->type)) return std::nullopt;
    return kv->int_value;
}

std::optional<double> GgufFile::get_float(std::string_view key) const {
    const GgufKeyValue* kv = find(key);
    if (!kv) return std::nullopt;
    if (is_float_type(kv->type)) return kv->float_value;
    if (kv->type == GgufType::UINT64) return static_cast<double>(static_cast<uint64_t>(kv->int_value));
    if (is_integer_type(kv->type)) return static_cast<double>(kv->int_value);
    return std::nullopt;
}

std::optional<bool> GgufFile::get_bool(std::string_view key) const {
    const GgufKeyValue* kv = find(key);
    if (!kv || kv->type != GgufType::BOOL) return std::nullopt;
    return kv->int_value != 0;
}

const std::vector<std::string>* GgufFile::get_string_array(std::string_view key) const {
    const GgufKeyValue* kv = find(key);
    if (!kv || !kv->is_array() || kv->array_type != GgufType::STRING) return nullptr;
    return &kv->string_array;
}

const std::vector<int64_t>* GgufFile::get_int_array(std::string_view key) const {
    const GgufKeyValue* kv = find(key);
    if (!kv || !kv->is_array() || !(is_integer_type(kv->array_type) || kv->array_type == GgufType::BOOL)) {
        return nullptr;
    }
    return &kv->int_array;
}

const std::vector<double>* GgufFile::get_float_array(std::string_view key) const {
    const GgufKeyValue* kv = find(key);
    if (!kv || !kv->is_array() || !is_float_type(kv->array_type)) return nullptr;
    return &kv->float_array;
}

const TensorView* GgufFile::find_tensor(std::string_view name) const {
    for (const TensorView& t : tensors_) {
        if (t.name == name) return &t;
    }
    return nullptr;
}

}  // namespace sigma
