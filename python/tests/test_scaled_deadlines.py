"""Every deadline in the Python tests is scaled by the one time factor (``kindling.protocol.time_factor``).

A literal deadline (``timeout=5``, ``t.join(30)``, ``TIMEOUT = 20.0``) holds on a fast machine and
fails on a loaded one; written as ``time_factor.scaled(5)`` it grows with ``KINDLING_TIME_FACTOR``.
This scan keeps literals out of ``python/tests``; the Java side is ``ScaledDeadlinesSourceTest``.
"""
import ast
import os

TESTS = os.path.dirname(os.path.abspath(__file__))

# Methods whose first positional argument is a deadline in seconds.
DEADLINE_METHODS = {"settimeout", "join", "wait"}
# Test helpers taking an already scaled deadline, and the position of that argument.
HELPER_DEADLINE_ARG = {"wait_exit": 1, "process_gone": 1, "connect": 1, "read_exact_fd": 2, "run_python": 2}

# (path relative to python/tests, source line stripped) -> why the literal there is not a deadline.
ALLOWED = {
    ("worker/test_wrk_processes.py",
     "KINDLING_PROTOCOL_PROFILE=PROFILE, SPARK_AUTH_SOCKET_TIMEOUT=5)"):
        "the worker's configured auth bound (the behaviour under test), not how long the test waits",
    ("worker/worker_jvm.py",
     'SPARK_REUSE_WORKER="1" if reuse else None, SPARK_AUTH_SOCKET_TIMEOUT=5)'):
        "the daemon's configured auth bound (WRK-3.18 is checked against it), not how long the test waits",
}


def _numeric(node):
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _numeric(node.operand)
    return False


def _name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _deadline_name(name):
    lowered = name.lower()
    return "timeout" in lowered or "deadline" in lowered


def literal_deadlines(source, filename="<source>"):
    """``(line, what)`` for each unscaled literal deadline in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            for kw in node.keywords:
                if kw.arg is not None and _deadline_name(kw.arg) and _numeric(kw.value):
                    found.append((kw.value.lineno, "%s=%s" % (kw.arg, ast.unparse(kw.value))))
            if isinstance(node.func, ast.Attribute) and name in DEADLINE_METHODS and node.args \
                    and _numeric(node.args[0]):
                found.append((node.lineno, "%s(%s)" % (name, ast.unparse(node.args[0]))))
            index = HELPER_DEADLINE_ARG.get(name)
            if index is not None and len(node.args) > index and _numeric(node.args[index]):
                found.append((node.lineno, "%s(..., %s)" % (name, ast.unparse(node.args[index]))))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            for arg, default in pairs:
                if _deadline_name(arg.arg) and _numeric(default):
                    found.append((default.lineno, "default %s=%s" % (arg.arg, ast.unparse(default))))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _numeric(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and _deadline_name(target.id):
                    found.append((node.lineno, "%s = %s" % (target.id, ast.unparse(node.value))))
    return sorted(found)


def test_the_scan_finds_each_kind_of_literal_deadline():
    source = "\n".join([
        "import subprocess, time_factor",
        "subprocess.run(['x'], timeout=30)",
        "sock.settimeout(5.0)",
        "t.join(10)",
        "proc.wait(-1)",
        "jvm.process_gone(pid, 20)",
        "jvm.read_exact_fd(fd, 4, 20)",
        "def helper(port, timeout=10.0): pass",
        "TIMEOUT = 20.0",
        "read_deadline = 3",
        "ok = subprocess.run(['x'], timeout=time_factor.scaled(30))",
        "ok = jvm.read_exact_fd(fd, 4, TIMEOUT)",
        "ok = ', '.join(parts)",
        "ok = q.get(timeout=None)",
        "TIMEOUT = time_factor.scaled(20.0)",
    ])
    assert literal_deadlines(source) == [
        (2, "timeout=30"), (3, "settimeout(5.0)"), (4, "join(10)"), (5, "wait(-1)"),
        (6, "process_gone(..., 20)"), (7, "read_exact_fd(..., 20)"), (8, "default timeout=10.0"),
        (9, "TIMEOUT = 20.0"), (10, "read_deadline = 3"),
    ]


def test_no_unscaled_literal_deadline_in_the_python_tests():
    offenders = []
    for directory, dirs, files in os.walk(TESTS):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as f:
                source = f.read()
            lines = source.splitlines()
            rel = os.path.relpath(path, TESTS)
            for line, what in literal_deadlines(source, path):
                if (rel, lines[line - 1].strip()) not in ALLOWED:
                    offenders.append("%s:%d: %s" % (rel, line, what))
    assert not offenders, (
        "literal deadlines do not grow with KINDLING_TIME_FACTOR; write time_factor.scaled(N) "
        "(from kindling.protocol import time_factor):\n  " + "\n  ".join(offenders))
