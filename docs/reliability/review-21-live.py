"""Issue 21's seventeen rows, reproduced as fixed against live processes on loopback.

Two `referendum-qa serve` replicas (gunicorn, one worker each; `QA_LATENT_TERMS` on for A,
off for B) share one Redis for answers and rate limits, behind nginx with the shipped
site.conf; the importer runs as the CLI against a local site. Prints one line per check;
exit 1 if any check fails. Output of a run: review-21-live.txt.

    .venv/bin/python docs/reliability/review-21-live.py EMBEDDINGS_DIR
(EMBEDDINGS_DIR: a build of corpus/, e.g. `referendum-qa --embeddings /tmp/e reindex`)
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
Q = "How many deputies will the Kurultai have?"
RESULTS: list[tuple[str, bool, str]] = []


def check(row: str, ok: bool, what: str) -> None:
    RESULTS.append((row, ok, what))
    print(f"row {row:>2}  {'ok  ' if ok else 'FAIL'}  {what}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not come up")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def serve(tmp: Path, name: str, embeddings: Path, **env: str) -> tuple[int, subprocess.Popen]:
    port = free_port()
    full = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "QA_CORPUS_DIR": str(ROOT / "corpus"),
        "QA_EMBEDDINGS_DIR": str(embeddings),
        "QA_FEEDBACK_DB": str(tmp / f"{name}.sqlite3"),
        "QA_WORKERS": "1",
        "QA_PORT": str(port),
        "QA_METRICS_DIR": str(tmp / f"metrics-{name}"),
        **env,
    }
    log = open(tmp / f"{name}.log", "wb")  # noqa: SIM115 - lives as long as the process
    proc = subprocess.Popen(
        [str(BIN / "referendum-qa"), "serve"],
        env=full,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return port, proc


def redis(tmp: Path) -> tuple[str, subprocess.Popen]:
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}", proc


def nginx(tmp: Path, upstream: int) -> tuple[int, subprocess.Popen]:
    deploy = ROOT / "deploy" / "nginx"
    port = free_port()
    conf = tmp / "nginx"
    conf.mkdir()
    (conf / "site.conf").write_text(
        (deploy / "site.conf").read_text().replace("rate=5r/s", "rate=1000r/s")
    )
    shutil.copy("/etc/nginx/mime.types", conf / "mime.types")
    (conf / "listen.conf").write_text(f"listen 127.0.0.1:{port};\n")
    (conf / "server_name.conf").write_text("server_name 127.0.0.1;\n")
    (conf / "upstream.conf").write_text(f"upstream qa_app {{ server 127.0.0.1:{upstream}; }}\n")
    main = (deploy / "nginx.conf").read_text()
    main = (
        main.replace("pid /tmp/nginx.pid;", f"pid {tmp}/nginx.pid;")
        .replace("/var/cache/nginx/qa", str(tmp / "cache"))
        .replace("access_log /dev/stdout qa_private;", f"access_log {tmp}/access.log qa_private;")
        .replace("error_log /dev/stderr crit;", f"error_log {tmp}/error.log crit;")
    )
    temps = "".join(f"    {n}_temp_path {tmp}/{n};\n" for n in ("client_body", "proxy"))
    main = main.replace("http {\n", "http {\n" + temps, 1)
    if os.geteuid() == 0:
        main = "user root;\n" + main
    (conf / "nginx.conf").write_text(main)
    proc = subprocess.Popen(
        ["nginx", "-p", str(tmp), "-c", str(conf / "nginx.conf"), "-g", "daemon off;"],
        start_new_session=True,
    )
    return port, proc


class Site(http.server.ThreadingHTTPServer):
    """A local news site: path -> (status, headers, body)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.pages: dict[str, tuple[int, dict, bytes]] = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        status, headers, body = self.server.pages.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8"} | headers
        headers.setdefault("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def importer(
    tmp: Path, corpus: Path, *args: str, private: bool = True
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "QA_IMPORT_DELAY_SECONDS": "0",
        "QA_IMPORT_RETRIES": "0",
        "QA_IMPORT_ALLOW_PRIVATE": "true" if private else "false",
    }
    return subprocess.run(
        [str(BIN / "referendum-qa"), "--corpus", str(corpus), "import", "--quiet", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def importer_rows(tmp: Path) -> None:
    site = Site()
    threading.Thread(target=site.serve_forever, daemon=True).start()
    page = (ROOT / "tests/data/import/site/kk/egemen-referendum.html").read_bytes()
    site.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\n")
    site.pages["/a.html"] = (200, {}, page)
    # Row 2: a loopback source, without QA_IMPORT_ALLOW_PRIVATE.
    corpus = tmp / "corpus-2"
    done = importer(tmp, corpus, f"{site.base}/a.html", private=False)
    check(
        "2",
        done.returncode == 3 and "is a loopback address" in done.stderr and not corpus.exists(),
        f"import {site.base}/a.html -> exit {done.returncode}: {done.stderr.strip()[:110]}",
    )
    # Row 3: a page claiming egemen.kz's article and outlet.
    corpus = tmp / "corpus-3"
    (corpus / "egemen-kz").mkdir(parents=True)
    real = corpus / "egemen-kz" / "2026-02-20-real.md"
    real.write_text(
        "---\ntitle: Real\ndate: 2026-02-20\noutlet: Egemen Qazaqstan\nurl: "
        "https://egemen.kz/article/412345-referendum-uchaskeleri\n---\nThe real text.\n"
    )
    before = real.read_bytes()
    done = importer(tmp, corpus, f"{site.base}/a.html")
    new = [p for p in corpus.rglob("*.md") if p != real]
    text = new[0].read_text() if new else ""
    check(
        "3",
        real.read_bytes() == before
        and "canonical_claimed: https://egemen.kz/" in text
        and "outlet: 127.0.0.1" in text,
        f"egemen.kz's file unchanged; new {new[0].relative_to(corpus) if new else None} "
        "with canonical_claimed and outlet_claimed",
    )
    # Row 9: Content-Length ² on the page and on robots.txt.
    site.pages["/odd.html"] = (200, {"Content-Length": "\u00b2"}, page)
    done = importer(tmp, tmp / "corpus-9", f"{site.base}/odd.html")
    ok = done.returncode == 0 and "Traceback" not in done.stderr
    site.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"Crawl-delay: \xc2\xb2\n")
    again = importer(tmp, tmp / "corpus-9b", f"{site.base}/a.html")
    check(
        "9",
        ok and again.returncode == 0 and "Traceback" not in again.stderr,
        f"Content-Length: ² -> exit {done.returncode}; robots Crawl-delay: ² -> exit "
        f"{again.returncode}; no traceback",
    )
    # Row 15: robots.txt answering 404.
    site.pages["/robots.txt"] = (404, {}, b"not found")
    done = importer(tmp, tmp / "corpus-15", f"{site.base}/a.html")
    check("15", done.returncode == 0, f"robots.txt 404 -> exit {done.returncode}, imported")
    site.shutdown()


def main() -> int:
    embeddings = Path(sys.argv[1]).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="review21-"))
    procs: list[subprocess.Popen] = []
    try:
        importer_rows(tmp)
        uri, rproc = redis(tmp)
        procs.append(rproc)
        shared = {
            "QA_ANSWER_CACHE_URI": f"{uri}/0",
            "QA_RATE_LIMIT_STORAGE_URI": f"{uri}/1",
            "QA_TRUSTED_PROXIES": "1",
            "QA_RATE_LIMIT_ASK": "5/minute",
            "QA_CORS_ORIGINS": "https://partner.kz",
            "QA_PUBLIC_URL": "https://qa.example.kz",
        }
        a_port, a = serve(tmp, "a", embeddings, **shared)
        b_port, b = serve(tmp, "b", embeddings, QA_LATENT_TERMS="false", **shared)
        procs += [a, b]
        a_url, b_url = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
        wait_http(a_url + "/readyz")
        wait_http(b_url + "/readyz")
        client = {"X-Forwarded-For": "203.0.113.1"}

        # Row 1: the escaped-quote body, timed by the client.
        body = ('"' + '\\"' * 8190).encode()
        started = time.perf_counter()
        r = requests.post(
            a_url + "/api/v1/feedback",
            data=body,
            headers=client | {"Content-Type": "application/json"},
        )
        took = time.perf_counter() - started
        check(
            "1",
            r.status_code == 400,
            f'"\\"x8190 to /api/v1/feedback: {r.status_code} in {took * 1000:.0f} ms',
        )

        # Rows 4 and 16: one Redis, latent terms on (A) and off (B).
        first = requests.get(a_url + "/api/v1/ask", params={"q": Q}, headers=client)
        repeat = requests.get(a_url + "/api/v1/ask", params={"q": Q}, headers=client)
        other = requests.get(
            b_url + "/api/v1/ask", params={"q": Q}, headers={"X-Forwarded-For": "203.0.113.2"}
        )
        revalidate = requests.get(
            b_url + "/api/v1/ask",
            params={"q": Q},
            headers={"X-Forwarded-For": "203.0.113.2", "If-None-Match": first.headers["ETag"]},
        )
        check(
            "4",
            other.json()["cached"] is False
            and first.headers["ETag"] != other.headers["ETag"]
            and revalidate.status_code == 200,
            f"B (latent off) after A: cached={other.json()['cached']}, ETags differ, "
            f"If-None-Match with A's ETag -> {revalidate.status_code}",
        )
        one, two = first.json(), repeat.json()
        check(
            "16",
            (one["cached"], two["cached"]) == (False, True) and two["took_ms"] < one["took_ms"],
            f"took_ms {one['took_ms']} (searched) then {two['took_ms']} (cached: true); "
            f"Server-Timing {repeat.headers['Server-Timing']}",
        )

        # Row 5: cross-site JSON feedback and its preflight.
        hit = (one["results"] or one["related"])[0]
        fb = {"q": Q, "passage_id": hit["passage_id"], "helpful": True}
        forged = requests.post(
            a_url + "/api/v1/feedback",
            json=fb,
            headers={
                "Origin": "https://evil.example",
                "Sec-Fetch-Site": "cross-site",
                "X-Forwarded-For": "203.0.113.3",
            },
        )
        preflight = requests.options(
            a_url + "/api/v1/feedback",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        check(
            "5",
            forged.status_code == 403 and "Access-Control-Allow-Origin" not in preflight.headers,
            f"forged feedback -> {forged.status_code}; preflight ACAO: "
            f"{preflight.headers.get('Access-Control-Allow-Origin')}",
        )

        # Row 6: Copy link / citation with a forged Host and QA_PUBLIC_URL set.
        page = requests.get(
            a_url + "/",
            params={"q": Q, "lang": "en"},
            headers={"Host": "evil.example", "X-Forwarded-For": "203.0.113.4"},
        ).text
        copies = re.findall(r'data-copy-text="([^"]*)"', page)
        share = [c for c in copies if "?q=" in c]
        check(
            "6",
            "evil.example" not in page and share and share[0].startswith("https://qa.example.kz/"),
            f"Host: evil.example -> Copy link {share[0][:60] if share else None}",
        )

        # Row 7: through nginx's cache, first without Origin, then from the listed site.
        n_port, nproc = nginx(tmp, a_port)
        procs.append(nproc)
        wait_http(f"http://127.0.0.1:{n_port}/healthz", 20)
        url = f"http://127.0.0.1:{n_port}/api/v1/ask?q=" + quote("state language")
        plain = requests.get(url)
        partner = requests.get(url, headers={"Origin": "https://partner.kz"})
        check(
            "7",
            "Origin" in plain.headers.get("Vary", "")
            and partner.headers.get("Access-Control-Allow-Origin") == "https://partner.kz",
            f"via nginx: no Origin -> Vary {plain.headers.get('Vary')!r}; then partner.kz -> "
            f"ACAO {partner.headers.get('Access-Control-Allow-Origin')} "
            f"(X-Cache-Status {partner.headers.get('X-Cache-Status')})",
        )

        # Row 8: odd digits in hl=.
        link = f"{a_url}/articles/{hit['article']['id']}?p={hit['passage_id']}&hl="
        codes = [
            requests.get(link + hl, headers={"X-Forwarded-For": "203.0.113.5"}).status_code
            for hl in ("%E2%91%A0-5", "%C2%B2-5")
        ]
        check("8", codes == [200, 200], f"hl=①-5, hl=²-5 -> {codes}")

        # Row 11: one budget for API, page and widget; one IPv6 /64 is one client.
        ip = {"X-Forwarded-For": "203.0.113.11"}
        api = [
            requests.get(a_url + "/api/v1/ask", params={"q": f"x{i}"}, headers=ip).status_code
            for i in range(6)
        ]
        page_code = requests.get(a_url + "/", params={"q": "x"}, headers=ip).status_code
        widget_code = requests.get(a_url + "/widget", params={"q": "x"}, headers=ip).status_code
        v6 = [
            requests.get(
                a_url + "/api/v1/ask",
                params={"q": "x"},
                headers={"X-Forwarded-For": f"2001:db8:5:6::{i:x}"},
            ).status_code
            for i in range(1, 8)
        ]
        check(
            "11",
            api[-1] == 429 and page_code == 429 and widget_code == 429 and v6.count(200) == 5,
            f"API {api} then /?q= {page_code}, /widget?q= {widget_code}; 7 addresses of one "
            f"/64: {v6.count(200)} x 200, {v6.count(429)} x 429 (limit 5/minute)",
        )

        # Row 12: ?lang=xx.
        r = requests.get(
            a_url + "/?lang=xx",
            headers={"Accept-Language": "ru", "X-Forwarded-For": "203.0.113.12"},
        )
        check(
            "12",
            "Accept-Language" in r.headers.get("Vary", ""),
            f"/?lang=xx -> Vary {r.headers.get('Vary')!r}",
        )

        # Row 14: two instances on one host, no shared control socket.
        ctl = [Path.home() / ".gunicorn" / "gunicorn.ctl"]
        if os.environ.get("XDG_RUNTIME_DIR"):
            ctl.append(Path(os.environ["XDG_RUNTIME_DIR"]) / "gunicorn.ctl")
        stop(b)
        still = requests.get(a_url + "/healthz").status_code
        check(
            "14",
            not any(p.exists() for p in ctl) and still == 200,
            f"no {', '.join(map(str, ctl))} while two ran; B stopped, A /healthz {still}",
        )

        # Row 10: a build whose index.faiss is truncated, its parent folder named.
        broken = tmp / "secret-parent" / "embeddings"
        shutil.copytree(embeddings, broken, symlinks=True)
        live = (broken / "current").resolve()
        faiss = live / "index.faiss"
        faiss.write_bytes(faiss.read_bytes()[: faiss.stat().st_size // 2])
        c_port, c = serve(tmp, "c", broken)
        procs.append(c)
        wait_http(f"http://127.0.0.1:{c_port}/healthz")
        ready = requests.get(f"http://127.0.0.1:{c_port}/readyz").json()
        check(
            "10",
            "secret-parent" not in ready["detail"] and ".cpp" not in ready["detail"],
            f"/readyz detail: {ready['detail']!r}",
        )

        # Row 13: a symlinked file out of the corpus.
        corpus = tmp / "corpus-13"
        shutil.copytree(ROOT / "corpus", corpus)
        outside = tmp / "outside.md"
        outside.write_text("---\ntitle: Outside secret\ndate: 2026-01-01\n---\nSecret text here.\n")
        (corpus / "leak.md").symlink_to(outside)
        done = subprocess.run(
            [
                str(BIN / "referendum-qa"),
                "--corpus",
                str(corpus),
                "--embeddings",
                str(tmp / "emb-13"),
                "reindex",
            ],
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            capture_output=True,
            text=True,
            timeout=600,
        )
        articles = re.search(r"articles:\s+(\d+)", done.stdout)
        check(
            "13",
            done.returncode == 0 and articles and articles.group(1) == "5",
            f"reindex with corpus/leak.md -> {outside}: articles "
            f"{articles.group(1) if articles else '?'} (5 without it)",
        )
    finally:
        for proc in procs:
            stop(proc)
    failed = [r for r in RESULTS if not r[1]]
    print(f"\n{len(RESULTS) - len(failed)} of {len(RESULTS)} checks ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
