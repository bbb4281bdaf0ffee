"""Every language-neutral scenario, through the blocking and the asyncio client."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from scenario_runner import run_scenario, scenarios

SCENARIOS = scenarios()


def test_the_scenario_files_are_found() -> None:
    assert len(SCENARIOS) >= 15


@pytest.mark.parametrize("name,scenario", SCENARIOS, ids=[n for n, _ in SCENARIOS])
def test_scenario_blocking_client(name: str, scenario: Dict[str, Any]) -> None:
    run_scenario(name, scenario, use_async=False)


@pytest.mark.parametrize("name,scenario", SCENARIOS, ids=[n for n, _ in SCENARIOS])
def test_scenario_async_client(name: str, scenario: Dict[str, Any]) -> None:
    run_scenario(name, scenario, use_async=True)
