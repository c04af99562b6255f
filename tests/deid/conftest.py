"""One analyzer per test module: building it loads spaCy pipelines (about a second)."""

from __future__ import annotations

import pytest

from workbench.deid.engine import Detector, shared_detector


@pytest.fixture(scope="module")
def detector() -> Detector:
    return shared_detector()
