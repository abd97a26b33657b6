// read_model_info: GGUF metadata and shapes turned into a value for the settings dialog.
// Not a validator of weights' values: Model::load checks shapes only, which is all this needs.
#include "app/model_info.h"

#include <map>

#include "inference/gguf.h"
#include "inference/model.h"
#include "inference/tensor_types.h"

namespace sigma::app {

ModelInfo read_model_info(const QString& path) {
    ModelInfo info;
    info.path = path;
    auto model = Model::load(path.toStdString());
    if (!model) {
        info.error = QString::fromStdString(model.error().message);
        return info;
    }
    const ModelConfig& c = (*model)->config();
    const GgufFile& g = (*model)->gguf();
    info.architecture = QString::fromStdString(c.arch_name);
    if (auto n = g.get_string("general.name")) info.name = QString::fromStdString(*n);
    info.file_bytes = static_cast<qint64>((*model)->file_bytes());
    info.layers = c.n_layer;
    info.context_length = c.n_ctx_train;
    std::map<std::string, size_t> bytes_by_type;
    for (const TensorView& t : g.tensors()) {
        info.parameters += t.elements();
        bytes_by_type[type_name(t.type)] += t.nbytes;
    }
    size_t best = 0;
    for (const auto& [type, bytes] : bytes_by_type) {
        if (bytes > best) {
            best = bytes;
            info.quantisation = QString::fromStdString(type);
        }
    }
    // Per token and layer the cache keeps n_k keys of d_k_cache and n_v values of d_v.
    const qint64 per_token = static_cast<qint64>(c.heads.n_k) * c.d_k_cache + static_cast<qint64>(c.heads.n_v) * c.d_v;
    info.kv_bytes = per_token * c.n_layer * c.n_ctx_train * static_cast<qint64>(sizeof(float));
    info.ram_bytes = info.file_bytes + info.kv_bytes;
    info.ok = true;
    return info;
}

}  // namespace sigma::app
