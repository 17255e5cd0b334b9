"""Helpers of the web UI / REST API tests: HTTP GETs against a context's UI and bounded waits."""
import json
import time
import urllib.error
import urllib.request

from kindling.protocol import time_factor


def deadline(seconds):
    return time.monotonic() + time_factor.scaled(seconds)


def get(url, timeout=None):
    """``(status, content type, body text)`` of a GET, errors included; ``timeout`` is already scaled."""
    timeout = time_factor.scaled(10) if timeout is None else timeout
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8")


def get_json(url):
    status, ctype, body = get(url)
    assert status == 200, (url, status, body)
    assert ctype.startswith("application/json"), ctype
    return json.loads(body)


def wait_for(condition, what, seconds=30, poll=0.05):
    """Polls ``condition()`` until it returns a truthy value (returned), failing after the deadline."""
    end = deadline(seconds)
    last = None
    while time.monotonic() < end:
        last = condition()
        if last:
            return last
        time.sleep(poll)
    raise AssertionError("timed out waiting for %s (last: %r)" % (what, last))


def api(sc):
    return sc.uiWebUrl + "/api/v1/applications/" + sc.applicationId


def wait_jobs_done(sc, count):
    """Waits until the REST API lists ``count`` jobs, none running (the store is fed asynchronously)."""
    return wait_for(lambda: (lambda jobs: jobs if len(jobs) >= count and all(j["status"] != "RUNNING" for j in jobs)
                             else None)(get_json(api(sc) + "/jobs")), "%d finished jobs" % count)


# -- shapes against the fixture derived from Spark (fidelity/ui/derive_api_shapes.py) --------------

def shape_errors(actual, expected, optional, path="$"):
    """Differences between a JSON value and a fixture shape: missing or extra object fields (those
    Spark may leave out when None are optional both ways), and JSON types."""
    errors = []
    if expected is None or actual is None:
        return errors
    if isinstance(expected, dict) and "object" in expected:
        if not isinstance(actual, dict):
            return ["%s: expected an object, got %r" % (path, type(actual).__name__)]
        fields = expected["object"]
        for k in fields:
            if k not in actual and k not in optional:
                errors.append("%s.%s: missing" % (path, k))
        for k in actual:
            if k not in fields and k not in optional:
                errors.append("%s.%s: not in Spark's shape" % (path, k))
            elif k in fields:
                errors.extend(shape_errors(actual[k], fields[k], optional, "%s.%s" % (path, k)))
        return errors
    if isinstance(expected, dict) and "map" in expected:
        if not isinstance(actual, dict):
            return ["%s: expected a map, got %r" % (path, type(actual).__name__)]
        for k, v in actual.items():
            errors.extend(shape_errors(v, expected["map"], optional, "%s[%s]" % (path, k)))
        return errors
    if isinstance(expected, dict) and "list" in expected:
        if not isinstance(actual, list):
            return ["%s: expected a list, got %r" % (path, type(actual).__name__)]
        for i, v in enumerate(actual[:50]):
            errors.extend(shape_errors(v, expected["list"], optional, "%s[%d]" % (path, i)))
        return errors
    kinds = {"string": str, "boolean": bool, "number": (int, float), "null": type(None)}
    want = kinds[expected]
    if expected == "number" and isinstance(actual, bool) or not isinstance(actual, want):
        errors.append("%s: expected %s, got %r" % (path, expected, actual))
    return errors
