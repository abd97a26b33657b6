// Chooses and builds the Backend a job runs on: a remote endpoint (--remote), a model file (-m), or
// the embedded default model shipped in resources/models/. Not a settings store: callers pass choices.
#pragma once

#include <QString>
#include <memory>

#include "app/backend.h"
#include "inference/core/expected.h"

namespace sigma::app {

struct BackendChoice {
    QString model_path;     // -m FILE
    QString remote_url;     // --remote URL (an OpenAI-compatible base, e.g. http://127.0.0.1:8080/v1)
    QString api_key;        // --api-key; empty: SIGMA_REMOTE_API_KEY / OPENAI_API_KEY
    QString remote_model;   // the "model" field sent to a remote endpoint
    QString template_name;  // chat template override for local models
    int n_threads = 0;
    int n_ctx = 0;
    QString compute_backend = QStringLiteral("auto");  // local models: "auto", "cpu" or "cuda" (--backend)
};

// The embedded default model: resources/models/default.gguf, else the only .gguf there. Empty when
// no default model is installed.
QString default_model_path();

struct ChosenBackend {
    std::unique_ptr<Backend> backend;
    QString kind;   // "local" or "remote": stored in history
    QString model;  // the model file's name or the remote URL: stored in history
};

// A remote URL wins over a model file; with neither, the default model. Errors name what is
// missing: an unreadable model file, a malformed URL, or no default model installed.
Expected<ChosenBackend> make_backend(const BackendChoice& choice);

// For the CLI: waits for a local model to finish loading (remote backends return at once).
Status wait_until_ready(Backend& backend, int timeout_ms);

}  // namespace sigma::app
