"""The blocking ``Client`` and the asyncio ``AsyncClient``.

Both are thin: keyword arguments become the core request (wire names), the core client does the
rest (validation, token cache, error mapping, redaction). Precise per-class signatures are in
``_client.pyi``; the operations are written once in ``_Operations``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from datetime import datetime
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from . import _native
from .errors import InvalidRequestError, from_native
from .models import Amount, BillingKey, Found, Payment, Schedule, VerifiedWebhook

__all__ = ["Client", "AsyncClient"]

# Fields that carry money: int (KRW) or Decimal; never float.
_AMOUNT_FIELDS = frozenset({"amount", "tax_free", "vat_amount", "vat", "checksum"})


def _encode_amount(field: str, value: Any) -> Any:
    if isinstance(value, bool):
        raise InvalidRequestError(field, "must be an int or decimal.Decimal, not bool")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidRequestError(field, "must be a finite number")
        # Exact decimal text; the core reads numeric strings exactly.
        return str(value)
    if isinstance(value, float):
        raise InvalidRequestError(
            field, "is a float: pass an int (won) or decimal.Decimal so the amount stays exact"
        )
    raise InvalidRequestError(field, f"must be an int or decimal.Decimal, not {type(value).__name__}")


def _request(args: Dict[str, Any]) -> str:
    body = {}
    for key, value in args.items():
        if value is None:
            continue
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidRequestError(key, "is not valid Unicode text") from None
        body[key] = _encode_amount(key, value) if key in _AMOUNT_FIELDS else value
    try:
        return json.dumps(body, ensure_ascii=False)
    except (TypeError, ValueError):
        # Name the field without echoing its value (it may be card data).
        for key, value in body.items():
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                raise InvalidRequestError(key, "has a type that cannot be sent") from None
        raise


def _args(scope: Dict[str, Any]) -> Dict[str, Any]:
    """An operation's keyword arguments (its ``locals()``) without ``self``."""
    return {k: v for k, v in scope.items() if k != "self"}


def _decode(text: str) -> Any:
    # parse_float=Decimal keeps fractional amounts exact.
    return json.loads(text, parse_float=Decimal)


def _payment(text: str) -> Payment:
    return Payment._from_wire(_decode(text))


def _payments(text: str) -> List[Payment]:
    return [Payment._from_wire(p) for p in _decode(text)]


def _billing_key(text: str) -> BillingKey:
    return BillingKey._from_wire(_decode(text))


def _schedule(text: str) -> Schedule:
    return Schedule._from_wire(_decode(text))


def _schedules(text: str) -> List[Schedule]:
    return [Schedule._from_wire(s) for s in _decode(text)]


def _found_keys(text: str) -> "Found[BillingKey]":
    d = _decode(text)
    return Found([BillingKey._from_wire(k) for k in d["found"]], list(d["missing"]))


def _found_payments(text: str) -> "Found[Payment]":
    d = _decode(text)
    return Found([Payment._from_wire(p) for p in d["found"]], list(d["missing"]))


def _verified(text: str) -> VerifiedWebhook:
    return VerifiedWebhook._from_wire(_decode(text))


def _unix(field: str, value: Any) -> int:
    """Unix seconds from an int or an aware datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidRequestError(field, "must be a timezone-aware datetime (or unix seconds)")
        return int(value.timestamp())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidRequestError(field, "must be unix seconds (int) or a timezone-aware datetime")


def _entry(entry: Mapping[str, Any]) -> Dict[str, Any]:
    out = {}
    for key, value in entry.items():
        if value is None:
            continue
        if key == "schedule_at":
            value = _unix(key, value)
        elif key in _AMOUNT_FIELDS:
            value = _encode_amount(key, value)
        out[key] = value
    return out


def _page_of(convert: Callable[[Dict[str, Any]], Any]) -> Callable[[str], Any]:
    def read(text: str) -> Any:
        d = _decode(text)
        return [convert(x) for x in d.get("list") or []], d.get("next")

    return read


def _none(text: str) -> None:
    return None


def _raise(err: Exception) -> None:
    """Re-raises a native error as its exception class."""
    kind, payload = err.args
    mapped = from_native(kind, payload)
    raise mapped from mapped.__cause__


class _Operations:
    """The operations, written once; ``_run`` is blocking or async."""

    _native: Any

    def __init__(
        self,
        imp_key: Optional[str] = None,
        imp_secret: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        tier: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
        max_retries: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
        _from_env: bool = False,
    ) -> None:
        try:
            self._native = _native.NativeClient(
                imp_key,
                imp_secret,
                base_url,
                tier,
                timeout,
                connect_timeout,
                user_agent,
                _from_env,
                max_retries,
                initial_backoff,
                max_backoff,
            )
        except _native.NativeError as err:
            _raise(err)

    def with_options(
        self,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
    ) -> Any:
        """The same client (connections, token) with per-call settings, e.g.
        ``client.with_options(max_retries=0).get_payment(imp_uid)``."""
        clone = type(self).__new__(type(self))
        try:
            clone._native = self._native.with_options(timeout, max_retries, initial_backoff, max_backoff)
        except _native.NativeError as err:
            _raise(err)
        return clone

    @classmethod
    def from_env(
        cls,
        *,
        base_url: Optional[str] = None,
        tier: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
        max_retries: Optional[int] = None,
        initial_backoff: Optional[float] = None,
        max_backoff: Optional[float] = None,
    ) -> Any:
        """A client from ``IAMPORT_IMP_KEY``, ``IAMPORT_IMP_SECRET`` and ``IAMPORT_BASE_URL``."""
        return cls(
            base_url=base_url,
            tier=tier,
            timeout=timeout,
            connect_timeout=connect_timeout,
            user_agent=user_agent,
            max_retries=max_retries,
            initial_backoff=initial_backoff,
            max_backoff=max_backoff,
            _from_env=True,
        )

    @property
    def base_url(self) -> str:
        return str(self._native.base_url)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url!r}>"

    def _run(self, op: str, args: Dict[str, Any], convert: Callable[[str], Any]) -> Any:
        raise NotImplementedError

    def pay_onetime(
        self,
        *,
        merchant_uid: str,
        amount: Amount,
        card_number: str,
        expiry: str,
        birth: Optional[str] = None,
        pwd_2digit: Optional[str] = None,
        cvc: Optional[str] = None,
        customer_uid: Optional[str] = None,
        pg: Optional[str] = None,
        channel_group_id: Optional[str] = None,
        currency: Optional[str] = None,
        tax_free: Optional[Amount] = None,
        vat_amount: Optional[Amount] = None,
        vat: Optional[Amount] = None,
        name: Optional[str] = None,
        buyer_name: Optional[str] = None,
        buyer_email: Optional[str] = None,
        buyer_tel: Optional[str] = None,
        buyer_addr: Optional[str] = None,
        buyer_postcode: Optional[str] = None,
        card_quota: Optional[int] = None,
        interest_free_by_merchant: Optional[bool] = None,
        use_card_point: Optional[bool] = None,
        custom_data: Optional[str] = None,
        notice_url: Optional[str] = None,
        browser_ip: Optional[str] = None,
        secure_3d_charge_id: Optional[str] = None,
        secure_3d_token: Optional[str] = None,
        product_type: Optional[str] = None,
        promotion_id: Optional[str] = None,
        bypass: Optional[str] = None,
    ) -> Any:
        """Key-in payment; with ``customer_uid`` the card is also stored as a billing key."""
        args = _args(locals())
        # The one field whose wire name is not its snake_case name.
        args["channelGroupId"] = args.pop("channel_group_id")
        return self._run("pay_onetime", args, _payment)

    def issue_billing_key(
        self,
        *,
        customer_uid: str,
        card_number: str,
        expiry: str,
        birth: Optional[str] = None,
        pwd_2digit: Optional[str] = None,
        cvc: Optional[str] = None,
        pg: Optional[str] = None,
        channel_key: Optional[str] = None,
        channel_group_id: Optional[str] = None,
        customer_id: Optional[str] = None,
        customer_name: Optional[str] = None,
        customer_tel: Optional[str] = None,
        customer_email: Optional[str] = None,
        customer_addr: Optional[str] = None,
        customer_postcode: Optional[str] = None,
    ) -> Any:
        """Issue (or replace) the billing key ``customer_uid``."""
        return self._run("issue_billing_key", _args(locals()), _billing_key)

    def get_billing_key(self, customer_uid: str) -> Any:
        """The billing key stored under ``customer_uid``."""
        return self._run("get_billing_key", {"customer_uid": customer_uid}, _billing_key)

    def delete_billing_key(self, customer_uid: str, *, reason: Optional[str] = None) -> Any:
        """Delete the billing key ``customer_uid``; returns what was deleted."""
        return self._run("delete_billing_key", {"customer_uid": customer_uid, "reason": reason}, _billing_key)

    def pay_again(
        self,
        *,
        customer_uid: str,
        merchant_uid: str,
        amount: Amount,
        name: Optional[str] = None,
        currency: Optional[str] = None,
        tax_free: Optional[Amount] = None,
        vat_amount: Optional[Amount] = None,
        vat: Optional[Amount] = None,
        buyer_name: Optional[str] = None,
        buyer_email: Optional[str] = None,
        buyer_tel: Optional[str] = None,
        buyer_addr: Optional[str] = None,
        buyer_postcode: Optional[str] = None,
        card_quota: Optional[int] = None,
        interest_free_by_merchant: Optional[bool] = None,
        use_card_point: Optional[bool] = None,
        custom_data: Optional[str] = None,
        notice_url: Optional[str] = None,
        browser_ip: Optional[str] = None,
        product_type: Optional[str] = None,
        product_count: Optional[int] = None,
        cash_receipt_type: Optional[str] = None,
        bypass: Optional[str] = None,
        extra: Optional[Dict[str, str]] = None,
        promotion_id: Optional[str] = None,
        channel_key: Optional[str] = None,
    ) -> Any:
        """Charge the billing key ``customer_uid``. A decline raises ``CardDeclinedError``."""
        return self._run("pay_again", _args(locals()), _payment)

    def get_payment(self, imp_uid: str) -> Any:
        """One payment by ``imp_uid``."""
        return self._run("get_payment", {"imp_uid": imp_uid}, _payment)

    def find_payment(self, merchant_uid: str, *, status: Optional[str] = None) -> Any:
        """The most recent payment attempt for ``merchant_uid`` (optionally in ``status``)."""
        return self._run("find_payment", {"merchant_uid": merchant_uid, "status": status}, _payment)

    def find_all_payments(self, merchant_uid: str, *, status: Optional[str] = None) -> Any:
        """Every payment attempt under ``merchant_uid``, most recent first; empty when none."""
        return self._run("find_all_payments", {"merchant_uid": merchant_uid, "status": status}, _payments)

    def cancel_payment(
        self,
        *,
        imp_uid: Optional[str] = None,
        merchant_uid: Optional[str] = None,
        amount: Optional[Amount] = None,
        tax_free: Optional[Amount] = None,
        vat_amount: Optional[Amount] = None,
        checksum: Optional[Amount] = None,
        reason: Optional[str] = None,
        refund_holder: Optional[str] = None,
        refund_bank: Optional[str] = None,
        refund_account: Optional[str] = None,
        refund_tel: Optional[str] = None,
        retain_promotion: Optional[bool] = None,
        enable_webhook: Optional[bool] = None,
        extra: Optional[Dict[str, str]] = None,
    ) -> Any:
        """Refund a payment fully (no ``amount``) or partly; pass ``checksum`` to make it safe to repeat."""
        return self._run("cancel_payment", _args(locals()), _payment)

    # -- schedules (issue: the rest of the subscription API) ------------------------------------

    def schedule(
        self,
        *,
        customer_uid: str,
        schedules: Sequence[Mapping[str, Any]],
        card_number: Optional[str] = None,
        expiry: Optional[str] = None,
        birth: Optional[str] = None,
        pwd_2digit: Optional[str] = None,
        cvc: Optional[str] = None,
        checking_amount: Optional[Amount] = None,
        pg: Optional[str] = None,
        channel_key: Optional[str] = None,
        customer_id: Optional[str] = None,
    ) -> Any:
        """Schedule future charges (``schedules``: dicts with merchant_uid, schedule_at, amount, ...)."""
        args = _args(locals())
        args["schedules"] = [_entry(e) for e in schedules]
        return self._run("schedule", args, _schedules)

    def unschedule(self, merchant_uids: Sequence[str], *, customer_uid: Optional[str] = None) -> Any:
        """Revoke the listed schedules. An empty list is refused: see ``unschedule_all``."""
        return self._run(
            "unschedule", {"merchant_uids": list(merchant_uids), "customer_uid": customer_uid}, _schedules
        )

    def unschedule_all(self, customer_uid: str) -> Any:
        """Revoke every pending schedule of ``customer_uid``."""
        return self._run("unschedule_all", {"customer_uid": customer_uid}, _schedules)

    def get_schedule(self, merchant_uid: str) -> Any:
        return self._run("get_schedule", {"merchant_uid": merchant_uid}, _schedule)

    def update_schedule(self, merchant_uid: str, *, schedule_at: Union[int, datetime]) -> Any:
        """Move a pending schedule to another time."""
        args = {"merchant_uid": merchant_uid, "schedule_at": _unix("schedule_at", schedule_at)}
        return self._run("update_schedule", args, _schedule)

    def reschedule(self, merchant_uid: str, *, schedule_at: Union[int, datetime]) -> Any:
        """Schedule a failed or revoked charge again."""
        args = {"merchant_uid": merchant_uid, "schedule_at": _unix("schedule_at", schedule_at)}
        return self._run("reschedule", args, _schedule)

    def retry_schedule(self, merchant_uid: str) -> Any:
        """Charge a failed or revoked schedule now (a decline raises ``CardDeclinedError``)."""
        return self._run("retry_schedule", {"merchant_uid": merchant_uid}, _payment)

    def get_billing_keys(self, customer_uids: Sequence[str]) -> Any:
        """Several billing keys; ids without one are in ``missing``."""
        return self._run("get_billing_keys", {"customer_uids": list(customer_uids)}, _found_keys)

    def get_payments(self, imp_uids: Sequence[str]) -> Any:
        """Several payments by imp_uid; unknown ids are in ``missing``."""
        return self._run("get_payments", {"imp_uids": list(imp_uids)}, _found_payments)

    def verify_webhook(self, body: Union[bytes, str], content_type: str) -> Any:
        """Parse a webhook, fetch its payment and check it matches; returns a ``VerifiedWebhook``."""
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        return self._run("verify_webhook", {"body": text, "content_type": content_type}, _verified)

    def list_schedules(
        self, *, from_: Union[int, datetime], to: Union[int, datetime], status: Optional[str] = None
    ) -> Any:
        """Every schedule in ``[from_, to)``, pages of 1000 fetched lazily."""
        args = {"from": _unix("from", from_), "to": _unix("to", to), "status": status, "limit": 1000}
        return self._pages("list_schedules_page", args, _page_of(Schedule._from_wire))

    def list_schedules_by_customer(
        self,
        customer_uid: str,
        *,
        from_: Union[int, datetime],
        to: Union[int, datetime],
        status: Optional[str] = None,
    ) -> Any:
        """Every schedule of ``customer_uid`` in ``[from_, to)``, pages fetched lazily."""
        args = {"customer_uid": customer_uid, "from": _unix("from", from_), "to": _unix("to", to), "status": status}
        return self._pages("list_schedules_by_customer_page", args, _page_of(Schedule._from_wire))

    def list_customer_payments(self, customer_uid: str) -> Any:
        """Every payment made with a billing key, pages fetched lazily."""
        return self._pages(
            "list_customer_payments_page", {"customer_uid": customer_uid}, _page_of(Payment._from_wire)
        )

    def _pages(self, op: str, args: Dict[str, Any], read: Callable[[str], Any]) -> Any:
        raise NotImplementedError

    def check_credentials(self) -> Any:
        """Fetch (or reuse) an access token: a cheap check of the credentials."""
        return self._run("check_credentials", {}, _none)


class Client(_Operations):
    """Blocking client. Releases the GIL for the whole network call; safe to share across threads."""

    def _run(self, op: str, args: Dict[str, Any], convert: Callable[[str], Any]) -> Any:
        request = _request(args)
        try:
            text = self._native.call_blocking(op, request)
        except _native.NativeError as err:
            _raise(err)
        return convert(text)


    def _pages(self, op: str, args: Dict[str, Any], read: Callable[[str], Any]) -> Iterator[Any]:
        page: Optional[int] = 1
        while page is not None:
            items, following = self._run(op, dict(args, page=page), read)
            yield from items
            page = following if following and following > page else None


class AsyncClient(_Operations):
    """asyncio client; every method returns an awaitable. Safe to share across tasks and threads."""

    def _run(self, op: str, args: Dict[str, Any], convert: Callable[[str], Any]) -> Any:
        # Validate and encode now, so bad input raises at the call site like the blocking client.
        request = _request(args)
        return self._await(op, request, convert)

    async def _await(self, op: str, request: str, convert: Callable[[str], Any]) -> Any:
        try:
            text = await self._native.call_async(op, request)
        except _native.NativeError as err:
            _raise(err)
        return convert(text)

    async def _pages(self, op: str, args: Dict[str, Any], read: Callable[[str], Any]) -> AsyncIterator[Any]:
        page: Optional[int] = 1
        while page is not None:
            items, following = await self._run(op, dict(args, page=page), read)
            for item in items:
                yield item
            page = following if following and following > page else None
