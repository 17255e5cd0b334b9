"""Broadcast variables: read-only values shipped once per worker (WRK-4.5, WRK-9.5, WRK-10.6).

On a worker a broadcast is created by the task header, either from a file holding exactly one
plain pickle of the value (loaded lazily on first ``value``) or from the JVM's decryption server
(read at once). Closures refer to broadcasts by id: a pickled ``Broadcast`` is the call
``_from_id(id)``, which looks the id up in ``_broadcastRegistry``.

The driver side (creating a broadcast through the gateway, unpersist, destroy) plugs in through
``Broadcast._driver_init`` and the ``_jbroadcast`` / ``_pickle_registry`` attributes.

Implements WRK-10.6: ``Broadcast.dump`` writes exactly one plain pickle of the value, unframed.
"""
import gc
import pickle

from kindling.serializers import pickle_protocol

__all__ = ["Broadcast"]

# id -> Broadcast, filled from the task header on a worker and kept across reused tasks.
_broadcastRegistry = {}

_FILE_BUFFER = 1 << 20


def _from_id(bid):
    """The broadcast registered under ``bid``; what a pickled Broadcast unpickles to."""
    try:
        return _broadcastRegistry[bid]
    except KeyError:
        raise RuntimeError(
            "[BROADCAST_VARIABLE_NOT_LOADED] Broadcast variable `%s` not loaded." % bid) from None


class Broadcast:
    """A broadcast value.

    Worker forms: ``Broadcast(path=...)`` (lazy, one pickle in the file) and
    ``Broadcast(sock_file=...)`` (one pickle read from the decryption server's stream at once).
    Driver form: ``Broadcast(sc, value, pickle_registry)``, handled by ``_driver_init``.
    """

    def __init__(self, sc=None, value=None, pickle_registry=None, path=None, sock_file=None, bid=None):
        self._sc = sc
        self._jbroadcast = None
        self._pickle_registry = pickle_registry
        self._path = path
        self._bid = bid
        if sc is not None:
            self._driver_init(sc, value, pickle_registry)
        elif sock_file is not None:
            self._value = self.load(sock_file)
        elif path is None:
            raise ValueError("a worker-side Broadcast needs a path or a sock_file")

    # -- driver hooks ------------------------------------------------------------------------

    def _driver_init(self, sc, value, pickle_registry):
        """Creates the broadcast through the driver's gateway; provided by the driver side."""
        raise NotImplementedError("creating broadcasts on the driver is not available in this build")

    @property
    def id(self):
        if self._jbroadcast is not None:
            return self._jbroadcast.id()
        return self._bid

    # -- value -------------------------------------------------------------------------------

    def dump(self, value, f):
        """Writes one plain pickle of ``value`` to ``f`` (WRK-10.6)."""
        try:
            pickle.dump(value, f, pickle_protocol)
        except pickle.PickleError:
            raise
        except Exception as e:
            raise pickle.PicklingError(
                "Could not serialize broadcast: %s: %s" % (e.__class__.__name__, e)) from e
        f.close()

    def load_from_path(self, path):
        with open(path, "rb", _FILE_BUFFER) as f:
            return self.load(f)

    def load(self, file):
        # A large value unpickles much faster without the cyclic collector running in between.
        gc_enabled = gc.isenabled()
        gc.disable()
        try:
            return pickle.load(file)
        finally:
            if gc_enabled:
                gc.enable()

    @property
    def value(self):
        if not hasattr(self, "_value") and self._path is not None:
            self._value = self.load_from_path(self._path)
        return self._value

    # -- lifecycle (driver only) ---------------------------------------------------------------

    def unpersist(self, blocking=False):
        if self._jbroadcast is None:
            raise RuntimeError("Broadcast can only be unpersisted in driver")
        self._jbroadcast.unpersist(blocking)

    def destroy(self, blocking=False):
        if self._jbroadcast is None:
            raise RuntimeError("Broadcast can only be destroyed in driver")
        self._jbroadcast.destroy(blocking)

    def __reduce__(self):
        bid = self.id
        if bid is None:
            raise pickle.PicklingError("Broadcast can only be serialized in driver")
        if self._pickle_registry is not None:
            self._pickle_registry.add(self)
        return _from_id, (bid,)

    def __repr__(self):
        return "Broadcast(id=%s)" % (self.id,)
