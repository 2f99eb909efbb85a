"""Test session set-up: array-API checks on, optional doctests skipped, sktime's
warning filters put back."""

import importlib.util
import os
import warnings

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


@pytest.fixture(autouse=True)
def sktime_restores_warning_filters(monkeypatch):
    """sktime 1.2 leaves a warning filter behind in ``evaluate``; undo it.

    Its ``_SuppressWarningPattern`` exits by inserting ``("default",
    FutureWarning)`` before every other filter, so later FutureWarnings would
    be printed instead of failing the test that follows (tests/test_sktime.py
    checks both the leak and this fix).
    """
    try:
        from sktime.utils.warnings import _SuppressWarningPattern
    except ImportError:
        return
    enter = _SuppressWarningPattern.__enter__

    def enter_restorably(self):
        self._saved_filters = warnings.catch_warnings()
        self._saved_filters.__enter__()
        enter(self)

    def exit_restoring(self, *exc_info):
        self._saved_filters.__exit__(*exc_info)

    monkeypatch.setattr(_SuppressWarningPattern, "__enter__", enter_restorably)
    monkeypatch.setattr(_SuppressWarningPattern, "__exit__", exit_restoring)
