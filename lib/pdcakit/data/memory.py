"""Hand memory freed while reading back to the operating system.

Reading an export goes through Arrow (Parquet, and CSV with the pyarrow engine)
and pandas temporaries. When they are freed, Arrow's allocator (mimalloc or
jemalloc) and glibc's malloc keep the pages for reuse, so a stage notebook that
read a million tickets would hold a few hundred MB it no longer uses, while
three stages run side by side. Releasing them after each load keeps the
resident size close to the live data.

>>> release_unused_memory()  # safe to call anywhere, a no-op where unsupported
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys

__all__ = ["release_unused_memory"]


def release_unused_memory() -> None:
    """Return free pages of Arrow's memory pool and of glibc's heap to the system."""
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        with contextlib.suppress(AttributeError):  # pyarrow < 9 cannot release
            arrow.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (e.g. musl)
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
