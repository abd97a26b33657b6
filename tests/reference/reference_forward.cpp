// The reference forward pass in double, written straight from the paper's equations.
// Not optimised in any way: matrices are widened whole, attention is recomputed from scratch.
#include "tests/reference/reference_forward.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "inference/tensor_types.h"

namespace sigma::ref {

namespace {

using Vec = std::vector<double>;

// A weight widened to double: rows x cols with W[r][c] = element c of row r (ne = {cols, rows}).
struct Mat {
    int64_t rows = 0, cols = 0;
    Vec data;
};

Mat widen(const TensorView* t) {
    Mat m;
    m.cols = t->ne[0];
    m.rows = t->ne[1] * t->ne[2] * t->ne[3];
    m.data.resize(static_cast<size_t>(m.rows * m.cols));
    const size_t stride = row_bytes(t->type, m.cols);
    std::vector<float> row(static_cast<size_t>(m.cols));
    for (int64_t r = 0; r < m.rows; ++r) {
        dequantize_row(t->type, static_cast<const uint8_t*>(t->data) + r * stride, row.data(), m.cols);
        for (int64_t c = 0; c < m.cols; ++c) m.data[static_cast<size_t>(r * m.cols + c)] = row[static_cast<size_t>(c)];
    }
    return m;
}

// y = W x
Vec mat_vec(const Mat& w, const Vec& x) {
    Vec y(static_cast<size_t>(w.rows), 0.0);
    for (int64_t r = 0; r < w.rows; ++r) {
        double s = 0.0;
        for (int64_t c = 0; c < w.cols; ++c)
            s += w.data[static_cast<size_t>(r * w.cols + c)] * x[static_cast<size_t>(c)];
        y[static_cast<size_t>(r)] = s;
    }
    return y;
}

Vec rmsnorm(const Vec& x, const Mat& w, double eps) {
    double ss = 0.0;
    for (double v : x) ss += v * v;
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + eps);
    Vec y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * w.data[i];
    return y;
}

double silu(double x) { return x / (1.0 + std::exp(-x)); }

// Rotates each of n_heads heads of size d at position pos.
void rope(Vec& x, size_t offset, int n_heads, int d, int pos, double theta, RopeStyle style) {
    for (int h = 0; h < n_heads; ++h) {
        for (int j = 0; j < d / 2; ++j) {
            const double angle = pos * std::pow(theta, -2.0 * j / d);
            const size_t a = offset + static_cast<size_t>(h * d) + (style == RopeStyle::Normal ? 2 * j : j);
            const size_t b = offset + static_cast<size_t>(h * d) + (style == RopeStyle::Normal ? 2 * j + 1 : j + d / 2);
            const double xa = x[a], xb = x[b];
            x[a] = xa * std::cos(angle) - xb * std::sin(angle);
            x[b] = xa * std::sin(angle) + xb * std::cos(angle);
        }
    }
}

}  // namespace

std::vector<double> reference_logits(const ModelConfig& c, const ModelWeights& w, const std::vector<int32_t>& tokens,
                                     const ReferenceOptions& options) {
    const int n = static_cast<int>(tokens.size());
    const int H = c.n_embd;
    const Mat embd = widen(w.token_embd);
    const Mat out_norm = widen(w.output_norm);
    const Mat out = widen(w.output ? w.output : w.token_embd);

    // Residual stream of every position.
    std::vector<Vec> x(static_cast<size_t>(n));
    for (int t = 0; t < n; ++t)
        x[static_cast<size_t>(t)] =
            Vec(embd.data.begin() + static_cast<std::ptrdiff_t>(tokens[static_cast<size_t>(t)]) * H,
                embd.data.begin() + static_cast<std::ptrdiff_t>(tokens[static_cast<size_t>(t)] + 1) * H);

    for (int l = 0; l < c.n_layer; ++l) {
        const LayerWeights& lw = w.layers[static_cast<size_t>(l)];
        const Mat attn_norm = widen(lw.attn_norm), ffn_norm = widen(lw.ffn_norm);
        const Mat wq = widen(lw.wq), wk = widen(lw.wk), wv = widen(lw.wv), wo = widen(lw.wo);
        const Mat ffn_gate = widen(lw.ffn_gate), ffn_up = widen(lw.ffn_up), ffn_down = widen(lw.ffn_down);
        Mat bq, bk, bv, q_gate, q_up, q_down, k_up;
        if (lw.bq) {
            bq = widen(lw.bq);
            bk = widen(lw.bk);
            bv = widen(lw.bv);
        }
        if (c.d_aug > 0) {
            q_gate = widen(lw.q_gate);
            q_up = widen(lw.q_up);
            q_down = widen(lw.q_down);
        }
        if (c.half_k) k_up = widen(lw.k_up);

        // q, k (as the score sees it: [n_k][d_k], rotated), v for every position.
        std::vector<Vec> Q(static_cast<size_t>(n)), K(static_cast<size_t>(n)), V(static_cast<size_t>(n));
        for (int t = 0; t < n; ++t) {
            const Vec h = rmsnorm(x[static_cast<size_t>(t)], attn_norm, c.rms_eps);
            Vec q = mat_vec(wq, h), k = mat_vec(wk, h), v = mat_vec(wv, h);
            if (lw.bq) {
                for (size_t i = 0; i < q.size(); ++i) q[i] += bq.data[i];
                for (size_t i = 0; i < k.size(); ++i) k[i] += bk.data[i];
                for (size_t i = 0; i < v.size(); ++i) v[i] += bv.data[i];
            }
            if (c.d_aug > 0) {
                Vec g = mat_vec(q_gate, q), u = mat_vec(q_up, q);
                for (size_t i = 0; i < g.size(); ++i) g[i] = silu(g[i]) * u[i];
                q = mat_vec(q_down, g);
            }
            if (c.half_k) {
                Vec kf(static_cast<size_t>(c.heads.n_k) * c.d_k);
                for (int h2 = 0; h2 < c.heads.n_k; ++h2) {
                    Vec head(k.begin() + h2 * c.d_k_cache, k.begin() + (h2 + 1) * c.d_k_cache);
                    Vec up = mat_vec(k_up, head);
                    std::copy(up.begin(), up.end(), kf.begin() + h2 * c.d_k);
                }
                k = kf;
            }
            rope(q, 0, c.heads.n_q, c.d_k, t, c.rope_theta, c.rope_style);
            rope(k, 0, c.heads.n_k, c.d_k, t, c.rope_theta, c.rope_style);
            Q[static_cast<size_t>(t)] = q;
            K[static_cast<size_t>(t)] = k;
            V[static_cast<size_t>(t)] = v;
        }

        for (int t = 0; t < n; ++t) {
            Vec o(static_cast<size_t>(c.heads.n_q) * c.d_v, 0.0);
            for (int i = 0; i < c.heads.n_q; ++i) {
                const int kh = c.heads.k_head(i), vh = c.heads.v_head(i);
                Vec s(static_cast<size_t>(t + 1));
                for (int p = 0; p <= t; ++p) {
                    double dot = 0.0;
                    for (int d = 0; d < c.d_k; ++d)
                        dot += Q[static_cast<size_t>(t)][static_cast<size_t>(i * c.d_k + d)] *
                               K[static_cast<size_t>(p)][static_cast<size_t>(kh * c.d_k + d)];
                    s[static_cast<size_t>(p)] = dot / std::sqrt(static_cast<double>(c.d_k));
                }
                std::vector<int> keep(static_cast<size_t>(t + 1));
                std::iota(keep.begin(), keep.end(), 0);
                if (options.selective_top_k > 0 && options.selective_top_k < t + 1) {
                    std::stable_sort(keep.begin(), keep.end(), [&](int a, int b) {
                        return s[static_cast<size_t>(a)] > s[static_cast<size_t>(b)];
                    });
                    keep.resize(static_cast<size_t>(options.selective_top_k));
                }
                double mx = -INFINITY, sum = 0.0;
                for (int p : keep) mx = std::max(mx, s[static_cast<size_t>(p)]);
                for (int p : keep) sum += std::exp(s[static_cast<size_t>(p)] - mx);
                for (int p : keep) {
                    const double a = std::exp(s[static_cast<size_t>(p)] - mx) / sum;
                    for (int d = 0; d < c.d_v; ++d)
                        o[static_cast<size_t>(i * c.d_v + d)] +=
                            a * V[static_cast<size_t>(p)][static_cast<size_t>(vh * c.d_v + d)];
                }
            }
            const Vec attn = mat_vec(wo, o);
            Vec& xt = x[static_cast<size_t>(t)];
            for (int d = 0; d < H; ++d) xt[static_cast<size_t>(d)] += attn[static_cast<size_t>(d)];
            const Vec h = rmsnorm(xt, ffn_norm, c.rms_eps);
            Vec g = mat_vec(ffn_gate, h);
            const Vec u = mat_vec(ffn_up, h);
            for (size_t i = 0; i < g.size(); ++i) g[i] = silu(g[i]) * u[i];
            const Vec f = mat_vec(ffn_down, g);
            for (int d = 0; d < H; ++d) xt[static_cast<size_t>(d)] += f[static_cast<size_t>(d)];
        }
    }

    std::vector<double> logits;
    logits.reserve(static_cast<size_t>(n) * c.n_vocab);
    for (int t = 0; t < n; ++t) {
        const Vec l = mat_vec(out, rmsnorm(x[static_cast<size_t>(t)], out_norm, c.rms_eps));
        logits.insert(logits.end(), l.begin(), l.end());
    }
    return logits;
}

double normalized_max_error(const float* a, const double* b, size_t n) {
    double max_diff = 0.0, max_ref = 0.0;
    for (size_t i = 0; i < n; ++i) {
        max_diff = std::max(max_diff, std::fabs(static_cast<double>(a[i]) - b[i]));
        max_ref = std::max(max_ref, std::fabs(b[i]));
    }
    return max_ref > 0.0 ? max_diff / max_ref : max_diff;
}

}  // namespace sigma::ref
