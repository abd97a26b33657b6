// ModelInfo: what a GGUF model file is, read before it is loaded for use: architecture, size,
// quantisation, context length and the memory it will need. For the desktop app's settings.
// Not a loader for inference: it maps the file, reads metadata and shapes, and lets it go.
#pragma once

#include <QString>

namespace sigma::app {

struct ModelInfo {
    bool ok = false;
    QString error;  // why the file is not a usable model (names the file and the problem)
    QString path;
    QString architecture;  // "llama", "qwen2", "sigma"
    QString name;          // general.name, when the file has one
    QString quantisation;  // the tensor type holding most of the weight bytes ("q8_0", "f16", ...)
    qint64 file_bytes = 0;
    qint64 parameters = 0;
    int layers = 0;
    int context_length = 0;  // the longest context the model allows
    qint64 kv_bytes = 0;     // KV cache at context_length (float32 entries)
    qint64 ram_bytes = 0;    // file (mapped) + KV cache: a planning figure, not a measurement
};

// Reads `path`; never throws, never aborts: a bad file comes back with ok = false and the error.
ModelInfo read_model_info(const QString& path);

}  // namespace sigma::app
