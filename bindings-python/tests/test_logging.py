"""Logging: a level set at any time takes effect at once (no private cache to reset), and retries and
ambiguous charge outcomes are records above DEBUG with structured fields on the LogRecord."""

from __future__ import annotations

import logging
from typing import Iterator, List

import pytest

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

AGAIN = "POST /subscribe/payments/again"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def capture() -> Iterator[Capture]:
    handler = Capture()
    logger = logging.getLogger("iamport_subscribe")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def test_a_level_set_after_the_first_call_takes_effect(iamport_sandbox: Sandbox, capture: Capture) -> None:
    logger = logging.getLogger("iamport_subscribe")
    logger.setLevel(logging.WARNING)
    client = iamport_sandbox.client()
    client.check_credentials()
    assert [r for r in capture.records if r.levelno < logging.WARNING] == []
    logger.setLevel(logging.DEBUG)  # no reset call: the bridge notices by itself
    client.get_billing_keys(["c1"])  # no such key: the sandbox answers 404
    answered = [r for r in capture.records if r.getMessage().startswith("iamport answered")]
    assert answered and answered[-1].name == "iamport_subscribe.client"
    # The request span's fields come along as attributes.
    assert answered[-1].method == "GET" and answered[-1].status == 404  # type: ignore[attr-defined]
    count = len(capture.records)
    logger.setLevel(logging.ERROR)
    client.get_billing_keys(["c1"])
    assert len(capture.records) == count
    logging.disable(logging.CRITICAL)
    try:
        logger.setLevel(logging.DEBUG)
        client.get_billing_keys(["c1"])
        assert len(capture.records) == count
    finally:
        logging.disable(logging.NOTSET)
    client.get_billing_keys(["c1"])
    assert len(capture.records) > count


def test_retries_and_ambiguous_outcomes_carry_structured_fields(iamport_sandbox: Sandbox, capture: Capture) -> None:
    logging.getLogger("iamport_subscribe").setLevel(logging.INFO)
    client = iamport_sandbox.client(initial_backoff=0.001, max_backoff=0.005)
    client.issue_billing_key(customer_uid="c1", card_number="4111-1111-1111-1111", expiry="2030-12")
    iamport_sandbox.set_faults([{"route": AGAIN, "probability": 1.0, "fault": {"type": "drop_before_commit"}}])
    with pytest.raises(iam.OutcomeUnknownError):
        client.with_options(max_retries=1).pay_again(customer_uid="c1", merchant_uid="o-log", amount=9900)
    ambiguous = [r for r in capture.records if "ambiguous" in r.getMessage()]
    assert ambiguous and ambiguous[0].levelno == logging.WARNING
    assert ambiguous[0].merchant_uid == "o-log"  # type: ignore[attr-defined]
    assert ambiguous[0].error_kind in ("Network", "Timeout")  # type: ignore[attr-defined]
    retries = [r for r in capture.records if r.getMessage().startswith("iamport retry")]
    assert retries and retries[0].levelno == logging.INFO
    assert retries[0].attempt == 2 and retries[0].merchant_uid == "o-log"  # type: ignore[attr-defined]
    unknown = [r for r in capture.records if "outcome unknown" in r.getMessage()]
    assert unknown and unknown[0].levelno == logging.WARNING
    assert all(r.levelno > logging.DEBUG for r in ambiguous + retries + unknown)
    # Nothing below INFO came through.
    assert all(r.levelno >= logging.INFO for r in capture.records)
