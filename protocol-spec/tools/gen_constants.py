#!/usr/bin/env python3
"""Generates the Java and Python constant modules from protocol-spec/constants.json.

constants.json is the single source of truth; the generated files are committed so that the
Python package works when installed outside the repository, and tests on both sides regenerate the
text in memory and fail when a committed file has drifted.

    python3 protocol-spec/tools/gen_constants.py          # rewrite both files
    python3 protocol-spec/tools/gen_constants.py --check  # exit 1 if either is stale
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.dirname(HERE)
ROOT = os.path.dirname(SPEC)
CONSTANTS = os.path.join(SPEC, "constants.json")
JAVA_OUT = os.path.join(SPEC, "src/main/java/dev/kindling/protocol/ProtocolConstants.java")
PY_OUT = os.path.join(ROOT, "python/kindling/protocol/constants.py")

HEADER = "GENERATED from protocol-spec/constants.json by protocol-spec/tools/gen_constants.py; do not edit."


def snake_upper(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).upper()


def java_literal(value):
    if isinstance(value, bool):
        return "boolean", "true" if value else "false"
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return "int", str(value)
        return "long", str(value) + "L"
    if isinstance(value, str):
        return "String", json.dumps(value)
    raise TypeError("unsupported constant %r" % (value,))


def render_java(c):
    out = ["package dev.kindling.protocol;", "", "/** " + HEADER + " */",
           "public final class ProtocolConstants {", "  private ProtocolConstants() {}", ""]
    for group in ("specialLengths", "messageIds", "evalTypes", "authReplies", "env", "defaults", "limits"):
        cls = group[0].upper() + group[1:]
        out.append("  /** constants.json: {@code %s}. */" % group)
        out.append("  public static final class %s {" % cls)
        out.append("    private %s() {}" % cls)
        for key, value in c[group].items():
            typ, lit = java_literal(value)
            name = key if group in ("specialLengths", "messageIds", "evalTypes", "authReplies", "env") else snake_upper(key)
            out.append("    public static final %s %s = %s;" % (typ, name, lit))
        out.append("  }")
        out.append("")
    out[-1:] = ["}", ""]
    return "\n".join(out)


def render_python(c):
    out = ['"""%s"""' % HEADER, ""]
    for group in ("specialLengths", "messageIds", "evalTypes", "authReplies", "env", "defaults", "limits"):
        cls = group[0].upper() + group[1:]
        out.append("")
        out.append("class %s:" % cls)
        out.append('    """constants.json: ``%s``."""' % group)
        out.append("")
        for key, value in c[group].items():
            name = key if group in ("specialLengths", "messageIds", "evalTypes", "authReplies", "env") else snake_upper(key)
            out.append("    %s = %s" % (name, json.dumps(value) if isinstance(value, str) else repr(value)))
        out.append("")
    out.append("")
    out.append("PROFILES = %r" % (c["profiles"],))
    out.append("")
    return "\n".join(out)


def load():
    with open(CONSTANTS, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    c = load()
    targets = [(JAVA_OUT, render_java(c)), (PY_OUT, render_python(c))]
    if "--check" in argv:
        stale = [p for p, text in targets if not os.path.exists(p) or open(p, encoding="utf-8").read() != text]
        for p in stale:
            print("stale: %s (run protocol-spec/tools/gen_constants.py)" % os.path.relpath(p, ROOT))
        return 1 if stale else 0
    for path, text in targets:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
