"""Sphinx configuration of the skseq documentation."""

import os
import re
import sys

# Build from the checkout, also without installing skseq.
sys.path.insert(0, os.path.abspath(".."))

# Examples that fit a network must not depend on which Keras backend the
# machine building the docs happens to have configured.
os.environ.setdefault("KERAS_BACKEND", "jax")

import skseq  # noqa: E402

project = "skseq"
author = "skseq developers"
copyright = "skseq developers"
version = release = skseq.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "numpydoc",
]

exclude_patterns = ["_build", "requirements.txt"]
templates_path = ["_templates"]

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"

# numpydoc renders the Parameters/Attributes sections; autosummary lists the
# methods, so numpydoc must not add its own member tables.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# As scikit-learn does: types such as "ndarray of shape (n_features_in_,)"
# are parsed, so a trailing underscore is not read as a link target.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
# numpydoc's default aliases point into the Python and NumPy inventories;
# the docs build offline (no intersphinx), so plain names are used instead.
numpydoc_xref_aliases = {
    name: name
    for name in (
        "None", "bool", "boolean", "True", "False", "list", "tuple", "str",
        "string", "dict", "float", "int", "callable", "iterable", "sequence",
        "contextmanager", "namedtuple", "generator", "array-like", "array_like",
        "scalar", "numpy",
    )
}
numpydoc_xref_aliases.update(
    {
        "SequenceWindows": "skseq.SequenceWindows",
        "WindowGeometry": "skseq.WindowGeometry",
        "WindowOperation": "skseq.WindowOperation",
    }
)

default_role = "obj"

html_theme = "pydata_sphinx_theme"
html_title = f"skseq {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document only what skseq defines, not members inherited from sklearn.

    scikit-learn generates ``set_*_request`` methods whose docstrings refer to
    its own glossary; they are routing plumbing, not skseq API.
    """
    if name.startswith("set_") and name.endswith("_request"):
        return True
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and callable(obj) and not module.startswith("skseq"):
        return True
    return None


_TRAILING_UNDERSCORE = re.compile(r"\b([A-Za-z]\w*?)_(?=[,)\]])")


def _escape_attribute_names_in_types(app, what, name, obj, options, lines):
    """Keep ``ndarray of shape (n_features_in_,)`` from becoming a link target.

    In the type of a ``name : type`` line, reST reads ``word_`` as a reference;
    a backslash before the underscore keeps it literal.
    """
    for i, line in enumerate(lines):
        head, sep, kind = line.partition(" : ")
        if sep and head.strip() and " " not in head.strip():
            lines[i] = head + sep + _TRAILING_UNDERSCORE.sub(r"\1\\_", kind)


# Every public module; those that fail to import (an optional dependency
# missing) are skipped by the completeness check below.
PUBLIC_MODULES = (
    "skseq",
    "skseq.preprocessing",
    "skseq.forecasting",
    "skseq.classification",
    "skseq.datasets",
    "skseq.sktime",
    "skseq.plotting",
)


def _check_api_is_complete(app):
    """Warn (an error under -W) when a public name is missing from api.rst."""
    import importlib

    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    with open(os.path.join(app.srcdir, "api.rst"), encoding="utf-8") as file:
        text = file.read()
    # Names listed in an autosummary, or documented as module data.
    documented = set(re.findall(r"^\s+([A-Za-z_]\w*)\s*$", text, re.M))
    documented |= set(re.findall(r"^\.\. data:: ([A-Za-z_]\w*)\s*$", text, re.M))
    for module_name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in getattr(module, "__all__", ()):
            if name not in documented:
                logger.warning(
                    "%s.%s is public (in __all__) but not listed in api.rst",
                    module_name,
                    name,
                )


def setup(app):
    app.connect("builder-inited", _check_api_is_complete)
    app.connect("autodoc-skip-member", _skip_foreign_members)
    # Before numpydoc (priority 500) turns the sections into reST.
    app.connect("autodoc-process-docstring", _escape_attribute_names_in_types, 400)
