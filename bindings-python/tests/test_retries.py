"""Retry options and charge reconciliation, through the package, against sandbox faults."""

from __future__ import annotations

import pytest

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

AGAIN = "POST /subscribe/payments/again"


def always(fault: str) -> list:  # type: ignore[type-arg]
    return [{"route": AGAIN, "probability": 1.0, "fault": {"type": fault}}]


def test_a_charge_lost_after_commit_is_found_not_charged_twice(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client(initial_backoff=0.001, max_backoff=0.005)
    client.issue_billing_key(customer_uid="c1", card_number="4111111111111111", expiry="2030-12")
    iamport_sandbox.set_faults(always("drop_after_commit"), seed=1)
    payment = client.pay_again(customer_uid="c1", merchant_uid="o1", amount=9900)
    assert payment.status == "paid"
    assert [p.status for p in iamport_sandbox.ledger()] == ["paid"]
    assert iamport_sandbox.request_counts()[AGAIN] == 1
    assert iamport_sandbox.fault_counts() == {"drop_after_commit": 1}


def test_outcome_unknown_carries_the_merchant_uid_and_pickles(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client(max_retries=1, initial_backoff=0.001, max_backoff=0.005)
    client.issue_billing_key(customer_uid="c1", card_number="4111111111111111", expiry="2030-12")
    iamport_sandbox.set_faults(always("drop_before_commit"))
    with pytest.raises(iam.OutcomeUnknownError) as err:
        client.pay_again(customer_uid="c1", merchant_uid="o2", amount=9900)
    assert err.value.merchant_uid == "o2"
    assert iamport_sandbox.request_counts()[AGAIN] == 2  # max_retries=1: one re-send
    assert iamport_sandbox.ledger() == []
    iamport_sandbox.clear_faults()
    assert client.pay_again(customer_uid="c1", merchant_uid="o2", amount=9900).status == "paid"


def test_with_options_overrides_retries_per_call(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client(initial_backoff=0.001, max_backoff=0.005)
    client.check_credentials()
    iamport_sandbox.set_faults(
        [{"route": "GET /subscribe/customers/{customer_uid}", "probability": 1.0, "fault": {"type": "server_error"}}]
    )
    route = "GET /subscribe/customers/{customer_uid}"
    with pytest.raises(iam.ApiError) as err:
        client.get_billing_key("c1")
    assert err.value.http_status == 500
    assert iamport_sandbox.request_counts()[route] == 3
    with pytest.raises(iam.ApiError):
        client.with_options(max_retries=0).get_billing_key("c1")
    assert iamport_sandbox.request_counts()[route] == 4


def test_async_client_reconciles_too() -> None:
    import asyncio

    with Sandbox() as sandbox:
        client = sandbox.async_client(initial_backoff=0.001, max_backoff=0.005)

        async def main() -> str:
            await client.issue_billing_key(customer_uid="c1", card_number="4111111111111111", expiry="2030-12")
            sandbox.set_faults(always("truncated_body"))
            payment = await client.pay_again(customer_uid="c1", merchant_uid="o3", amount=9900)
            return payment.status

        assert asyncio.run(main()) == "paid"
        assert sandbox.request_counts()[AGAIN] == 1


def test_invalid_fault_plans_are_refused(iamport_sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        iamport_sandbox.set_faults([{"route": "*", "probability": 1.0, "fault": {"type": "meteor"}}])
