"""The Sandbox's controls beyond the client tests' needs (webhook format and retries, schedules,
recorded exchanges, the fault plan read back, reset), and that the Python Sandbox has every control
of the Rust sandbox (``impl Sandbox`` in sandbox/src/lib.rs), each listed in the README."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scenario_runner import Receiver

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

CARD = "4111-1111-1111-1111"
# Links to sandbox/src/lib.rs and this package's README.md: the sdist and the installed-package
# test's copy of tests/ (cp -RL) carry the files themselves, like tests/scenarios.
SOURCES = Path(__file__).parent / "sources"


def test_webhook_format_and_retries_and_schedules() -> None:
    failing = Receiver(status=500)
    try:
        with Sandbox() as sandbox:
            sandbox.set_webhook_url(failing.url)
            sandbox.set_webhook_format("form")
            sandbox.set_webhook_retries(2)
            client = sandbox.client()
            client.issue_billing_key(customer_uid="sb-1", card_number=CARD, expiry="2030-12")
            at = datetime.fromtimestamp(sandbox.now(), tz=timezone.utc) + timedelta(seconds=60)
            client.schedule(
                customer_uid="sb-1", schedules=[{"merchant_uid": "sb-order-1", "schedule_at": at, "amount": 1000}]
            )
            [scheduled] = sandbox.schedules()
            assert isinstance(scheduled, iam.Schedule)
            assert (scheduled.merchant_uid, scheduled.schedule_status, scheduled.schedule_at) == (
                "sb-order-1",
                "scheduled",
                at,
            )
            sandbox.advance_clock(120)
            sandbox.settle()
            deliveries = sandbox.webhook_deliveries()
            assert [(d["attempt"], d["status"], d["content_type"]) for d in deliveries] == [
                (1, 500, "application/x-www-form-urlencoded"),
                (2, 500, "application/x-www-form-urlencoded"),
                (3, 500, "application/x-www-form-urlencoded"),
            ]
            assert len(failing.received) == 3
            assert b"merchant_uid=sb-order-1" in failing.received[0][1]
            [ran] = sandbox.schedules()
            assert (ran.schedule_status, ran.payment_status) == ("executed", "paid")
            assert isinstance(ran.executed_at, datetime)
            with pytest.raises(ValueError):
                sandbox.set_webhook_format("xml")
            with pytest.raises(OverflowError):
                sandbox.set_webhook_retries(-1)
    finally:
        failing.close()


def test_exchanges_record_each_answer_and_the_fault_plan_reads_back(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client(max_retries=0)
    with pytest.raises(iam.NotFoundError):
        client.get_payment("imps_000000000001")
    exchanges = iamport_sandbox.exchanges()
    [lookup] = [e for e in exchanges if e["route"] == "/payments/{imp_uid}"]
    assert (lookup["method"], lookup["path"], lookup["status"]) == ("GET", "/payments/imps_000000000001", 404)
    assert "fault" not in lookup and isinstance(lookup["body"], dict)

    assert iamport_sandbox.fault_plan() is None
    rules = [
        {"route": "GET /payments/{imp_uid}", "probability": 1, "fault": {"type": "too_many_requests", "retry_after_secs": 1}}
    ]
    iamport_sandbox.set_faults(rules, seed=7)
    assert iamport_sandbox.fault_plan() == {"seed": 7, "rules": rules}
    with pytest.raises(iam.RateLimitedError):
        client.get_payment("imps_000000000001")
    assert iamport_sandbox.exchanges()[-1]["fault"] == "too_many_requests"
    assert iamport_sandbox.fault_counts() == {"too_many_requests": 1}
    iamport_sandbox.clear_faults()
    assert iamport_sandbox.fault_plan() is None

    iamport_sandbox.reset()
    assert iamport_sandbox.exchanges() == []
    assert iamport_sandbox.total_requests() == 0
    assert iamport_sandbox.schedules() == []


def test_the_python_sandbox_has_every_control_of_the_rust_sandbox() -> None:
    rust = (SOURCES / "sandbox-lib.rs").read_text(encoding="utf-8")
    impl = rust[rust.index("impl Sandbox {") :]
    methods = re.findall(r"^ {4}pub (?:async )?fn (\w+)", impl, re.M)
    assert len(methods) > 10, "impl Sandbox not found"
    # Rust-only: how the server is started (`Sandbox()` here), its address (`url` here) and its
    # stop (`close` here).
    rust_only = {"start", "start_with", "bind", "local_addr", "shutdown"}
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    for name in [m for m in methods if m not in rust_only]:
        assert callable(getattr(Sandbox, name, None)) or isinstance(getattr(Sandbox, name, None), property), (
            f"Sandbox has no {name}"
        )
        assert f"`{name}" in readme, f"README.md does not list {name}"
