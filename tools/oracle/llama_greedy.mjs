// The llama.cpp oracle: loads a GGUF with the prebuilt llama.cpp (node-llama-cpp, CPU only) and prints,
// as one JSON object, each greedy step's chosen token and top-2 logits, or prompt/decode speeds.
// Not a chat runner and not a sampler: logits are read raw (no penalties, no template, no sampling).
//
// usage: node llama_greedy.mjs -m MODEL.gguf (--ids 1,2,3 | --prompt TEXT) [-n STEPS] [--force 5,6,7]
//                              [--threads N] [--ctx N]
//        node llama_greedy.mjs -m MODEL.gguf --bench [-p 128] [-n 32] [--threads N]
//        node llama_greedy.mjs --version
// --force feeds the given continuation instead of llama.cpp's own choice (teacher forcing), so that a
// step where two engines chose differently does not make every later step differ too; each step then
// also reports the logit llama.cpp gave the forced token.
// Exit status: 0 done, 1 llama.cpp failed (bad model, too long), 2 usage, 3 the oracle is not installed.
import {performance} from "node:perf_hooks";
import path from "node:path";
import fs from "node:fs";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const oracleDir = process.env.SIGMA_LLAMA_ORACLE || path.join(here, "..", ".deps", "llama-oracle");

function fail(code, message) {
    process.stderr.write(`llama_greedy: ${message}\n`);
    process.exit(code);
}

function parseArgs(argv) {
    const o = {steps: 16, threads: 2, ctx: 0, promptTokens: 128, bench: false, version: false};
    const ids = (opt, text) => {
        const list = text.split(",").filter((s) => s.trim() !== "").map(Number);
        if (list.some((v) => !Number.isInteger(v) || v < 0)) fail(2, `${opt}: '${text}' is not a list of token ids`);
        return list;
    };
    const count = (opt, text, lo) => {
        const v = Number(text);
        if (!Number.isInteger(v) || v < lo) fail(2, `${opt}: '${text}' is not an integer >= ${lo}`);
        return v;
    };
    for (let i = 0; i < argv.length; ++i) {
        const opt = argv[i];
        if (opt === "--bench") { o.bench = true; continue; }
        if (opt === "--version") { o.version = true; continue; }
        if (i + 1 >= argv.length) fail(2, `${opt} needs a value (or is unknown)`);
        const v = argv[++i];
        if (opt === "-m" || opt === "--model") o.model = v;
        else if (opt === "--ids") o.ids = ids(opt, v);
        else if (opt === "--prompt") o.prompt = v;
        else if (opt === "--force") o.force = ids(opt, v);
        else if (opt === "-n" || opt === "--steps") o.steps = count(opt, v, 1);
        else if (opt === "-p") o.promptTokens = count(opt, v, 1);
        else if (opt === "-t" || opt === "--threads") o.threads = count(opt, v, 1);
        else if (opt === "--ctx") o.ctx = count(opt, v, 1);
        else fail(2, `unknown option ${opt}`);
    }
    if (o.version) return o;
    if (!o.model) fail(2, "missing -m MODEL.gguf");
    if (!fs.existsSync(o.model)) fail(2, `no model file ${o.model}`);
    if (!o.bench && !o.ids === !o.prompt) fail(2, "give exactly one of --ids and --prompt");
    if (o.force && o.force.length < o.steps - 1) fail(2, `--force has ${o.force.length} tokens; ${o.steps} steps need ${o.steps - 1}`);
    return o;
}

async function loadLlama(threads) {
    const require = createRequire(path.join(oracleDir, "package.json"));
    let entry;
    try {
        entry = require.resolve("node-llama-cpp");
    } catch {
        fail(3, `node-llama-cpp is not installed under ${oracleDir} (tools/test.sh installs it)`);
    }
    const {getLlama, LlamaLogLevel} = await import(entry);
    // build "never" and skipDownload: only the prebuilt binaries, never a compile of llama.cpp.
    return getLlama({gpu: false, build: "never", skipDownload: true, usePrebuiltBinaries: true,
                     progressLogs: false, logLevel: LlamaLogLevel.error, maxThreads: threads});
}

function versionInfo(llama) {
    let metadata = null;
    const bins = path.join(oracleDir, "node_modules", "@node-llama-cpp", "linux-x64", "bins", "linux-x64", "_nlcBuildMetadata.json");
    try { metadata = JSON.parse(fs.readFileSync(bins, "utf8")).buildOptions?.llamaCpp ?? null; } catch { /* optional */ }
    return {release: llama.llamaCppRelease, build: llama.buildType, prebuilt: metadata, system: llama.systemInfo};
}

// Top-2 logits of the token after `item`, plus the logit of `forced` when given.
function logitsRequest(forced) {
    const tokens = forced === undefined ? [] : [forced];
    return {generateNext: {logits: {filter: {tokens, includeTop: 2}}}};
}

function topOf(logits) {
    const top = [];
    for (const [id, logit] of logits) {
        top.push([id, logit]);
        if (top.length === 2) break;
    }
    top.sort((a, b) => b[1] - a[1] || a[0] - b[0]);  // ties go to the lower id, as the engine's sampler does
    return top;
}

async function greedy(llama, o) {
    const model = await llama.loadModel({modelPath: o.model, gpuLayers: 0});
    // Text is tokenized as llama.cpp's own tools do: control-token spellings parsed, BOS when the model asks.
    let prompt = o.ids;
    if (!prompt) {
        prompt = model.tokenize(o.prompt, true);
        const bos = model.tokens.bos;
        if (model.tokens.shouldPrependBosToken && bos !== null && prompt[0] !== bos) prompt = [bos, ...prompt];
    }
    if (prompt.length === 0) fail(2, "the prompt gave no tokens");
    const needed = prompt.length + o.steps + 1;
    const context = await model.createContext({contextSize: Math.max(o.ctx, needed), batchSize: Math.max(needed, 32),
                                               threads: o.threads, sequences: 1});
    const sequence = context.getSequence();
    const steps = [];
    const record = (out, forced) => {
        const logits = out?.next?.logits;
        if (!logits) fail(1, "llama.cpp returned no logits");
        const top = topOf(logits);
        const step = {token: top[0][0], top};
        if (forced !== undefined) step.forced = {token: forced, logit: logits.get(forced) ?? null};
        steps.push(step);
    };
    if (o.force) {
        // One batch: the prompt, then the forced tokens; logits after the prompt and after each one.
        const input = prompt.slice(0, -1);
        input.push([prompt[prompt.length - 1], logitsRequest(o.force[0])]);
        for (let i = 0; i + 1 < o.steps; ++i) input.push([o.force[i], logitsRequest(o.force[i + 1])]);
        const out = await sequence.controlledEvaluate(input);
        for (let i = 0; i < o.steps; ++i) record(out[prompt.length - 1 + i], o.force[i]);
    } else {
        const input = prompt.slice(0, -1);
        input.push([prompt[prompt.length - 1], logitsRequest()]);
        let out = await sequence.controlledEvaluate(input);
        record(out[input.length - 1]);
        while (steps.length < o.steps) {
            out = await sequence.controlledEvaluate([[steps[steps.length - 1].token, logitsRequest()]]);
            record(out[0]);
        }
    }
    return {model: o.model, prompt, steps};
}

// Prompt processing of P tokens in one batch, then N single-token greedy decode steps, timed apart.
async function bench(llama, o) {
    const model = await llama.loadModel({modelPath: o.model, gpuLayers: 0});
    const total = o.promptTokens + o.steps + 1;
    const context = await model.createContext({contextSize: Math.max(o.ctx, total), batchSize: o.promptTokens,
                                               threads: o.threads, sequences: 1});
    const sequence = context.getSequence();
    // A fixed pattern of ids below 1000 (valid in any real vocabulary): speed does not depend on them.
    const prompt = Array.from({length: o.promptTokens}, (_, i) => (i * 37) % 900 + 100);
    // A short warm-up pages the weights in and starts the threads; its cache is then dropped.
    await sequence.controlledEvaluate(prompt.slice(0, 16));
    await sequence.clearHistory();
    const input = prompt.slice(0, -1);
    input.push([prompt[prompt.length - 1], {generateNext: {token: true, options: {temperature: 0}}}]);
    let t0 = performance.now();
    let out = await sequence.controlledEvaluate(input);
    const promptMs = performance.now() - t0;
    let token = out[input.length - 1].next.token;
    t0 = performance.now();
    for (let i = 0; i < o.steps; ++i) {
        out = await sequence.controlledEvaluate([[token, {generateNext: {token: true, options: {temperature: 0}}}]]);
        token = out[0].next.token;
    }
    const decodeMs = performance.now() - t0;
    return {model: o.model, threads: o.threads, prompt_tokens: o.promptTokens, decode_tokens: o.steps,
            pp_tokens_per_s: o.promptTokens * 1000 / promptMs, tg_tokens_per_s: o.steps * 1000 / decodeMs};
}

const o = parseArgs(process.argv.slice(2));
const llama = await loadLlama(o.threads);
try {
    const result = o.version ? {} : o.bench ? await bench(llama, o) : await greedy(llama, o);
    result.llama_cpp = versionInfo(llama);
    process.stdout.write(JSON.stringify(result) + "\n");
} catch (e) {
    fail(1, e?.message ?? String(e));
} finally {
    await llama.dispose();
}
