"""The Python runner of the language-neutral scenario files (format: tests/README.md at the root)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

import iamport_subscribe as iam
from iamport_subscribe.testing import Sandbox

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "tests" / "scenarios"

ERROR_CLASSES: Dict[str, Type[iam.IamportError]] = {
    "InvalidRequest": iam.InvalidRequestError,
    "Authentication": iam.AuthenticationError,
    "NotFound": iam.NotFoundError,
    "CardDeclined": iam.CardDeclinedError,
    "DuplicateOrder": iam.DuplicateOrderError,
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
    for attr in ("field", "code", "http_status", "fail_reason", "merchant_uid"):
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
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return saved[value[2:-1]]
    if isinstance(value, dict):
        return {k: substitute(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, saved) for v in value]
    return value


Call = Callable[[str, Dict[str, Any]], Any]


def run_scenario(name: str, scenario: Dict[str, Any], use_async: bool) -> None:
    not_found = scenario.get("sandbox", {}).get("billing_key_not_found", "observed")
    with Sandbox(billing_key_not_found=not_found) as sandbox:
        call: Call
        if use_async:
            aclient = sandbox.async_client()

            def call(op: str, args: Dict[str, Any]) -> Any:
                async def go() -> Any:
                    return await getattr(aclient, op)(**args)

                return asyncio.run(go())
        else:
            client = sandbox.client()

            def call(op: str, args: Dict[str, Any]) -> Any:
                return getattr(client, op)(**args)

        saved: Dict[str, Any] = {}
        for i, step in enumerate(scenario["steps"]):
            at = f"{name} step {i} ({step['op']})"
            args = substitute(step["args"], saved)
            before = sandbox.total_requests()
            result: Optional[Any] = None
            error: Optional[iam.IamportError] = None
            try:
                result = call(step["op"], args)
            except iam.IamportError as e:
                error = e
            sent = sandbox.total_requests() - before
            expect = step["expect"]
            if "result" in expect:
                assert error is None, f"{at}: expected a result, got {error!r}"
                assert_subset(substitute(expect["result"], saved), plain(result), f"{at}: result")
            else:
                assert error is not None, f"{at}: expected {expect['error']}, got {result!r}"
                expected_error = expect["error"]
                assert isinstance(error, ERROR_CLASSES[expected_error["kind"]]), f"{at}: {error!r}"
                assert_subset(expected_error, error_view(error), f"{at}: error")
            if step.get("sent") is False:
                assert sent == 0, f"{at}: the request should not have been sent"
            for var, field in step.get("save", {}).items():
                saved[var] = plain(result)[field]
            if "ledger" in step:
                check_ledger(step["ledger"], sandbox, at)


def check_ledger(expected: Dict[str, Any], sandbox: Sandbox, at: str) -> None:
    rows = sandbox.ledger()
    if "merchant_uid" in expected:
        rows = [p for p in rows if p.merchant_uid == expected["merchant_uid"]]
    if "count" in expected:
        assert len(rows) == expected["count"], f"{at}: ledger count"
    if "statuses" in expected:
        assert [p.status for p in rows] == expected["statuses"], f"{at}: ledger statuses"
