// sigma-train-probe: the engine's side of the training tests. It prints what the engine computes
// (logits, token ids, the chat template, Q8_0 bytes, a greedy reply) for the Python tests to compare.
// Not a user tool: its input formats (hex-encoded text lines, raw float files) suit scripts only.
//
//   logits MODEL OUT.bin ID...    all logits of the tokens as float32 [n_tokens][n_vocab] (F32 KV cache)
//   encode VOCAB                  each stdin line: hex of the text; prints its ids (no BOS, no specials)
//   chat VOCAB                    each stdin line: "hex(role) hex(content) ..." ("-" for an empty
//                                 text); prints the Sigma chat
//                                 prompt's ids with the generation prompt, as encode_chat gives them
//   template                      prints sigma_chat_template_jinja()
//   q8_0 IN.f32 OUT.bin           quantize_row(Q8_0) of the floats in IN.f32
//   generate MODEL N HEX          greedy reply (at most N tokens) to one user message; prints ids, then text
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "inference/chat_template.h"
#include "inference/context.h"
#include "inference/gguf.h"
#include "inference/model.h"
#include "inference/tensor_types.h"
#include "inference/tokenizer.h"

namespace {

int fail(const std::string& message) {
    std::cerr << "sigma-train-probe: " << message << "\n";
    return 1;
}

bool from_hex(const std::string& hex, std::string& out) {
    if (hex.size() % 2 != 0) return false;
    out.clear();
    for (size_t i = 0; i < hex.size(); i += 2) {
        unsigned value = 0;
        if (std::sscanf(hex.c_str() + i, "%2x", &value) != 1) return false;
        out.push_back(static_cast<char>(value));
    }
    return true;
}

void print_ids(const std::vector<int32_t>& ids) {
    for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
    std::cout << "\n";
}

sigma::Expected<std::unique_ptr<sigma::Tokenizer>> open_tokenizer(const std::string& path) {
    auto file = sigma::GgufFile::open(path);
    if (!file) return file.error();
    return sigma::Tokenizer::from_gguf(**file);
}

std::unique_ptr<sigma::Context> open_context(const std::string& path, std::string& error) {
    auto model = sigma::Model::load(path);
    if (!model) {
        error = model.error().message;
        return nullptr;
    }
    sigma::ContextParams params;
    params.kv_type = sigma::KvType::F32;  // training computes in float: compare without F16 rounding
    params.n_threads = 1;
    auto ctx = sigma::Context::create(*model, params);
    if (!ctx) {
        error = ctx.error().message;
        return nullptr;
    }
    return std::move(*ctx);
}

int cmd_logits(int argc, char** argv) {
    if (argc < 5) return fail("usage: logits MODEL OUT.bin ID...");
    std::string error;
    auto ctx = open_context(argv[2], error);
    if (!ctx) return fail(error);
    std::vector<int32_t> ids;
    for (int i = 4; i < argc; ++i) ids.push_back(static_cast<int32_t>(std::stol(argv[i])));
    auto logits = ctx->decode_all_logits(ids);
    if (!logits) return fail(logits.error().message);
    std::ofstream out(argv[3], std::ios::binary);
    out.write(reinterpret_cast<const char*>(logits->data()),
              static_cast<std::streamsize>(logits->size() * sizeof(float)));
    return out ? 0 : fail(std::string("cannot write ") + argv[3]);
}

int cmd_encode(int argc, char** argv, bool chat) {
    if (argc < 3) return fail("usage: encode|chat VOCAB < lines");
    auto tok = open_tokenizer(argv[2]);
    if (!tok) return fail(tok.error().message);
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream fields(line);
        std::vector<std::string> parts{std::istream_iterator<std::string>(fields),
                                       std::istream_iterator<std::string>()};
        std::vector<std::string> texts(parts.size());
        for (size_t i = 0; i < parts.size(); ++i)  // "-" stands for an empty text
            if (parts[i] != "-" && !from_hex(parts[i], texts[i])) return fail("malformed hex on input: " + parts[i]);
        if (!chat) {
            print_ids((*tok)->encode(texts.empty() ? std::string() : texts[0], false, false));
            continue;
        }
        if (texts.size() % 2 != 0) return fail("chat lines hold role/content pairs");
        std::vector<sigma::ChatMessage> messages;
        for (size_t i = 0; i < texts.size(); i += 2) messages.push_back({texts[i], texts[i + 1]});
        print_ids(sigma::encode_chat(**tok, sigma::ChatTemplate::Sigma, messages, true));
    }
    return 0;
}

int cmd_q8_0(int argc, char** argv) {
    if (argc < 4) return fail("usage: q8_0 IN.f32 OUT.bin");
    std::ifstream in(argv[2], std::ios::binary);
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const int64_t n = static_cast<int64_t>(bytes.size() / sizeof(float));
    if (n == 0 || n % 32 != 0) return fail("q8_0 input must hold a positive multiple of 32 floats");
    std::vector<float> x(static_cast<size_t>(n));
    std::copy(bytes.begin(), bytes.begin() + n * 4, reinterpret_cast<char*>(x.data()));
    std::vector<uint8_t> q(static_cast<size_t>(n / 32 * 34));
    if (!sigma::quantize_row(sigma::TensorType::Q8_0, x.data(), q.data(), n)) return fail("quantize_row failed");
    std::ofstream out(argv[3], std::ios::binary);
    out.write(reinterpret_cast<const char*>(q.data()), static_cast<std::streamsize>(q.size()));
    return out ? 0 : fail(std::string("cannot write ") + argv[3]);
}

int cmd_generate(int argc, char** argv) {
    if (argc < 5) return fail("usage: generate MODEL N HEX");
    std::string error, question;
    auto ctx = open_context(argv[2], error);
    if (!ctx) return fail(error);
    auto tok = open_tokenizer(argv[2]);
    if (!tok) return fail(tok.error().message);
    if (!from_hex(argv[4], question)) return fail("malformed hex message");
    const int n_predict = std::stoi(argv[3]);
    std::vector<int32_t> ids = sigma::encode_chat(**tok, sigma::ChatTemplate::Sigma, {{"user", question}}, true);
    std::vector<int32_t> reply;
    for (int i = 0; i < n_predict && ctx->position() + 1 < ctx->n_ctx(); ++i) {
        auto logits = ctx->decode(ids);
        if (!logits) return fail(logits.error().message);
        int32_t best = 0;
        for (int32_t v = 1; v < ctx->n_vocab(); ++v)
            if ((*logits)[v] > (*logits)[best]) best = v;
        if ((*tok)->is_eog(best)) break;
        reply.push_back(best);
        ids = {best};
    }
    print_ids(reply);
    std::cout << (*tok)->decode(reply) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "logits") return cmd_logits(argc, argv);
    if (cmd == "encode") return cmd_encode(argc, argv, false);
    if (cmd == "chat") return cmd_encode(argc, argv, true);
    if (cmd == "template") {
        std::cout << sigma::sigma_chat_template_jinja();
        return 0;
    }
    if (cmd == "q8_0") return cmd_q8_0(argc, argv);
    if (cmd == "generate") return cmd_generate(argc, argv);
    return fail("usage: sigma-train-probe logits|encode|chat|template|q8_0|generate ...");
}
