"""pytest plugin (registered through the ``pytest11`` entry point): the ``iamport_sandbox`` fixture.

    def test_monthly_charge(iamport_sandbox):
        client = iamport_sandbox.client()
        ...
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .testing import Sandbox


@pytest.fixture
def iamport_sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox for one test, stopped afterwards."""
    with Sandbox() as sandbox:
        yield sandbox
