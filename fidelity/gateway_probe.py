"""Item 3: PySpark's own launcher (`pyspark.java_gateway.launch_gateway`) against Kindling's JVM.

Run with a pip-pyspark interpreter and SPARK_HOME pointing at a fake Spark home whose
`bin/spark-submit` execs Kindling's gateway main (fidelity.py builds it):

    SPARK_HOME=fidelity/work/fake-spark-home python gateway_probe.py OUT.json

Steps, each recorded with its outcome (the first exception is kept verbatim):
  launch     launch_gateway(): spark-submit started, conn-info file read by PySpark's code,
             ClientServer connected with the secret (Py4J auth), java_import calls done;
  call       a JVM call through the authenticated gateway, and the entry point's
             version()/protocolProfile() (GW-4.1);
  wrong      a second Py4J client from pyspark's bundled py4j with a wrong secret is refused;
  eof        closing the JVM's stdin (what PySpark's exit does) makes it exit within 5 s;
  context    SparkContext(master="local[2]") on a fresh Kindling JVM: how far it gets.
"""
import json
import os
import sys
import time
import traceback


def _exc(e):
    tb = traceback.extract_tb(e.__traceback__)
    frames = ["%s:%d %s" % (os.path.relpath(f.filename, os.path.dirname(os.path.dirname(__import__("pyspark").__file__)))
                            if "site-packages" in f.filename else f.filename, f.lineno, f.name) for f in tb[-6:]]
    return {"type": "%s.%s" % (type(e).__module__, type(e).__name__), "message": str(e)[:3000], "frames": frames}


def main(out_path):
    import pyspark
    from pyspark.java_gateway import launch_gateway

    result = {"pyspark": pyspark.__version__, "spark_home": os.environ.get("SPARK_HOME")}
    gw = None
    try:
        t0 = time.time()
        gw = launch_gateway()
        result["launch"] = {"ok": True, "seconds": round(time.time() - t0, 2),
                            "port": gw.java_parameters.port, "mode": type(gw).__name__}
    except Exception as e:  # noqa: BLE001
        result["launch"] = {"ok": False, "error": _exc(e)}
    if gw is not None:
        try:
            java = gw.jvm.java.lang.System.getProperty("java.version")
            ep = gw.entry_point
            result["call"] = {"ok": True, "java.version": java, "version": ep.version(),
                              "protocolProfile": ep.protocolProfile()}
        except Exception as e:  # noqa: BLE001
            result["call"] = {"ok": False, "error": _exc(e)}
        try:
            from py4j.clientserver import ClientServer, JavaParameters, PythonParameters
            bad = ClientServer(java_parameters=JavaParameters(port=gw.java_parameters.port, auth_token="0" * 64,
                                                              auto_convert=True),
                               python_parameters=PythonParameters(port=0, eager_load=False))
            try:
                bad.jvm.java.lang.System.getProperty("java.version")
                result["wrong"] = {"ok": False, "error": {"type": "none", "message": "a wrong secret was accepted",
                                                          "frames": []}}
            except Exception as e:  # noqa: BLE001 - the refusal is the expected outcome
                result["wrong"] = {"ok": True, "refused_with": _exc(e)["type"] + ": " + str(e)[:300]}
            finally:
                try:
                    bad.shutdown()
                except Exception:  # noqa: BLE001
                    pass
        except Exception as e:  # noqa: BLE001
            result["wrong"] = {"ok": False, "error": _exc(e)}
        proc = gw.proc
        try:
            gw.shutdown()
        except Exception:  # noqa: BLE001
            pass
        t0 = time.time()
        proc.stdin.close()
        try:
            code = proc.wait(timeout=5)
            result["eof"] = {"ok": True, "exit": code, "seconds": round(time.time() - t0, 2)}
        except Exception as e:  # noqa: BLE001
            proc.kill()
            result["eof"] = {"ok": False, "error": _exc(e)}

    sc = None
    try:
        from pyspark import SparkContext
        t0 = time.time()
        sc = SparkContext(master="local[2]", appName="kindling-fidelity-gateway")
        result["context"] = {"ok": True, "seconds": round(time.time() - t0, 2)}
        try:
            result["context"]["collect"] = sc.parallelize([1, 2, 3]).map(lambda x: x * 2).collect()
        except Exception as e:  # noqa: BLE001
            result["context"] = {"ok": False, "stage": "after SparkContext()", "error": _exc(e)}
    except Exception as e:  # noqa: BLE001
        result["context"] = {"ok": False, "stage": "SparkContext()", "error": _exc(e)}
    finally:
        try:
            from pyspark import SparkContext
            gwc = SparkContext._gateway
            if sc is not None:
                sc.stop()
            if gwc is not None:
                proc = gwc.proc
                gwc.shutdown()
                proc.stdin.close()
                proc.wait(timeout=5)
        except Exception:  # noqa: BLE001
            pass
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
