"""10,000 `pay_again` charges against one sandbox process: this package's AsyncClient (64 in flight)
and Client (16 threads) against the official `iamport-rest-client` 0.9.0 (sequential, 16 threads).

Run through `bench/run` (release builds). Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List

import iamport_subscribe as iam

N = int(os.environ.get("BENCH_CHARGES", "10000"))
SANDBOX_BIN = os.environ["SANDBOX_BIN"]


def inspect(url: str, path: str, method: str = "GET") -> Any:
    req = urllib.request.Request(url + path, method=method, data=b"{}" if method == "POST" else None)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def main() -> None:
    proc = subprocess.Popen([SANDBOX_BIN, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().removeprefix("listening on ")
        run_all(url)
    finally:
        proc.terminate()
        proc.wait()


def run_all(url: str) -> None:
    key, secret = "sandbox_imp_key", "sandbox_imp_secret"
    results: List[Dict[str, Any]] = []

    def measure(name: str, charge_all: Callable[[str], List[str]]) -> None:
        inspect(url, "/__sandbox/reset", "POST")
        iam.Client(key, secret, base_url=url).issue_billing_key(
            customer_uid="bench", card_number="4111-1111-1111-1111", expiry="2030-12"
        )
        before = inspect(url, "/__sandbox/requests")["total"]
        prefix = f"c{len(results)}_"
        started = time.perf_counter()
        statuses = charge_all(prefix)
        elapsed = time.perf_counter() - started
        requests = inspect(url, "/__sandbox/requests")["total"] - before
        paid = sum(1 for s in statuses if s == "paid")
        results.append(
            {"name": name, "seconds": elapsed, "rate": N / elapsed, "per_charge": requests / N, "paid": paid}
        )
        print(f"{name}: {N / elapsed:.0f} charges/s, {requests / N:.2f} requests/charge, {paid}/{N} paid", file=sys.stderr)

    def ours_async(prefix: str) -> List[str]:
        async def go() -> List[str]:
            client = iam.AsyncClient(key, secret, base_url=url)
            gate = asyncio.Semaphore(64)

            async def one(i: int) -> str:
                async with gate:
                    p = await client.pay_again(customer_uid="bench", merchant_uid=f"{prefix}{i}", amount=9900)
                    return p.status

            return list(await asyncio.gather(*(one(i) for i in range(N))))

        return asyncio.run(go())

    def ours_threads(prefix: str) -> List[str]:
        client = iam.Client(key, secret, base_url=url)
        with ThreadPoolExecutor(16) as pool:
            return list(
                pool.map(
                    lambda i: client.pay_again(customer_uid="bench", merchant_uid=f"{prefix}{i}", amount=9900).status,
                    range(N),
                )
            )

    from iamport import Iamport  # the official client

    def official_one(client: Any, merchant_uid: str) -> str:
        return str(client.pay_again(customer_uid="bench", merchant_uid=merchant_uid, amount=9900)["status"])

    def official_sequential(prefix: str) -> List[str]:
        client = Iamport(key, secret, imp_url=url + "/")
        return [official_one(client, f"{prefix}{i}") for i in range(N)]

    def official_threads(prefix: str) -> List[str]:
        local = threading.local()

        def one(i: int) -> str:
            if not hasattr(local, "client"):
                local.client = Iamport(key, secret, imp_url=url + "/")
            return official_one(local.client, f"{prefix}{i}")

        with ThreadPoolExecutor(16) as pool:
            return list(pool.map(one, range(N)))

    measure("iamport-subscribe AsyncClient, 64 in flight", ours_async)
    measure("iamport-subscribe Client, 16 threads", ours_threads)
    measure("iamport-rest-client 0.9.0, sequential", official_sequential)
    measure("iamport-rest-client 0.9.0, 16 threads", official_threads)

    best_official = max(r["rate"] for r in results if r["name"].startswith("iamport-rest-client"))
    print(f"\n{N:,} `pay_again` charges; {platform.python_version()}; {os.cpu_count()} cores.\n")
    print("| client | charges/s | HTTP requests per charge | paid | vs official best |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['name']} | {r['rate']:,.0f} | {r['per_charge']:.2f} | {r['paid']:,}/{N:,} | "
            f"{r['rate'] / best_official:.1f}× |"
        )


if __name__ == "__main__":
    main()
