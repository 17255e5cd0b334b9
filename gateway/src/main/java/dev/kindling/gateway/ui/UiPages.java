package dev.kindling.gateway.ui;

import static dev.kindling.gateway.ui.Html.bytes;
import static dev.kindling.gateway.ui.Html.duration;
import static dev.kindling.gateway.ui.Html.esc;
import static dev.kindling.gateway.ui.Html.time;

import dev.kindling.engine.status.AppStatusStore.JobState;
import dev.kindling.engine.status.AppStatusStore.JobView;
import dev.kindling.engine.status.AppStatusStore.StageState;
import dev.kindling.engine.status.AppStatusStore.StageView;
import dev.kindling.engine.status.AppStatusStore.TaskView;
import dev.kindling.engine.status.AppStatusStore.WorkerView;
import dev.kindling.engine.status.AppStatusStore;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.engine.status.WorkerRun;
import dev.kindling.engine.storage.RddStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The web UI's pages, plain HTML with inline SVG: jobs, one job (with its stage DAG), stages, one
 * stage (summary quantiles, task timeline of each task's boot / init / compute / finish phases,
 * task table), storage, environment and executors. Each page re-fetches itself every
 * {@link #REFRESH_MS} and swaps its main part in, so it follows running jobs without a framework.
 */
final class UiPages {
  static final int REFRESH_MS = 2000;
  /** Rows of a stage's task table and timeline; the REST API's taskList pages through the rest. */
  static final int MAX_TASK_ROWS = 1000;
  static final double[] QUANTILES = {0.0, 0.25, 0.5, 0.75, 1.0};

  private final UiApp app;
  private final ApiJson json;

  UiPages(UiApp app) {
    this.app = app;
    this.json = new ApiJson(app);
  }

  private AppStatusStore store() {
    return app.engine().statusStore();
  }

  // ---- layout

  private String page(String tab, String title, String body) {
    StringBuilder b = new StringBuilder(body.length() + 4096);
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(app.appName())).append(" - ").append(esc(title)).append("</title><style>").append(CSS)
        .append("</style></head><body><nav><span class=\"brand\">Kindling</span>");
    for (String[] t : new String[][] {{"jobs", "Jobs"}, {"stages", "Stages"}, {"storage", "Storage"},
        {"environment", "Environment"}, {"executors", "Executors"}}) {
      b.append("<a href=\"/").append(t[0]).append("/\"").append(t[0].equals(tab) ? " class=\"active\"" : "")
          .append(">").append(t[1]).append("</a>");
    }
    b.append("<span class=\"app\">").append(esc(app.appName())).append(" application UI</span></nav><main id=\"main\">")
        .append("<h2>").append(esc(title)).append("</h2>").append(body).append("</main><script>").append(REFRESH_JS)
        .append("</script></body></html>");
    return b.toString();
  }

  private static Response notFound(String what) {
    return new Response(404, Response.HTML, ("<!DOCTYPE html><html><body><h2>" + esc(what)
        + "</h2><p><a href=\"/jobs/\">Jobs</a></p></body></html>").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Integer intParam(Map<String, List<String>> q, String key, Integer fallback) {
    List<String> v = q.get(key);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.valueOf(v.get(0).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  // ---- jobs

  Response jobs() {
    List<JobView> all = store().jobs();
    List<List<String>> active = new ArrayList<>();
    List<List<String>> done = new ArrayList<>();
    List<List<String>> failed = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (JobView j : all) {
      List<String> row = jobRow(j, now);
      (j.status() == JobState.RUNNING ? active : j.status() == JobState.SUCCEEDED ? done : failed).add(row);
    }
    List<String> headers = List.of("Job Id (Job Group)", "Description", "Submitted", "Duration",
        "Stages: Succeeded/Total", "Tasks (for all stages): Succeeded/Total");
    String body = "<ul class=\"summary\"><li><b>User:</b> " + esc(app.sparkUser()) + "</li><li><b>Started at:</b> "
        + time(app.startTime()) + "</li><li><b>Total uptime:</b> " + duration(now - app.startTime())
        + "</li><li><b>Scheduling mode:</b> FIFO</li><li><b>Active jobs:</b> <span id=\"count-active\">"
        + active.size() + "</span></li><li><b>Completed jobs:</b> " + done.size() + "</li><li><b>Failed jobs:</b> "
        + failed.size() + "</li></ul>"
        + "<h3>Active Jobs (" + active.size() + ")</h3>" + Html.table("active-jobs", headers, active)
        + "<h3>Completed Jobs (" + done.size() + ")</h3>" + Html.table("completed-jobs", headers, done)
        + "<h3>Failed Jobs (" + failed.size() + ")</h3>" + Html.table("failed-jobs", headers, failed);
    return Response.html(page("jobs", "Spark Jobs", body));
  }

  private static List<String> jobRow(JobView j, long now) {
    long end = j.completionTime() >= 0 ? j.completionTime() : now;
    String id = j.jobId() + (j.jobGroup() == null ? "" : " (" + esc(j.jobGroup()) + ")");
    String desc = "<a class=\"job-link\" href=\"/jobs/job/?id=" + j.jobId() + "\">" + esc(ApiJson.jobName(j)) + "</a>"
        + (j.description() == null ? "" : "<div class=\"desc\">" + esc(j.description()) + "</div>")
        + (j.failure() == null ? "" : "<div class=\"error\">" + esc(firstLine(j.failure())) + "</div>");
    int stagesTotal = j.stageIds().size();
    String stages = j.numCompletedStages() + "/" + (stagesTotal - j.numSkippedStages())
        + (j.numSkippedStages() > 0 ? " (" + j.numSkippedStages() + " skipped)" : "")
        + (j.numFailedStages() > 0 ? " (" + j.numFailedStages() + " failed)" : "");
    return List.of(id, desc, time(j.submissionTime()), duration(end - j.submissionTime()), stages,
        Html.progress(j.numCompletedTasks(), j.numActiveTasks(), j.numTasks(), j.numFailedTasks(), j.numKilledTasks(),
            j.numSkippedTasks()));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  Response job(Map<String, List<String>> q) {
    Integer id = intParam(q, "id", null);
    JobView j = id == null ? null : store().job(id);
    if (j == null) {
      return notFound("No job with id " + q.getOrDefault("id", List.of("(none)")));
    }
    long now = System.currentTimeMillis();
    Map<Integer, StageView> latest = new HashMap<>();
    for (int sid : j.stageIds()) {
      List<StageView> attempts = store().stageAttempts(sid);
      if (!attempts.isEmpty()) {
        latest.put(sid, attempts.get(attempts.size() - 1));
      }
    }
    StringBuilder b = new StringBuilder("<ul class=\"summary\"><li><b>Status:</b> <span id=\"job-status\">")
        .append(j.status()).append("</span></li><li><b>Submitted:</b> ").append(time(j.submissionTime()))
        .append("</li><li><b>Duration:</b> ")
        .append(duration((j.completionTime() >= 0 ? j.completionTime() : now) - j.submissionTime())).append("</li>");
    if (j.jobGroup() != null) {
      b.append("<li><b>Job Group:</b> ").append(esc(j.jobGroup())).append("</li>");
    }
    if (j.description() != null) {
      b.append("<li><b>Description:</b> ").append(esc(j.description())).append("</li>");
    }
    b.append("<li><b>Tasks:</b> ").append(Html.progress(j.numCompletedTasks(), j.numActiveTasks(), j.numTasks(),
        j.numFailedTasks(), j.numKilledTasks(), j.numSkippedTasks())).append("</li></ul>");
    if (j.failure() != null) {
      b.append("<pre class=\"error\">").append(esc(j.failure())).append("</pre>");
    }
    b.append("<h3>DAG Visualization</h3>").append(dag(j, latest));
    List<List<String>> rows = new ArrayList<>();
    for (EngineEvent.StageInfo p : j.plan()) {
      StageView s = latest.get(p.stageId());
      rows.add(stageRow(s, p, now, j));
    }
    b.append("<h3>Stages (").append(rows.size()).append(")</h3>").append(Html.table("job-stages", STAGE_HEADERS, rows));
    return Response.html(page("jobs", "Details for Job " + j.jobId(), b.toString()));
  }

  /**
   * The job's stages as an SVG graph: one box per stage, in columns by depth (parents left),
   * an arrow from each shuffle-map stage to the stages that read it; colour by status.
   */
  static String dag(JobView j, Map<Integer, StageView> latest) {
    Map<Integer, EngineEvent.StageInfo> byId = new TreeMap<>();
    j.plan().forEach(p -> byId.put(p.stageId(), p));
    Map<Integer, Integer> depth = new HashMap<>();
    for (int id : byId.keySet()) {
      depth(id, byId, depth, 0);
    }
    Map<Integer, Integer> rowInColumn = new HashMap<>();
    Map<Integer, int[]> pos = new HashMap<>();
    int maxDepth = 0;
    int maxRows = 0;
    for (int id : byId.keySet()) {
      int d = depth.get(id);
      int r = rowInColumn.merge(d, 1, Integer::sum) - 1;
      pos.put(id, new int[] {d, r});
      maxDepth = Math.max(maxDepth, d);
      maxRows = Math.max(maxRows, r + 1);
    }
    int w = 220;
    int h = 64;
    int gapX = 70;
    int gapY = 24;
    int width = (maxDepth + 1) * (w + gapX) + 20;
    int height = maxRows * (h + gapY) + 20;
    StringBuilder b = new StringBuilder("<svg id=\"dag\" class=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
        .append(height).append("\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
            + "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/>"
            + "</marker></defs>");
    for (EngineEvent.StageInfo p : byId.values()) {
      int[] to = pos.get(p.stageId());
      for (int parent : p.parentIds()) {
        int[] from = pos.get(parent);
        if (from == null) {
          continue;
        }
        int x1 = 10 + from[0] * (w + gapX) + w;
        int y1 = 10 + from[1] * (h + gapY) + h / 2;
        int x2 = 10 + to[0] * (w + gapX);
        int y2 = 10 + to[1] * (h + gapY) + h / 2;
        b.append("<line class=\"edge\" x1=\"").append(x1).append("\" y1=\"").append(y1).append("\" x2=\"").append(x2)
            .append("\" y2=\"").append(y2).append("\" stroke=\"#555\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>");
      }
    }
    for (EngineEvent.StageInfo p : byId.values()) {
      int[] at = pos.get(p.stageId());
      int x = 10 + at[0] * (w + gapX);
      int y = 10 + at[1] * (h + gapY);
      StageView s = latest.get(p.stageId());
      String status = s == null ? "PENDING" : skippedFor(j, s) ? "SKIPPED" : s.status().name();
      String fill = switch (status) {
        case "COMPLETE" -> "#d4edda";
        case "ACTIVE" -> "#cce5ff";
        case "FAILED" -> "#f8d7da";
        case "SKIPPED" -> "#eeeeee";
        default -> "#fff8e1";
      };
      String shortName = shortSite(p.name());
      String label = shortName.length() > 32 ? shortName.substring(0, 31) + "\u2026" : shortName;
      b.append("<a href=\"/stages/stage/?id=").append(p.stageId()).append("&amp;attempt=")
          .append(s == null ? 0 : s.attempt()).append("\"><g class=\"stage-node\" data-stage=\"").append(p.stageId())
          .append("\" data-status=\"").append(status).append("\"><rect x=\"").append(x).append("\" y=\"").append(y)
          .append("\" width=\"").append(w).append("\" height=\"").append(h).append("\" rx=\"6\" fill=\"").append(fill)
          .append("\" stroke=\"#3d6fb6\"/><text x=\"").append(x + 10).append("\" y=\"").append(y + 22)
          .append("\" font-weight=\"bold\">Stage ").append(p.stageId()).append(" \u00b7 ").append(status.toLowerCase(Locale.ROOT))
          .append("</text><text x=\"").append(x + 10).append("\" y=\"").append(y + 42).append("\">").append(esc(label))
          .append("</text><text x=\"").append(x + 10).append("\" y=\"").append(y + 58).append("\" class=\"small\">")
          .append(p.numTasks()).append(" tasks</text><title>").append(esc(p.name())).append("</title></g></a>");
    }
    return b.append("</svg>").toString();
  }

  /** "reduceByKey at /long/path/wc.py:47" as "reduceByKey at wc.py:47", for the DAG's boxes. */
  static String shortSite(String name) {
    int at = name.indexOf(" at ");
    if (at < 0) {
      return name;
    }
    String where = name.substring(at + 4);
    int slash = Math.max(where.lastIndexOf('/'), where.lastIndexOf('\\'));
    return slash < 0 ? name : name.substring(0, at + 4) + where.substring(slash + 1);
  }

  private static int depth(int id, Map<Integer, EngineEvent.StageInfo> byId, Map<Integer, Integer> memo, int guard) {
    Integer known = memo.get(id);
    if (known != null) {
      return known;
    }
    EngineEvent.StageInfo p = byId.get(id);
    int d = 0;
    if (p != null && guard < 1000) {
      for (int parent : p.parentIds()) {
        if (byId.containsKey(parent)) {
          d = Math.max(d, depth(parent, byId, memo, guard + 1) + 1);
        }
      }
    }
    memo.put(id, d);
    return d;
  }

  /** The stage ran for an earlier job only: for this job it was skipped. */
  private static boolean skippedFor(JobView j, StageView s) {
    return s.status() == StageState.SKIPPED
        || (j.status() != JobState.RUNNING && !s.jobIds().isEmpty() && !s.jobIds().contains(j.jobId()));
  }

  // ---- stages

  private static final List<String> STAGE_HEADERS = List.of("Stage Id", "Description", "Submitted", "Duration",
      "Tasks: Succeeded/Total", "Input", "Output", "Shuffle Read", "Shuffle Write", "Status");

  private List<String> stageRow(StageView s, EngineEvent.StageInfo plan, long now, JobView forJob) {
    if (s == null) {
      return List.of(String.valueOf(plan.stageId()), esc(plan.name()), "-", "-", "-", "", "", "", "", "PENDING");
    }
    long end = s.completionTime() >= 0 ? s.completionTime() : now;
    String status = forJob != null && skippedFor(forJob, s) ? "SKIPPED" : s.status().name();
    String link = "<a class=\"stage-link\" href=\"/stages/stage/?id=" + s.stageId() + "&amp;attempt=" + s.attempt()
        + "\">" + esc(s.name() == null ? "stage " + s.stageId() : s.name()) + "</a>"
        + (s.failureReason() == null ? "" : "<div class=\"error\">" + esc(firstLine(s.failureReason())) + "</div>");
    long[] io = stageIo(s);
    return List.of(s.stageId() + (s.attempt() > 0 ? " (retry " + s.attempt() + ")" : ""), link, time(s.submissionTime()),
        s.submissionTime() < 0 ? "-" : duration(end - s.submissionTime()),
        Html.progress(s.numCompleteTasks(), s.numActiveTasks(), s.numTasks(), s.numFailedTasks(), s.numKilledTasks(), 0),
        io[0] > 0 ? bytes(io[0]) : "", io[1] > 0 ? bytes(io[1]) : "",
        s.shuffleReadBytes() > 0 ? bytes(s.shuffleReadBytes()) : "",
        s.shuffleWriteBytes() > 0 ? bytes(s.shuffleWriteBytes()) : "", status);
  }

  private long[] stageIo(StageView s) {
    long in = 0;
    long out = 0;
    for (TaskView t : store().tasks(s.stageId(), s.attempt(), 0, Integer.MAX_VALUE)) {
      TaskMetricValues v = TaskMetricValues.of(t.metrics());
      in += v.inputBytes();
      out += v.outputBytes();
    }
    return new long[] {in, out};
  }

  Response stages() {
    long now = System.currentTimeMillis();
    Map<StageState, List<List<String>>> by = new TreeMap<>();
    for (StageView s : store().stages()) {
      by.computeIfAbsent(s.status(), k -> new ArrayList<>()).add(stageRow(s, null, now, null));
    }
    StringBuilder b = new StringBuilder();
    for (StageState st : new StageState[] {StageState.ACTIVE, StageState.PENDING, StageState.COMPLETE,
        StageState.SKIPPED, StageState.FAILED}) {
      List<List<String>> rows = by.getOrDefault(st, List.of());
      String name = switch (st) {
        case ACTIVE -> "Active";
        case PENDING -> "Pending";
        case COMPLETE -> "Completed";
        case SKIPPED -> "Skipped";
        default -> "Failed";
      };
      b.append("<h3>").append(name).append(" Stages (").append(rows.size()).append(")</h3>")
          .append(Html.table(name.toLowerCase(Locale.ROOT) + "-stages", STAGE_HEADERS, rows));
    }
    return Response.html(page("stages", "Stages for All Jobs", b.toString()));
  }

  Response stage(Map<String, List<String>> q) {
    Integer id = intParam(q, "id", null);
    Integer attempt = intParam(q, "attempt", 0);
    StageView s = id == null || attempt == null ? null : store().stage(id, attempt);
    if (s == null) {
      return notFound("No stage " + q.getOrDefault("id", List.of("(none)")) + " attempt "
          + q.getOrDefault("attempt", List.of("0")));
    }
    List<TaskView> tasks = store().tasks(s.stageId(), s.attempt(), 0, Integer.MAX_VALUE);
    long now = System.currentTimeMillis();
    StringBuilder b = new StringBuilder("<ul class=\"summary\"><li><b>Status:</b> <span id=\"stage-status\">")
        .append(s.status()).append("</span></li><li><b>Name:</b> ").append(esc(s.name())).append("</li>")
        .append("<li><b>Jobs:</b> ");
    for (int jid : s.jobIds()) {
      b.append("<a href=\"/jobs/job/?id=").append(jid).append("\">").append(jid).append("</a> ");
    }
    long end = s.completionTime() >= 0 ? s.completionTime() : now;
    b.append("</li><li><b>Duration:</b> ").append(s.submissionTime() < 0 ? "-" : duration(end - s.submissionTime()))
        .append("</li><li><b>Total time across all tasks:</b> ").append(duration(s.executorRunTimeMs()))
        .append("</li><li><b>Tasks:</b> ").append(Html.progress(s.numCompleteTasks(), s.numActiveTasks(), s.numTasks(),
            s.numFailedTasks(), s.numKilledTasks(), 0)).append("</li>");
    if (s.shuffleReadBytes() > 0) {
      b.append("<li><b>Shuffle Read:</b> ").append(bytes(s.shuffleReadBytes())).append(" / ")
          .append(s.shuffleReadRecords()).append(" records</li>");
    }
    if (s.shuffleWriteBytes() > 0) {
      b.append("<li><b>Shuffle Write:</b> ").append(bytes(s.shuffleWriteBytes())).append(" / ")
          .append(s.shuffleWriteRecords()).append(" records</li>");
    }
    b.append("</ul>");
    if (s.failureReason() != null) {
      b.append("<pre class=\"error\">").append(esc(s.failureReason())).append("</pre>");
    }
    List<TaskView> shown = tasks.size() > MAX_TASK_ROWS ? tasks.subList(0, MAX_TASK_ROWS) : tasks;
    b.append("<h3>Event Timeline</h3>").append(timeline(shown, now));
    b.append("<h3>Summary Metrics for ").append(countFinished(tasks)).append(" Completed Tasks</h3>")
        .append(quantiles(tasks));
    List<List<String>> rows = new ArrayList<>();
    for (TaskView t : shown) {
      rows.add(taskRow(t, now));
    }
    b.append("<h3>Tasks (").append(tasks.size()).append(")</h3>");
    if (tasks.size() > shown.size()) {
      b.append("<p>Showing the first ").append(shown.size()).append("; all through <code>/api/v1/applications/")
          .append(esc(app.appId())).append("/stages/").append(s.stageId()).append('/').append(s.attempt())
          .append("/taskList</code>.</p>");
    }
    b.append(Html.table("task-table", List.of("Index", "Task ID", "Attempt", "Status", "Locality", "Executor",
        "Python worker", "Launch Time", "Duration", "GC Time", "Input", "Output", "Shuffle Read", "Shuffle Write",
        "Spill (disk)", "Errors"), rows));
    return Response.html(page("stages", "Details for Stage " + s.stageId() + " (Attempt " + s.attempt() + ")",
        b.toString()));
  }

  private static int countFinished(List<TaskView> tasks) {
    int n = 0;
    for (TaskView t : tasks) {
      n += t.status().equals("SUCCESS") ? 1 : 0;
    }
    return n;
  }

  private static List<String> taskRow(TaskView t, long now) {
    TaskMetricValues v = TaskMetricValues.of(t.metrics());
    String workers = "";
    if (t.metrics() != null) {
      StringBuilder w = new StringBuilder();
      for (WorkerRun r : t.metrics().workerRuns()) {
        w.append(w.length() == 0 ? "" : ", ").append("pid ").append(r.pid()).append(r.reused() ? " (reused)" : " (new)");
      }
      workers = w.toString();
    }
    long dur = t.durationMs() >= 0 ? t.durationMs() : now - t.launchTime();
    return List.of(String.valueOf(t.index()), String.valueOf(t.taskId()), String.valueOf(t.attempt()),
        "<span class=\"status-" + esc(t.status()) + "\">" + esc(t.status()) + "</span>", "PROCESS_LOCAL",
        ApiJson.EXECUTOR_ID, esc(workers), time(t.launchTime()), duration(dur),
        v.jvmGcTime() > 0 ? duration(v.jvmGcTime()) : "",
        v.inputBytes() > 0 ? bytes(v.inputBytes()) + " / " + v.inputRecords() : "",
        v.outputBytes() > 0 ? bytes(v.outputBytes()) + " / " + v.outputRecords() : "",
        v.shuffleReadBytes() > 0 ? bytes(v.shuffleReadBytes()) + " / " + v.shuffleReadRecords() : "",
        v.shuffleWriteBytes() > 0 ? bytes(v.shuffleWriteBytes()) + " / " + v.shuffleWriteRecords() : "",
        v.diskBytesSpilled() > 0 ? bytes(v.diskBytesSpilled()) : "",
        t.errorMessage() == null ? "" : "<pre class=\"error\">" + esc(firstLine(t.errorMessage())) + "</pre>");
  }

  /**
   * Spark's summary table: min, 25th percentile, median, 75th percentile and max over the
   * successful tasks, the value at index {@code min(floor(q * (n - 1)), n - 1)} of the sorted values.
   */
  static String quantiles(List<TaskView> tasks) {
    List<TaskView> ok = new ArrayList<>();
    for (TaskView t : tasks) {
      if (t.status().equals("SUCCESS")) {
        ok.add(t);
      }
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(quantileRow("Duration", ok, TaskView::durationMs, Html::duration));
    rows.add(quantileRow("GC Time", ok, t -> TaskMetricValues.of(t.metrics()).jvmGcTime(), Html::duration));
    rows.add(quantileRow("Input Records", ok, t -> TaskMetricValues.of(t.metrics()).inputRecords(), String::valueOf));
    rows.add(quantileRow("Output Records", ok, t -> TaskMetricValues.of(t.metrics()).outputRecords(), String::valueOf));
    rows.add(quantileRow("Shuffle Read Records", ok, t -> TaskMetricValues.of(t.metrics()).shuffleReadRecords(),
        String::valueOf));
    rows.add(quantileRow("Shuffle Read Size", ok, t -> TaskMetricValues.of(t.metrics()).shuffleReadBytes(),
        Html::bytes));
    rows.add(quantileRow("Shuffle Write Records", ok, t -> TaskMetricValues.of(t.metrics()).shuffleWriteRecords(),
        String::valueOf));
    rows.add(quantileRow("Shuffle Write Size", ok, t -> TaskMetricValues.of(t.metrics()).shuffleWriteBytes(),
        Html::bytes));
    return Html.table("summary-metrics", List.of("Metric", "Min", "25th percentile", "Median", "75th percentile",
        "Max"), rows);
  }

  static long[] quantileValues(long[] sorted) {
    long[] out = new long[QUANTILES.length];
    for (int i = 0; i < QUANTILES.length; i++) {
      int n = sorted.length;
      out[i] = sorted[(int) Math.min((long) (QUANTILES[i] * (n - 1)), n - 1)];
    }
    return out;
  }

  private static List<String> quantileRow(String name, List<TaskView> tasks, ToLongFunction<TaskView> f,
      java.util.function.LongFunction<String> fmt) {
    List<String> row = new ArrayList<>();
    row.add(name);
    if (tasks.isEmpty()) {
      for (int i = 0; i < QUANTILES.length; i++) {
        row.add("-");
      }
      return row;
    }
    long[] v = tasks.stream().mapToLong(f).sorted().toArray();
    for (long x : quantileValues(v)) {
      row.add(fmt.apply(x));
    }
    return row;
  }

  /**
   * One row per task attempt on a shared time axis: setup (launch to the worker request), the
   * Python worker's boot, init and compute (from its timing section, WRK-6.2), and finish (from
   * the worker's end to the task's end on the JVM). A task without a worker is one compute bar.
   */
  static String timeline(List<TaskView> tasks, long now) {
    if (tasks.isEmpty()) {
      return "<p id=\"timeline-empty\">No tasks have started yet.</p>";
    }
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    for (TaskView t : tasks) {
      t0 = Math.min(t0, t.launchTime());
      t1 = Math.max(t1, t.finishTime() >= 0 ? t.finishTime() : now);
    }
    long span = Math.max(1, t1 - t0);
    int left = 150;
    int width = 900;
    int rowH = 18;
    int height = tasks.size() * rowH + 40;
    StringBuilder b = new StringBuilder("<div class=\"legend\">")
        .append("<span class=\"phase-setup\"></span>setup <span class=\"phase-boot\"></span>worker boot "
            + "<span class=\"phase-init\"></span>worker init <span class=\"phase-compute\"></span>compute "
            + "<span class=\"phase-finish\"></span>finish</div>")
        .append("<svg id=\"timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(left + width + 20).append("\" height=\"").append(height).append("\">");
    for (int i = 0; i <= 4; i++) {
      int x = left + width * i / 4;
      b.append("<line x1=\"").append(x).append("\" y1=\"0\" x2=\"").append(x).append("\" y2=\"").append(height - 20)
          .append("\" stroke=\"#ddd\"/><text x=\"").append(x).append("\" y=\"").append(height - 6)
          .append("\" class=\"small\" text-anchor=\"middle\">+").append(duration(span * i / 4)).append("</text>");
    }
    int row = 0;
    for (TaskView t : tasks) {
      int y = row++ * rowH + 4;
      long end = t.finishTime() >= 0 ? t.finishTime() : now;
      b.append("<g class=\"task-row\" data-task=\"").append(t.taskId()).append("\" data-status=\"").append(esc(t.status()))
          .append("\"><text x=\"4\" y=\"").append(y + 12).append("\" class=\"small\">task ").append(t.taskId())
          .append(" (").append(t.index()).append('.').append(t.attempt()).append(")</text>");
      List<long[]> phases = new ArrayList<>();
      List<String> names = new ArrayList<>();
      WorkerRun w = t.metrics() == null || t.metrics().workerRuns().isEmpty() ? null
          : t.metrics().workerRuns().get(0);
      if (w != null && w.startMillis() > 0 && w.bootMillis() > 0 && w.initMillis() > 0 && w.finishMillis() > 0) {
        // The worker stamps with its own clock: a worker forked ahead of the request (or a few ms
        // of clock skew) can report a boot before the JVM's start. Clamp, so phases never overlap.
        long start = Math.max(t.launchTime(), w.startMillis());
        long boot = Math.max(start, w.bootMillis());
        long init = Math.max(boot, w.initMillis());
        long done = Math.max(init, w.finishMillis());
        long last = Math.max(done, end);
        addPhase(phases, names, "setup", t.launchTime(), start);
        addPhase(phases, names, "boot", start, boot);
        addPhase(phases, names, "init", boot, init);
        addPhase(phases, names, "compute", init, done);
        addPhase(phases, names, "finish", done, last);
      } else {
        addPhase(phases, names, "compute", t.launchTime(), end);
      }
      for (int i = 0; i < phases.size(); i++) {
        long[] p = phases.get(i);
        double x = left + (double) width * (p[0] - t0) / span;
        double wd = Math.max(1.0, (double) width * (p[1] - p[0]) / span);
        b.append(String.format(Locale.ROOT, "<rect class=\"phase phase-%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
            + "height=\"%d\"><title>task %d %s: %s</title></rect>", names.get(i), x, y, wd, rowH - 4, t.taskId(),
            names.get(i), duration(p[1] - p[0])));
      }
      if (!t.status().equals("SUCCESS")) {
        b.append("<text x=\"").append(left + width + 4).append("\" y=\"").append(y + 12).append("\" class=\"small\">")
            .append(esc(t.status().toLowerCase(Locale.ROOT))).append("</text>");
      }
      b.append("</g>");
    }
    return b.append("</svg>").toString();
  }

  private static void addPhase(List<long[]> phases, List<String> names, String name, long from, long to) {
    if (to >= from) {
      phases.add(new long[] {from, to});
      names.add(name);
    }
  }

  // ---- storage, environment, executors

  Response storage() {
    List<List<String>> rows = new ArrayList<>();
    for (RddStorage r : app.engine().storageStatus()) {
      rows.add(List.of(String.valueOf(r.id()), "<a href=\"/storage/rdd/?id=" + r.id() + "\">" + esc(r.name()) + "</a>",
          esc(r.storageLevel()), String.valueOf(r.blocks().size()),
          String.format(Locale.ROOT, "%.0f%%", 100.0 * r.blocks().size() / Math.max(1, r.numPartitions())),
          bytes(r.memoryUsed()), bytes(r.diskUsed())));
    }
    return Response.html(page("storage", "Storage", "<h3>RDDs (" + rows.size() + ")</h3>"
        + Html.table("rdd-table", List.of("ID", "RDD Name", "Storage Level", "Cached Partitions", "Fraction Cached",
            "Size in Memory", "Size on Disk"), rows)));
  }

  Response rdd(Map<String, List<String>> q) {
    Integer id = intParam(q, "id", null);
    for (RddStorage r : app.engine().storageStatus()) {
      if (id != null && r.id() == id) {
        List<List<String>> rows = new ArrayList<>();
        for (RddStorage.Block blk : r.blocks()) {
          rows.add(List.of(esc(blk.blockName()), esc(blk.storageLevel()), bytes(blk.memoryUsed()),
              bytes(blk.diskUsed()), ApiJson.EXECUTOR_ID));
        }
        String body = "<ul class=\"summary\"><li><b>Storage Level:</b> " + esc(r.storageLevel())
            + "</li><li><b>Cached Partitions:</b> " + r.blocks().size() + " of " + r.numPartitions()
            + "</li><li><b>Memory Size:</b> " + bytes(r.memoryUsed()) + "</li><li><b>Disk Size:</b> "
            + bytes(r.diskUsed()) + "</li></ul><h3>Partitions</h3>"
            + Html.table("partitions", List.of("Block Name", "Storage Level", "Size in Memory", "Size on Disk",
                "Executors"), rows);
        return Response.html(page("storage", "RDD Storage Info for " + r.name(), body));
      }
    }
    return notFound("No cached RDD with id " + q.getOrDefault("id", List.of("(none)")));
  }

  Response environment() {
    Map<String, Object> env = json.environment();
    StringBuilder b = new StringBuilder();
    @SuppressWarnings("unchecked")
    Map<String, Object> runtime = (Map<String, Object>) env.get("runtime");
    List<List<String>> rt = new ArrayList<>();
    runtime.forEach((k, v) -> rt.add(List.of(esc(k), esc(v))));
    b.append("<h3>Runtime Information</h3>").append(Html.table("runtime", List.of("Name", "Value"), rt));
    for (String[] section : new String[][] {{"sparkProperties", "Spark Properties"},
        {"systemProperties", "System Properties"}, {"classpathEntries", "Classpath Entries"}}) {
      @SuppressWarnings("unchecked")
      List<List<String>> pairs = (List<List<String>>) env.get(section[0]);
      List<List<String>> rows = new ArrayList<>();
      for (List<String> p : pairs) {
        rows.add(List.of(esc(p.get(0)), esc(p.get(1))));
      }
      boolean open = section[0].equals("sparkProperties");
      b.append("<details").append(open ? " open" : "").append("><summary><h3>").append(section[1]).append(" (")
          .append(rows.size()).append(")</h3></summary>")
          .append(Html.table(section[0], List.of("Name", "Value"), rows)).append("</details>");
    }
    return Response.html(page("environment", "Environment", b.toString()));
  }

  Response executors() {
    Map<String, Object> d = json.driverExecutor();
    List<List<String>> drivers = List.of(Arrays.asList(esc(d.get("id")), esc(d.get("hostPort")), "Active",
        String.valueOf(d.get("rddBlocks")), bytes((Long) d.get("memoryUsed")) + " / " + bytes((Long) d.get("maxMemory")),
        bytes((Long) d.get("diskUsed")), String.valueOf(d.get("totalCores")), String.valueOf(d.get("activeTasks")),
        String.valueOf(d.get("failedTasks")), String.valueOf(d.get("completedTasks")), String.valueOf(d.get("totalTasks")),
        duration((Long) d.get("totalDuration")), duration((Long) d.get("totalGCTime")),
        bytes((Long) d.get("totalShuffleRead")), bytes((Long) d.get("totalShuffleWrite"))));
    List<List<String>> workers = new ArrayList<>();
    List<WorkerView> seen = new ArrayList<>(store().workers());
    java.util.Collections.reverse(seen);
    List<Long> daemons = app.pythonDaemons().get();
    for (WorkerView w : seen) {
      boolean alive = ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false);
      workers.add(List.of(String.valueOf(w.pid()), "<span class=\"" + (alive ? "alive" : "dead") + "\">"
          + (alive ? "yes" : "no") + "</span>", String.valueOf(w.tasks()), String.valueOf(w.reusedTasks()),
          time(w.firstSeen()), time(w.lastSeen())));
    }
    StringBuilder b = new StringBuilder("<h3>Executors</h3>")
        .append(Html.table("executors", List.of("Executor ID", "Address", "Status", "RDD Blocks", "Storage Memory",
            "Disk Used", "Cores", "Active Tasks", "Failed Tasks", "Complete Tasks", "Total Tasks", "Task Time",
            "GC Time", "Shuffle Read", "Shuffle Write"), drivers))
        .append("<h3>Python workers (").append(workers.size()).append(")</h3><p>Processes that ran tasks of "
            + "this application, newest first. Reused = tasks the worker ran after its first (taken from the idle "
            + "pool).");
    if (!daemons.isEmpty()) {
      b.append(" Worker daemon pid").append(daemons.size() > 1 ? "s" : "").append(": ");
      for (int i = 0; i < daemons.size(); i++) {
        b.append(i > 0 ? ", " : "").append(daemons.get(i));
      }
      b.append('.');
    }
    b.append("</p>").append(Html.table("python-workers", List.of("PID", "Alive", "Tasks", "Reused", "First task",
        "Last task"), workers));
    return Response.html(page("executors", "Executors", b.toString()));
  }

  // ---- static parts

  private static final String CSS = """
      body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;font-size:14px;margin:0;color:#222}
      nav{background:#3d3d3d;padding:0 16px;display:flex;align-items:center;gap:4px;height:44px}
      nav a{color:#ddd;text-decoration:none;padding:12px 12px}nav a.active,nav a:hover{background:#5a5a5a;color:#fff}
      nav .brand{color:#f6a623;font-weight:bold;font-size:18px;margin-right:16px}
      nav .app{margin-left:auto;color:#bbb}
      main{padding:8px 20px 40px}h2{font-weight:normal;margin:12px 0}h3{font-size:16px;margin:18px 0 6px}
      details summary h3{display:inline}
      ul.summary{list-style:none;padding:0;margin:0 0 10px}ul.summary li{margin:2px 0}
      table.table{border-collapse:collapse;width:100%;margin-bottom:10px}
      .table th,.table td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
      .table th{background:#f2f2f2}.table tr:nth-child(even) td{background:#fafafa}.empty{color:#888}
      .progress{position:relative;height:18px;min-width:180px;background:#f0f0f0;border:1px solid #ccc;border-radius:3px;overflow:hidden}
      .progress .bar{position:absolute;top:0;bottom:0}.progress .bar.done{left:0;background:#88c784}
      .progress .bar.running{background:#a5c8ea}
      .progress span{position:relative;display:block;text-align:center;font-size:12px;line-height:18px}
      .error{color:#b00020;white-space:pre-wrap;margin:2px 0;font-size:12px}.desc{color:#555;font-size:12px}
      a{color:#1f5fa8}svg text{font-size:12px;font-family:inherit}svg .small{font-size:11px;fill:#555}
      .phase-setup{fill:#bdbdbd;background:#bdbdbd}.phase-boot{fill:#f6a623;background:#f6a623}
      .phase-init{fill:#9c6ade;background:#9c6ade}.phase-compute{fill:#4a90d9;background:#4a90d9}
      .phase-finish{fill:#50b36a;background:#50b36a}
      .legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
      .status-FAILED,.dead{color:#b00020}.status-KILLED{color:#a66}.status-SUCCESS,.alive{color:#2e7d32}
      code{background:#f4f4f4;padding:1px 3px}
      """;

  /** Re-fetches the page and swaps the main part in; stops when the tab is hidden. */
  private static final String REFRESH_JS = """
      (function(){
        var busy=false;
        setInterval(function(){
          if(busy||document.hidden)return;busy=true;
          fetch(location.href,{cache:'no-store'}).then(function(r){return r.ok?r.text():null;}).then(function(t){
            busy=false;if(!t)return;
            var m=new DOMParser().parseFromString(t,'text/html').getElementById('main');
            var open=Array.from(document.querySelectorAll('details')).map(function(d){return d.open;});
            if(m){document.getElementById('main').innerHTML=m.innerHTML;
              document.querySelectorAll('details').forEach(function(d,i){if(i<open.length)d.open=open[i];});}
          }).catch(function(){busy=false;});
        }, %d);
      })();
      """.formatted(REFRESH_MS);
}
