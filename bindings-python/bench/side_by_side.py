"""Rust core vs this package, side by side in one run (not a test).

N `pay_again` charges, C in flight, each client in its own process against its own fresh release
sandbox. Client CPU = user + system seconds of the client process (os.wait4) / charges; charges/s
from the client's own clock around the charge loop. Rows: the Rust core (`BENCH_CORE_BIN`, built
from core's `bench_pay_again` example), `AsyncClient` (C tasks), `Client` on C threads.

    SANDBOX_BIN=target/release/iamport-sandbox BENCH_CORE_BIN=... python side_by_side.py

`scripts/bench-clients` (the whole table of issue 16) supersedes this; it stays as the quick check
of the Python rows while working on the binding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, List

N = int(os.environ.get("BENCH_CHARGES", "20000"))
C = int(os.environ.get("BENCH_CONCURRENCY", "64"))
SANDBOX_BIN = os.environ["SANDBOX_BIN"]
CORE_BIN = os.environ.get("BENCH_CORE_BIN")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))

CHILD = r"""
import asyncio, json, sys, time
from concurrent.futures import ThreadPoolExecutor
import iamport_subscribe as iam

mode, url, n, c = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
key, secret = "sandbox_imp_key", "sandbox_imp_secret"

def run_async():
    async def go():
        client = iam.AsyncClient(key, secret, base_url=url)
        await client.check_credentials()
        gate = asyncio.Semaphore(c)
        async def one(i):
            async with gate:
                p = await client.pay_again(customer_uid="bench", merchant_uid=f"py-{i}", amount=9900)
                return p.status == "paid"
        started = time.perf_counter()
        paid = sum(await asyncio.gather(*(one(i) for i in range(n))))
        return paid, time.perf_counter() - started
    return asyncio.run(go())

def run_threads():
    client = iam.Client(key, secret, base_url=url)
    client.check_credentials()
    def one(i):
        return client.pay_again(customer_uid="bench", merchant_uid=f"py-{i}", amount=9900).status == "paid"
    with ThreadPoolExecutor(c) as pool:
        started = time.perf_counter()
        paid = sum(pool.map(one, range(n)))
        return paid, time.perf_counter() - started

paid, elapsed = {"async": run_async, "threads": run_threads}[mode]()
print(json.dumps({"paid": paid, "elapsed": elapsed}))
"""


def sandbox() -> "tuple[subprocess.Popen[str], str]":
    proc = subprocess.Popen([SANDBOX_BIN, "--port", "0"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip().removeprefix("listening on ")
    import iamport_subscribe as iam

    iam.Client("sandbox_imp_key", "sandbox_imp_secret", base_url=url).issue_billing_key(
        customer_uid="bench", card_number="4111-1111-1111-1111", expiry="2030-12"
    )
    return proc, url


def measure(name: str, argv: List[str], env: Dict[str, str]) -> Dict[str, Any]:
    proc, url = sandbox()
    try:
        child = subprocess.Popen(
            [a.replace("{url}", url) for a in argv],
            stdout=subprocess.PIPE,
            env=dict(os.environ, BENCH_URL=url, **env),
            text=True,
        )
        assert child.stdout is not None
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        assert status == 0, out
        result = json.loads(out.strip().splitlines()[-1])
    finally:
        proc.terminate()
        proc.wait()
    cpu = usage.ru_utime + usage.ru_stime
    elapsed = result.get("elapsed") or result.get("elapsed_s")
    row = {
        "name": name,
        "rate": N / elapsed,
        "cpu_us": cpu / N * 1e6,
        "paid": result.get("paid"),
    }
    print(f"{name}: {row['rate']:,.0f} charges/s, {row['cpu_us']:.0f} µs CPU/charge, paid {row['paid']}", file=sys.stderr)
    return row


def main() -> None:
    rows: List[Dict[str, Any]] = []
    for _ in range(ROUNDS):
        if CORE_BIN:
            rows.append(measure("Rust core", [CORE_BIN], {"BENCH_CHARGES": str(N), "BENCH_CONCURRENCY": str(C)}))
        for mode in ("async", "threads"):
            rows.append(measure(f"Python {mode}", [sys.executable, "-c", CHILD, mode, "{url}", str(N), str(C)], {}))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"\n{N:,} pay_again, {C} in flight; load average {' '.join(load)}\n")
    print("| client | charges/s | client CPU per charge |")
    print("|---|---:|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['rate']:,.0f} | {r['cpu_us']:.0f} µs |")


if __name__ == "__main__":
    main()
