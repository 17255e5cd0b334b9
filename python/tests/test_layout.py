"""The source tree shows the architecture (issue 18, "Two of things" and "Layout"): a class name says
which side it is on, so no simple class name is used by two modules' main code; and the engine and
the bridge are grouped by concern: no package of theirs is a flat list of dozens of classes, and
every package says what it owns in its package-info.java."""
import os

from protocol_helpers import REPO_ROOT

MODULES = ["protocol-spec", "engine", "python-worker-bridge", "gateway", "tck"]
GROUPED = ["engine", "python-worker-bridge"]
# The engine's biggest concern, the lineage (Dataset and one class per transformation), has 21.
MAX_CLASSES_PER_PACKAGE = 25


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


def test_engine_and_bridge_are_grouped_by_concern():
    for module in GROUPED:
        packages = {}
        for dirpath, f in _java_files(module):
            packages.setdefault(dirpath, []).append(f)
        assert len(packages) > 1, "%s is one flat package" % module
        for dirpath, files in sorted(packages.items()):
            classes = [f for f in files if f != "package-info.java"]
            rel = os.path.relpath(dirpath, os.path.join(REPO_ROOT, module))
            assert "package-info.java" in files, "%s has no package-info.java saying what it owns" % rel
            assert len(classes) <= MAX_CLASSES_PER_PACKAGE, \
                "%s has %d classes: group them by concern" % (rel, len(classes))
