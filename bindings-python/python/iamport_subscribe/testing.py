"""Test helpers: the embedded sandbox, an in-process emulator of the Iamport API on 127.0.0.1.

    from iamport_subscribe.testing import Sandbox

    with Sandbox() as sandbox:
        client = sandbox.client()
        client.issue_billing_key(customer_uid="c1", card_number="4111-1111-1111-1111", expiry="2030-12")

Test cards: any number the PG accepts (13-19 digits, a valid Luhn check digit, e.g.
4111-1111-1111-1111) approves, except 4000-0000-0000-0002 (declined) and
4000-0000-0000-0069 (card authentication fails); 1234-1234-1234-1234 is refused as the live
API refuses it. See the sandbox README for the rest.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from . import _native
from ._client import AsyncClient, Client
from .models import Payment, Schedule

__all__ = ["Sandbox", "DECLINE_CARD", "AUTH_FAIL_CARD"]

DECLINE_CARD = "4000-0000-0000-0002"
AUTH_FAIL_CARD = "4000-0000-0000-0069"


class Sandbox:
    """The sandbox server; a context manager (``with`` and ``async with``) that stops it on exit."""

    def __init__(
        self,
        *,
        imp_key: Optional[str] = None,
        imp_secret: Optional[str] = None,
        token_ttl: Optional[float] = None,
        response_delay: Optional[float] = None,
        billing_key_not_found: str = "observed",
    ) -> None:
        self._native = _native.NativeSandbox(
            imp_key, imp_secret, token_ttl, response_delay, billing_key_not_found, None
        )

    @property
    def url(self) -> str:
        return str(self._native.url)

    @property
    def imp_key(self) -> str:
        return str(self._native.imp_key)

    @property
    def imp_secret(self) -> str:
        return str(self._native.imp_secret)

    def client(self, **options: Any) -> Client:
        """A blocking client for this sandbox (options as for ``Client``)."""
        return Client(self.imp_key, self.imp_secret, base_url=self.url, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """An asyncio client for this sandbox."""
        return AsyncClient(self.imp_key, self.imp_secret, base_url=self.url, **options)

    def request_counts(self) -> Dict[str, int]:
        """Requests received per endpoint, e.g. ``{"POST /users/getToken": 1}``."""
        return dict(self._native.request_counts())

    def total_requests(self) -> int:
        return int(self._native.total_requests())

    def ledger(self) -> List[Payment]:
        """Every payment record, in creation order."""
        return self._native.ledger()

    def schedules(self) -> List[Schedule]:
        """Every schedule, in creation order, as ``get_schedule`` would return it now (due
        schedules run first)."""
        return self._native.schedules()

    def exchanges(self) -> List[Dict[str, Any]]:
        """The most recent API answers (at most 20 000), oldest first: method, route, path,
        status, body, and fault (the injected fault's type, when one was)."""
        return list(json.loads(self._native.exchanges_json()))

    def revoke_tokens(self) -> None:
        """Forget every issued token: the next call with one gets HTTP 401."""
        self._native.revoke_tokens()

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's clock forward: due schedules run, and this returns once their
        webhooks have been delivered."""
        self._native.advance_clock(seconds)

    def now(self) -> int:
        """The sandbox's clock, unix seconds."""
        return int(self._native.now())

    def set_webhook_url(self, url: Optional[str]) -> None:
        """Where webhooks go when a charge has no ``notice_url`` (None: nowhere)."""
        self._native.set_webhook_url(url)

    def webhook_deliveries(self) -> List[Dict[str, Any]]:
        """Every webhook delivery attempt: url, body, content_type, status, error, attempt, at."""
        return list(json.loads(self._native.webhook_deliveries_json()))

    def set_webhook_format(self, format: str) -> None:
        """``"json"`` (the default) or ``"form"`` (``application/x-www-form-urlencoded``): the
        body of webhooks queued from now on."""
        self._native.set_webhook_format(format)

    def set_webhook_retries(self, retries: int) -> None:
        """How many more times a webhook queued from now on is sent after a failed attempt."""
        self._native.set_webhook_retries(retries)

    def settle(self) -> None:
        """Wait until every webhook queued so far has been delivered (retries included): an
        approved ``pay_onetime`` / ``pay_again`` sends one in the background, as the live API does."""
        self._native.settle()

    def set_response_delay(self, seconds: float) -> None:
        """Delay every API answer (the server never blocks a thread while waiting)."""
        self._native.set_response_delay(seconds)

    def set_faults(self, rules: List[Dict[str, Any]], *, seed: int = 0) -> None:
        """Inject faults: rules like ``{"route": "POST /subscribe/payments/again", "probability": 0.2,
        "fault": {"type": "drop_after_commit"}}`` (route ``"*"`` for every endpoint). Types:
        latency (ms), server_error (status), too_many_requests (retry_after_secs), malformed_body,
        truncated_body, drop_before_commit, drop_after_commit, token_expired."""
        self._native.set_faults_json(json.dumps({"seed": seed, "rules": rules}))

    def clear_faults(self) -> None:
        self._native.clear_faults()

    def fault_plan(self) -> Optional[Dict[str, Any]]:
        """The fault plan in force, ``{"seed": ..., "rules": [...]}`` as set, or None."""
        plan: Optional[Dict[str, Any]] = json.loads(self._native.fault_plan_json())
        return plan

    def fault_counts(self) -> Dict[str, int]:
        """How many requests each fault type hit."""
        return dict(self._native.fault_counts())

    def reset(self) -> None:
        """Forget payments, billing keys, tokens and counters."""
        self._native.reset()

    def close(self) -> None:
        self._native.close()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    async def __aenter__(self) -> "Sandbox":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Sandbox url={self.url!r}>"
