"""Test session set-up: array-API checks enabled, optional doctests skipped."""

import importlib.util
import os

# scikit-learn's common checks include one that NumPy inputs give the same
# results with array-API dispatch on; it needs SciPy's array-API mode, which
# is read once, when SciPy is first imported (so this must come first).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import pytest

_OPTIONAL_DOCTESTS = {"skseq/sktime.py": "sktime", "skseq/plotting.py": "matplotlib"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for path, package in _OPTIONAL_DOCTESTS.items():
            if item.nodeid.startswith(path) and not importlib.util.find_spec(package):
                item.add_marker(pytest.mark.skip(reason=f"{package} is not installed"))
