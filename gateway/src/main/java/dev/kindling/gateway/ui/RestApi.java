package dev.kindling.gateway.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.kindling.engine.status.AppStatusStore.JobView;
import dev.kindling.engine.status.AppStatusStore.StageView;
import dev.kindling.engine.status.AppStatusStore.TaskView;
import dev.kindling.engine.status.AppStatusStore;
import dev.kindling.engine.storage.RddStorage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Spark's monitoring REST API under {@code /api/v1} (Spark 4.2's paths, parameters and error
 * answers): {@code applications}, {@code applications/[app]} and below it {@code jobs},
 * {@code jobs/[id]}, {@code stages}, {@code stages/[id]}, {@code stages/[id]/[attempt]},
 * {@code stages/[id]/[attempt]/taskList}, {@code executors}, {@code allexecutors},
 * {@code storage/rdd}, {@code storage/rdd/[id]}, {@code environment}; and {@code version}.
 *
 * <p>Errors are Spark's: 404 {@code text/plain} "unknown job: 99", "unknown stage: 99",
 * "no such app: x", and the request path for a path that names nothing; 400 for a bad parameter.
 * {@code taskList}'s {@code length} defaults to 20, as in Spark, and is capped at
 * {@link #MAX_TASK_LIST} so one request cannot make the driver build an unbounded answer.
 */
final class RestApi {
  static final int MAX_TASK_LIST = 10_000;
  static final int DEFAULT_TASK_LIST = 20;
  private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

  private final UiApp app;
  private final ApiJson json;

  RestApi(UiApp app) {
    this.app = app;
    this.json = new ApiJson(app);
  }

  /** {@code path} is below {@code /api/v1/}, without leading slash; {@code fullPath} for errors. */
  Response get(String path, Map<String, List<String>> query, String fullPath) {
    List<String> p = new ArrayList<>(List.of(path.split("/")));
    p.removeIf(String::isEmpty);
    try {
      if (p.size() == 1 && p.get(0).equals("version")) {
        return ok(json.version());
      }
      if (p.isEmpty() || !p.get(0).equals("applications")) {
        return Response.text(404, fullPath);
      }
      if (p.size() == 1) {
        return ok(List.of(json.application()));
      }
      if (!p.get(1).equals(app.appId())) {
        return Response.text(404, "no such app: " + p.get(1));
      }
      List<String> rest = p.subList(2, p.size());
      // Spark also serves the app under an attempt id; Kindling's only attempt has none.
      return app(rest, query, fullPath);
    } catch (BadParameter e) {
      return Response.text(400, e.getMessage());
    } catch (JsonProcessingException e) {
      return Response.text(500, "cannot write JSON: " + e.getMessage());
    }
  }

  private Response app(List<String> p, Map<String, List<String>> query, String fullPath)
      throws JsonProcessingException {
    AppStatusStore store = app.engine().statusStore();
    if (p.isEmpty()) {
      return ok(json.application());
    }
    String what = p.get(0);
    switch (what) {
      case "jobs": {
        if (p.size() == 1) {
          List<String> states = upper(query.get("status"));
          List<Object> out = new ArrayList<>();
          for (JobView j : store.jobs()) {
            if (states.isEmpty() || states.contains(j.status().name())) {
              out.add(json.job(j));
            }
          }
          return ok(out);
        }
        if (p.size() == 2) {
          Integer id = intOrNull(p.get(1));
          if (id == null) {
            return Response.text(404, fullPath);
          }
          JobView j = store.job(id);
          return j == null ? Response.text(404, "unknown job: " + id) : ok(json.job(j));
        }
        break;
      }
      case "stages":
        return stages(p, query, fullPath, store);
      case "executors":
      case "allexecutors":
        if (p.size() == 1) {
          return ok(List.of(json.driverExecutor()));
        }
        break;
      case "storage":
        if (p.size() >= 2 && p.get(1).equals("rdd")) {
          List<RddStorage> rdds = app.engine().storageStatus();
          if (p.size() == 2) {
            List<Object> out = new ArrayList<>();
            for (RddStorage r : rdds) {
              out.add(json.rdd(r, true));
            }
            return ok(out);
          }
          if (p.size() == 3) {
            Integer id = intOrNull(p.get(2));
            if (id == null) {
              return Response.text(404, fullPath);
            }
            for (RddStorage r : rdds) {
              if (r.id() == id) {
                return ok(json.rdd(r, true));
              }
            }
            return Response.text(404, "no rdd found w/ id " + id);
          }
        }
        break;
      case "environment":
        if (p.size() == 1) {
          return ok(json.environment());
        }
        break;
      default:
        break;
    }
    return Response.text(404, fullPath);
  }

  private Response stages(List<String> p, Map<String, List<String>> query, String fullPath, AppStatusStore store)
      throws JsonProcessingException {
    if (p.size() == 1) {
      List<String> states = upper(query.get("status"));
      boolean details = bool(query, "details", false);
      List<Object> out = new ArrayList<>();
      for (StageView s : store.stages()) {
        if (states.isEmpty() || states.contains(s.status().name())) {
          out.add(json.stage(s, details ? store.tasks(s.stageId(), s.attempt(), 0, Integer.MAX_VALUE) : null));
        }
      }
      return ok(out);
    }
    Integer stageId = intOrNull(p.get(1));
    if (stageId == null) {
      return Response.text(404, fullPath);
    }
    List<StageView> attempts = store.stageAttempts(stageId);
    if (attempts.isEmpty()) {
      return Response.text(404, "unknown stage: " + stageId);
    }
    boolean details = bool(query, "details", true);
    if (p.size() == 2) {
      List<Object> out = new ArrayList<>();
      for (StageView s : attempts) {
        out.add(json.stage(s, details ? store.tasks(s.stageId(), s.attempt(), 0, Integer.MAX_VALUE) : null));
      }
      return ok(out);
    }
    Integer attemptId = intOrNull(p.get(2));
    if (attemptId == null) {
      return Response.text(404, fullPath);
    }
    StageView s = store.stage(stageId, attemptId);
    if (s == null) {
      return Response.text(404, "unknown attempt for stage " + stageId + ".  Found attempts: "
          + attempts.stream().map(StageView::attempt).toList().toString().replace(" ", ""));
    }
    if (p.size() == 3) {
      return ok(json.stage(s, details ? store.tasks(stageId, attemptId, 0, Integer.MAX_VALUE) : null));
    }
    if (p.size() == 4 && p.get(3).equals("taskList")) {
      int offset = intParam(query, "offset", 0);
      int length = Math.min(intParam(query, "length", DEFAULT_TASK_LIST), MAX_TASK_LIST);
      String sortBy = first(query, "sortBy", "ID");
      List<TaskView> tasks;
      switch (sortBy) {
        case "ID" -> tasks = store.tasks(stageId, attemptId, offset, length);
        case "increasingRuntime", "decreasingRuntime" -> {
          List<TaskView> all = new ArrayList<>(store.tasks(stageId, attemptId, 0, Integer.MAX_VALUE));
          Comparator<TaskView> byRuntime = Comparator.comparingLong(t -> TaskMetricValues.of(t.metrics()).executorRunTime());
          all.sort(sortBy.equals("increasingRuntime") ? byRuntime : byRuntime.reversed());
          tasks = all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + length));
        }
        default -> throw new BadParameter("sortBy must be one of ID, increasingRuntime, decreasingRuntime; got "
            + sortBy);
      }
      List<Object> out = new ArrayList<>();
      for (TaskView t : tasks) {
        out.add(json.task(t));
      }
      return ok(out);
    }
    return Response.text(404, fullPath);
  }

  private static Response ok(Object body) throws JsonProcessingException {
    return new Response(200, Response.JSON, JSON.writeValueAsBytes(body));
  }

  private static final class BadParameter extends RuntimeException {
    BadParameter(String message) {
      super(message);
    }
  }

  private static Integer intOrNull(String s) {
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String first(Map<String, List<String>> q, String key, String fallback) {
    List<String> v = q.get(key);
    return v == null || v.isEmpty() ? fallback : v.get(0);
  }

  private static int intParam(Map<String, List<String>> q, String key, int fallback) {
    String v = first(q, key, null);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadParameter("Bad value for parameter \"" + key + "\": expected a non-negative integer, got \""
          + v + "\"");
    }
  }

  private static boolean bool(Map<String, List<String>> q, String key, boolean fallback) {
    String v = first(q, key, null);
    return v == null ? fallback : Boolean.parseBoolean(v.trim());
  }

  private static List<String> upper(List<String> values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        out.add(v.trim().toUpperCase(Locale.ROOT));
      }
    }
    return out;
  }
}
