#!/usr/bin/env bash
# Overhead of task metrics + status store + web UI on the word count benchmark: this checkout
# (UI on, and spark.ui.enabled=false) against a BASE checkout built before them, same input,
# rounds interleaved so machine load hits all three alike. Prints each run and the medians.
#   bench/wordcount/ui-overhead.sh BASE_CHECKOUT [SIZE_MB] [ROUNDS]
# BASE_CHECKOUT: a built tree (gateway/target*/kindling-gateway-*.jar), e.g. from
#   git archive c144b02 | tar -x -C /tmp/base && (cd /tmp/base && mvn -B -q -o -pl gateway -am package -DskipTests)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="$(cd "${1:?usage: ui-overhead.sh BASE_CHECKOUT [SIZE_MB] [ROUNDS]}" && pwd)"
size_mb="${2:-256}"
rounds="${3:-5}"
work="${KINDLING_BENCH_DIR:-/tmp/kindling-bench-wordcount}"
mkdir -p "$work"
py="$root/.venv/bin/python"
input="$work/words-${size_mb}mb.txt"
if [ ! -s "$input" ]; then
  "$py" - "$root/examples/data/corpus" "$input" "$size_mb" <<'PY'
import glob, os, random, re, sys
corpus, out, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
vocab = sorted({w for p in glob.glob(os.path.join(corpus, "*.txt"))
                for w in re.findall(r"[a-z']+", open(p, encoding="utf-8").read().lower())})
rnd = random.Random(42)
lines = [" ".join(rnd.choice(vocab) for _ in range(12)) for _ in range(4096)]
block = ("\n".join(lines) + "\n").encode()
with open(out + ".tmp", "wb") as f:
    written = 0
    while written < size_mb * 1024 * 1024:
        f.write(block)
        written += len(block)
os.replace(out + ".tmp", out)
PY
fi
# A copy of the example that takes extra conf from KINDLING_BENCH_CONF (k=v,k=v).
cat > "$work/wordcount_conf.py" <<'PY'
import os, runpy, sys
from kindling import SparkConf
_orig = SparkConf.__init__
def _init(self, *a, **k):
    _orig(self, *a, **k)
    for kv in filter(None, os.environ.get("KINDLING_BENCH_CONF", "").split(",")):
        key, _, value = kv.partition("=")
        self.set(key, value)
SparkConf.__init__ = _init
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
PY
declare -A times
run() {  # label pythonpath conf
  local start end
  start=$EPOCHREALTIME
  PYTHONPATH="$2/python" KINDLING_BENCH_CONF="$3" "$py" "$work/wordcount_conf.py" "$2/examples/wordcount.py" \
    "$input" --master 'local[2]' > "$work/$1.out" 2> "$work/$1.err"
  end=$EPOCHREALTIME
  local t
  t=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')
  times[$1]="${times[$1]:-} $t"
  echo "$1 $t s"
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); input ${size_mb} MB; $rounds rounds"
for i in $(seq "$rounds"); do
  run base "$base" "spark.ui.showConsoleProgress=false"
  run ui-on "$root" "spark.ui.showConsoleProgress=false,spark.ui.port=0"
  run ui-off "$root" "spark.ui.showConsoleProgress=false,spark.ui.enabled=false"
done
cmp -s "$work/base.out" "$work/ui-on.out" || { echo "outputs differ: base vs ui-on" >&2; exit 1; }
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
b=$(echo "${times[base]}" | median)
on=$(echo "${times[ui-on]}" | median)
off=$(echo "${times[ui-off]}" | median)
awk -v b="$b" -v on="$on" -v off="$off" 'BEGIN {
  printf "median wall: base %.2f s, metrics+UI %.2f s (%+.1f%%), metrics only (UI off) %.2f s (%+.1f%%)\n",
    b, on, 100 * (on - b) / b, off, 100 * (off - b) / b }'
