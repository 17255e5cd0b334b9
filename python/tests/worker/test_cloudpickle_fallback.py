"""kindling.serializers on an executor Python that has pip pyspark but no standalone cloudpickle
(docs/compatibility.md, 'kindling.worker imports on an executor Python that has only pyspark')."""
import os
import subprocess
import sys
from kindling.protocol import time_factor

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = r"""
import sys, types
import cloudpickle as real            # stands in for the copy pyspark vendors
sys.modules["cloudpickle"] = None     # "import cloudpickle" now raises ImportError
pyspark = types.ModuleType("pyspark")
pyspark.cloudpickle = real
sys.modules["pyspark"] = pyspark

import kindling.serializers as s
assert s.cloudpickle is real, s.cloudpickle
sys.modules["cloudpickle"] = real     # the stand-in's own internals import it by that name
ser = s.CloudPickleSerializer()
print(ser.loads(ser.dumps(lambda x: x * 6))(7))
"""


def test_serializers_fall_back_to_pysparks_vendored_cloudpickle():
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         timeout=time_factor.scaled(60))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "42"
