#!/usr/bin/env bash
# Creates fidelity/.venv-<version> with pip pyspark==<version> (plus cloudpickle/py4j pins), for the
# cross-checks against real Apache Spark. Not needed by the main test suite.
#   fidelity/setup-venv.sh 4.2.1
set -euo pipefail
version="${1:?usage: fidelity/setup-venv.sh PYSPARK_VERSION}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/fidelity/.venv-$version"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import pyspark,sys; sys.exit(pyspark.__version__ != '$version')" 2>/dev/null; then
  echo "$venv"; exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pyspark==$version" "pytest==8.4.2" >&2
echo "$venv"
