"""repr/str of every model and exception, and log output at DEBUG, hold no card data or secret."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

import pytest

import iamport_subscribe as iam
from iamport_subscribe import _native
from iamport_subscribe.testing import Sandbox

CARD = "4242-4242-4242-4242"
BIRTH = "731125"
PWD = "47"
SECRET = "s3cr3t-python-imp-secret-77f1"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")


def test_no_card_data_or_secret_in_repr_str_or_logs() -> None:
    capture = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    _native.reset_log_cache()
    try:
        printed: List[str] = []
        with Sandbox(imp_secret=SECRET) as sandbox:
            client = iam.Client(sandbox.imp_key, SECRET, base_url=sandbox.url)
            card: Dict[str, Any] = {"card_number": CARD, "expiry": "2030-12", "birth": BIRTH, "pwd_2digit": PWD}
            paid = client.pay_onetime(merchant_uid="o1", amount=3000, customer_uid="c1", **card)
            key = client.get_billing_key("c1")
            client.issue_billing_key(customer_uid="c2", **dict(card, card_number="4000-0000-0000-0002"))
            errors: List[Exception] = []
            for call in (
                lambda: client.pay_again(customer_uid="c2", merchant_uid="o2", amount=9900),
                lambda: client.pay_onetime(merchant_uid="o1", amount=3000, **card),
                lambda: client.pay_onetime(merchant_uid="o3", amount=3000, **dict(card, expiry="2030-13")),
                lambda: client.pay_onetime(merchant_uid="o4", amount=3000, **dict(card, birth="7311251")),
                lambda: client.pay_onetime(merchant_uid="o5", amount=3000, **dict(card, card_number=42424242424242424242)),
                lambda: client.pay_onetime(merchant_uid="o6", amount=3000, **dict(card, card_number="4000-0000-0000-0069")),
                lambda: iam.Client(sandbox.imp_key, SECRET + "x", base_url=sandbox.url).check_credentials(),
            ):
                with pytest.raises(iam.IamportError) as err:
                    call()
                errors.append(err.value)
            refund = client.cancel_payment(imp_uid=paid.imp_uid)
            for obj in [paid, key, refund, client, sandbox, *errors, *sandbox.ledger()]:
                printed += [repr(obj), str(obj)]
                if isinstance(obj, iam.CardDeclinedError):
                    printed += [repr(obj.payment)]
        logs = "\n".join(capture.lines)
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
        _native.reset_log_cache()
    # The DEBUG records of the core really arrived.
    assert "iamport answered" in logs, logs[:2000]
    everything = logs + "\n" + "\n".join(printed)
    for needle in [CARD, CARD.replace("-", ""), "4000000000000002", BIRTH, "7311251", SECRET, f"'{PWD}'", f'"{PWD}"']:
        # Not inside a longer run of digits: a random id or a duration's digits may hold any six
        # digits (this failed once by chance); a leaked value stands alone.
        leaked = re.search(rf"(?<![0-9]){re.escape(needle)}(?![0-9])", everything)
        assert leaked is None, f"{needle!r} leaked: {everything[max(0, leaked.start() - 200) : leaked.end() + 50]!r}"
