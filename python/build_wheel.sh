#!/usr/bin/env bash
# Builds a wheel of the kindling package that carries the Kindling JVM jars, so that
#   pip install kindling-*.whl && python -c "from kindling import SparkContext; ..."
# works outside the repository (java 17+ on PATH or JAVA_HOME is all it needs besides Python).
#
#   python/build_wheel.sh [output-dir]        (default output: python/dist/)
#
# 1. Uses the newest gateway build in gateway/target*/ (kindling-gateway-*.jar and lib/); if there
#    is none, builds it with the command of gateway/README.md: mvn -B -pl gateway -am package.
# 2. Copies a staging copy of python/ and puts the gateway jar and every lib/ jar, flat, into its
#    kindling/jars/ -- where kindling.java_gateway.find_classpath looks second (after
#    KINDLING_GATEWAY_CLASSPATH) and which pyproject.toml packages as jars/*.jar. The checkout's
#    own python/kindling/jars/ is left alone: jars there would win over the checkout's builds.
# 3. pip wheel --no-deps (the wheel depends on py4j and cloudpickle from pyproject.toml).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/python/dist}"
python="${KINDLING_PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python=python3

newest_build() {
  local best="" jar
  for jar in "$root"/gateway/target*/kindling-gateway-*.jar; do
    [ -f "$jar" ] || continue
    case "$jar" in *-sources.jar|*-tests.jar|*-javadoc.jar) continue ;; esac
    [ -d "$(dirname "$jar")/lib" ] || continue
    if [ -z "$best" ] || [ "$jar" -nt "$best" ]; then best="$jar"; fi
  done
  printf '%s' "$best"
}

jar="$(newest_build)"
if [ -z "$jar" ]; then
  echo "build_wheel: no gateway build found; running mvn -B -pl gateway -am package -DskipTests" >&2
  (cd "$root" && mvn -B -q -pl gateway -am package -DskipTests) >&2
  jar="$(newest_build)"
  [ -n "$jar" ] || { echo "build_wheel: the Maven build left no gateway jar" >&2; exit 1; }
fi

stage="$(mktemp -d "${TMPDIR:-/tmp}/kindling-wheel.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
cp "$root/python/pyproject.toml" "$stage/"
(cd "$root/python" && tar --exclude='__pycache__' --exclude='*.pyc' --exclude='jars' -cf - kindling) \
  | (cd "$stage" && tar -xf -)
mkdir -p "$stage/kindling/jars"
cp "$jar" "$stage/kindling/jars/"
cp "$(dirname "$jar")"/lib/*.jar "$stage/kindling/jars/"
echo "build_wheel: bundling $(ls "$stage/kindling/jars" | wc -l) jars from $(dirname "$jar")" >&2

mkdir -p "$out"
"$python" -m pip wheel --no-deps --disable-pip-version-check --quiet -w "$out" "$stage" >&2
ls -1t "$out"/kindling-*.whl | head -1
