"""Shared fixtures. Every test runs with its own config and data folders, never the real home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """Point STRETCHBREAK_CONFIG_DIR and STRETCHBREAK_DATA_DIR at fresh temporary folders."""
    config = tmp_path / "config"
    data = tmp_path / "data"
    monkeypatch.setenv("STRETCHBREAK_CONFIG_DIR", str(config))
    monkeypatch.setenv("STRETCHBREAK_DATA_DIR", str(data))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield config, data
