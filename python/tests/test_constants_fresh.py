import json
import os
import subprocess
import sys

import pytest

from protocol_helpers import REPO_ROOT
from kindling.protocol import constants
from kindling.protocol.profiles import Profile


def test_generated_constants_are_fresh():
    tool = os.path.join(REPO_ROOT, "protocol-spec", "tools", "gen_constants.py")
    result = subprocess.run([sys.executable, tool, "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_constants_module_loads_and_matches_json():
    with open(os.path.join(REPO_ROOT, "protocol-spec", "constants.json"), encoding="utf-8") as f:
        c = json.load(f)
    assert constants.PROFILES == c["profiles"]
    assert constants.SpecialLengths.NULL == c["specialLengths"]["NULL"]
    assert constants.Limits.MAX_FRAME_BYTES == c["limits"]["maxFrameBytes"]
    assert Profile.DEFAULT.value == c["defaults"]["profile"]


def test_generated_constants_module_is_plain_python():
    path = os.path.join(REPO_ROOT, "python", "kindling", "protocol", "constants.py")
    with open(path, encoding="utf-8") as f:
        source = f.read()
    exec(compile(source, path, "exec"), {})
