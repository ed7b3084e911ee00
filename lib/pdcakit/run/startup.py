"""Start-up cost of the processes that drive notebooks (the ``pdca`` command and the
template refresh), kept to what they use.

nbformat validates notebooks with jsonschema, and jsonschema, when the optional
``rfc3987_syntax`` package is installed (JupyterLab's ``jupyter-events`` pulls it in
through ``jsonschema[format-nongpl]``), builds a Lark grammar for the ``iri`` and
``iri-reference`` formats at import time: about 3 s of CPU on this project's 2-core
machine, before any work starts (python-jsonschema/jsonschema issues 1392 and 1428).
Notebook schemas use neither format, so the driving processes hide that package
from jsonschema's optional import; jsonschema then skips those two format checks,
as it does wherever the package is not installed. Kernels, JupyterLab and
``import pdcakit`` in a user's own session are not affected.

>>> "rfc3987_syntax" in UNUSED_OPTIONAL_IMPORTS   # the CLI calls skip_unused_optional_imports()
True
"""

from __future__ import annotations

import sys

__all__ = ["UNUSED_OPTIONAL_IMPORTS", "skip_unused_optional_imports"]

# optional imports of our dependencies that notebook execution never uses
UNUSED_OPTIONAL_IMPORTS = ("rfc3987_syntax",)


def skip_unused_optional_imports() -> None:
    """Make the optional imports in :data:`UNUSED_OPTIONAL_IMPORTS` fail fast.

    A ``None`` entry in ``sys.modules`` makes ``import name`` raise ImportError,
    the case the importing library already handles. A module imported before this
    call is left as it is.
    """
    for name in UNUSED_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)
