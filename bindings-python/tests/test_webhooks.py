"""Webhooks from the embedded sandbox: an approved pay_onetime / pay_again is notified as the live
API notifies it (facts §7), a declined one is not, and the deliveries are observable."""

from __future__ import annotations

import json

import pytest
from scenario_runner import Receiver

import iamport_subscribe as iam
from iamport_subscribe.testing import DECLINE_CARD, Sandbox

CARD = "4111-1111-1111-1111"


def test_approvals_are_notified_and_observable() -> None:
    receiver = Receiver()
    try:
        with Sandbox() as sandbox:
            sandbox.set_webhook_url(receiver.url)
            client = sandbox.client()
            paid = client.pay_onetime(merchant_uid="o1", amount=3000, card_number=CARD, expiry="2030-12")
            client.issue_billing_key(customer_uid="c1", card_number=CARD, expiry="2030-12")
            again = client.pay_again(customer_uid="c1", merchant_uid="o2", amount=9900)
            # A decline is an ordinary payment failure: no webhook.
            client.issue_billing_key(customer_uid="c2", card_number=DECLINE_CARD, expiry="2030-12")
            with pytest.raises(iam.CardDeclinedError):
                client.pay_again(customer_uid="c2", merchant_uid="o3", amount=1000)
            sandbox.settle()

            deliveries = sandbox.webhook_deliveries()
            assert [json.loads(d["body"]) for d in deliveries] == [
                {"imp_uid": paid.imp_uid, "merchant_uid": "o1", "status": "paid"},
                {"imp_uid": again.imp_uid, "merchant_uid": "o2", "status": "paid"},
            ]
            assert all(
                (d["url"], d["status"], d["attempt"], d["error"], d["content_type"])
                == (receiver.url, 200, 1, None, "application/json")
                for d in deliveries
            )
            assert [body for _, body in receiver.received] == [d["body"].encode() for d in deliveries]
            # The handler's check: each one verifies against the API, and dedupes on (imp_uid, status).
            verified = [client.verify_webhook(body, ct) for ct, body in receiver.received]
            assert [v.dedupe_key for v in verified] == [(paid.imp_uid, "paid"), (again.imp_uid, "paid")]

            # Without a webhook URL nothing is sent.
            sandbox.set_webhook_url(None)
            client.pay_onetime(merchant_uid="o4", amount=3000, card_number=CARD, expiry="2030-12")
            sandbox.settle()
            assert len(sandbox.webhook_deliveries()) == 2
    finally:
        receiver.close()
