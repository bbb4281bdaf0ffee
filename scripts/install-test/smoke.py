"""The installed package's first minutes, as a user lives them (run by scripts/install-test-python).

Run from outside the source tree with the package pip installed: checks that the package and its
native module come from the environment (not a checkout), then charges against the embedded
sandbox: a billing key and a repeat charge for each PG, a decline, and a full refund. Prints one
JSON line with the seconds from process start to the first paid charge (`first_charge_s`) and from
SMOKE_INSTALL_START (epoch seconds, set before `pip install`) to it (`since_install_s`); exits
non-zero on any failure.
"""

import json
import os
import platform
import sys
import sysconfig
import time

START = time.monotonic()
WALL_START = time.time()

import iamport_subscribe  # noqa: E402
from iamport_subscribe import CardDeclinedError  # noqa: E402
from iamport_subscribe import _native  # noqa: E402
from iamport_subscribe.testing import Sandbox  # noqa: E402


def main() -> None:
    # argv: the version expected, and where pip installed the package (default: this environment's
    # site-packages).
    expected_version = sys.argv[1]
    site = os.path.realpath(sys.argv[2] if len(sys.argv) > 2 else sysconfig.get_paths()["purelib"])
    native_file = os.path.realpath(_native.__file__)
    for path in (os.path.realpath(iamport_subscribe.__file__), native_file):
        if not path.startswith(site + os.sep):
            sys.exit(f"{path} is not in the installed environment {site}")
    assert iamport_subscribe.__version__ == expected_version, iamport_subscribe.__version__
    assert native_file.endswith(".abi3.so"), native_file

    first_charge = None
    with Sandbox() as sandbox:
        client = sandbox.client()
        for pg in ("nice", "daou"):
            key = client.issue_billing_key(customer_uid=f"cust_{pg}", card_number="4111-1111-1111-1111",
                                           expiry="2030-12", birth="820213", pwd_2digit="00", pg=pg)
            assert key.card_number == "411111******1111", key
            paid = client.pay_again(customer_uid=f"cust_{pg}", merchant_uid=f"order_{pg}_1", amount=9900,
                                    name="Monthly plan")
            assert paid.status == "paid" and paid.amount == 9900, paid
            if first_charge is None:
                first_charge = time.monotonic() - START
                first_charge_wall = time.time()
        client.issue_billing_key(customer_uid="cust_decline", card_number="4000-0000-0000-0002", expiry="2030-12")
        try:
            client.pay_again(customer_uid="cust_decline", merchant_uid="order_decline", amount=9900)
            sys.exit("the decline card was charged")
        except CardDeclinedError as e:
            assert e.payment is not None and e.payment.status == "failed", e
        refunded = client.cancel_payment(merchant_uid="order_nice_1", reason="install test")
        assert refunded.status == "cancelled" and refunded.cancel_amount == 9900, refunded
        statuses = sorted(p.status for p in sandbox.ledger())
        assert statuses == ["cancelled", "failed", "paid"], statuses

    print(json.dumps({
        "python": platform.python_version(), "machine": platform.machine(),
        "native": os.path.basename(native_file), "version": iamport_subscribe.__version__,
        "first_charge_s": round(first_charge, 3),
        "since_install_s": round(first_charge_wall - float(os.environ.get("SMOKE_INSTALL_START", WALL_START)), 3),
    }))


main()
