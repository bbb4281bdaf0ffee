"""The blocking ``Client`` and the asyncio ``AsyncClient``.

Their methods are native (``_native.Client``/``AsyncClient``, written once for both in Rust): a
call runs no Python code of this package, so no frame of it ever holds the card data passed in.
These subclasses give the classes their public home, and let tests patch methods on them.
Signatures: ``_native.pyi`` (generated from core's declarations).
"""

from . import _native

__all__ = ["Client", "AsyncClient"]


class Client(_native.Client):
    """Blocking client. Releases the GIL for the whole network call; safe to share across threads.

    ``Client(imp_key, imp_secret, *, base_url=..., tier=None, timeout=60, connect_timeout=10,
    user_agent=None, max_retries=2, initial_backoff=0.5, max_backoff=5)``; times in seconds.
    """

    __slots__ = ()


class AsyncClient(_native.AsyncClient):
    """asyncio client: every method returns a coroutine. Safe to share across tasks and threads.

    Nothing is sent until the coroutine is awaited. Cancelling it (``task.cancel()``,
    ``asyncio.wait_for`` running out) stops the request like a lost connection would: a charge
    already sent may still complete, so settle it with ``find_payment(merchant_uid)``.
    """

    __slots__ = ()
