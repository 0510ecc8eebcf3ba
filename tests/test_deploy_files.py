"""Dockerfile, docker-compose.yml and deploy/k8s agree with the code (Docker is not run here)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import yaml

from qa_service.config import describe, process_env

from .conftest import ROOT

SETTINGS = {env for _, env, _, _ in describe()}


def _env_names(text: str) -> set[str]:
    return set(re.findall(r"\bQA_[A-Z_]+\b", text))


def test_every_qa_variable_in_deploy_files_is_a_setting():
    files = [ROOT / "Dockerfile", ROOT / "docker-compose.yml", *(ROOT / "deploy").rglob("*.yaml")]
    unknown = {f.name: _env_names(f.read_text()) - SETTINGS for f in files}
    assert {name: names for name, names in unknown.items() if names} == {}


def test_compose_mounts_existing_nginx_files_and_runs_the_reindex_first():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for mount in services["nginx"]["volumes"]:
        source = mount.split(":")[0]
        assert (ROOT / source).is_file(), source
    for name in ("app1", "app2"):
        app = services[name]
        assert app["depends_on"]["reindex"]["condition"] == "service_completed_successfully"
        assert "embeddings:/app/embeddings:ro" in app["volumes"]
        assert app["environment"]["QA_TRUSTED_PROXIES"] == "1"
    assert "embeddings:/app/embeddings" in services["reindex"]["volumes"]


def test_dockerfile_pins_cpu_torch_first_and_runs_unprivileged():
    text = (ROOT / "Dockerfile").read_text()
    torch = text.index('pip install "torch==${TORCH_VERSION}"')
    # The image installs the wheel (package data, no checkout), after torch, before reindex.
    assert torch < text.index("pip install /src") < text.index("referendum-qa reindex")
    assert re.search(r"^USER qa$", text, flags=re.M)
    assert text.index("USER qa") > text.index("referendum-qa reindex")
    version = re.search(r"ARG TORCH_VERSION=(\S+)", text).group(1)
    assert f'"torch=={version}"' in (ROOT / "pyproject.toml").read_text()


def test_k8s_probes_use_healthz_and_readyz():
    docs = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "app.yaml").read_text()))
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    hpa = next(d for d in docs if d["kind"] == "HorizontalPodAutoscaler")
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def _gunicorn_conf(env: dict[str, str]) -> dict:
    """gunicorn_conf's settings as gunicorn reads them, in a fresh interpreter."""
    code = (
        "import json, qa_service.gunicorn_conf as c; "
        "print(json.dumps({k: getattr(c, k, None) for k in "
        "('control_socket', 'control_socket_disable')}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=process_env() | env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_gunicorn_control_socket_is_off_or_per_instance(tmp_path):
    """Issue 21 row 14: every `serve` used gunicorn's one control socket per user
    (~/.gunicorn/gunicorn.ctl); a second instance took it over, and the first to stop
    unlinked the other's."""
    metrics = {"QA_METRICS_DIR": str(tmp_path / "m")}
    assert _gunicorn_conf(metrics) == {"control_socket": None, "control_socket_disable": True}
    mine = str(tmp_path / "one.ctl")
    assert _gunicorn_conf(metrics | {"QA_CONTROL_SOCKET": mine}) == {
        "control_socket": mine,
        "control_socket_disable": False,
    }
