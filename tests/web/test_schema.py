"""Schemathesis fuzzes every operation of the OpenAPI schema: 0 server errors.

The app runs over a store holding one small experiment, so that ids such as ``latest``
reach real data. Its job queue is not started (the fuzzer would otherwise run thousands of
ensembles): jobs it submits wait, and past the queue's bound they are refused with 429.
Examples per operation are bounded (:data:`EXAMPLES`) to keep the test near a minute.
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from escalade.ensemble import run_experiment
from escalade.web.app import create_app

EXAMPLES = 12
"""Hypothesis examples per API operation."""


def test_no_input_makes_a_server_error(tmp_path: Path) -> None:
    run_experiment("april-2024", runs=20, seed=1, days=3, store=tmp_path, workers=1)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(tmp_path, warm=False))
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12  # every route of the API is in the schema

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

        fuzz()
    assert not failures, "\n".join(failures)
