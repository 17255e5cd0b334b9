"""Package attributes imported on first use (PEP 562), for ``kindling`` and ``kindling.sql``: a
package names what it exports and from which module, and a module is imported only when one of
its names is first used, so ``python -m kindling.worker`` and the daemon do not pay for the
driver modules at start-up."""
import importlib


def lazy_exports(namespace, exports, check=None):
    """The ``(__getattr__, __dir__)`` pair of the package whose globals are ``namespace``.

    ``exports`` maps a name to the module that defines it; the first use imports the module and
    keeps the value in ``namespace``, so later uses are plain lookups. ``check(name)``, when
    given, runs first and may raise for names the package refuses with its own error."""
    package = namespace["__name__"]

    def __getattr__(name):
        if check is not None:
            check(name)
        module = exports.get(name)
        if module is None:
            raise AttributeError("module %r has no attribute %r" % (package, name))
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(list(namespace) + list(exports))

    return __getattr__, __dir__
