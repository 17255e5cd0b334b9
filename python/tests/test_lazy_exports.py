"""kindling and kindling.sql import their exports on first use through one helper
(kindling._lazy.lazy_exports); a name is resolved once and then kept in the package."""
import subprocess
import sys
import types

import pytest

import kindling
import kindling.sql
from kindling._lazy import lazy_exports
from kindling.protocol.time_factor import scaled


def _package(exports, check=None):
    pkg = types.ModuleType("pkg_under_test")
    pkg.__getattr__, pkg.__dir__ = lazy_exports(vars(pkg), exports, check=check)
    return pkg


def test_a_name_is_imported_on_first_use_and_kept():
    pkg = _package({"OrderedDict": "collections"})
    assert "OrderedDict" not in vars(pkg)
    import collections
    assert pkg.OrderedDict is collections.OrderedDict
    assert vars(pkg)["OrderedDict"] is collections.OrderedDict


def test_an_unknown_name_is_an_attribute_error_naming_the_package():
    with pytest.raises(AttributeError, match=r"module 'pkg_under_test' has no attribute 'Nope'"):
        _package({}).Nope
    with pytest.raises(AttributeError, match=r"module 'kindling' has no attribute 'Nope'"):
        kindling.Nope


def test_dir_lists_the_exports_before_they_are_used():
    assert "OrderedDict" in dir(_package({"OrderedDict": "collections"}))
    assert {"SparkContext", "RDD"} <= set(dir(kindling))


def test_the_check_runs_first():
    def refuse(name):
        if name == "Refused":
            raise NotImplementedError(name)

    pkg = _package({"Refused": "collections"}, check=refuse)
    with pytest.raises(NotImplementedError):
        pkg.Refused


def test_sql_only_names_keep_their_not_supported_error():
    with pytest.raises(Exception, match="Spark SQL"):
        kindling.sql.Column


def test_the_worker_does_not_import_the_driver_modules():
    code = "import kindling, sys; print('kindling.context' in sys.modules, 'py4j' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=scaled(60))
    assert out.stdout.split() == ["False", "False"], out.stderr
