"""The sandbox under load and under fuzzing: concurrent creates are never lost, and a long fuzz finds no 5xx.

The concurrency test runs at normal speed: threads create Collection invoices (batches that settle as
they are polled) and ARM customers (numbered by the server) at the same moment, then every accepted
create is read back. The fuzz test is `slow`: `apiconform run` over every sandbox operation with
enough examples for well over ten thousand requests, and not one 5xx may come back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from apiconform.sandbox import Sandbox
from apiconform.specs import load_spec
from tests.fixtures.cli import REPO_ROOT

THREADS: Final = 8
CUSTOMERS_PER_THREAD: Final = 10
BATCHES_PER_THREAD: Final = 2
INVOICES_PER_BATCH: Final = 4
REQUEST_TIMEOUT: Final = 10.0
# Every loop is bounded twice: in count, and by this wall-clock budget for the whole test.
TEST_BUDGET_SECONDS: Final = 60.0
MAX_POLLS: Final = 40
POLL_INTERVAL: Final = 0.1
TERMINAL: Final = frozenset({"SUCCESS", "PARTIAL", "FAILED"})

FUZZ_MAX_EXAMPLES: Final = 100
FUZZ_MIN_REQUESTS: Final = 10_000
FUZZ_TIMEOUT_SECONDS: Final = 3600


@dataclass
class Created:
    """What one thread got accepted: server-numbered customers and queued invoice batches."""

    customers: dict[str, str] = field(default_factory=dict)
    batches: dict[str, list[str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def amili() -> Iterator[Sandbox]:
    specs = [
        load_spec(REPO_ROOT / "specs" / name, root=REPO_ROOT / "specs")
        for name in ("amili/collection.yaml", "amili/arm.yaml")
    ]
    with Sandbox(specs) as sandbox:
        yield sandbox


def _client(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(headers={"Authorization": f"Bearer {sandbox.token}"}, timeout=REQUEST_TIMEOUT)


def _create(sandbox: Sandbox, worker: int, start: threading.Barrier, deadline: float) -> Created:
    """One thread's creates, started together with every other thread's."""
    arm = sandbox.base_url("amili/arm")
    collection = sandbox.base_url("amili/collection")
    client_no = sandbox.known_params("amili/arm")["POST /clients/{clientno}/customers"]["clientno"][0]
    org_id = sandbox.known_params("amili/collection")["POST /orgs/{orgId}/invoices"]["orgId"][0]
    created = Created()
    start.wait(timeout=TEST_BUDGET_SECONDS)
    with _client(sandbox) as http:
        for index in range(CUSTOMERS_PER_THREAD):
            if time.monotonic() > deadline:
                break
            name = f"Load Test {worker}-{index}"
            response = http.post(f"{arm}/clients/{client_no}/customers", json={"name": name})
            if response.status_code == httpx.codes.OK:
                created.customers[str(response.json()["customerNo"])] = name
            else:
                created.refused.append(f"customer {name}: {response.status_code} {response.text[:200]}")
        for batch in range(BATCHES_PER_THREAD):
            numbers = [f"LOAD-{worker}-{batch}-{item}" for item in range(INVOICES_PER_BATCH)]
            invoices = [
                {
                    "invoiceNumber": number,
                    "originalInvoiceAmount": 100.0 + item,
                    "currency": "NOK",
                    "invoiceDate": "2026-01-05",
                    "dueDate": "2026-02-05",
                }
                for item, number in enumerate(numbers)
            ]
            response = http.post(f"{collection}/orgs/{org_id}/invoices", json={"invoices": invoices})
            if response.status_code == httpx.codes.ACCEPTED:
                created.batches[str(response.json()["data"]["batchId"])] = numbers
            else:
                created.refused.append(f"batch {numbers[0]}: {response.status_code} {response.text[:200]}")
    return created


def _settled(http: httpx.Client, collection: str, batch_id: str, deadline: float) -> dict[str, Any]:
    """Poll a batch until it is terminal; bounded in polls and by the test's deadline."""
    for _ in range(MAX_POLLS):
        batch: dict[str, Any] = http.get(f"{collection}/batches/{batch_id}").json()["data"]
        if batch["status"] in TERMINAL or time.monotonic() > deadline:
            return batch
        time.sleep(POLL_INTERVAL)
    return batch


class TestConcurrentCreates:
    """Creates sent at the same moment by several threads are all kept: each reads back as it was sent."""

    def test_no_create_is_lost(self, amili: Sandbox) -> None:
        """8 threads × (10 customers + 2 batches of 4 invoices): every accepted create is read back."""
        deadline = time.monotonic() + TEST_BUDGET_SECONDS
        start = threading.Barrier(THREADS)
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(lambda worker: _create(amili, worker, start, deadline), range(THREADS)))
        assert [line for result in results for line in result.refused] == []
        customers = [item for result in results for item in result.customers.items()]
        assert len(customers) == THREADS * CUSTOMERS_PER_THREAD
        assert len({number for number, _ in customers}) == len(customers), "two creates got one customerNo"
        arm = amili.base_url("amili/arm")
        collection = amili.base_url("amili/collection")
        client_no = amili.known_params("amili/arm")["POST /clients/{clientno}/customers"]["clientno"][0]
        org_id = amili.known_params("amili/collection")["POST /orgs/{orgId}/invoices"]["orgId"][0]
        with _client(amili) as http:
            for number, name in customers:
                response = http.get(f"{arm}/clients/{client_no}/customers/{number}")
                assert response.status_code == httpx.codes.OK, f"customer {number} lost"
                assert response.json()["name"] == name
            batches = {batch_id: numbers for result in results for batch_id, numbers in result.batches.items()}
            assert len(batches) == THREADS * BATCHES_PER_THREAD
            for batch_id, numbers in batches.items():
                batch = _settled(http, collection, batch_id, deadline)
                assert batch["status"] == "SUCCESS", batch
                kept = {item["invoiceNumber"]: item["invoiceId"] for item in batch["succeeded"]}
                assert sorted(kept) == sorted(numbers)
                for number, invoice_id in kept.items():
                    response = http.get(f"{collection}/orgs/{org_id}/invoices/{invoice_id}")
                    assert response.status_code == httpx.codes.OK, f"invoice {number} lost"
                    assert response.json()["data"]["invoiceNumber"] == number
        assert time.monotonic() < deadline, "the test outran its budget"


@pytest.mark.slow
class TestFuzzEverySandboxOperation:
    """Schemathesis's fuzzing over every operation of every sandbox spec: no 5xx, however odd the input."""

    def test_no_server_error(self, tmp_path: Path) -> None:
        """At least 10,000 requests across all operations; not one 5xx, reset or timeout."""
        started = time.monotonic()
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "apiconform",
                "run",
                "--max-examples",
                str(FUZZ_MAX_EXAMPLES),
                "--seed",
                "7",
                "--report-dir",
                str(tmp_path),
                "--no-history",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, "CI": "true", "NO_COLOR": "1"},
            capture_output=True,
            text=True,
            timeout=FUZZ_TIMEOUT_SECONDS,
            check=False,
        )
        output = completed.stdout[-3000:] + completed.stderr[-3000:]
        assert completed.returncode in {0, 1}, output
        report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
        covered = report["summary"]["operations_covered"]
        requests = report["run"]["request_count"]
        server_errors = [
            (finding["api"], finding["operation"], finding["title"], finding["curl"])
            for finding in report["findings"]
            if finding["check"] == "server_error"
        ]
        sys.stdout.write(
            f"\nfuzz: {requests} requests over {covered}/{report['summary']['operations']} operations "
            f"in {time.monotonic() - started:.0f}s; {len(server_errors)} server errors\n"
        )
        assert covered == report["summary"]["operations"]
        assert requests >= FUZZ_MIN_REQUESTS
        assert server_errors == []
        assert report["errors"] == []
