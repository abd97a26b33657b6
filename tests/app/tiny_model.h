// make_tiny_model: writes a small deterministic random-weight model (sigma-mkmodel's library) for
// tests that need a real engine behind a Backend. Not a fixture with expectations about its text.
#pragma once

#include <QString>

#include "tools/mkmodel/mkmodel.h"

// Returns an empty string on success, else the error.
inline QString make_tiny_model(const QString& path, int ctx = 512, int hidden = 64, int layers = 2) {
    sigma::mkmodel::Options o;
    o.output = path.toStdString();
    o.arch = "llama";
    o.layers = layers;
    o.hidden = hidden;
    o.heads = 4;
    o.ctx = ctx;
    o.vocab = 512;
    o.seed = 7;
    const sigma::Status st = sigma::mkmodel::write_model(o);
    return st ? QString() : QString::fromStdString(st.error().message);
}
