"""Every client side by side: the same `pay_again` charges through the raw HTTP floor (wrk), the
Rust core, the Python package (async and on threads), the Node package and the vendor's Python
client, each against a fresh sandbox process of its own.

For every client: a fresh `iamport-sandbox` (release) on 127.0.0.1, a billing key issued through
plain HTTP before anything is timed, then the client as a child process charging BENCH_CHARGES
orders with BENCH_CONCURRENCY in flight (the vendor's client: one after the other). Afterwards the
sandbox must have counted a `POST /subscribe/payments/again` for every charge and hold them all
as paid.

Client CPU = user + system seconds of the client process (all its threads, from its start to its
end: `os.wait4`), divided by the charges it completed. charges/s = charges divided by the
charging time the client measures itself (wrk: its own Requests/sec).

Run through `scripts/bench-clients`, which builds and installs everything. Environment: see there.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

# The sandbox process, the environment and the load average as scripts/bill_bench.py has them.
from bill_bench import KEY, SECRET, clean_env, loadavg
from bill_bench import Sandbox as BillSandbox

CUSTOMER = "bench"
AMOUNT = 9900

# name -> label in the table; the order of the table.
CLIENTS: Dict[str, str] = {
    "wrk": "raw HTTP load generator (wrk, 1 thread, unique `merchant_uid` per request)",
    "rust-spawned": "Rust core (`Client::pay_again`, `buffer_unordered`) in a task on tokio's multi-thread runtime",
    "rust-current": "Rust core, the same on tokio's current-thread runtime (one thread, like wrk)",
    "rust-main": "Rust core, the same polled by `#[tokio::main]`'s own thread (`block_on`)",
    "python-async": "Python `AsyncClient`",
    "python-threads": "Python `Client`, one thread per charge in flight",
    "node": "Node package",
    "vendor": "vendor's Python client (`iamport-rest-client` {version}), sequential",
}


# --------------------------------------------------------------------------------------------
# Sandbox process and plain-HTTP helpers


class Sandbox(BillSandbox):
    def call(self, method: str, path: str, body: Optional[dict] = None, token: str = "") -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, method=method, data=data, headers=headers)
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read())

    def token(self) -> str:
        answer = self.call("POST", "/users/getToken", {"imp_key": KEY, "imp_secret": SECRET})
        return str(answer["response"]["access_token"])

    def issue_billing_key(self) -> None:
        answer = self.call(
            "POST", f"/subscribe/customers/{CUSTOMER}",
            {"card_number": "4111-1111-1111-1111", "expiry": "2099-12"}, token=self.token(),
        )
        if answer.get("code") != 0:
            raise RuntimeError(f"billing key not issued: {answer}")

    def counts(self) -> Tuple[int, int]:
        """(POST /subscribe/payments/again requests, paid payments in the ledger)."""
        again = self.get("/__sandbox/requests")["by_endpoint"].get("POST /subscribe/payments/again", 0)
        paid = sum(1 for p in self.get("/__sandbox/ledger") if p.get("status") == "paid")
        return again, paid


def run_measured(argv: List[str], env: Dict[str, str]) -> Tuple[int, str, str, float]:
    """Runs a child to completion: (exit code, stdout, stderr, user + system CPU seconds of the
    child, all its threads). stdout and stderr go to files, so that no pipe can block the child
    before `os.wait4` reaps it."""
    work = Path(os.environ["BENCH_OUT"])
    out_path, err_path = work / "child.out", work / "child.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out_path.read_text(), err_path.read_text(), ru.ru_utime + ru.ru_stime


# --------------------------------------------------------------------------------------------
# One client


def command(name: str, sb: Sandbox, charges: int, concurrency: int) -> Tuple[List[str], Dict[str, str]]:
    env = clean_env(
        BENCH_URL=sb.url, BENCH_CHARGES=str(charges), BENCH_CONCURRENCY=str(concurrency),
        BENCH_CUSTOMER=CUSTOMER, BENCH_PREFIX=f"{name}-", BENCH_IMP_KEY=KEY, BENCH_IMP_SECRET=SECRET,
    )
    here = str(Path(__file__).resolve())
    if name == "wrk":
        env.update(WRK_TOKEN=sb.token(), WRK_CHARGES=str(charges), WRK_CUSTOMER=CUSTOMER, WRK_PREFIX="wrk-")
        argv = ["wrk", "-t1", f"-c{concurrency}", "-d600s", "-s", os.environ["BENCH_WRK_SCRIPT"], sb.url]
        return argv, env
    if name.startswith("rust-"):
        env["BENCH_RUNTIME"] = name.removeprefix("rust-")
        return [os.environ["BENCH_RUST_BIN"]], env
    if name == "node":
        env["BENCH_NODE_PACKAGE"] = os.environ["BENCH_NODE_PACKAGE"]
        return ["node", os.environ["BENCH_NODE_SCRIPT"]], env
    if name == "vendor":
        return [os.environ["BENCH_VENDOR_PYTHON"], here, "--worker", "vendor"], env
    return [sys.executable, here, "--worker", name.removeprefix("python-")], env


def parse_wrk(out: str) -> Dict[str, Any]:
    done = re.search(r"^\s*(\d+) requests in ([\d.]+)(ms|s|m)", out, re.M)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if not done or not rate:
        return {"unparsed_stdout": out[-2000:]}
    scale = {"ms": 1e-3, "s": 1.0, "m": 60.0}[done.group(3)]
    return {
        "charges": int(done.group(1)),
        "paid": int(done.group(1)) - (int(errors.group(1)) if errors else 0),
        "errors": int(errors.group(1)) if errors else 0,
        "first_error": socket_errors.group(1) if socket_errors else None,
        "elapsed_s": float(done.group(2)) * scale,
        "rate": float(rate.group(1)),
    }


def measure(name: str, charges: int, concurrency: int) -> Dict[str, Any]:
    if name == "vendor":
        charges, concurrency = int(os.environ.get("BENCH_VENDOR_CHARGES") or charges), 1
    sb = Sandbox(os.environ["SANDBOX_BIN"])
    result: Dict[str, Any] = {"name": name, "concurrency": concurrency, "loadavg_before": loadavg()}
    try:
        sb.issue_billing_key()
        argv, env = command(name, sb, charges, concurrency)
        code, out, err, cpu = run_measured(argv, env)
        summary = parse_wrk(out) if name == "wrk" else json_line(out)
        result.update(exit_code=code, cpu_s=cpu, summary=summary, stderr=err[-2000:])
        done = summary.get("charges") or 0
        if done and summary.get("elapsed_s"):
            result["rate"] = summary.get("rate") or done / summary["elapsed_s"]
            result["cpu_us"] = cpu / done * 1e6
        again, paid = sb.counts()
        result.update(charges=done, again_requests=again, ledger_paid=paid)
        problems = []
        if code != 0:
            problems.append(f"exit code {code}: {err[-500:]}")
        if summary.get("errors") or summary.get("paid") != done:
            problems.append(f"{summary.get('errors')} errors, first: {summary.get('first_error')}")
        # wrk may send a few requests more than it counts: those in flight when it stopped.
        if again < done or (name != "wrk" and again != done) or paid != again:
            problems.append(f"sandbox: {again} pay_again requests, {paid} paid, client counted {done}")
        result["problems"] = problems
    finally:
        sandbox_cpu = sb.stop()["cpu_s"]
        result["sandbox_cpu_us"] = sandbox_cpu / max(result.get("charges") or 1, 1) * 1e6
        result["loadavg_after"] = loadavg()
    print(
        f"{name}: {result.get('rate', 0):,.0f} charges/s, client CPU {result.get('cpu_us', 0):,.1f} µs/charge, "
        f"sandbox CPU {result['sandbox_cpu_us']:,.1f} µs/charge, load {result['loadavg_before']:.2f} -> "
        f"{result['loadavg_after']:.2f}" + (f"  PROBLEMS: {result['problems']}" if result.get("problems") else ""),
        file=sys.stderr, flush=True,
    )
    return result


def json_line(out: str) -> Dict[str, Any]:
    for line in reversed(out.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return {"unparsed_stdout": out[-2000:]}


# --------------------------------------------------------------------------------------------
# Import and require times: the median of fresh processes


def startup_times(runs: int) -> Dict[str, float]:
    python_code = (
        "import time; t = time.perf_counter(); import iamport_subscribe; "
        "print((time.perf_counter() - t) * 1000)"
    )
    node_code = (
        "const t = process.hrtime.bigint(); require(process.env.BENCH_NODE_PACKAGE); "
        "console.log(Number(process.hrtime.bigint() - t) / 1e6)"
    )
    times: Dict[str, List[float]] = {"python_import_ms": [], "node_require_ms": []}
    for _ in range(runs):
        times["python_import_ms"].append(float(subprocess.check_output([sys.executable, "-c", python_code], text=True)))
        if os.environ.get("BENCH_NODE_PACKAGE"):
            env = clean_env(BENCH_NODE_PACKAGE=os.environ["BENCH_NODE_PACKAGE"])
            times["node_require_ms"].append(float(subprocess.check_output(["node", "-e", node_code], text=True, env=env)))
    return {k: statistics.median(v) for k, v in times.items() if v}


# --------------------------------------------------------------------------------------------
# Python workers (a child process each, so that their CPU is theirs alone)


def worker(kind: str) -> None:
    url = os.environ["BENCH_URL"]
    charges = int(os.environ["BENCH_CHARGES"])
    concurrency = int(os.environ["BENCH_CONCURRENCY"])
    prefix = os.environ["BENCH_PREFIX"]
    counts = {"paid": 0, "errors": 0}
    first_error: List[str] = []

    def count(status: Optional[str], error: Optional[BaseException]) -> None:
        if status == "paid":
            counts["paid"] += 1
        else:
            counts["errors"] += 1
            if not first_error:
                first_error.append(repr(error) if error else f"status {status}")

    started = time.perf_counter()
    if kind == "async":
        import iamport_subscribe as iam

        async def go() -> None:
            client = iam.AsyncClient(KEY, SECRET, base_url=url)
            next_index = iter(range(charges))

            # `concurrency` workers, each charging one order after the other.
            async def one_worker() -> None:
                for i in next_index:
                    try:
                        p = await client.pay_again(customer_uid=CUSTOMER, merchant_uid=f"{prefix}{i}", amount=AMOUNT)
                        count(p.status, None)
                    except Exception as e:  # counted and reported; the run goes on
                        count(None, e)

            await asyncio.gather(*(one_worker() for _ in range(concurrency)))

        asyncio.run(go())
    elif kind == "threads":
        import iamport_subscribe as iam

        client = iam.Client(KEY, SECRET, base_url=url)

        def one(i: int) -> Tuple[Optional[str], Optional[BaseException]]:
            try:
                return client.pay_again(customer_uid=CUSTOMER, merchant_uid=f"{prefix}{i}", amount=AMOUNT).status, None
            except Exception as e:
                return None, e

        with ThreadPoolExecutor(concurrency) as pool:
            for status, error in pool.map(one, range(charges)):
                count(status, error)
    elif kind == "vendor":
        from iamport import Iamport

        client = Iamport(KEY, SECRET, imp_url=url + "/")
        for i in range(charges):
            try:
                count(str(client.pay_again(customer_uid=CUSTOMER, merchant_uid=f"{prefix}{i}", amount=AMOUNT)["status"]), None)
            except Exception as e:
                count(None, e)
    else:
        raise SystemExit(f"unknown worker {kind}")
    elapsed = time.perf_counter() - started
    print(json.dumps({"charges": charges, **counts, "first_error": first_error[0] if first_error else None,
                      "elapsed_s": elapsed}))


# --------------------------------------------------------------------------------------------
# Report


def label(name: str) -> str:
    return CLIENTS[name].format(version=os.environ.get("BENCH_VENDOR_VERSION", "?"))


def table(results: List[Dict[str, Any]]) -> str:
    rows = [
        "| client | in flight | charges | charges/s | client CPU per charge | vs wrk | sandbox CPU per charge |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    floor = next((r.get("cpu_us") for r in results if r["name"] == "wrk"), None)
    for r in results:
        bad = " ⚠" if r.get("problems") else ""
        ratio = f"{r['cpu_us'] / floor:.1f}×" if floor and r.get("cpu_us") else "—"
        rows.append(
            f"| {label(r['name'])} | {r['concurrency']} | {r.get('charges', 0):,} | {r.get('rate', 0):,.0f}{bad} "
            f"| {r.get('cpu_us', 0):,.1f} µs | {ratio} | {r.get('sandbox_cpu_us', 0):,.1f} µs |"
        )
    return "\n".join(rows)


def chart(results: List[Dict[str, Any]], path: Path, charges: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in results if r.get("rate")]
    names = [r["name"] for r in shown][::-1]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 0.5 * len(shown) + 1.6), dpi=120, sharey=True)
    rates = [r["rate"] for r in shown][::-1]
    cpus = [r["cpu_us"] for r in shown][::-1]
    colors = ["#777777" if n == "wrk" else "#c05030" if n == "vendor" else "#3070b0" for n in names]
    left.barh(names, rates, color=colors)
    right.barh(names, cpus, color=colors)
    right.set_xscale("log")
    for ax, values, fmt in ((left, rates, "{:,.0f}"), (right, cpus, "{:,.1f} µs")):
        for y, v in enumerate(values):
            ax.text(v, y, " " + fmt.format(v), va="center", fontsize=8)
        ax.grid(True, axis="x", alpha=0.3)
    left.set_xlim(0, max(rates) * 1.3)
    right.set_xlim(min(cpus) / 1.5, max(cpus) * 6)
    left.set_xlabel("charges per second (higher is better)")
    right.set_xlabel("client CPU per charge, log scale (lower is better)")
    fig.suptitle(f"{charges:,} pay_again charges, each client against its own sandbox on 127.0.0.1 (2 cores)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def report(results: List[Dict[str, Any]], startup: Dict[str, float], charges: int, concurrency: int,
           started: float, load_before: float) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=os.environ["BENCH_ROOT"]).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True, cwd=os.environ["BENCH_ROOT"]).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"Command: `scripts/bench-clients` — measured {time.strftime('%Y-%m-%d %H:%M %Z')} at commit `{commit}`"
        + (" (with uncommitted changes)" if dirty else "")
        + f"; {os.cpu_count()} cores ({cpu}), CPython {platform.python_version()}, Node {node}; "
        f"{charges:,} charges per client, {concurrency} in flight"
        + (f", sandboxes and clients at nice {os.nice(0)}" if os.nice(0) else "")
        + f"; {time.time() - started:.0f} s in all. "
        f"1-minute load average {load_before:.2f} at the start, "
        f"{min(r['loadavg_before'] for r in results):.2f}–{max(r['loadavg_after'] for r in results):.2f} "
        "during the runs (the client and its sandbox alone keep both cores busy).",
        "",
        table(results),
        "",
    ]
    if startup:
        lines.append(
            "Start-up, median of 10 fresh processes: `import iamport_subscribe` "
            f"{startup.get('python_import_ms', float('nan')):.1f} ms"
            + (f"; `require('iamport-subscribe')` {startup['node_require_ms']:.1f} ms" if "node_require_ms" in startup else "")
            + "."
        )
        lines.append("")
    lines.append(f"![charges per second and client CPU per charge, by client]({os.environ['BENCH_CHART_REL']})")
    return "\n".join(lines)


def update_benchmarks(path: Path, section: str) -> None:
    """Replaces what is between the markers in BENCHMARKS.md (appends a section when absent)."""
    begin, end = "<!-- bench-clients:begin -->", "<!-- bench-clients:end -->"
    text = path.read_text()
    block = f"{begin}\n{section}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Clients side by side: `pay_again` through every stack\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    charges = int(os.environ.get("BENCH_CHARGES", "20000"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "64"))
    names = [n.strip() for n in os.environ.get("BENCH_CLIENTS", ",".join(CLIENTS)).split(",") if n.strip()]
    unknown = [n for n in names if n not in CLIENTS]
    if unknown:
        raise SystemExit(f"unknown clients {unknown}; known: {', '.join(CLIENTS)}")
    work = Path(os.environ["BENCH_OUT"])
    work.mkdir(parents=True, exist_ok=True)
    # A nice increment for this process, so for every sandbox and client it starts (negative:
    # ahead of other work on a shared machine; needs root).
    priority = int(os.environ.get("BENCH_NICE", "0"))
    if priority:
        os.nice(priority)
    started, load_before = time.time(), loadavg()
    results = [measure(n, charges, concurrency) for n in names]
    startup = startup_times(10)
    (work / "results.json").write_text(json.dumps({"results": results, "startup": startup}, indent=2))
    chart(results, Path(os.environ["BENCH_CHART"]), charges)
    section = report(results, startup, charges, concurrency, started, load_before)
    print("\n" + section)
    bad = [r for r in results if r.get("problems")]
    if bad:
        print("\nPROBLEMS (BENCHMARKS.md left as it was):")
        for r in bad:
            print(f"- {r['name']}: {'; '.join(r['problems'])}")
        sys.exit(1)
    if os.environ.get("BENCH_UPDATE", "1") == "1":
        update_benchmarks(Path(os.environ["BENCH_ROOT"]) / "BENCHMARKS.md", section)
        print("\nBENCHMARKS.md updated.", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
