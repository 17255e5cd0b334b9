"""The web UI in a real browser: headless Chromium (Debian's ``chromium`` + ``chromium-driver``,
driven by selenium) opens the jobs page while a job runs, follows the job's link to its page (stage
DAG), then a stage link to the stage page, checks the task table and the task timeline, and saves
screenshots under python/target/ui-screenshots/ (``KINDLING_UI_SCREENSHOTS`` to change).

Skipped, saying so, only when chromium or chromedriver is not installed (.ci/install-chromium
installs them)."""
import os
import shutil
import threading

import pytest

from ui_helpers import deadline, get_json, wait_for
from kindling.protocol import time_factor

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
OUT_DIR = os.environ.get("KINDLING_UI_SCREENSHOTS") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "target", "ui-screenshots")

_MISSING = ("headless Chromium is not installed (need 'chromium' and 'chromedriver' on PATH; "
            "run .ci/install-chromium or apt-get install chromium chromium-driver)")
# CI sets KINDLING_REQUIRE_BROWSER=1: there a missing browser fails the test instead of skipping it.
_REQUIRED = os.environ.get("KINDLING_REQUIRE_BROWSER") == "1"

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and not _REQUIRED, reason=_MISSING)


@pytest.fixture
def browser():
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.fail(_MISSING + ", and KINDLING_REQUIRE_BROWSER=1 requires it")
    if _REQUIRED:
        import selenium.webdriver as webdriver
    else:
        webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (python/requirements-dev.txt)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
              "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _until(driver, what, fn, seconds=30):
    """Waits for ``fn(driver)`` to be truthy. The pages replace their content every two seconds,
    so an element can go stale between finding and reading it: that just means try again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, time_factor.scaled(seconds),
                         poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: fn(d), message="waiting for " + what)


def _texts(driver, css):
    return [e.text for e in driver.find_elements("css selector", css)]


def _attrs(driver, css, name):
    return [e.get_attribute(name) for e in driver.find_elements("css selector", css)]


def _click(driver, css, what):
    _until(driver, what, lambda d: d.find_element("css selector", css).click() or True)


def test_the_jobs_page_follows_a_running_job_to_its_stage_and_tasks(backend, own_context, browser, tmp_path):
    if backend != "jvm":
        pytest.skip("the web UI is the JVM's")
    os.makedirs(OUT_DIR, exist_ok=True)
    sc = own_context(master="local[2]", **{"spark.ui.port": "0"})
    release = str(tmp_path / "release")
    limit = deadline(120)

    def gated(x):
        # Tasks of the map stage wait (boundedly) for the test to let them go, so the browser sees
        # the job while it runs.
        import os as _os
        import time as _time

        end = _time.time() + 120
        while not _os.path.exists(release) and _time.time() < end:
            _time.sleep(0.02)
        return (x % 5, 1)

    result = {}

    def run():
        sc.setJobGroup("browser", "word counts while a browser watches")
        rdd = sc.parallelize(range(200), 4).map(gated).reduceByKey(lambda a, b: a + b, 2)
        result["counts"] = sorted(rdd.collect())  # the collect_line below names this line

    import inspect

    collect_line = inspect.getsourcelines(run)[1] + 3
    t = threading.Thread(target=run)
    t.start()
    try:
        base = sc.uiWebUrl
        wait_for(lambda: get_json(base + "/api/v1/applications/%s/stages?status=active" % sc.applicationId),
                 "the map stage to run")
        browser.get(base + "/jobs/")
        names = _until(browser, "the running job in Active Jobs", lambda d: _texts(d, "#active-jobs a.job-link"))
        assert names[0].startswith("collect at ") and names[0].endswith("test_ui_browser.py:%d" % collect_line)
        assert _until(browser, "its progress bar", lambda d: _texts(d, "#active-jobs .progress"))
        browser.save_screenshot(os.path.join(OUT_DIR, "jobs-running.png"))

        _click(browser, "#active-jobs a.job-link", "the job link")
        stages = _until(browser, "the job page's DAG", lambda d: _attrs(d, "#dag .stage-node", "data-stage"))
        assert stages == ["0", "1"]
        assert _attrs(browser, "#dag .stage-node", "data-status")[0] == "ACTIVE"
        assert _until(browser, "the DAG's edge", lambda d: d.find_elements("css selector", "#dag line.edge"))
        browser.save_screenshot(os.path.join(OUT_DIR, "job-dag.png"))

        _click(browser, "#job-stages a.stage-link", "the first stage's link")
        rows = _until(browser, "the running tasks in the task table",
                      lambda d: (lambda r: r if len(r) >= 2 else None)(_texts(d, "#task-table tbody tr")))
        assert "RUNNING" in rows[0]
        assert _until(browser, "timeline rows", lambda d: d.find_elements("css selector", "#timeline .task-row"))
        browser.save_screenshot(os.path.join(OUT_DIR, "stage-running.png"))

        open(release, "w").close()
        t.join(max(1.0, limit - __import__("time").monotonic()))
        assert result["counts"] == [(0, 40), (1, 40), (2, 40), (3, 40), (4, 40)]
        # The page refreshes itself: the stage turns COMPLETE without a reload.
        _until(browser, "the stage to complete on the open page",
               lambda d: _texts(d, "#stage-status") == ["COMPLETE"])
        _until(browser, "every task SUCCESS in the table", lambda d: all(
            "SUCCESS" in r for r in _texts(d, "#task-table tbody tr")))
        assert len(_until(browser, "the task rows", lambda d: _texts(d, "#task-table tbody tr"))) == 4
        phases = _until(browser, "the timeline's phases", lambda d: {
            c.split()[-1] for c in _attrs(d, "#timeline rect.phase", "class")})
        assert {"phase-boot", "phase-init", "phase-compute"} <= phases, phases
        metrics = _until(browser, "the summary metrics", lambda d: _texts(d, "#summary-metrics"))[0]
        assert "Duration" in metrics and "Shuffle Write Records" in metrics
        browser.save_screenshot(os.path.join(OUT_DIR, "stage-done.png"))

        browser.get(base + "/jobs/")
        _until(browser, "the job under Completed Jobs", lambda d: _texts(d, "#completed-jobs a.job-link"))
        browser.save_screenshot(os.path.join(OUT_DIR, "jobs-done.png"))
        for page, marker in (("/storage/", "rdd-table"), ("/environment/", "sparkProperties"),
                             ("/executors/", "python-workers")):
            browser.get(base + page)
            assert _until(browser, page, lambda d: d.find_elements("id", marker))
        workers = _until(browser, "the Python workers", lambda d: _texts(d, "#python-workers tbody tr"))
        assert workers and "yes" in workers[0]
        browser.save_screenshot(os.path.join(OUT_DIR, "executors.png"))
    finally:
        if not os.path.exists(release):
            open(release, "w").close()
        t.join(time_factor.scaled(60))
