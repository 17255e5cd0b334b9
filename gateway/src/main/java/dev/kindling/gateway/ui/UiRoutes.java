package dev.kindling.gateway.ui;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Maps a request path to the REST API or to a page; unknown paths get a 404 naming them. */
final class UiRoutes {
  static final String API = "/api/v1/";

  private final RestApi api;
  private final UiPages pages;

  UiRoutes(UiApp app) {
    this.api = new RestApi(app);
    this.pages = new UiPages(app);
  }

  Response get(String path, Map<String, List<String>> query) {
    if (path.startsWith(API)) {
      return api.get(path.substring(API.length()), query, path);
    }
    if (path.equals("/api/v1")) {
      return api.get("", query, path);
    }
    String p = path.endsWith("/") ? path : path + "/";
    return switch (p) {
      case "/" -> new Response(302, Response.TEXT, "/jobs/".getBytes(StandardCharsets.UTF_8));
      case "/jobs/" -> pages.jobs();
      case "/jobs/job/" -> pages.job(query);
      case "/stages/" -> pages.stages();
      case "/stages/stage/" -> pages.stage(query);
      case "/storage/" -> pages.storage();
      case "/storage/rdd/" -> pages.rdd(query);
      case "/environment/" -> pages.environment();
      case "/executors/" -> pages.executors();
      default -> Response.text(404, "no page at " + path);
    };
  }
}
