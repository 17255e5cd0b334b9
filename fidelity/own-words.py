#!/usr/bin/env python3
"""How much of Kindling's Python package reads like PySpark's source, line for line.

Kindling offers PySpark's API and must behave exactly as PySpark, but its code is its own
(NOTICE). This tool keeps that checkable: it compares every module of ``python/kindling/``
with its PySpark counterpart(s) in an installed pip ``pyspark`` and reports

- identical non-trivial lines: statements of ours whose normal form occurs in the counterpart;
- runs: three or more consecutive non-trivial statements of ours that occur consecutively in
  one counterpart file (a copied block, even when each line on its own is ordinary).

Lines are logical lines (statements), so re-wrapping a statement does not hide it: tokens are
joined by one space, string literals are compared by value (quote style does not matter),
comments and blank lines are gone. Left out as trivial: docstrings and other bare strings,
imports, ``__all__``, decorators, statements of fewer than three tokens (``else:``, ``pass``,
``return x``) and short ones with at most one name or number (``return None``,
``except Exception:``), and ``self.x = x`` (a parameter stored under its own name, which the
API's attribute names dictate). Interface lines are left out too, because PySpark dictates them:
the ``def``/``class`` headers of module functions, classes and their methods (names, parameters
and defaults are PySpark's, including the private ones its own code calls, such as
``_load_stream_without_unbatching``), public constants and aliases of a module or class
(``UNKNOWN_BATCH_SIZE = 0``), and ``raise SomeError("literal message")`` lines, whose messages
programs and tests compare. Nested functions and everything in a body count.

    fidelity/own-words.py VENV_OR_PYSPARK_DIR [--kindling DIR] [--max-percent P [--min-lines N]]
                          [--max-total-percent P] [--max-run N] [--show] [--json] [--wide]
                          [module ...]

VENV_OR_PYSPARK_DIR is a venv with pip pyspark (``fidelity/.venv-4.2.1``) or the ``pyspark``
package directory itself. ``--wide`` compares every module with all of PySpark's runtime modules
(top level, ``core``, ``sql``, ``sql/classic``), not only its counterparts; a module without a
counterpart is always compared that way. Exits 1 when a module
is above ``--max-percent`` (counting modules of at least ``--min-lines`` statements), the modules
together are above ``--max-total-percent``, or a module has a run of ``--max-run`` or more lines;
2 on a usage error.
"""
import argparse
import ast
import functools
import glob
import io
import json
import keyword
import os
import sys
import tokenize

_SKIPPED_TOKENS = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                   tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}
_STRING_TOKENS = {tokenize.STRING} | {getattr(tokenize, n) for n in
                                      ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                                      if hasattr(tokenize, n)}
_NOT_CONTENT = set(keyword.kwlist) | {"self", "cls"}

# Modules whose PySpark counterpart has another name or place; every module is also compared with
# the file of its own name at the top of ``pyspark``, under ``pyspark/core`` and, for ``sql/``,
# under ``pyspark/sql/classic``.
_EXTRA_COUNTERPARTS = {
    "_driver_util.py": ["util.py", "errors/exceptions/base.py"],
    "accumulator_server.py": ["accumulators.py"],
    "callsite.py": ["traceback_utils.py", "core/context.py"],
    "jvm_leftovers.py": ["java_gateway.py"],
    "shuffle_util.py": ["shuffle.py"],
    "progress.py": ["core/status.py"],
    "protocol/auth.py": ["java_gateway.py", "worker_util.py"],
    "protocol/conninfo.py": ["java_gateway.py"],
    "protocol/constants.py": ["serializers.py"],
    "protocol/frames.py": ["serializers.py"],
    "protocol/header.py": ["worker.py", "worker_util.py"],
    "protocol/output.py": ["worker.py", "serializers.py"],
    "protocol/wire.py": ["serializers.py", "worker_util.py"],
    "resource/profile.py": ["resource/profile.py"],
    "sql/_convert.py": ["sql/types.py", "sql/session.py", "sql/conversion.py"],
    "sql/_csv.py": ["sql/readwriter.py"],
    "sql/_json.py": ["sql/readwriter.py"],
    "sql/_files.py": ["sql/readwriter.py"],
    "sql/_errors.py": ["errors/exceptions/base.py", "errors/exceptions/captured.py"],
    "sql/_rdd_hook.py": ["sql/session.py"],
    "sql/functions.py": ["sql/functions/builtin.py"],
    "ui.py": ["core/context.py"],
}


def find_pyspark(path):
    """The ``pyspark`` package directory in a venv, or ``path`` itself when it is one."""
    if os.path.isfile(os.path.join(path, "__init__.py")) and os.path.basename(
            os.path.normpath(path)) == "pyspark":
        return path
    found = sorted(glob.glob(os.path.join(path, "lib", "python*", "site-packages", "pyspark")))
    if not found:
        raise SystemExit("own-words: no pyspark package under %s (expected a venv with pip "
                         "pyspark, e.g. fidelity/.venv-4.2.1, or the pyspark directory)" % path)
    return found[-1]


def _string_value(source):
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return None  # an f-string: compared as written


def _api_lines(tree):
    """First lines of the interface statements (see the module docstring): ``def``/``class``
    headers of the module and of its classes, and their public constants and aliases."""
    def is_constant(value):
        if isinstance(value, ast.UnaryOp):
            value = value.operand
        return isinstance(value, (ast.Constant, ast.Name, ast.Attribute))

    def interface(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return True
        return (isinstance(node, ast.Assign) and is_constant(node.value) and all(
            isinstance(t, ast.Name) and not t.id.startswith("_") for t in node.targets))

    lines = set()
    for node in tree.body:
        if interface(node):
            lines.add(node.lineno)
        if isinstance(node, ast.ClassDef):
            lines.update(member.lineno for member in node.body if interface(member))
    return lines


def _is_fixed_message(toks):
    """``raise SomeError("literal text")``: the text is PySpark's where programs and tests
    compare it, so the line says no more than an API name does."""
    kinds = [kind for kind, _ in toks]
    return (len(toks) == 5 and toks[0][1] == "raise" and kinds[1] == tokenize.NAME
            and toks[2][1] == "(" and kinds[3] == tokenize.STRING and toks[4][1] == ")")


def _is_trivial(toks):
    first = toks[0][1]
    if all(kind in _STRING_TOKENS for kind, _ in toks):
        return True  # docstring or another bare string
    if first in ("import", "@") or (first == "from" and any(t == "import" for _, t in toks)):
        return True
    if first == "__all__":
        return True
    if len(toks) < 3:
        return True
    texts = [t for _, t in toks]
    if len(texts) == 5 and texts[:2] == ["self", "."] and texts[3] == "=" and texts[2] == texts[4]:
        return True  # a parameter stored under its own name
    content = [t for kind, t in toks if kind in (tokenize.NAME, tokenize.NUMBER)
               and t not in _NOT_CONTENT]
    return len(toks) <= 4 and len(content) <= 1


def statements(source):
    """``(line, normal form, kind)`` for every logical line; kind is "code", "api" or
    "trivial"."""
    api = _api_lines(ast.parse(source))
    out, toks, start = [], [], None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NEWLINE or tok.type == tokenize.ENDMARKER:
            if toks:
                toks = [(kind, text) for kind, text, _ in toks]
                text = " ".join(t for _, t in toks)
                kind = ("api" if start in api or _is_fixed_message(toks)
                        else "trivial" if _is_trivial(toks) else "code")
                out.append((start, text, kind))
            toks, start = [], None
            continue
        if tok.type in _SKIPPED_TOKENS:
            continue
        if start is None:
            start = tok.start[0]
        if tok.type == tokenize.STRING:
            # Compared by value, quotes and implicit concatenation aside.
            value = _string_value(tok.string)
            if value is not None and toks and toks[-1][0] == tokenize.STRING and isinstance(
                    toks[-1][2], type(value)):
                value = toks[-1][2] + value
                toks[-1] = (tokenize.STRING, repr(value), value)
                continue
            toks.append((tok.type, tok.string if value is None else repr(value), value))
        else:
            toks.append((tok.type, tok.string, None))
    return out


@functools.lru_cache(maxsize=None)
def _code(path):
    with open(path, encoding="utf-8") as f:
        return [(line, text) for line, text, kind in statements(f.read()) if kind == "code"]


def counterparts(rel, pyspark_dir, wide):
    names = [rel, "core/" + rel]
    if rel.startswith("sql/"):
        names.append("sql/classic/" + rel[len("sql/"):])
    names += _EXTRA_COUNTERPARTS.get(rel, [])
    if wide or not any(os.path.isfile(os.path.join(pyspark_dir, n)) for n in names):
        # No counterpart of its own: a copy could have come from anywhere in the runtime.
        for pattern in ("*.py", "core/*.py", "sql/*.py", "sql/classic/*.py"):
            names += sorted(os.path.relpath(p, pyspark_dir)
                            for p in glob.glob(os.path.join(pyspark_dir, pattern)))
    seen, found = set(), []
    for name in names:
        path = os.path.join(pyspark_dir, name)
        if name not in seen and os.path.isfile(path):
            seen.add(name)
            found.append(name)
    return found


def _runs(ours, theirs, min_run):
    """Maximal blocks of ``ours`` (indices) that occur consecutively in ``theirs``:
    ``[(first, last)]`` with at least ``min_run`` lines."""
    where = {}
    for j, text in enumerate(theirs):
        where.setdefault(text, []).append(j)
    ending = []  # longest common block ending at each line of ours
    previous = {}
    for text in ours:
        current = {j: previous.get(j - 1, 0) + 1 for j in where.get(text, ())}
        ending.append(max(current.values(), default=0))
        previous = current
    blocks = []
    for i, length in enumerate(ending):
        extended = i + 1 < len(ending) and ending[i + 1] == length + 1
        if length >= min_run and not extended:
            blocks.append((i - length + 1, i))
    return blocks


def measure(kindling_dir, pyspark_dir, rel, wide=False, min_run=3):
    ours = _code(os.path.join(kindling_dir, rel))
    refs = counterparts(rel, pyspark_dir, wide)
    texts = [text for _, text in ours]
    pool, runs = set(), []
    for name in refs:
        theirs = [text for _, text in _code(os.path.join(pyspark_dir, name))]
        pool.update(theirs)
        for first, last in _runs(texts, theirs, min_run):
            runs.append({"counterpart": name, "length": last - first + 1,
                         "lines": [ours[first][0], ours[last][0]],
                         "text": texts[first:last + 1]})
    # A block found in two counterparts is one copy: keep the longest per start.
    runs.sort(key=lambda r: (r["lines"][0], -r["length"]))
    unique, covered_to = [], 0
    for run in runs:
        if run["lines"][1] > covered_to:
            unique.append(run)
            covered_to = run["lines"][1]
    identical = [{"line": line, "text": text} for line, text in ours if text in pool]
    return {
        "module": rel,
        "counterparts": refs,
        "code_lines": len(ours),
        "identical": len(identical),
        "percent": round(100.0 * len(identical) / len(ours), 1) if ours else 0.0,
        "runs": unique,
        "longest_run": max((r["length"] for r in unique), default=0),
        "identical_lines": identical,
    }


def modules(kindling_dir, names):
    if names:
        return names
    found = []
    for root, _dirs, files in os.walk(kindling_dir):
        for f in files:
            if f.endswith(".py"):
                found.append(os.path.relpath(os.path.join(root, f), kindling_dir))
    return sorted(found)


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pyspark", help="a venv with pip pyspark, or the pyspark package directory")
    p.add_argument("modules", nargs="*", help="paths relative to --kindling (default: all)")
    p.add_argument("--kindling", default=os.path.join(here, "..", "python", "kindling"))
    p.add_argument("--max-percent", type=float, default=None,
                   help="fail when a module has more identical non-trivial lines than this")
    p.add_argument("--max-total-percent", type=float, default=None,
                   help="fail when all modules together have more identical lines than this")
    p.add_argument("--min-lines", type=int, default=0,
                   help="apply --max-percent only to modules with at least this many lines")
    p.add_argument("--max-run", type=int, default=None,
                   help="fail when a module has a run of this many identical lines or more")
    p.add_argument("--wide", action="store_true",
                   help="compare with all of pyspark's runtime modules, not only counterparts")
    p.add_argument("--show", action="store_true", help="print the identical lines and runs")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_intermixed_args(argv)
    pyspark_dir = find_pyspark(args.pyspark)
    kindling_dir = os.path.normpath(args.kindling)
    min_run = 3 if args.max_run is None else min(3, args.max_run)
    results = [measure(kindling_dir, pyspark_dir, rel, args.wide, min_run)
               for rel in modules(kindling_dir, args.modules)]
    code = sum(r["code_lines"] for r in results)
    same = sum(r["identical"] for r in results)
    total = {"code_lines": code, "identical": same,
             "percent": round(100.0 * same / code, 1) if code else 0.0,
             "runs": sum(len(r["runs"]) for r in results),
             "longest_run": max((r["longest_run"] for r in results), default=0)}
    failures = []
    if args.max_total_percent is not None and total["percent"] > args.max_total_percent:
        failures.append("all modules: %.1f%% identical > %.1f%%" % (total["percent"],
                                                                    args.max_total_percent))
    for r in results:
        if (args.max_percent is not None and r["percent"] > args.max_percent
                and r["code_lines"] >= args.min_lines):
            failures.append("%s: %.1f%% identical > %.1f%%" % (r["module"], r["percent"],
                                                               args.max_percent))
        if args.max_run is not None and r["longest_run"] >= args.max_run:
            failures.append("%s: a run of %d identical lines (>= %d)" % (
                r["module"], r["longest_run"], args.max_run))
    if args.json:
        json.dump({"pyspark": pyspark_dir, "modules": results, "total": total,
                   "failures": failures}, sys.stdout, indent=1)
        print()
    else:
        print("%-26s %6s %6s %6s %5s %5s  %s" % ("module", "lines", "same", "%", "runs",
                                                 "max", "counterparts"))
        for r in results:
            print("%-26s %6d %6d %6.1f %5d %5d  %s" % (
                r["module"], r["code_lines"], r["identical"], r["percent"], len(r["runs"]),
                r["longest_run"], " ".join(r["counterparts"]) if len(r["counterparts"]) <= 3 else "(wide)"))
            if args.show:
                for run in r["runs"]:
                    print("    run of %d at lines %d-%d (%s)" % (
                        run["length"], run["lines"][0], run["lines"][1], run["counterpart"]))
                    for text in run["text"]:
                        print("      | " + text)
                for line in r["identical_lines"]:
                    print("    %5d  %s" % (line["line"], line["text"]))
        print("%-26s %6d %6d %6.1f %5d %5d" % ("TOTAL", code, same, total["percent"],
                                               total["runs"], total["longest_run"]))
        for failure in failures:
            print("FAIL " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
