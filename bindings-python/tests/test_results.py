"""Nothing the API sends back escapes as a non-library exception: times outside what `datetime`
holds are clamped (documented in models.py), results are frozen dataclasses."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import datetime, timezone

import pytest

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

YEARS = 365 * 24 * 3600


def test_a_time_beyond_year_9999_is_clamped_not_raised() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client()
        client.issue_billing_key(customer_uid="c1", card_number="4111-1111-1111-1111", expiry="2030-12")
        # The sandbox's clock in the year ~58,000: what a millisecond value stored as seconds reads as.
        sandbox.advance_clock(56_000 * YEARS)
        payment = client.pay_again(customer_uid="c1", merchant_uid="o1", amount=9900)
        assert payment.paid_at == datetime.max.replace(tzinfo=timezone.utc)
        assert client.get_payment(payment.imp_uid).paid_at == payment.paid_at
        assert [p.paid_at for p in sandbox.ledger()] == [payment.paid_at]


def test_results_are_frozen_typed_and_pickle(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client()
    key = client.issue_billing_key(customer_uid="c1", card_number="4111-1111-1111-1111", expiry="2030-12")
    payment = client.pay_again(customer_uid="c1", merchant_uid="o1", amount=9900)
    for result in (key, payment):
        assert dataclasses.is_dataclass(result)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.customer_uid = "other"  # type: ignore[misc]
        assert pickle.loads(pickle.dumps(result)) == result
        assert result.to_dict()["customer_uid"] == "c1"
    assert isinstance(payment, iam.Payment) and isinstance(key, iam.BillingKey)
    assert dataclasses.replace(payment, amount=1).amount == 1
    found = client.get_payments([payment.imp_uid, "imps_missing"])
    assert isinstance(found, iam.Found) and found.found == [payment] and found.missing == ["imps_missing"]
