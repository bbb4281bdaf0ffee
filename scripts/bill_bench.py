"""`iamport bill` by concurrency, and the same charges through the Python AsyncClient.

For every concurrency level: a fresh `iamport-sandbox` process (so its ledger starts empty), the
customers' billing keys issued, then `iamport bill PLAN.csv --concurrency N --json` with a new
journal. Afterwards the sandbox ledger must hold exactly ROWS paid payments with ROWS distinct
merchant_uids, and the sandbox must have counted exactly ROWS `POST /subscribe/payments/again`.

Peak memory is the kernel's high-water mark of the resident set of one process, as GNU time's %M
reports it (`ru_maxrss` of a child that GNU time forked), for the CLI process and for a separate
Python process that runs the AsyncClient loop (so the number is not mixed with this script's).
`os.wait4()` on our own children is not used: see `run_child`. The sandbox's peak is its VmHWM.

Run through `scripts/bill-bench` (release builds). Environment: see that script.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

KEY, SECRET = "sandbox_imp_key", "sandbox_imp_secret"
LEVELS = "1,2,4,8,16,32,64,128,256"
TIME = os.environ.get("BENCH_TIME", "/usr/bin/time")  # GNU time, for the children's peak RSS
AMOUNT = 9900


def levels(name: str, default: str) -> List[int]:
    text = os.environ.get(name, default).strip()
    return [int(x) for x in text.split(",") if x.strip()]


# --------------------------------------------------------------------------------------------
# Sandbox process


class Sandbox:
    def __init__(self, binary: str) -> None:
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--imp-key", KEY, "--imp-secret", SECRET],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=clean_env(),
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"sandbox did not start: {line!r}")
        self.url = line.removeprefix("listening on ")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=600) as r:
            return json.loads(r.read())

    def stop(self) -> Dict[str, float]:
        """The sandbox's own peak RSS (VmHWM: of the address space it got at exec, read while it
        is idle, just before SIGTERM) and CPU time."""
        hwm = 0.0
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm = float(line.split()[1])
        self.proc.terminate()
        _, status, ru = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        return {"maxrss_kib": hwm, "cpu_s": ru.ru_utime + ru.ru_stime}


def loadavg() -> float:
    """The 1-minute load average: other work on the machine shows here."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def clean_env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IAMPORT_", "RUST_LOG"))}
    env.update(extra)
    return env


def seed_customers(url: str, customers: int) -> None:
    import iamport_subscribe as iam

    client = iam.Client(KEY, SECRET, base_url=url)
    for c in range(customers):
        client.issue_billing_key(
            customer_uid=customer_uid(c), card_number="4111-1111-1111-1111", expiry="2099-12"
        )


def customer_uid(c: int) -> str:
    return f"cust-{c:05d}"


def write_plan(path: Path, rows: int, customers: int) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["customer_uid", "merchant_uid", "amount", "name"])
        for i in range(rows):
            w.writerow([customer_uid(i % customers), f"bill-{i:07d}", AMOUNT, "monthly plan"])


def check_ledger(sb: Sandbox, rows: int) -> Tuple[int, int, int]:
    """(paid payments, distinct merchant_uids, POST /subscribe/payments/again requests)."""
    ledger = sb.get("/__sandbox/ledger")
    paid = sum(1 for p in ledger if p.get("status") == "paid")
    distinct = len({p.get("merchant_uid") for p in ledger})
    again = sb.get("/__sandbox/requests")["by_endpoint"].get("POST /subscribe/payments/again", 0)
    return paid, distinct, again


def run_child(argv: List[str], env: Dict[str, str], log: Path) -> Tuple[int, str, float, Dict[str, float]]:
    """Runs a child to completion under GNU time: (exit code, stdout, wall seconds, usage), usage
    being the child's own peak RSS (KiB) and user + system CPU seconds.

    Not `os.wait4()` on a child of this process: Linux keeps the old address space's high-water
    mark across exec, so a child's ru_maxrss is never below this (large) Python process's RSS at
    the fork. GNU time forks from its own tiny image, so its %M is the program's own peak.
    """
    usage_file = log.with_suffix(".time")
    with log.open("w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [TIME, "-f", "%M %U %S", "-o", str(usage_file), *argv],
            stdout=subprocess.PIPE, stderr=err, text=True, env=env,
        )
        out, _ = proc.communicate()
        wall = time.perf_counter() - started
    # "Command exited with non-zero status N" may come first; the figures are the last line.
    maxrss, user, system = usage_file.read_text().strip().splitlines()[-1].split()
    return proc.returncode, out, wall, {"maxrss_kib": float(maxrss), "cpu_s": float(user) + float(system)}


# --------------------------------------------------------------------------------------------
# One measurement


def measure(kind: str, conc: int, rows: int, customers: int, work: Path, plan: Path) -> Dict[str, Any]:
    sb = Sandbox(os.environ["SANDBOX_BIN"])
    result: Dict[str, Any] = {"kind": kind, "concurrency": conc, "rows": rows, "loadavg_before": loadavg()}
    try:
        seed_customers(sb.url, customers)
        log = work / f"{kind}-c{conc}.log"
        if kind == "cli":
            journal, results = work / f"c{conc}.journal", work / f"c{conc}.results.csv"
            for p in (journal, results):
                p.unlink(missing_ok=True)
            argv = [
                os.environ["IAMPORT_BIN"], "bill", str(plan), "--concurrency", str(conc),
                "--journal", str(journal), "--results", str(results), "--json",
            ]
            env = clean_env(IAMPORT_IMP_KEY=KEY, IAMPORT_IMP_SECRET=SECRET, IAMPORT_BASE_URL=sb.url)
        else:
            argv = [sys.executable, __file__, "--python-worker", sb.url, str(plan), str(conc)]
            env = clean_env()
        code, out, wall, usage = run_child(argv, env, log)
        result.update(exit_code=code, wall_s=wall, **usage)
        try:
            summary = json.loads(out)
        except ValueError:
            summary = {"unparsed_stdout": out[-2000:]}
        result["summary"] = summary
        if kind == "cli":
            result["elapsed_s"] = summary.get("elapsed_secs")
            result["client_paid"] = summary.get("paid")
            for p in (work / f"c{conc}.journal", work / f"c{conc}.results.csv"):
                if code == 0:
                    p.unlink(missing_ok=True)
        else:
            result["elapsed_s"] = summary.get("elapsed_s")
            result["client_paid"] = summary.get("paid")
        if result["elapsed_s"]:
            result["rate"] = rows / result["elapsed_s"]
        paid, distinct, again = check_ledger(sb, rows)
        result.update(ledger_paid=paid, ledger_merchant_uids=distinct, again_requests=again)
        problems = []
        if code != 0:
            problems.append(f"exit code {code} (stderr in {log})")
        if result["client_paid"] != rows:
            problems.append(f"client reports {result['client_paid']} paid")
        if paid != rows or distinct != rows:
            problems.append(f"ledger: {paid} paid, {distinct} merchant_uids")
        if again != rows:
            problems.append(f"{again} POST /subscribe/payments/again requests")
        result["ok"] = not problems
        result["problems"] = problems
    finally:
        sandbox = sb.stop()
        result["sandbox_maxrss_kib"] = sandbox["maxrss_kib"]
        result["sandbox_cpu_s"] = sandbox["cpu_s"]
        result["loadavg_after"] = loadavg()
    rate = result.get("rate") or 0.0
    print(
        f"{kind} c={conc}: {rate:,.0f} charges/s, elapsed {result.get('elapsed_s') or 0:.2f} s, "
        f"wall {result.get('wall_s', 0):.2f} s, peak RSS {result.get('maxrss_kib', 0) / 1024:.1f} MiB, "
        f"CPU {result.get('cpu_s', 0):.1f} s, ledger paid {result.get('ledger_paid')}, "
        f"load {result['loadavg_before']:.2f} -> {result['loadavg_after']:.2f}"
        + ("" if result.get("ok") else f"  PROBLEMS: {result.get('problems')}"),
        file=sys.stderr,
        flush=True,
    )
    return result


# --------------------------------------------------------------------------------------------
# The Python side: a child process (its own peak RSS) reading the same plan


def python_worker(url: str, plan: str, conc: int) -> None:
    import iamport_subscribe as iam

    async def go() -> Dict[str, Any]:
        client = iam.AsyncClient(KEY, SECRET, base_url=url)
        gate = asyncio.Semaphore(conc)
        counts = {"paid": 0, "other_status": 0, "errors": 0}
        first_error: List[str] = []
        tasks = set()

        async def one(row: Dict[str, str]) -> None:
            try:
                p = await client.pay_again(
                    customer_uid=row["customer_uid"], merchant_uid=row["merchant_uid"],
                    amount=int(row["amount"]), name=row["name"],
                )
                counts["paid" if p.status == "paid" else "other_status"] += 1
            except Exception as e:  # counted and reported, the run goes on
                counts["errors"] += 1
                if not first_error:
                    first_error.append(repr(e))
            finally:
                gate.release()

        started = time.perf_counter()
        with open(plan, newline="") as f:
            for row in csv.DictReader(f):
                # A task is created only when a permit is free: at most `conc` exist at once.
                await gate.acquire()
                t = asyncio.create_task(one(row))
                tasks.add(t)
                t.add_done_callback(tasks.discard)
        for _ in range(conc):
            await gate.acquire()
        elapsed = time.perf_counter() - started
        return {**counts, "elapsed_s": elapsed, "first_error": first_error[0] if first_error else None}

    print(json.dumps(asyncio.run(go())))


# --------------------------------------------------------------------------------------------
# Report


def mib(kib: Optional[float]) -> str:
    return f"{kib / 1024:,.1f}" if kib else "—"


def table(results: List[Dict[str, Any]], rows: int) -> str:
    by = {(r["kind"], r["concurrency"]): r for r in results}
    concs = sorted({r["concurrency"] for r in results})
    out = [
        "| concurrency | `iamport bill` charges/s | elapsed s | process wall s | peak RSS MiB | CPU s "
        "| AsyncClient charges/s | elapsed s | peak RSS MiB | CPU s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in concs:
        cells = [str(c)]
        cli = by.get(("cli", c))
        if cli:
            bad = "" if cli.get("ok") else " ⚠"
            cells += [f"{cli.get('rate') or 0:,.0f}{bad}", f"{cli.get('elapsed_s') or 0:.1f}",
                      f"{cli['wall_s']:.1f}", mib(cli["maxrss_kib"]), f"{cli['cpu_s']:.1f}"]
        else:
            cells += ["—"] * 5
        py = by.get(("python", c))
        if py:
            bad = "" if py.get("ok") else " ⚠"
            cells += [f"{py.get('rate') or 0:,.0f}{bad}", f"{py.get('elapsed_s') or 0:.1f}",
                      mib(py["maxrss_kib"]), f"{py['cpu_s']:.1f}"]
        else:
            cells += ["—"] * 4
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def chart(results: List[Dict[str, Any]], rows: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
    for kind, label, marker in (("cli", "CLI: iamport bill (fsync'd journal)", "o"),
                                ("python", "Python AsyncClient (no journal)", "s")):
        pts = sorted((r["concurrency"], r["rate"]) for r in results if r["kind"] == kind and r.get("rate"))
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker, label=label)
    concs = sorted({r["concurrency"] for r in results})
    ax.set_xscale("log", base=2)
    ax.set_xticks(concs)
    ax.set_xticklabels([str(c) for c in concs])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_xlabel("charges in flight (concurrency)")
    ax.set_ylabel("charges per second")
    ax.set_title(f"{rows:,} pay_again charges against the local sandbox (2 cores, shared)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def main() -> None:
    rows = int(os.environ.get("BENCH_ROWS", "100000"))
    customers = int(os.environ.get("BENCH_CUSTOMERS", "1000"))
    cli_levels = levels("BENCH_CONCURRENCY", LEVELS)
    py_levels = levels("BENCH_PY_CONCURRENCY", os.environ.get("BENCH_CONCURRENCY", LEVELS))
    work = Path(os.environ["BENCH_OUT"])
    work.mkdir(parents=True, exist_ok=True)
    plan = work / f"plan-{rows}.csv"
    write_plan(plan, rows, min(customers, rows))
    print(f"{rows:,} rows over {min(customers, rows):,} customers; plan {plan}", file=sys.stderr, flush=True)

    # Every measurement is appended to results.jsonl as it ends; BENCH_RESUME=1 keeps the ones
    # already there (same rows and customers) and measures only the missing levels.
    log = work / "results.jsonl"
    done: Dict[Tuple[str, int], Dict[str, Any]] = {}
    if os.environ.get("BENCH_RESUME") == "1" and log.exists():
        for line in log.read_text().splitlines():
            r = json.loads(line)
            if r["rows"] == rows and r.get("customers") == customers:
                done[(r["kind"], r["concurrency"])] = r
        print(f"resuming: {len(done)} measurement(s) kept from {log}", file=sys.stderr, flush=True)
    else:
        log.write_text("")
    results: List[Dict[str, Any]] = []
    started = time.time()
    for kind, conc in [("cli", c) for c in cli_levels] + [("python", c) for c in py_levels]:
        r = done.get((kind, conc))
        if r is None:
            r = measure(kind, conc, rows, customers, work, plan)
            r["customers"] = customers
            with log.open("a") as f:
                f.write(json.dumps(r) + "\n")
        results.append(r)
    total = time.time() - started

    (work / "results.json").write_text(json.dumps(results, indent=2))
    chart(results, rows, Path(os.environ["BENCH_CHART"]))
    print(
        f"\n{rows:,} rows, {min(customers, rows):,} customers; CPython {platform.python_version()}; "
        f"{os.cpu_count()} cores; {total:.0f} s in all; chart {os.environ['BENCH_CHART']}\n"
    )
    print(table(results, rows))
    print("\nsandbox peak RSS MiB / CPU s per run: " + ", ".join(
        f"{r['kind']} c={r['concurrency']}: {mib(r.get('sandbox_maxrss_kib'))} / {r.get('sandbox_cpu_s', 0):.1f}"
        for r in results))
    bad = [r for r in results if not r.get("ok")]
    if bad:
        print("\nPROBLEMS:")
        for r in bad:
            print(f"- {r['kind']} c={r['concurrency']}: {'; '.join(r.get('problems', []))} "
                  f"summary={json.dumps(r.get('summary'))[:500]}")
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--python-worker":
        python_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
