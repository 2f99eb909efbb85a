"""Skip doctests of modules whose optional dependency is not installed."""

import importlib.util

import pytest

_OPTIONAL_DOCTESTS = {"skseq/sktime.py": "sktime", "skseq/plotting.py": "matplotlib"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for path, package in _OPTIONAL_DOCTESTS.items():
            if item.nodeid.startswith(path) and not importlib.util.find_spec(package):
                item.add_marker(pytest.mark.skip(reason=f"{package} is not installed"))
