"""`iamport reconcile` by plan size: peak memory and time (not a test).

For each size: a fresh `iamport-sandbox` process, the customers' billing keys issued over HTTP,
`iamport bill PLAN.csv --concurrency 64`, then `iamport reconcile PLAN.results.csv --from T --json`
under GNU time. The reconciliation must come out clean with every row counted. Peak memory is the
process's own high-water mark (GNU time's %M, see bill_bench.run_child).

Run through `scripts/reconcile-bench` (release builds). Environment: see that script.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bill_bench import KEY, SECRET, Sandbox, clean_env, customer_uid, loadavg, run_child, write_plan  # noqa: E402


def post(url: str, body: dict, token: str | None = None) -> dict:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def seed(url: str, customers: int) -> None:
    token = post(f"{url}/users/getToken", {"imp_key": KEY, "imp_secret": SECRET})["response"]["access_token"]
    for c in range(customers):
        answer = post(
            f"{url}/subscribe/customers/{customer_uid(c)}",
            {"card_number": "4111-1111-1111-1111", "expiry": "2099-12"},
            token,
        )
        assert answer["code"] == 0, answer


def main() -> None:
    sizes = [int(x) for x in os.environ.get("BENCH_ROWS", "10000,100000,300000").split(",") if x]
    customers = int(os.environ.get("BENCH_CUSTOMERS", "1000"))
    work = Path(os.environ["BENCH_OUT"])
    work.mkdir(parents=True, exist_ok=True)
    iamport = os.environ["IAMPORT_BIN"]
    print(f"# {platform.node()}, {os.cpu_count()} CPUs, load before: {loadavg():.2f}", file=sys.stderr)
    lines = ["| rows | payments listed | reconcile wall s | CPU s | peak RSS of `iamport reconcile` |", "|---:|---:|---:|---:|---:|"]
    for rows in sizes:
        run = work / f"rows-{rows}"
        run.mkdir(exist_ok=True)
        for old in run.iterdir():
            old.unlink()
        plan = run / "plan.csv"
        write_plan(plan, rows, customers)
        sb = Sandbox(os.environ["SANDBOX_BIN"])
        try:
            seed(sb.url, customers)
            env = clean_env(IAMPORT_IMP_KEY=KEY, IAMPORT_IMP_SECRET=SECRET, IAMPORT_BASE_URL=sb.url)
            start = int(time.time()) - 60
            code, _, wall, _ = run_child([iamport, "bill", str(plan), "--concurrency", "64", "--json"], env, run / "bill.log")
            assert code == 0, f"bill exited {code}: see {run / 'bill.log'}"
            code, out, wall, usage = run_child(
                [iamport, "reconcile", str(run / "plan.results.csv"), "--from", str(start), "--json",
                 "--work-dir", str(run)],
                env, run / "reconcile.log",
            )
            assert code == 0, f"reconcile exited {code}: see {run / 'reconcile.log'}"
            summary = json.loads(out)["summary"]
            assert summary["clean"] and summary["rows"] == rows and summary["rows_charged"] == rows, summary
            lines.append(
                f"| {rows:,} | {summary['payments_in_window']:,} | {wall:.1f} | {usage['cpu_s']:.1f} | "
                f"{usage['maxrss_kib'] / 1024:.1f} MiB |"
            )
            print(lines[-1], file=sys.stderr)
        finally:
            sb.stop()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
