#!/usr/bin/env bash
# Copies the gateway jar and its runtime dependencies, flat, into a directory that
# kindling.java_gateway searches (default: python/kindling/jars, which pyproject.toml packages as
# kindling/jars/*.jar), e.g. before building a wheel:
#
#   mvn -B -pl gateway -am package && gateway/bundle-jars.sh [target-dir-name] [dest]
#
# Note: bundled jars win over the source checkout's build, so remove python/kindling/jars again
# when you go back to developing in the checkout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-target}"
dest="${2:-$root/python/kindling/jars}"
build="$root/gateway/$target"
jar="$(ls "$build"/kindling-gateway-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -1 || true)"
if [ -z "$jar" ] || [ ! -d "$build/lib" ]; then
  echo "bundle-jars: no built gateway in $build; run: mvn -B -pl gateway -am package" >&2
  exit 1
fi
mkdir -p "$dest"
rm -f "$dest"/*.jar
cp "$jar" "$dest/"
cp "$build"/lib/*.jar "$dest/"
echo "bundled $(ls "$dest"/*.jar | wc -l) jars into $dest"
