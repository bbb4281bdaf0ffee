"""The bridge from Rust's log records to Python's `logging`: only this project's records, and
closed at exit (a runtime thread must not take the GIL while the interpreter finalizes)."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import json, logging
import iamport_subscribe as iam
from iamport_subscribe import _native
from iamport_subscribe.testing import Sandbox

names = []
class Capture(logging.Handler):
    def emit(self, record):
        names.append(record.name)
root = logging.getLogger()
root.addHandler(Capture(level=logging.DEBUG))
root.setLevel(logging.DEBUG)
_native.reset_log_cache()

with Sandbox() as sandbox:
    client = iam.Client(sandbox.imp_key, sandbox.imp_secret, base_url=sandbox.url)
    client.check_credentials()
    before = len(names)
    _native.close_log_bridge()  # what atexit does
    client.check_credentials()
    after = len(names)
print(json.dumps({"names": sorted(set(names)), "before": before, "after": after}))
"""


def test_only_our_records_reach_python_and_closing_stops_them() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen["before"] > 0, seen  # the client's DEBUG records arrived
    assert seen["after"] == seen["before"], seen  # nothing after the bridge was closed
    assert all(n.startswith(("iamport_subscribe", "iamport_sandbox")) for n in seen["names"]), seen



RESTART = r"""
import asyncio, iamport_subscribe as iam
from iamport_subscribe import _native
from iamport_subscribe.testing import Sandbox

async def charges(sandbox, n):
    client = iam.AsyncClient(sandbox.imp_key, sandbox.imp_secret, base_url=sandbox.url)
    await client.issue_billing_key(customer_uid="c", card_number="4111-1111-1111-1111", expiry="2099-12")
    paid = await asyncio.gather(*(client.pay_again(customer_uid="c", merchant_uid=f"o{i}", amount=100) for i in range(n)))
    return sum(p.status == "paid" for p in paid)

with Sandbox() as sandbox:
    first = asyncio.run(charges(sandbox, 50))
_native.at_exit()  # what atexit does: the runtime's threads stop
with Sandbox() as sandbox:  # and a later use starts a new runtime
    second = asyncio.run(charges(sandbox, 50))
print(first, second)
"""


def test_the_exit_hook_stops_the_runtime_and_a_later_use_starts_a_new_one() -> None:
    out = subprocess.run([sys.executable, "-c", RESTART], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["50", "50"], out.stdout
