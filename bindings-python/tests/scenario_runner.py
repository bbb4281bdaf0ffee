"""The Python runner of the language-neutral scenario files (format: tests/README.md at the root)."""

from __future__ import annotations

import asyncio
import dataclasses
import http.server
import json
import threading
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

# tests/scenarios is a link to the repository's tests/scenarios/, so that the sdist carries the files.
SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"

# Binding gaps (issue 12), see tests/README.md: steps that fail only because of Python-side work
# still to do, as (scenario name, step index). The next change to the binding empties this list.
BINDING_GAPS: Dict[Tuple[str, int], str] = {}

ERROR_CLASSES: Dict[str, Type[iam.IamportError]] = {
    "InvalidRequest": iam.InvalidRequestError,
    "Authentication": iam.AuthenticationError,
    "NotFound": iam.NotFoundError,
    "CardDeclined": iam.CardDeclinedError,
    "DuplicateOrder": iam.DuplicateOrderError,
    "AlreadyCancelled": iam.AlreadyCancelledError,
    "RateLimited": iam.RateLimitedError,
    "Api": iam.ApiError,
    "Network": iam.NetworkError,
    "Timeout": iam.TimeoutError,
    "OutcomeUnknown": iam.OutcomeUnknownError,
}


def scenarios() -> List[Tuple[str, Dict[str, Any]]]:
    files = sorted(SCENARIO_DIR.glob("*.json"))
    return [(f.stem, json.loads(f.read_text(encoding="utf-8"), parse_float=Decimal)) for f in files]


def plain(value: Any) -> Any:
    """A result as JSON-like data (the scenario files' view)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


def error_view(err: iam.IamportError) -> Dict[str, Any]:
    view: Dict[str, Any] = {"kind": err.kind, "message": err.message}
    for attr in ("field", "code", "http_status", "fail_reason", "merchant_uid", "retry_after"):
        if hasattr(err, attr):
            view[attr] = getattr(err, attr)
    if isinstance(err, iam.CardDeclinedError):
        view["payment"] = plain(err.payment)
    return view


def assert_subset(expected: Any, actual: Any, at: str) -> None:
    if expected == "<set>":
        assert actual is not None, f"{at}: expected a value, got None"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{at}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert_subset(value, actual.get(key), f"{at}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{at}: {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_subset(e, a, f"{at}[{i}]")
    elif isinstance(expected, (int, Decimal)) and not isinstance(expected, bool):
        assert isinstance(actual, (int, Decimal)) and Decimal(actual) == Decimal(expected), f"{at}: {actual!r} != {expected!r}"
    else:
        assert actual == expected, f"{at}: {actual!r} != {expected!r}"


def substitute(value: Any, saved: Dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}") and value.count("${") == 1:
        return saved[value[2:-1]]
    if isinstance(value, str) and "${" in value:
        for key, v in saved.items():
            value = value.replace("${" + key + "}", str(v))
        assert "${" not in value, f"unknown variable in {value}"
        return value
    if isinstance(value, dict):
        return {k: substitute(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, saved) for v in value]
    return value


def expand(value: Any, now: int, i: Optional[int] = None) -> Any:
    """``{"$repeat": n, "item": ...}`` with ``{i}`` in strings; ``{"$from_now": s, "$step": t}``;
    ``{"$text": s, "$times": n}``; ``{"$utf16": [code units]}`` (a str may hold a lone surrogate)."""
    if isinstance(value, dict) and "$text" in value:
        return str(value["$text"]) * int(value["$times"])
    if isinstance(value, dict) and "$utf16" in value:
        units = b"".join(int(u).to_bytes(2, "little") for u in value["$utf16"])
        return units.decode("utf-16-le", errors="surrogatepass")
    if isinstance(value, dict) and "$repeat" in value:
        return [expand(value["item"], now, k) for k in range(int(value["$repeat"]))]
    if isinstance(value, dict) and "$from_now" in value:
        return now + int(value["$from_now"]) + int(value.get("$step", 0)) * (i or 0)
    if isinstance(value, str) and i is not None:
        return value.replace("{i}", str(i))
    if isinstance(value, dict):
        return {k: expand(v, now, i) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v, now, i) for v in value]
    return value


class Receiver:
    """A webhook receiver on 127.0.0.1:0 that records what it is sent and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.received: List[Tuple[str, bytes]] = []
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                received.append((self.headers.get("Content-Type", ""), self.rfile.read(length)))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# Scenario argument names that Python spells differently (`from` is a keyword).
PY_NAMES = {"from": "from_"}
# Error fields are core's snake_case names, which are Python's too.
FIELD_CASE: Callable[[str], str] = lambda field: field
LIST_OPS = {"list_schedules", "list_schedules_by_customer", "list_customer_payments", "list_payments"}


Call = Callable[[str, Dict[str, Any]], Any]


def run_scenario(name: str, scenario: Dict[str, Any], use_async: bool) -> None:
    not_found = scenario.get("sandbox", {}).get("billing_key_not_found", "observed")
    with Sandbox(billing_key_not_found=not_found) as sandbox:
        call: Call
        receiver = Receiver() if scenario.get("webhook_receiver") else None
        if receiver:
            sandbox.set_webhook_url(receiver.url)
        if use_async:
            aclient = sandbox.async_client()

            def call(op: str, args: Dict[str, Any]) -> Any:
                async def go() -> Any:
                    if op in CLIENT_OPS:
                        return CLIENT_OPS[op](sandbox, aclient, args)
                    if op in LIST_OPS:
                        return [x async for x in getattr(aclient, op)(**args)]
                    if op == "verify_received_webhooks":
                        return [await aclient.verify_webhook(b, ct) for ct, b in list(receiver.received if receiver else [])]
                    return await getattr(aclient, op)(**args)

                return asyncio.run(go())
        else:
            client = sandbox.client()

            def call(op: str, args: Dict[str, Any]) -> Any:
                if op in CLIENT_OPS:
                    return CLIENT_OPS[op](sandbox, client, args)
                if op in LIST_OPS:
                    return list(getattr(client, op)(**args))
                if op == "verify_received_webhooks":
                    return [client.verify_webhook(b, ct) for ct, b in list(receiver.received if receiver else [])]
                return getattr(client, op)(**args)

        saved: Dict[str, Any] = {}
        for i, step in enumerate(scenario["steps"]):
            at = f"{name} step {i} ({step['op']})"
            if (name, i) in BINDING_GAPS:
                print(f"{at}: skipped, binding gap: {BINDING_GAPS[(name, i)]}")
                continue
            args = expand(substitute(step["args"], saved), sandbox.now())
            args = {PY_NAMES.get(k, k): v for k, v in args.items()}
            before = sandbox.total_requests()
            result: Optional[Any] = None
            error: Optional[iam.IamportError] = None
            try:
                if step["op"] == "advance_clock":
                    sandbox.advance_clock(args["seconds"])
                elif step["op"] == "set_faults":
                    sandbox.set_faults(args["rules"], seed=args.get("seed", 0))
                elif step["op"] == "clear_faults":
                    sandbox.clear_faults()
                else:
                    result = call(step["op"], args)
            except iam.IamportError as e:
                error = e
            sent = sandbox.total_requests() - before
            expect = step["expect"]
            if "error" in expect:
                assert error is not None, f"{at}: expected {expect['error']}, got {result!r}"
                expected_error = expect["error"]
                assert isinstance(error, ERROR_CLASSES[expected_error["kind"]]), f"{at}: {error!r}"
                if "field" in expected_error:
                    expected_error = {**expected_error, "field": FIELD_CASE(expected_error["field"])}
                assert_subset(expected_error, error_view(error), f"{at}: error")
            else:
                assert error is None, f"{at}: expected a result, got {error!r}"
                if "result" in expect:
                    assert_subset(substitute(expect["result"], saved), plain(result), f"{at}: result")
                check_list(expect, plain(result), at)
            if step.get("sent") is False:
                assert sent == 0, f"{at}: the request should not have been sent"
            for var, field in step.get("save", {}).items():
                saved[var] = plain(result)[field]
            if "ledger" in step:
                check_ledger(step["ledger"], sandbox, at)
        if receiver:
            receiver.close()


def new_client(sandbox: Sandbox, client: Any, args: Dict[str, Any]) -> None:
    """``new_client``: the sandbox's credentials and URL with the given settings replaced."""
    settings = dict(args)
    imp_key = settings.pop("imp_key", sandbox.imp_key)
    imp_secret = settings.pop("imp_secret", sandbox.imp_secret)
    settings.setdefault("base_url", sandbox.url)
    type(client)(imp_key, imp_secret, **settings)


def with_options(sandbox: Sandbox, client: Any, args: Dict[str, Any]) -> None:
    """``with_options``: per-call settings on the scenario's client."""
    client.with_options(**args)


CLIENT_OPS: Dict[str, Callable[[Sandbox, Any, Dict[str, Any]], None]] = {
    "new_client": new_client,
    "with_options": with_options,
}


def check_list(expect: Dict[str, Any], items: Any, at: str) -> None:
    """``count``, ``unique_by``, ``each``, ``reported_statuses`` on a list result."""
    if "count" in expect:
        assert len(items) == expect["count"], f"{at}: count {len(items)}"
    if "unique_by" in expect:
        keys = [json.dumps(x[expect["unique_by"]], default=str) for x in items]
        assert len(set(keys)) == len(keys), f"{at}: {expect['unique_by']} repeats"
    if "each" in expect:
        for n, item in enumerate(items):
            assert_subset(expect["each"], item, f"{at}[{n}]")
    if "reported_statuses" in expect:
        assert [x["reported_status"] for x in items] == expect["reported_statuses"], f"{at}: reported statuses"


def check_ledger(expected: Dict[str, Any], sandbox: Sandbox, at: str) -> None:
    rows = sandbox.ledger()
    if "merchant_uid" in expected:
        rows = [p for p in rows if p.merchant_uid == expected["merchant_uid"]]
    if "count" in expected:
        assert len(rows) == expected["count"], f"{at}: ledger count"
    if "statuses" in expected:
        assert [p.status for p in rows] == expected["statuses"], f"{at}: ledger statuses"
