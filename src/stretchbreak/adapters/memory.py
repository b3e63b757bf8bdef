"""Give memory freed during start-up back to the operating system.

Start-up allocates and frees a lot (imports, APScheduler's entry-point scan, the first history
read). glibc keeps freed heap pages mapped, so a dashboard that stays open all day would carry
them for nothing; `malloc_trim(0)` returns them (about 3 MB, measured with
`benchmarks/bench_footprint.py`). Where there is no glibc (macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import gc
import sys


def release_free_memory() -> bool:
    """Collect garbage, then ask the C allocator to return free pages; True if it released any."""
    gc.collect()
    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))
