"""Issue 16: what a cold start's first job does not need is not loaded — the web UI's HTTP server
(Netty's event loop, its HTTP codec, the pages) until a client connects, jackson-databind never
(the task header is written with jackson-core's generator) — while the UI's address is there and
answers exactly as before."""
import urllib.request

from kindling.protocol import time_factor

from conftest import jvm_classpath_or_skip, stop_shared  # at import time: a later 'conftest' may be another directory's


def _loaded(log):
    with open(log) as f:
        return [line.split()[1] for line in f if " source: " in line]


def test_first_job_loads_neither_the_ui_server_nor_databind_and_the_ui_still_answers(tmp_path):
    jvm_classpath_or_skip()
    stop_shared()
    from kindling import SparkConf, SparkContext

    log = tmp_path / "classes.log"
    conf = SparkConf(loadDefaults=False).setMaster("local[2]").setAppName("lazy")
    conf.set("spark.ui.showConsoleProgress", "false").set("spark.ui.port", "0")
    conf.set("spark.driver.extraJavaOptions", "-Xlog:class+load=info:file=%s" % log)
    sc = SparkContext(conf=conf)
    try:
        url = sc.uiWebUrl
        assert url and url.startswith("http://127.0.0.1:")
        assert sc.parallelize(range(1000), 2).map(lambda x: x * 2).sum() == 999000
        loaded = _loaded(log)
        assert "dev.kindling.gateway.ui.UiServer" in loaded, "the UI's port is bound at start"
        assert not [c for c in loaded if c.startswith("com.fasterxml.jackson.databind.")]
        assert "io.netty.channel.MultiThreadIoEventLoopGroup" not in loaded
        assert "io.netty.handler.codec.http.HttpServerCodec" not in loaded
        with urllib.request.urlopen(url + "/api/v1/applications", timeout=time_factor.scaled(60)) as r:
            assert r.status == 200 and sc.applicationId in r.read().decode()
        loaded = _loaded(log)
        assert "io.netty.handler.codec.http.HttpServerCodec" in loaded, "the first client starts Netty"
    finally:
        sc.stop()
