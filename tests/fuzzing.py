"""Schemathesis over every operation in /openapi.json, in process (WSGI), with counts.

Shared by tests/test_hostile.py (a small budget in CI) and scripts/fuzz (10,000+ cases).
Every generated request must get no 5xx and a response that matches the schema (status
code, content type, headers, body); schema-valid requests must be accepted and invalid
ones rejected. Schemathesis' pytest plugin does not run under this pytest, so the cases
are driven with hypothesis directly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable


@dataclass
class OperationReport:
    label: str
    cases: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failure: str | None = None
    seconds: float = 0.0


def fuzz_app(
    app, max_examples: int, derandomize: bool = False, on_report=None
) -> list[OperationReport]:
    """Up to ``max_examples`` valid and as many invalid cases per operation against ``app``."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    reports = []
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    for result, mode in [(r, m) for r in schema.get_all_operations() for m in modes]:
        operation = result.ok()
        report = OperationReport(f"{operation.label} ({mode.value})")
        started = time.perf_counter()
        try:
            strategy = operation.as_strategy(generation_mode=mode)
            _runner(strategy, report, max_examples, derandomize)()
        except Unsatisfiable:
            pass  # no parameters, so no invalid request to make (e.g. GET /healthz)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported as found
            report.failure = str(exc)
        report.seconds = time.perf_counter() - started
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports


def _runner(strategy, report: OperationReport, max_examples: int, derandomize: bool):
    @given(case=strategy)
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        report.cases += 1
        response = case.call_and_validate()
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1

    return run
