"""Each error case as its exception class, with fields, pickling and causes; bad input refused before sending."""

from __future__ import annotations

import builtins
import pickle
import socket
from decimal import Decimal
from typing import Any

import pytest

import iamport_subscribe as iam
from iamport_subscribe.testing import AUTH_FAIL_CARD, DECLINE_CARD, Sandbox

CARD = "4111-1111-1111-1111"


def test_exception_hierarchy() -> None:
    for cls in (
        iam.InvalidRequestError,
        iam.AuthenticationError,
        iam.NotFoundError,
        iam.CardDeclinedError,
        iam.DuplicateOrderError,
        iam.ApiError,
        iam.AlreadyCancelledError,
        iam.RateLimitedError,
        iam.NetworkError,
        iam.TimeoutError,
        iam.OutcomeUnknownError,
    ):
        assert issubclass(cls, iam.IamportError)
    assert issubclass(iam.InvalidRequestError, ValueError)
    assert issubclass(iam.AlreadyCancelledError, iam.ApiError)
    assert issubclass(iam.RateLimitedError, iam.ApiError)
    assert issubclass(iam.TimeoutError, builtins.TimeoutError)


def test_api_errors_map_to_their_classes(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client()
    client.issue_billing_key(customer_uid="c_decline", card_number=DECLINE_CARD, expiry="2030-12")
    with pytest.raises(iam.CardDeclinedError) as declined:
        client.pay_again(customer_uid="c_decline", merchant_uid="o1", amount=9900)
    assert declined.value.fail_reason
    assert declined.value.payment.status == "failed"
    assert declined.value.payment.failed_at is not None
    assert declined.value.payment.merchant_uid == "o1"

    with pytest.raises(iam.ApiError) as api:
        client.pay_onetime(merchant_uid="o2", amount=1000, card_number=AUTH_FAIL_CARD, expiry="2030-12")
    assert (api.value.code, api.value.http_status) == (-1, 200)
    assert api.value.message == "카드정보 인증에 실패하였습니다. [F113]본인의 신용카드 확인중 오류가 발생하였습니다."

    with pytest.raises(iam.NotFoundError):
        client.pay_again(customer_uid="nobody", merchant_uid="o3", amount=1000)
    client.issue_billing_key(customer_uid="c_ok", card_number=CARD, expiry="2030-12")
    client.pay_again(customer_uid="c_ok", merchant_uid="o4", amount=1000)
    with pytest.raises(iam.DuplicateOrderError):
        client.pay_again(customer_uid="c_ok", merchant_uid="o4", amount=1000)
    assert [p.status for p in iamport_sandbox.ledger() if p.merchant_uid == "o4"] == ["paid"]


def test_duplicate_already_cancelled_and_rate_limited_carry_their_data(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client(max_retries=0)
    client.issue_billing_key(customer_uid="c_new", card_number=CARD, expiry="2030-12")
    paid = client.pay_again(customer_uid="c_new", merchant_uid="o_new", amount=1000)
    with pytest.raises(iam.DuplicateOrderError) as dup:
        client.pay_again(customer_uid="c_new", merchant_uid="o_new", amount=1000)
    assert dup.value.merchant_uid == "o_new"
    client.cancel_payment(imp_uid=paid.imp_uid)
    # Code that catches ApiError keeps catching it.
    with pytest.raises(iam.ApiError) as cancelled:
        client.cancel_payment(imp_uid=paid.imp_uid)
    assert isinstance(cancelled.value, iam.AlreadyCancelledError)
    assert (cancelled.value.kind, cancelled.value.code, cancelled.value.http_status) == ("AlreadyCancelled", 1, 200)
    iamport_sandbox.set_faults(
        [
            {
                "route": "POST /subscribe/payments/again",
                "probability": 1,
                "fault": {"type": "too_many_requests", "retry_after_secs": 2},
            }
        ]
    )
    with pytest.raises(iam.ApiError) as limited:
        client.pay_again(customer_uid="c_new", merchant_uid="o_429", amount=1000)
    assert isinstance(limited.value, iam.RateLimitedError)
    assert (limited.value.http_status, limited.value.retry_after) == (429, 2.0)
    assert "o_429" not in [p.merchant_uid for p in iamport_sandbox.ledger()]
    for err in (dup.value, cancelled.value, limited.value):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert back.__dict__ == err.__dict__
        assert str(back) == str(err)


def test_wrong_credentials_are_an_authentication_error(iamport_sandbox: Sandbox) -> None:
    client = iam.Client(iamport_sandbox.imp_key, "wrong-secret-123", base_url=iamport_sandbox.url)
    with pytest.raises(iam.AuthenticationError) as err:
        client.get_billing_key("c1")
    assert "wrong-secret-123" not in str(err.value) and "wrong-secret-123" not in repr(err.value)


def test_timeout_is_also_the_builtin_timeout_error() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(timeout=0.2)
        client.check_credentials()
        # Far longer than the timeout, so the outcome does not depend on the machine's speed.
        sandbox.set_response_delay(30)
        with pytest.raises(builtins.TimeoutError) as err:
            client.get_billing_key("c1")
        assert isinstance(err.value, iam.TimeoutError)
        assert err.value.may_have_reached_server is True
        assert isinstance(err.value.__cause__, builtins.TimeoutError)


def test_refused_connection_is_a_network_error_that_never_reached_the_server() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = iam.Client("k", "s", base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(iam.NetworkError) as err:
        client.get_payment("imps_1")
    assert err.value.may_have_reached_server is False
    assert isinstance(err.value.__cause__, ConnectionError)


def test_exceptions_survive_pickle_with_fields_and_cause(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client()
    client.issue_billing_key(customer_uid="c1", card_number=DECLINE_CARD, expiry="2030-12")
    caught = []
    try:
        client.pay_again(customer_uid="c1", merchant_uid="o1", amount=9900)
    except iam.CardDeclinedError as e:
        caught.append(e)
    errors: Any = [
        caught[0],
        iam.InvalidRequestError("card_number", "must have 13 to 19 digits"),
        iam.ApiError(1, "메시지", 200),
        iam.OutcomeUnknownError("order-1"),
        iam.NetworkError("connection reset", True),
        iam.TimeoutError(True),
    ]
    errors[4].__cause__ = ConnectionError("reset by peer")
    for err in errors:
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert back.__dict__ == err.__dict__
        assert str(back) == str(err)
        assert repr(back.__cause__) == repr(err.__cause__)
    assert pickle.loads(pickle.dumps(errors[0])).payment.merchant_uid == "o1"


@pytest.mark.parametrize(
    "field,value",
    [
        ("amount", 9900.0),
        ("amount", float("nan")),
        ("amount", True),
        ("amount", "9900"),
        ("amount", Decimal("NaN")),
        ("amount", Decimal("Infinity")),
        ("amount", -5),
        ("amount", 0),
        ("amount", Decimal("10.5")),
        ("merchant_uid", "x" * 100_000),
        ("merchant_uid", 12345),
        ("customer_uid", "\udc80bad"),
        ("name", ["not", "a", "string"]),
        ("card_quota", "three"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(iamport_sandbox: Sandbox, field: str, value: Any) -> None:
    client = iamport_sandbox.client()
    args: Any = {"customer_uid": "c1", "merchant_uid": "o1", "amount": 9900}
    args[field] = value
    with pytest.raises(iam.InvalidRequestError) as err:
        client.pay_again(**args)
    assert err.value.field == field
    assert iamport_sandbox.total_requests() == 0


def test_a_card_number_of_the_wrong_type_is_named_but_not_echoed(iamport_sandbox: Sandbox) -> None:
    client = iamport_sandbox.client()
    with pytest.raises(iam.InvalidRequestError) as err:
        client.pay_onetime(merchant_uid="o1", amount=1000, card_number=4111111111111111, expiry="2030-12")  # type: ignore[arg-type]
    assert err.value.field == "card_number"
    assert "4111111111111111" not in str(err.value) and "4111111111111111" not in repr(err.value)
    assert iamport_sandbox.total_requests() == 0


def test_an_unknown_keyword_is_a_type_error() -> None:
    client = iam.Client("k", "s", base_url="http://127.0.0.1:9")
    with pytest.raises(TypeError):
        client.pay_again(customer_uid="c", merchant_uid="o", amount=1, nmae="typo")  # type: ignore[call-arg]


def test_configuration_errors() -> None:
    with pytest.raises(iam.InvalidRequestError) as err:
        iam.Client("k", "s", base_url="http://api.iamport.kr")
    assert err.value.field == "base_url"
    with pytest.raises(iam.InvalidRequestError) as err:
        iam.Client("k", "s", tier="lowercase")
    assert err.value.field == "tier"
    with pytest.raises(iam.InvalidRequestError) as err:
        iam.Client("k", "s", timeout=-1)
    assert err.value.field == "timeout"


def test_from_env(monkeypatch: pytest.MonkeyPatch, iamport_sandbox: Sandbox) -> None:
    monkeypatch.delenv("IAMPORT_IMP_KEY", raising=False)
    with pytest.raises(iam.InvalidRequestError) as err:
        iam.Client.from_env()
    assert err.value.field == "IAMPORT_IMP_KEY"
    monkeypatch.setenv("IAMPORT_IMP_KEY", iamport_sandbox.imp_key)
    monkeypatch.setenv("IAMPORT_IMP_SECRET", iamport_sandbox.imp_secret)
    monkeypatch.setenv("IAMPORT_BASE_URL", iamport_sandbox.url)
    client = iam.Client.from_env()
    assert client.base_url.rstrip("/") == iamport_sandbox.url
    client.check_credentials()
    assert iam.AsyncClient.from_env().base_url.rstrip("/") == iamport_sandbox.url
