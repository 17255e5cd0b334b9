#!/usr/bin/env bash
# Word count on Kindling and on pip pyspark, side by side in one run, at local[2]:
# the bundled corpus and a generated text file of SIZE_MB (default 1024).
#   bench/wordcount/run.sh [SIZE_MB] [PYSPARK_VERSION]
# Prints one line per (input, engine): wall seconds, and checks both engines print the same top 10.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
size_mb="${1:-1024}"
pyspark_version="${2:-4.2.1}"
work="${KINDLING_BENCH_DIR:-/tmp/kindling-bench-wordcount}"
mkdir -p "$work"
"$root/bin/setup-venv" >&2
kpy="$root/.venv/bin/python"
if ! "$kpy" -m kindling.java_gateway --classpath >/dev/null 2>&1; then
  (cd "$root" && mvn -B -q -pl gateway -am package -DskipTests) >&2
fi
venv="$("$root/fidelity/setup-venv.sh" "$pyspark_version")"
big="$work/words-${size_mb}mb.txt"
if [ ! -s "$big" ]; then
  # Deterministic text: lines of 12 words drawn from the corpus vocabulary.
  "$kpy" - "$root/examples/data/corpus" "$big" "$size_mb" <<'PY'
import glob, os, random, re, sys
corpus, out, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
vocab = sorted({w for p in glob.glob(os.path.join(corpus, "*.txt"))
                for w in re.findall(r"[a-z']+", open(p, encoding="utf-8").read().lower())})
rnd = random.Random(42)
target = size_mb * 1024 * 1024
lines = [" ".join(rnd.choice(vocab) for _ in range(12)) for _ in range(4096)]
block = ("\n".join(lines) + "\n").encode()
with open(out + ".tmp", "wb") as f:
    written = 0
    while written < target:
        f.write(block)
        written += len(block)
os.replace(out + ".tmp", out)
PY
fi
sed 's/^from kindling import /from pyspark import /' "$root/examples/wordcount.py" > "$work/wordcount_pyspark.py"
run() {  # label python script input
  local start end
  start=$EPOCHREALTIME
  "$2" "$3" "$4" --master 'local[2]' > "$work/$1.out" 2> "$work/$1.err"
  end=$EPOCHREALTIME
  awk -v l="$1" -v s="$start" -v e="$end" 'BEGIN { printf "%-28s %8.2f s\n", l, e - s }'
}
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); input ${size_mb} MB; pyspark $pyspark_version"
for input in corpus big; do
  if [ "$input" = corpus ]; then path="$root/examples/data/corpus/*.txt"; else path="$big"; fi
  run "kindling-$input" "$kpy" "$root/examples/wordcount.py" "$path"
  run "pyspark-$input" "$venv/bin/python" "$work/wordcount_pyspark.py" "$path"
  if cmp -s "$work/kindling-$input.out" "$work/pyspark-$input.out"; then
    echo "  same top 10 on both ($input)"
  else
    echo "  DIFFERENT top 10 ($input): see $work/kindling-$input.out and $work/pyspark-$input.out"; exit 1
  fi
done
