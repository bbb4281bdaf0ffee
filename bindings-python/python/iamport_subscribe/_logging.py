"""Tells the native log bridge when Python's ``logging`` configuration may have changed.

The bridge caches, per logger, whether a level is enabled (so a disabled record costs no GIL on
the runtime's threads). ``logging`` keeps the same kind of cache and drops it in
``Manager._clear_cache``, which ``Logger.setLevel``, ``logging.disable`` and the config functions
call; wrapping it makes the bridge drop its cache at exactly the same moments.
"""

from __future__ import annotations

import logging
from typing import Any, Callable


def install(changed: Callable[[], None]) -> bool:
    """Wraps ``logging.Manager._clear_cache`` to also call ``changed``; False if it is missing."""
    manager: Any = logging.Manager
    original = getattr(manager, "_clear_cache", None)
    if original is None:
        return False
    if getattr(original, "_iamport_changed", None) is not None:
        return True

    def _clear_cache(self: Any) -> None:
        original(self)
        changed()

    _clear_cache._iamport_changed = changed  # type: ignore[attr-defined]
    manager._clear_cache = _clear_cache
    return True
