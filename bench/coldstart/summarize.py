"""Medians per variant of bench/coldstart/run.sh's JSON lines: the whole process (wall, CPU of the
process tree as /usr/bin/time reports it, reaped children included), each phase, the CPU by
process, and the load average range the variant's runs saw.

    python bench/coldstart/summarize.py RESULTS.jsonl
"""
import json
import statistics
import sys

PHASES = ["interp_ms", "import_ms", "jvm_launch_ms", "py4j_connect_ms", "create_context_ms",
          "context_rest_ms", "first_count_ms", "prepare_ms", "second_count_ms", "stop_ms", "exit_ms"]
CPU = ["cpu_driver_total", "cpu_jvm", "cpu_jvm_jit", "cpu_jvm_gc", "cpu_jvm_other_vm", "cpu_jvm_main",
       "cpu_jvm_app", "cpu_python_workers"]


def rows(path):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                p = r["phases"]
                if p.get("interp_ms") is not None:
                    p["exit_ms"] = r["wall_ms"] - p["interp_ms"] - p["script_ms"]
                p["cpu_driver_total"] = p.get("cpu_driver_stopped")
                yield r


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values)) if values else None


def main(path):
    by = {}
    for r in rows(path):
        by.setdefault(r["variant"], []).append(r)
    names = list(by)
    print("medians over runs (ms); load = 1-min load average range of the variant's runs")
    header = "%-20s" % "" + "".join("%12s" % n for n in names)
    print(header)
    print("%-20s" % "runs" + "".join("%12d" % len(by[n]) for n in names))
    print("%-20s" % "load" + "".join("%12s" % ("%.1f-%.1f" % (min(r["load"] for r in by[n]),
                                                               max(r["load"] for r in by[n]))) for n in names))
    for key in ["wall_ms", "cpu_ms"]:
        print("%-20s" % ("process " + key[:-3]) + "".join("%12s" % median(r[key] for r in by[n]) for n in names))
    for key in PHASES + CPU:
        print("%-20s" % key + "".join("%12s" % median(r["phases"].get(key) for r in by[n]) for n in names))


if __name__ == "__main__":
    main(sys.argv[1])
