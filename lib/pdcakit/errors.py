"""The project's own errors: one base, so the command line reports these in one line and
lets a bug (any other exception) show its traceback.

Every error a user can cause derives from :class:`PdcaError` and says what was wrong,
where (file, field, column, rows) and the fix. Most also derive from ``ValueError`` so
code that caught ``ValueError`` before keeps working.

>>> issubclass(UsageError, PdcaError) and issubclass(UsageError, ValueError)
True
"""

from __future__ import annotations

__all__ = ["PdcaError", "UsageError"]


class PdcaError(Exception):
    """Bad input or usage, said for the user (the command line exits with status 2)."""


class UsageError(PdcaError, ValueError):
    """A name or choice the command does not know (a cycle id, a stage, an option)."""
