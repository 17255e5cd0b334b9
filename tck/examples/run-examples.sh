#!/usr/bin/env bash
# Runs the TCK from the INSTALLED artifacts, as an implementer would: installs this checkout's
# Kindling (parent, BOM, protocol-spec, kindling-tck with its cli jar, ...) into a throwaway local
# repository, then
#   1. builds tck/examples/worker-subset (imports kindling-bom, depends on kindling-tck) whose
#      JUnit subclass verifies Kindling's worker in simple mode only (a declared capability subset);
#   2. fetches dev.kindling:kindling-tck:<version>:jar:cli from that repository and runs the CLI
#      on the same worker with --capability simpleMode (exit status 0 = TCK PASSED).
# Never touches ~/.m2: the throwaway repository is seeded with a copy of it (set KINDLING_M2_SEED
# to another directory, or to "" to start empty); what the seed lacks is downloaded into the
# throwaway copy (KINDLING_M2_OFFLINE=1: no downloads). Usage: tck/examples/run-examples.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${KINDLING_PYTHON:-$root/.venv/bin/python}"
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kindling-tck-examples-XXXXXX")"
trap 'rm -rf "$work"' EXIT
repo="$work/m2"
seed="${KINDLING_M2_SEED-$HOME/.m2/repository}"
offline=()
[ "${KINDLING_M2_OFFLINE:-}" = 1 ] && offline=(-o)  # only when the seed holds every plugin
if [ -n "$seed" ] && [ -d "$seed" ]; then
  cp -r "$seed" "$repo"
else
  mkdir -p "$repo"
fi
step() { printf '\n== %s\n' "$*"; }

step "installing Kindling $version into the throwaway repository $repo"
mvn -B -q "${offline[@]}" -f "$root/pom.xml" -Dmaven.repo.local="$repo" -Dkindling.target=target-examples \
  -DskipTests -Dmaven.test.skip.exec=true install

step "tck/examples/worker-subset: the TCK as a test dependency of another build"
mvn -B "${offline[@]}" -f "$root/tck/examples/worker-subset/pom.xml" -Dmaven.repo.local="$repo" \
  -Dkindling.version="$version" -Dworker.python="$python" -Dworker.pythonpath="$root/python" \
  verify | tail -25

step "the CLI jar, dev.kindling:kindling-tck:$version:jar:cli, from the repository"
cli="$repo/dev/kindling/kindling-tck/$version/kindling-tck-$version-cli.jar"
test -f "$cli" || { echo "not installed: $cli" >&2; exit 1; }
java -jar "$cli" worker --profile spark-4.2 --capability simpleMode --report-dir "$work/report" \
  --config "kindling.tck.pythonpath=$root/python" -- "$python" -m kindling.worker | tail -15
