"""The browser tests' fixtures: Chromium itself is shared (tests/conftest.py), pages are per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import Pages
from tests.support.live import LiveServer


@pytest.fixture
def pages(chromium: Any, server: LiveServer) -> Iterator[Pages]:
    """Open watched pages against the test's server; their contexts are closed afterwards."""
    opened = Pages(chromium, server.url)
    yield opened
    opened.close()
