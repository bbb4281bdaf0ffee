"""The blocking ``Client`` and the asyncio ``AsyncClient``.

Both are thin: keyword arguments become the core request (wire names), the core client does the
rest (validation, token cache, error mapping, redaction). Precise per-class signatures are in
``_client.pyi``; the operations are written once in ``_Operations``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional

from . import _native
from .errors import InvalidRequestError, from_native
from .models import Amount, BillingKey, Payment

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
        _from_env: bool = False,
    ) -> None:
        try:
            self._native = _native.NativeClient(
                imp_key, imp_secret, base_url, tier, timeout, connect_timeout, user_agent, _from_env
            )
        except _native.NativeError as err:
            _raise(err)

    @classmethod
    def from_env(
        cls,
        *,
        base_url: Optional[str] = None,
        tier: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
    ) -> Any:
        """A client from ``IAMPORT_IMP_KEY``, ``IAMPORT_IMP_SECRET`` and ``IAMPORT_BASE_URL``."""
        return cls(
            base_url=base_url,
            tier=tier,
            timeout=timeout,
            connect_timeout=connect_timeout,
            user_agent=user_agent,
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
