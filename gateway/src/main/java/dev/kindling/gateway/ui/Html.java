package dev.kindling.gateway.ui;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/** Escaping and formatting shared by the pages; every user-supplied string goes through {@link #esc}. */
final class Html {
  private Html() {}

  static String esc(Object o) {
    String s = String.valueOf(o);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static String time(long millis) {
    if (millis < 0) {
      return "-";
    }
    return new SimpleDateFormat("yyyy/MM/dd HH:mm:ss", Locale.ROOT).format(new Date(millis));
  }

  /** Spark's UIUtils.formatDuration: "45 ms", "1.2 s", "3.4 min", "1.5 h". */
  static String duration(long ms) {
    if (ms < 0) {
      return "-";
    }
    if (ms < 100) {
      return ms + " ms";
    }
    double s = ms / 1000.0;
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", s);
    }
    double m = s / 60;
    if (m < 60) {
      return String.format(Locale.ROOT, "%.1f min", m);
    }
    return String.format(Locale.ROOT, "%.1f h", m / 60);
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A progress bar as Spark draws one: completed, running, and the text "done/total (n running)". */
  static String progress(int done, int running, int total, int failed, int killed, int skipped) {
    int denom = Math.max(1, total - skipped);
    double pDone = Math.min(100.0, 100.0 * done / denom);
    double pRun = Math.min(100.0 - pDone, 100.0 * running / denom);
    StringBuilder label = new StringBuilder().append(done).append('/').append(total - skipped);
    if (skipped > 0) {
      label.append(" (").append(skipped).append(" skipped)");
    }
    if (running > 0) {
      label.append(" (").append(running).append(" running)");
    }
    if (failed > 0) {
      label.append(" (").append(failed).append(" failed)");
    }
    if (killed > 0) {
      label.append(" (").append(killed).append(" killed)");
    }
    return String.format(Locale.ROOT, "<div class=\"progress\" data-done=\"%d\" data-total=\"%d\">"
        + "<div class=\"bar done\" style=\"width:%.2f%%\"></div>"
        + "<div class=\"bar running\" style=\"left:%.2f%%;width:%.2f%%\"></div>"
        + "<span>%s</span></div>", done, total - skipped, pDone, pDone, pRun, esc(label));
  }

  static String table(String id, List<String> headers, List<List<String>> rows) {
    StringBuilder b = new StringBuilder("<table class=\"table\" id=\"").append(esc(id)).append("\"><thead><tr>");
    for (String h : headers) {
      b.append("<th>").append(h).append("</th>");
    }
    b.append("</tr></thead><tbody>");
    for (List<String> r : rows) {
      b.append("<tr>");
      for (String c : r) {
        b.append("<td>").append(c).append("</td>");
      }
      b.append("</tr>");
    }
    if (rows.isEmpty()) {
      b.append("<tr><td colspan=\"").append(headers.size()).append("\" class=\"empty\">none</td></tr>");
    }
    return b.append("</tbody></table>").toString();
  }
}
