import json
import os
import subprocess
import sys

import pytest

from protocol_helpers import REPO_ROOT
from kindling.protocol import constants
from kindling.protocol.profiles import Profile
from kindling.protocol import time_factor


def test_generated_constants_are_fresh():
    tool = os.path.join(REPO_ROOT, "protocol-spec", "tools", "gen_constants.py")
    result = subprocess.run([sys.executable, tool, "--check"], capture_output=True, text=True, timeout=time_factor.scaled(60))
    assert result.returncode == 0, result.stdout + result.stderr


def test_constants_module_loads_and_matches_json():
    with open(os.path.join(REPO_ROOT, "protocol-spec", "constants.json"), encoding="utf-8") as f:
        c = json.load(f)
    assert constants.PROFILES == c["profiles"]
    assert constants.SpecialLengths.NULL == c["specialLengths"]["NULL"]
    assert constants.Limits.MAX_FRAME_BYTES == c["limits"]["maxFrameBytes"]
    assert Profile.DEFAULT.value == c["defaults"]["profile"]


_SECTIONS = {"specialLengths": "SpecialLengths", "messageIds": "MessageIds", "evalTypes": "EvalTypes",
             "authReplies": "AuthReplies", "env": "Env", "defaults": "Defaults", "limits": "Limits"}


def _upper_snake(name):
    if name.isupper():
        return name
    return "".join("_" + ch if ch.isupper() else ch.upper() for ch in name)


def test_generated_constants_module_is_plain_python_and_holds_every_constant():
    """The worker imports this module before anything else, so it must import nothing, and every
    value of constants.json must be in it under its generated name."""
    import ast

    path = os.path.join(REPO_ROOT, "python", "kindling", "protocol", "constants.py")
    with open(path, encoding="utf-8") as f:
        source = f.read()
    tree = ast.parse(source)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert imports == []
    namespace = {}
    exec(compile(source, path, "exec"), namespace)
    with open(os.path.join(REPO_ROOT, "protocol-spec", "constants.json"), encoding="utf-8") as f:
        c = json.load(f)
    assert set(c) - {"_comment"} == set(_SECTIONS) | {"profiles"}
    for section, cls in _SECTIONS.items():
        generated = namespace[cls]
        for key, value in c[section].items():
            assert getattr(generated, _upper_snake(key)) == value, (section, key)
    assert namespace["PROFILES"] == c["profiles"]
