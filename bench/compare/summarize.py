"""Prints the table of bench/compare.sh from the JSON lines its runs wrote (jobs.py, and the
floor and cold-start lines of compare.sh): per job and engine the median wall seconds and median
CPU seconds (whole process tree) over the rounds, with the median load average, and the
Kindling/pyspark ratios of both. On a shared machine trust the CPU ratio more than the wall one.
Exits 1 when the two engines disagree on a job's result.

    python bench/compare/summarize.py RESULTS.jsonl [ENGINE_A ENGINE_B]

ENGINE_A and ENGINE_B default to kindling and pyspark; ratios are A/B.
"""
import collections
import json
import statistics
import sys


def main(path, a="kindling", b="pyspark"):
    runs = collections.defaultdict(list)
    results = collections.defaultdict(set)
    order = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            runs[(r["job"], r["engine"])].append((r["seconds"], r.get("cpu"), r["load"]))
            if "result" in r:
                results[r["job"]].add(r["result"])
            if r["job"] not in order:
                order.append(r["job"])

    def med(job, engine):
        xs = runs.get((job, engine))
        if not xs:
            return None
        cpus = [c for _, c, _ in xs if c is not None]
        return (statistics.median(s for s, _, _ in xs), statistics.median(cpus) if cpus else None,
                statistics.median(l for _, _, l in xs), len(xs))

    def cell(m):
        if m is None:
            return "%-27s" % "-"
        return "%-27s" % ("%6.2f s  cpu %6.2f s  L%4.1f" % (m[0], m[1] if m[1] is not None else float("nan"), m[2]))

    def ratio(a, b):
        return "%5.2f" % (a / b) if a and b else "  -  "

    print("%-11s %-27s %-27s %-6s %-6s %s" % ("job", a + " (wall, cpu, load)", b + " (wall, cpu, load)",
                                               "A/B", "A/B", ""))
    print("%-11s %-27s %-27s %-6s %-6s %s" % ("", "", "", "wall", "cpu", "notes"))
    bad = False
    for job in order:
        k, p = med(job, a), med(job, b)
        notes = "rounds %d/%d" % (k[3] if k else 0, p[3] if p else 0)
        if len(results.get(job, ())) > 1:
            notes += "; RESULTS DIFFER"
            bad = True
        print("%-11s %s %s %-6s %-6s %s" % (job, cell(k), cell(p), ratio(k and k[0], p and p[0]),
                                            ratio(k and k[1], p and p[1]), notes))
        fl = med(job, "floor")
        if fl:
            print("%-11s %s %-27s %-6s %-6s %s" % (
                "  floor", cell(fl), "", "", "",
                "floor/2: wall %.2f s, cpu per core %.2f s; K wall/(floor/2) %s, P wall/(floor/2) %s; "
                "K cpu/floor cpu %s, P cpu/floor cpu %s" % (
                    fl[0] / 2, fl[1] / 2, ratio(k and k[0], fl[0] / 2), ratio(p and p[0], fl[0] / 2),
                    ratio(k and k[1], fl[1]), ratio(p and p[1], fl[1]))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
