"""Every docstring example in the library runs and gives what it shows.

The examples are the first thing a reader copies; a wrong one is a bug.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import pdcakit

MODULES = sorted(name for _, name, _ in pkgutil.walk_packages(pdcakit.__path__, "pdcakit.")
                 if not name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
