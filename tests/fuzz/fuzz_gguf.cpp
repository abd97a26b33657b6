// libFuzzer target for the GGUF reader: any bytes must parse or fail cleanly, and whatever parses
// must describe only memory inside the input and survive a write/read round trip.
// Not a model-loading fuzzer: shape checks against an architecture live in Model::load's tests.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "inference/gguf.h"
#include "inference/gguf_writer.h"

namespace {

// A failed invariant is a crash, so libFuzzer records the input.
void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A private copy of exactly `size` bytes, so that ASan sees any read past the end.
    std::vector<uint8_t> bytes(data, data + size);
    auto parsed = sigma::GgufFile::parse(bytes.data(), bytes.size());
    if (!parsed) {
        require(!parsed.error().message.empty());
        return 0;
    }
    const sigma::GgufFile& g = **parsed;
    require(g.alignment() > 0 && (g.alignment() & (g.alignment() - 1)) == 0);
    size_t checksum = 0;
    size_t tensor_bytes = 0;
    for (const sigma::TensorView& t : g.tensors()) {
        const auto* p = static_cast<const uint8_t*>(t.data);
        require(p >= bytes.data() && t.nbytes <= bytes.size() &&
                p - bytes.data() <= static_cast<std::ptrdiff_t>(bytes.size() - t.nbytes));
        checksum += p[0] + p[t.nbytes - 1];
        tensor_bytes += t.nbytes;
        require(g.find_tensor(t.name) == &t);
    }
    for (const sigma::GgufKeyValue& kv : g.metadata()) {
        require(g.find(kv.key) == &kv);
        checksum += kv.array_size();
        (void)g.get_int(kv.key);
        (void)g.get_float(kv.key);
        (void)g.get_string_array(kv.key);
    }
    // Round trip: what the reader accepted, the writer writes and the reader accepts again.
    if (tensor_bytes > (size_t{1} << 20)) return static_cast<int>(checksum & 0);
    sigma::GgufWriter w;
    for (const sigma::GgufKeyValue& kv : g.metadata()) {
        if (kv.key != "general.alignment") w.set(kv);
    }
    require(w.set_alignment(static_cast<uint32_t>(g.alignment())).ok());
    for (const sigma::TensorView& t : g.tensors()) {
        std::vector<int64_t> shape(t.ne.begin(), t.ne.begin() + t.n_dims);
        require(w.add_tensor(t.name, t.type, shape, t.data, t.nbytes).ok());
    }
    auto again = w.to_bytes();
    require(again.ok());
    auto reparsed = sigma::GgufFile::parse(again->data(), again->size());
    require(reparsed.ok());
    require((*reparsed)->metadata().size() == g.metadata().size() + (g.find("general.alignment") ? 0 : 1));
    require((*reparsed)->tensors().size() == g.tensors().size());
    for (const sigma::TensorView& t : g.tensors()) {
        const sigma::TensorView* u = (*reparsed)->find_tensor(t.name);
        require(u && u->nbytes == t.nbytes && std::memcmp(u->data, t.data, t.nbytes) == 0);
    }
    return 0;
}
