"""Typed results: datetimes, exact amounts, to_dict, the sandbox ledger."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Dict, Optional

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox


def test_payment_fields_are_typed(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client()
    p = client.pay_onetime(
        merchant_uid="o1", amount=3000, card_number="4111-1111-1111-1111", expiry="2030-12", buyer_name="홍길동"
    )
    assert isinstance(p, iam.Payment)
    assert p.status == "paid" and p.amount == 3000 and isinstance(p.amount, int)
    assert isinstance(p.paid_at, datetime) and p.paid_at.tzinfo == timezone.utc
    assert p.failed_at is None and p.cancelled_at is None
    assert p.buyer_name == "홍길동"
    d = p.to_dict()
    assert d["imp_uid"] == p.imp_uid and d["cancel_history"] == []
    refunded = client.cancel_payment(imp_uid=p.imp_uid, amount=1000, checksum=3000)
    assert refunded.cancel_amount == 1000 and refunded.cancellable_amount == 2000
    assert isinstance(refunded.cancel_history[0], iam.PaymentCancel)
    assert refunded.cancel_history[0].cancelled_at is not None
    assert [x.merchant_uid for x in iamport_sandbox.ledger()] == ["o1"]


def test_decimal_amounts_stay_exact_for_currencies_with_minor_units(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client()
    p = client.pay_onetime(
        merchant_uid="usd1", amount=Decimal("12.34"), currency="USD", card_number="4111111111111111", expiry="203012"
    )
    assert p.amount == Decimal("12.34") and isinstance(p.amount, Decimal)
    assert isinstance(p.cancel_amount, Decimal)


def test_async_sandbox_context_manager() -> None:
    async def main() -> str:
        async with Sandbox() as sandbox:
            client = sandbox.async_client()
            key = await client.issue_billing_key(customer_uid="c1", card_number="4111111111111111", expiry="2030-12")
            assert isinstance(key, iam.BillingKey) and isinstance(key.inserted, datetime)
            payment = await client.pay_again(customer_uid="c1", merchant_uid="o1", amount=100)
            return payment.status

    assert asyncio.run(main()) == "paid"


def test_pytest_fixture_comes_from_the_installed_plugin(iamport_sandbox: Sandbox) -> None:
    assert iamport_sandbox.url.startswith("http://127.0.0.1:")
    assert iamport_sandbox.request_counts() == {}


def _post(sandbox: Sandbox, path: str, body: Dict[str, Any], token: Optional[str] = None) -> Dict[str, Any]:
    headers = {"Content-Type": "application/json", **({"Authorization": token} if token else {})}
    request = urllib.request.Request(sandbox.url + path, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(request) as answer:
        reply: Dict[str, Any] = json.load(answer)
    return reply


def test_a_time_beyond_what_a_datetime_holds_is_converted_not_raised(iamport_sandbox: Sandbox) -> None:
    # A schedule another client made in milliseconds (this client refuses to): the API keeps it and
    # answers it; reading it must not raise.
    iamport_sandbox.client().issue_billing_key(customer_uid="c1", card_number="4111-1111-1111-1111", expiry="2030-12")
    token = _post(iamport_sandbox, "/users/getToken", {"imp_key": iamport_sandbox.imp_key, "imp_secret": iamport_sandbox.imp_secret})
    made = _post(
        iamport_sandbox,
        "/subscribe/payments/schedule",
        {"customer_uid": "c1", "schedules": [{"merchant_uid": "o1", "schedule_at": 1767225600000, "amount": 1000}]},
        token["response"]["access_token"],
    )
    assert made["code"] == 0, made
    schedule = iamport_sandbox.client().get_schedule("o1")
    assert schedule.schedule_at == datetime.max.replace(tzinfo=timezone.utc)
    assert schedule.schedule_status == "scheduled"
