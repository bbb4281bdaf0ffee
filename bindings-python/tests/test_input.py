"""Values cross into core unchanged or not at all: every refusal is an InvalidRequestError naming the
field (as core names it), raised before anything is sent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict

import pytest

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

CARD = "4111-1111-1111-1111"


def refused(sandbox: Sandbox, field: str, call: Any) -> iam.InvalidRequestError:
    before = sandbox.total_requests()
    with pytest.raises(iam.InvalidRequestError) as err:
        call()
    assert err.value.field == field, err.value
    assert sandbox.total_requests() == before, "a request was sent"
    return err.value


@pytest.mark.parametrize("field", ["customer_uid", "merchant_uid", "amount"])
def test_none_in_a_required_field_names_that_field(iamport_sandbox: Sandbox, field: str) -> None:
    client: Any = iamport_sandbox.client()  # wrong types on purpose
    args: Dict[str, Any] = {"customer_uid": "c1", "merchant_uid": "o1", "amount": 9900, field: None}
    err = refused(iamport_sandbox, field, lambda: client.pay_again(**args))
    assert err.reason == "is required"


def test_a_missing_card_field_of_a_flattened_part_is_named(iamport_sandbox: Sandbox) -> None:
    client: Any = iamport_sandbox.client()  # wrong types on purpose
    refused(iamport_sandbox, "expiry", lambda: client.pay_onetime(merchant_uid="o1", amount=1000, card_number=CARD))
    refused(
        iamport_sandbox,
        "card_number",
        lambda: client.issue_billing_key(customer_uid="c1", card_number=None, expiry="2030-12"),
    )


def test_a_str_where_a_list_of_ids_is_expected_is_refused(iamport_sandbox: Sandbox) -> None:
    client: Any = iamport_sandbox.client()  # wrong types on purpose
    refused(iamport_sandbox, "merchant_uids", lambda: client.unschedule("abc"))
    refused(iamport_sandbox, "customer_uids", lambda: client.get_billing_keys("abc"))
    refused(iamport_sandbox, "imp_uids", lambda: client.get_payments(b"abc"))
    refused(iamport_sandbox, "merchant_uids[1]", lambda: client.unschedule(["a", 2]))
    # A tuple or any other sequence of str is a list of ids.
    client.issue_billing_key(customer_uid="c1", card_number=CARD, expiry="2030-12")
    assert client.get_billing_keys(("c1", "c2")).missing == ["c2"]


def test_schedule_entries_are_checked_key_by_key(iamport_sandbox: Sandbox) -> None:
    client: Any = iamport_sandbox.client()  # wrong types on purpose
    at = datetime.now(timezone.utc) + timedelta(days=30)
    good: Dict[str, Any] = {"merchant_uid": "o1", "schedule_at": at, "amount": 9900}
    misspelled = dict(good, notice_ur="https://shop.example/hook")
    err = refused(iamport_sandbox, "schedules[0].notice_ur", lambda: client.schedule(customer_uid="c1", schedules=[misspelled]))
    assert "ScheduleEntry" in err.reason
    no_amount = {"merchant_uid": "o2", "schedule_at": at}
    refused(iamport_sandbox, "schedules[1].amount", lambda: client.schedule(customer_uid="c1", schedules=[good, no_amount]))
    float_amount = dict(good, amount=9900.0)
    refused(iamport_sandbox, "schedules[0].amount", lambda: client.schedule(customer_uid="c1", schedules=[float_amount]))
    naive = dict(good, schedule_at=datetime(2030, 1, 1))
    refused(iamport_sandbox, "schedules[0].schedule_at", lambda: client.schedule(customer_uid="c1", schedules=[naive]))
    refused(iamport_sandbox, "schedules[0]", lambda: client.schedule(customer_uid="c1", schedules=["o1"]))
    refused(iamport_sandbox, "schedules", lambda: client.schedule(customer_uid="c1", schedules=good))
    # A typed entry (the ScheduleEntry TypedDict is a dict) goes through.
    client.issue_billing_key(customer_uid="c1", card_number=CARD, expiry="2030-12")
    entry = iam.ScheduleEntry(merchant_uid="o3", schedule_at=at, amount=9900, name="Monthly plan")
    [scheduled] = client.schedule(customer_uid="c1", schedules=[entry])
    assert scheduled.merchant_uid == "o3" and scheduled.schedule_at == at.replace(microsecond=0)


@pytest.mark.parametrize("value", ["order-\ud800", "order-\udbff", "\udc80"])
def test_a_lone_surrogate_is_refused_naming_the_field(iamport_sandbox: Sandbox, value: str) -> None:
    client: Any = iamport_sandbox.client()  # wrong types on purpose
    refused(iamport_sandbox, "merchant_uid", lambda: client.pay_again(customer_uid="c1", merchant_uid=value, amount=1))
    refused(iamport_sandbox, "merchant_uid", lambda: client.find_payment(value))
    refused(
        iamport_sandbox,
        "schedules[0].merchant_uid",
        lambda: client.schedule(customer_uid="c1", schedules=[{"merchant_uid": value, "schedule_at": 2_000_000_000, "amount": 1}]),
    )
    err = refused(
        iamport_sandbox,
        "card_number",
        lambda: client.pay_onetime(merchant_uid="o1", amount=1, card_number="4111" + value, expiry="2030-12"),
    )
    assert "4111" not in str(err)


@pytest.mark.parametrize(
    "option,value",
    [
        ("max_retries", -1),
        ("max_retries", 2**40),
        ("max_retries", True),
        ("max_retries", "3"),
        ("timeout", -1),
        ("timeout", float("nan")),
        ("timeout", float("inf")),
        ("timeout", "5"),
        ("initial_backoff", -0.5),
        ("max_backoff", float("nan")),
        ("base_url", 8080),
        ("imp_key", b"key"),
    ],
)
def test_a_bad_setting_is_invalid_request_naming_it(option: str, value: Any) -> None:
    settings: Dict[str, Any] = {"imp_key": "k", "imp_secret": "s", option: value}
    with pytest.raises(iam.InvalidRequestError) as err:
        iam.Client(**settings)
    assert err.value.field == option
    if option in ("max_retries", "timeout", "initial_backoff", "max_backoff"):
        client = iam.AsyncClient("k", "s", base_url="http://127.0.0.1:9")
        with pytest.raises(iam.InvalidRequestError) as err:
            client.with_options(**{option: value})
        assert err.value.field == option


def test_positional_arguments_and_unknown_keywords_are_type_errors() -> None:
    client: Any = iam.Client("k", "s", base_url="http://127.0.0.1:9")
    with pytest.raises(TypeError, match="nmae"):
        client.pay_again(customer_uid="c", merchant_uid="o", amount=1, nmae="typo")
    with pytest.raises(TypeError):
        client.pay_again("c", "o", 1)
    with pytest.raises(TypeError):
        client.get_payment()


def test_amounts_cross_exactly() -> None:
    from decimal import Decimal

    with Sandbox() as sandbox:
        client: Any = sandbox.client()
        client.issue_billing_key(customer_uid="c1", card_number=CARD, expiry="2030-12")
        p = client.pay_again(customer_uid="c1", merchant_uid="usd", amount=Decimal("1E+1"), currency="USD")
        assert p.amount == Decimal("10") and isinstance(p.amount, Decimal)
        p = client.pay_again(customer_uid="c1", merchant_uid="usd2", amount=Decimal("0.30"), currency="USD")
        assert p.amount == Decimal("0.3")
        big = 1_000_000_001
        p = client.pay_again(customer_uid="c1", merchant_uid="big", amount=big)
        assert p.amount == big and isinstance(p.amount, int)
