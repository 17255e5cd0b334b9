"""Gateway figures: cold start to a connected gateway, and the Py4J call round trip.

    .venv/bin/python bench/gateway/bench_gateway.py [--runs 10] [--calls 2000]

Cold start = launch_gateway() (fork java, JVM start, Py4J bind, conn-info publish, poll, read,
connect) plus the first call (entry_point.version()), i.e. until the gateway has answered once.
Round trip = one entry_point.version() call on a warm connection, timed one by one after 500
warm-up calls. Both Py4J modes (GW-1.1) are measured. Needs the built jars
(mvn -B -pl gateway -am package).
"""
import argparse
import os
import statistics
import time

from kindling import java_gateway


def cold_start(runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        gw = java_gateway.launch_gateway()
        gw.entry_point.version()
        times.append(time.perf_counter() - t0)
        java_gateway.shutdown_gateway(gw)
    return times


def round_trip(calls):
    gw = java_gateway.launch_gateway()
    try:
        ep = gw.entry_point
        for _ in range(500):
            ep.version()
        times = []
        for _ in range(calls):
            t0 = time.perf_counter()
            ep.version()
            times.append(time.perf_counter() - t0)
        return times
    finally:
        java_gateway.shutdown_gateway(gw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--calls", type=int, default=2000)
    args = ap.parse_args()
    print("classpath head:", java_gateway.find_classpath()[0])
    print("cpus %d, load average before: %.1f (figures are noise-dominated when it exceeds the cpus)"
          % (os.cpu_count(), os.getloadavg()[0]))
    for pin in ("true", "false"):
        os.environ["PYSPARK_PIN_THREAD"] = pin
        mode = "ClientServer (pinned)" if pin == "true" else "GatewayServer (unpinned)"
        cs = cold_start(args.runs)
        rt = round_trip(args.calls)
        print("%-26s cold start median %.0f ms (min %.0f, max %.0f, n=%d); "
              "call round trip median %.0f us (p90 %.0f us, n=%d)" % (
                  mode, statistics.median(cs) * 1e3, min(cs) * 1e3, max(cs) * 1e3, len(cs),
                  statistics.median(rt) * 1e6,
                  statistics.quantiles(rt, n=10)[-1] * 1e6, len(rt)))


if __name__ == "__main__":
    main()
