"""The source tree shows the architecture (issue 18, "Two of things"): a class name says which side
it is on, so no simple class name is used by two modules' main code."""
import os

from protocol_helpers import REPO_ROOT

MODULES = ["protocol-spec", "engine", "python-worker-bridge", "gateway", "tck"]


def _java_files(module):
    root = os.path.join(REPO_ROOT, module, "src", "main", "java")
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".java"):
                yield dirpath, f


def test_no_class_name_is_used_by_two_modules():
    modules_of = {}
    for module in MODULES:
        for _, f in _java_files(module):
            if f != "package-info.java":
                modules_of.setdefault(f[:-len(".java")], set()).add(module)
    shared = {name: sorted(mods) for name, mods in modules_of.items() if len(mods) > 1}
    assert shared == {}, "class names used by two modules: %s" % shared
