"""Every code example of README.md and docs/*.rst runs as shown.

What counts as an example, and how it is checked:

* README.md: each fenced ```python block is run.  A ```text block that
  follows it (nothing but blank lines between) is its expected output.
* docs/*.rst: each ``.. code-block:: python`` and each ``::`` literal block
  is run (Sphinx highlights a literal block as Python, so it must be Python;
  write other text as ``.. code-block:: text`` or ``bash``).  A
  ``.. code-block:: text`` right after one is its expected output.  Each
  ``>>>`` doctest block is run by `doctest`, its output compared line by
  line.
* Expected output is compared as doctest does with ``ELLIPSIS`` and
  ``NORMALIZE_WHITESPACE``; numbers are rounded in the example itself.  A
  block that prints without showing its output fails: the reader could not
  compare.  ``bash``, ``text`` and other blocks are not run.

The examples of one file run in order, in one namespace, in a temporary
working directory, under the test suite's warning filters (warnings are
errors), so an example that prints a warning fails.  A failure names the
file, the line of the block and the error.

A few examples cannot run here because they need something outside the
machine; they are listed in ``NOT_RUN`` with the reason, and the docs say so
next to them.  Each entry must match exactly one block, so the list cannot
go stale.
"""

import contextlib
import doctest
import io
import re
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.rst"))]

# file -> {text found in the block: why it cannot run here}
NOT_RUN = {
    "docs/sentiment.rst": {
        'fetch_imdb(subset="train")': "downloads the 84 MB IMDB archive",
    },
    "docs/dask.rst": {
        'Client("tcp://scheduler:8786")': "needs a running Dask scheduler",
    },
}
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass
class Block:
    kind: str  # "python", "doctest" or "text"
    code: str
    line: int  # where it starts, counting from 1
    end: int  # index of the first line after it
    output: str | None = None


def _indent(line):
    return len(line) - len(line.lstrip())


def _indented_body(lines, start, base):
    """The lines after ``start`` indented deeper than ``base``, dedented."""
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > base):
        end += 1
    body = lines[start:end]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    depth = min((_indent(line) for line in body if line.strip()), default=0)
    return "\n".join(line[depth:] for line in body) + "\n", end


def rst_blocks(text):
    """Python, doctest and text blocks of a reST file, in order."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        line, stripped = lines[i], lines[i].strip()
        directive = re.match(r"\.\. code-block::\s*(\S*)", stripped)
        if directive:
            start = i + 1
            while start < len(lines) and lines[start].strip().startswith(":"):
                start += 1
            code, end = _indented_body(lines, start, _indent(line))
            blocks.append(Block(directive[1] or "python", code, i + 1, end))
            i = end
        elif stripped.endswith("::") and not stripped.startswith(".."):
            code, end = _indented_body(lines, i + 1, _indent(line))
            blocks.append(Block("python", code, i + 2, end))
            i = end
        elif stripped.startswith(">>>"):
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            code = "\n".join(lines[i:end])
            blocks.append(Block("doctest", code + "\n", i + 1, end))
            i = end
        else:
            i += 1
    return _attach_outputs(blocks, lines)


def markdown_blocks(text):
    """Python and text blocks of a Markdown file, in order."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        fence = re.match(r"```(\w*)", lines[i])
        if fence:
            end = i + 1
            while not lines[end].startswith("```"):
                end += 1
            code = "\n".join(lines[i + 1 : end]) + "\n"
            blocks.append(Block(fence[1], code, i + 1, end + 1))
            i = end + 1
        else:
            i += 1
    return _attach_outputs(blocks, lines)


def _attach_outputs(blocks, lines):
    """Give a python block the text block that directly follows it."""
    kept = []
    for block in blocks:
        previous = kept[-1] if kept else None
        if (
            block.kind == "text"
            and previous is not None
            and previous.kind == "python"
            and previous.output is None
            and not any(line.strip() for line in lines[previous.end : block.line - 1])
        ):
            previous.output = block.code
        else:
            kept.append(block)
    return kept


def all_blocks(path):
    text = path.read_text(encoding="utf-8")
    return markdown_blocks(text) if path.suffix == ".md" else rst_blocks(text)


def doc_blocks(path):
    return [b for b in all_blocks(path) if b.kind in ("python", "doctest")]


def _not_run_reason(block, not_run):
    for marker, reason in not_run.items():
        if marker in block.code:
            return reason
    return None


def _run_python(block, namespace, where):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(block.code, where, "exec"), namespace)
    except Exception:
        pytest.fail(f"{where} raised:\n{traceback.format_exc(limit=-3)}")
    got = out.getvalue()
    if block.output is None:
        if got:
            pytest.fail(f"{where} printed output that the docs do not show:\n{got}")
        return
    checker = doctest.OutputChecker()
    if not checker.check_output(block.output, got, OPTIONS):
        example = doctest.Example(block.code, block.output)
        pytest.fail(
            f"{where} printed other output than the docs show:\n"
            + checker.output_difference(example, got, OPTIONS)
        )


def _run_doctest(block, namespace, where):
    examples = doctest.DocTestParser().get_examples(block.code)
    test = doctest.DocTest(examples, {}, where, where, block.line, None)
    test.globs = namespace  # DocTest copies the globals it is given
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report = []
    result = runner.run(test, out=report.append, clear_globs=False)
    if result.failed:
        pytest.fail(f"{where} failed:\n" + "".join(report))


@pytest.mark.parametrize(
    "path", DOC_FILES, ids=[str(p.relative_to(ROOT)) for p in DOC_FILES]
)
def test_examples_run_as_shown(path, tmp_path, monkeypatch):
    name = str(path.relative_to(ROOT))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    not_run = NOT_RUN.get(name, {})
    skipped = {marker: 0 for marker in not_run}
    namespace = {"__name__": "__main__"}
    for number, block in enumerate(doc_blocks(path), start=1):
        where = f"{name}, block {number} (line {block.line})"
        if _not_run_reason(block, not_run):
            skipped[next(m for m in not_run if m in block.code)] += 1
            continue
        start = time.perf_counter()
        if block.kind == "doctest":
            _run_doctest(block, namespace, where)
        else:
            _run_python(block, namespace, where)
        print(f"{where}: {time.perf_counter() - start:.1f} s")
    stale = {marker: count for marker, count in skipped.items() if count != 1}
    assert not stale, f"NOT_RUN entries of {name} must match one block each: {stale}"


@pytest.mark.parametrize(
    "path", DOC_FILES, ids=[str(p.relative_to(ROOT)) for p in DOC_FILES]
)
def test_code_lines_fit_the_page(path):
    """The HTML theme cuts code lines off after 79 columns."""
    too_long = [
        f"line {block.line}: {line}"
        for block in all_blocks(path)
        for line in (block.code + (block.output or "")).splitlines()
        if len(line) > 79
    ]
    assert not too_long, "\n".join(too_long)


def test_the_parser_finds_every_kind_of_block():
    rst = (
        "Intro::\n\n    x = 1\n\n"
        ".. code-block:: python\n   :caption: c\n\n   print(x)\n\n"
        ".. code-block:: text\n\n   1\n\n"
        ".. code-block:: bash\n\n   make test\n\n"
        ">>> x + 1\n2\n\nText.\n"
    )
    blocks = rst_blocks(rst)
    assert [(b.kind, b.code, b.output) for b in blocks] == [
        ("python", "x = 1\n", None),
        ("python", "print(x)\n", "1\n"),
        ("bash", "make test\n", None),
        ("doctest", ">>> x + 1\n2\n", None),
    ]
    markdown = "```python\nprint(2)\n```\n\n```text\n2\n```\n\n```bash\nls\n```\n"
    assert [(b.kind, b.output) for b in markdown_blocks(markdown)] == [
        ("python", "2\n"),
        ("bash", None),
    ]
