"""The start-up memory release works on this (glibc) Linux and is harmless to repeat."""

from __future__ import annotations

import sys

import pytest

from stretchbreak.adapters.memory import release_free_memory


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux-only"
)
def test_freed_heap_pages_are_returned_after_a_burst_of_allocations() -> None:
    burst = [bytes(4096) for _ in range(20_000)]  # ~80 MB through malloc, not pymalloc
    keep = burst[::997]  # a few survivors fragment the heap, as start-up leaves it
    del burst
    assert release_free_memory() is True
    assert len(keep) > 0
