"""WRK-2.7 / GW-2.6: secrets never reach the driver's logs, even with py4j logging at DEBUG."""
import json
import logging
import os
import re
import subprocess
import sys

import pytest

from kindling import log_redaction
from kindling.log_redaction import REDACTED, SecretRedactingFilter, redact
from conftest import jvm_classpath_or_skip  # at import time: a later 'conftest' may be another directory's
from kindling.protocol import time_factor

SECRET = "0123456789abcdef" * 4
HEX64 = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")


@pytest.mark.spec("WRK-2.7")
def test_WRK_2_7_auth_command_and_hex_secrets_are_redacted():
    assert redact("Command to send: A\n%s\n" % SECRET) == "Command to send: A\n%s\n" % REDACTED
    # a non-hex gateway secret (GW-2.6 allows any) is still cut at the auth command's line end
    assert redact("Command to send: A\nnot-hex secret \\n escaped\n") == "Command to send: A\n%s\n" % REDACTED
    assert redact("Answer received: !ys%s" % SECRET) == "Answer received: !ys%s" % REDACTED
    call = "c\no12\nsetAccumulatorServer\ns127.0.0.1\ni4242\ns%s\ne\n" % SECRET
    assert SECRET not in redact(call) and "i4242" in redact(call)
    # longer hex runs and ordinary text stay whole
    assert redact("a" * 65) == "a" * 65
    assert redact("Answer received: !yi42") == "Answer received: !yi42"


@pytest.mark.spec("WRK-2.7")
def test_WRK_2_7_filter_rewrites_formatted_records_and_installs_once():
    logger = logging.getLogger("py4j.clientserver")
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Keep()
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        log_redaction.install()
        log_redaction.install()
        assert sum(isinstance(f, SecretRedactingFilter) for f in logger.filters) == 1
        logger.debug("Command to send: %s", "A\n%s\n" % SECRET)
        logger.debug("Answer received: {0}".format("!ys" + SECRET))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert records == ["Command to send: A\n%s\n" % REDACTED, "Answer received: !ys%s" % REDACTED]


_DRIVER = r"""
import json, logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
from kindling import SparkConf, SparkContext
conf = SparkConf(loadDefaults=False).setMaster("local[2]").setAppName("redaction")
conf.set("spark.ui.showConsoleProgress", "false")
sc = SparkContext(conf=conf)
acc = sc.accumulator(0)
rdd = sc.parallelize(range(10), 2)
rdd.foreach(lambda x: acc.add(x))
got = rdd.map(lambda x: x * 2).collect()
gw = sc._gateway
params = vars(gw)["java_parameters"] if "java_parameters" in vars(gw) else vars(gw)["gateway_parameters"]
secrets = [params.auth_token]
if sc._accumulatorServer is not None and sc._accumulatorServer.secret:
    secrets.append(sc._accumulatorServer.secret.decode("utf-8"))
sc.stop()
print(json.dumps({"collected": got, "acc": acc.value, "secrets": secrets}))
"""


@pytest.mark.spec("WRK-2.7")
@pytest.mark.parametrize("pinned", ["true", "false"])
def test_WRK_2_7_debug_logging_driver_writes_no_secret(pinned):

    jvm_classpath_or_skip()
    env = dict(os.environ, PYSPARK_PIN_THREAD=pinned)
    proc = subprocess.run([sys.executable, "-c", _DRIVER], env=env, capture_output=True, text=True,
                          timeout=time_factor.scaled(180))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["collected"] == [x * 2 for x in range(10)] and out["acc"] == 45
    log = proc.stderr
    # not vacuous: py4j did log its commands and answers, the auth command among them
    assert "Command to send: A\n" + REDACTED in log
    assert "Answer received:" in log
    assert len(out["secrets"]) == 2
    for s in out["secrets"]:
        assert len(s) >= 32 and s not in log
    assert not HEX64.search(log), HEX64.search(log).group(0)
