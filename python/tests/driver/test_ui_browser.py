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

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
OUT_DIR = os.environ.get("KINDLING_UI_SCREENSHOTS") or os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "target", "ui-screenshots")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless Chromium is not installed (need 'chromium' and 'chromedriver' on PATH; "
           "run .ci/install-chromium or apt-get install chromium chromium-driver)")


@pytest.fixture
def browser():
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
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds * float(os.environ.get("KINDLING_TIME_FACTOR", "1") or "1"),
                         poll_frequency=0.1).until(lambda d: fn(d), message="waiting for " + what)


def test_the_jobs_page_follows_a_running_job_to_its_stage_and_tasks(backend, own_context, browser, tmp_path):
    if backend != "jvm":
        pytest.skip("the web UI is the JVM's")
    from selenium.webdriver.common.by import By

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
        result["counts"] = sorted(rdd.collect())

    t = threading.Thread(target=run)
    t.start()
    try:
        base = sc.uiWebUrl
        wait_for(lambda: get_json(base + "/api/v1/applications/%s/stages?status=active" % sc.applicationId),
                 "the map stage to run")
        browser.get(base + "/jobs/")
        row = _until(browser, "the running job in Active Jobs", lambda d: d.find_elements(
            By.CSS_SELECTOR, "#active-jobs a.job-link"))
        assert "reduceByKey" in row[0].text or "result" in row[0].text or row[0].text
        assert browser.find_element(By.CSS_SELECTOR, "#active-jobs .progress")
        browser.save_screenshot(os.path.join(OUT_DIR, "jobs-running.png"))

        row[0].click()
        _until(browser, "the job page's DAG", lambda d: d.find_elements(By.CSS_SELECTOR, "#dag .stage-node"))
        nodes = browser.find_elements(By.CSS_SELECTOR, "#dag .stage-node")
        assert [n.get_attribute("data-stage") for n in nodes] == ["0", "1"]
        assert nodes[0].get_attribute("data-status") == "ACTIVE"
        assert browser.find_elements(By.CSS_SELECTOR, "#dag line.edge")
        browser.save_screenshot(os.path.join(OUT_DIR, "job-dag.png"))

        browser.find_element(By.CSS_SELECTOR, "#job-stages a.stage-link").click()
        rows = _until(browser, "the running tasks in the task table",
                      lambda d: len(d.find_elements(By.CSS_SELECTOR, "#task-table tbody tr")) >= 2
                      and d.find_elements(By.CSS_SELECTOR, "#task-table tbody tr"))
        assert "RUNNING" in rows[0].text
        assert browser.find_elements(By.CSS_SELECTOR, "#timeline .task-row")
        browser.save_screenshot(os.path.join(OUT_DIR, "stage-running.png"))

        open(release, "w").close()
        t.join(max(1.0, limit - __import__("time").monotonic()))
        assert result["counts"] == [(0, 40), (1, 40), (2, 40), (3, 40), (4, 40)]
        # The page refreshes itself: the stage turns COMPLETE without a reload.
        _until(browser, "the stage to complete on the open page",
               lambda d: d.find_element(By.ID, "stage-status").text == "COMPLETE")
        _until(browser, "every task SUCCESS in the table", lambda d: all(
            "SUCCESS" in r.text for r in d.find_elements(By.CSS_SELECTOR, "#task-table tbody tr")))
        rows = browser.find_elements(By.CSS_SELECTOR, "#task-table tbody tr")
        assert len(rows) == 4
        phases = {r.get_attribute("class").split()[-1] for r in browser.find_elements(By.CSS_SELECTOR, "#timeline rect.phase")}
        assert {"phase-boot", "phase-init", "phase-compute"} <= phases, phases
        metrics = browser.find_element(By.ID, "summary-metrics").text
        assert "Duration" in metrics and "Shuffle Write Records" in metrics
        browser.save_screenshot(os.path.join(OUT_DIR, "stage-done.png"))

        browser.get(base + "/jobs/")
        _until(browser, "the job under Completed Jobs",
               lambda d: d.find_elements(By.CSS_SELECTOR, "#completed-jobs a.job-link"))
        browser.save_screenshot(os.path.join(OUT_DIR, "jobs-done.png"))
        for page, marker in (("/storage/", "rdd-table"), ("/environment/", "sparkProperties"),
                             ("/executors/", "python-workers")):
            browser.get(base + page)
            assert browser.find_element(By.ID, marker)
        workers = browser.find_elements(By.CSS_SELECTOR, "#python-workers tbody tr")
        assert workers and "yes" in workers[0].text
        browser.save_screenshot(os.path.join(OUT_DIR, "executors.png"))
    finally:
        if not os.path.exists(release):
            open(release, "w").close()
        t.join(60)
