"""Broadcast variables: read-only values shipped once per worker (WRK-4.5, WRK-9.5, WRK-10.6).

On a worker a broadcast is created by the task header, either from a file holding exactly one
plain pickle of the value (loaded lazily on first ``value``) or from the JVM's decryption server
(read at once). Closures refer to broadcasts by id: a pickled ``Broadcast`` is the call
``_from_id(id)``, which looks the id up in ``_broadcastRegistry``.

The driver side (creating a broadcast through the gateway, unpersist, destroy) plugs in through
``Broadcast._driver_init`` and the ``_jbroadcast`` / ``_pickle_registry`` attributes.

Implements WRK-10.6: ``Broadcast.dump`` writes exactly one plain pickle of the value, unframed.
"""
import contextlib
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


def _pickle_into(value, f):
    """One plain pickle of ``value``; anything that fails other than a PickleError becomes a
    PicklingError naming the cause (PySpark's message)."""
    try:
        pickle.dump(value, f, pickle_protocol)
    except Exception as e:
        if isinstance(e, pickle.PickleError):
            raise
        raise pickle.PicklingError(
            "Could not serialize broadcast: %s: %s" % (type(e).__name__, e)) from e


@contextlib.contextmanager
def _collector_paused():
    """A large value unpickles much faster without the cyclic collector running in between."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Broadcast:
    """A broadcast value.

    Worker forms: ``Broadcast(path=...)`` (lazy, one pickle in the file) and
    ``Broadcast(sock_file=...)`` (one pickle read from the decryption server's stream at once).
    Driver form: ``Broadcast(sc, value, pickle_registry)``, handled by ``_driver_init``.
    """

    def __init__(self, sc=None, value=None, pickle_registry=None, path=None, sock_file=None, bid=None):
        self._sc, self._jbroadcast, self._bid = sc, None, bid
        self._pickle_registry, self._path = pickle_registry, path
        if sc is None and sock_file is None and path is None:
            raise ValueError("a worker-side Broadcast needs a path or a sock_file")
        if sc is not None:
            self._driver_init(sc, value, pickle_registry)
        elif sock_file is not None:
            self._value = self.load(sock_file)  # the decryption server's stream: read now

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
        _pickle_into(value, f)
        f.close()

    def load_from_path(self, path):
        with open(path, "rb", _FILE_BUFFER) as source:
            return self.load(source)

    def load(self, file):
        with _collector_paused():
            return pickle.load(file)

    @property
    def value(self):
        try:
            return self._value
        except AttributeError:
            if self._path is None:
                raise
        self._value = self.load_from_path(self._path)  # first use on a worker
        return self._value

    # -- lifecycle (driver only) ---------------------------------------------------------------

    def unpersist(self, blocking=False):
        self._driver_side("unpersisted").unpersist(blocking)

    def destroy(self, blocking=False):
        self._driver_side("destroyed").destroy(blocking)

    def _driver_side(self, verb):
        """The JVM's broadcast, which only the driver holds."""
        if self._jbroadcast is None:
            raise RuntimeError("Broadcast can only be %s in driver" % verb)
        return self._jbroadcast

    def __reduce__(self):
        # Closures carry the id only; the worker looks the value up (see _from_id).
        bid = self.id
        if bid is None:
            raise pickle.PicklingError("Broadcast can only be serialized in driver")
        registry = self._pickle_registry
        if registry is not None:
            registry.add(self)
        return _from_id, (bid,)

    def __repr__(self):
        return "Broadcast(id=%s)" % (self.id,)
