"""No card data in any frame of this package (error trackers such as Sentry capture every frame's
local variables), no credentials in what a client shows, and a half-made client can be shown."""

from __future__ import annotations

import sys
import traceback
from types import FrameType, TracebackType
from typing import Any, Callable, Iterator, List, Optional

import pytest

import iamport_subscribe as iam
from iamport_subscribe.testing import DECLINE_CARD, Sandbox

CARD = "4242-4242-4242-4242"
BIRTH = "731125"
PWD = "47"
CVC = "919"
SECRET = "s3cr3t-frames-imp-secret"
# Two- and three-digit values are looked for as whole strings (quoted), not as parts of numbers.
SENSITIVE = [CARD, CARD.replace("-", ""), DECLINE_CARD, DECLINE_CARD.replace("-", ""), BIRTH, SECRET]
SENSITIVE += [f"'{v}'" for v in (PWD, CVC)] + [f'"{v}"' for v in (PWD, CVC)]
PACKAGE = iam.__file__.rsplit("/", 1)[0]


def frames(tb: Optional[TracebackType]) -> Iterator[FrameType]:
    """Every frame of a traceback, and the frames that called the outermost one."""
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def leaks(text: str) -> List[str]:
    return [s for s in SENSITIVE if s in text]


def failing(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the point is to look at whatever was raised
        return e
    raise AssertionError("the call did not fail")


def test_no_frame_of_the_package_holds_card_data() -> None:
    with Sandbox(imp_secret=SECRET) as sandbox:
        client: Any = iam.Client(sandbox.imp_key, SECRET, base_url=sandbox.url)
        card = {"card_number": CARD, "expiry": "2030-12", "birth": BIRTH, "pwd_2digit": PWD, "cvc": CVC}
        client.issue_billing_key(customer_uid="declines", **dict(card, card_number=DECLINE_CARD))
        errors = [
            # Refused by core's validation (InvalidRequest).
            failing(lambda: client.pay_onetime(merchant_uid="o1", amount=1000, **dict(card, expiry="2030-13"))),
            # Refused by the API (NotFound).
            failing(lambda: client.pay_again(customer_uid="nobody", merchant_uid="o2", amount=1000)),
            # A decline.
            failing(lambda: client.pay_onetime(merchant_uid="o3", amount=1000, **dict(card, card_number=DECLINE_CARD))),
            # A wrong type, named without its value.
            failing(lambda: client.pay_onetime(merchant_uid="o4", amount=1000, **dict(card, card_number=4242424242424242))),
        ]
        kinds = [type(e).__name__ for e in errors]
        assert kinds == ["InvalidRequestError", "NotFoundError", "CardDeclinedError", "InvalidRequestError"], kinds
        for err in errors:
            seen = list(frames(err.__traceback__))
            # The operations are native: the only Python frame is this test's lambda.
            package_frames = [f for f in seen if f.f_code.co_filename.startswith(PACKAGE)]
            assert package_frames == [], [f.f_code.co_filename for f in package_frames]
            for f in seen:
                if f.f_code.co_filename.startswith(PACKAGE):
                    for name, value in f.f_locals.items():
                        assert not leaks(repr(value)), (name, f.f_code.co_name)
            # What a tracker would record of the exception itself (the traceback's source lines are
            # this test's own text).
            shown = "".join(traceback.format_exception_only(type(err), err))
            shown += repr(err) + repr(err.__dict__) + repr(getattr(err, "payment", None))
            assert not leaks(shown), leaks(shown)


def test_credentials_in_a_base_url_are_masked_everywhere_it_is_shown() -> None:
    with Sandbox() as sandbox:
        url = sandbox.url.replace("http://", "http://merchant:pa55w0rd@")
        for cls in (iam.Client, iam.AsyncClient):
            client = cls(sandbox.imp_key, sandbox.imp_secret, base_url=url)
            shown = [repr(client), str(client), client.base_url, repr(client.with_options(max_retries=0))]
            assert all("pa55w0rd" not in s and "merchant" not in s for s in shown), shown
            assert "***@127.0.0.1" in repr(client)
        with pytest.raises(iam.InvalidRequestError) as err:
            iam.Client("k", "s", base_url="http://merchant:pa55w0rd@api.iamport.kr")
        assert "pa55w0rd" not in str(err.value) and err.value.field == "base_url"


def test_repr_of_a_client_whose_construction_failed_does_not_raise() -> None:
    captured: List[Any] = []

    class Flaky(iam.Client):
        __slots__ = ()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            captured.append(self)
            raise RuntimeError("configuration service down")

    with pytest.raises(RuntimeError):
        Flaky("k", "s", base_url="http://127.0.0.1:9")
    assert repr(captured[0]).startswith("<Flaky base_url=")
    # Refused by the native constructor: there is no half-made object to show at all.
    err = failing(lambda: iam.Client(None, "s"))
    assert isinstance(err, iam.InvalidRequestError) and err.field == "imp_key"
    for f in frames(err.__traceback__):
        for value in f.f_locals.values():
            repr(value)
    assert sys.exc_info() == (None, None, None)
