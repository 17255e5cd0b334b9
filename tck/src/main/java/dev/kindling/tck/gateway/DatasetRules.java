package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.EntryPoint.createContext;
import static dev.kindling.tck.gateway.EntryPoint.parallelizeOne;
import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.py4j.Py4JReplies.errorMessage;
import static dev.kindling.tck.py4j.Py4JReplies.errorMessageQuietly;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;
import static dev.kindling.tck.py4j.Py4JReplies.string;

import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.tck.py4j.Py4JText;
import dev.kindling.tck.RuleFailure;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * gateway.md section 5.3, datasets: what a {@code pythonDataset}'s task gets in its header
 * (GW-5.4), as its task reports it ({@link HeaderReport}).
 */
interface DatasetRules extends GatewaySection {
  /** One GW-5.4 case: the env variable, the include module and its token, two broadcast values, a wrong pythonVer. */
  record HeaderCase(String envKey, String envValue, String module, String token, List<Object> named,
      List<Object> unnamed, String wrongVer) {}

  /**
   * GW-5.4: a pythonDataset's task gets the {@code env} map, the {@code includes} (a zip shipped
   * with {@code addFile}, holding a module only it provides: the task imports it), the broadcasts
   * of {@code broadcastIds} with the values of their files (pickles built in Java; a second
   * registered broadcast no dataset names must not reach the worker, WRK-4.5.5) and the driver's
   * {@code pythonVer}: a dataset with a wrong one fails with the worker's version mismatch naming it.
   * Generated names and values (seed printed on failure). Precondition as GW-5.6.
   */
  @Test
  default void required_GW_5_4_pythonDatasetHeader() throws IOException, InterruptedException {
    List<String> base = gw().buildCommands(List.of("identity"));
    gw().requireWorkers("GW-5.4", base.get(1), base.get(0));
    String pythonVer = base.get(0);
    Gen<HeaderCase> cases = Gens.zip(
        Gens.zip(Gens.strings(HeaderCases.UPPER_ALNUM, 4, 10), Gens.strings(Gens.integers(0x20, 0x7e), 0, 40),
            (k, v) -> new String[] {"KINDLING_TCK_" + k, v}),
        Gens.zip(Gens.zip(Gens.strings(HeaderCases.LOWER_ALNUM, 6, 10), Gens.strings(HeaderCases.LOWER_ALNUM, 8, 16),
                (m, t) -> new String[] {m, t}),
            Gens.zip(Gens.zip(HeaderCases.BROADCAST_VALUE, HeaderCases.BROADCAST_VALUE, List::of), Gens.integers(10, 99),
                Map::entry),
            Map::entry),
        (e, r) -> new HeaderCase(e[0], e[1], "kindling_tck_inc_" + r.getKey()[0], r.getKey()[1],
            r.getValue().getKey().get(0), r.getValue().getKey().get(1), "2." + r.getValue().getValue()));
    RuleProperties.jobProperty("GW-5.4", cases, 2, c -> checkHeaderCase(c, pythonVer));
  }

  private void checkHeaderCase(HeaderCase c, String pythonVer) throws IOException, InterruptedException {
    String report = "report_header:" + c.envKey() + ":" + c.module();
    List<String> cmds = gw().buildCommands(List.of("identity", report));
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      String ctx = ref("GW-5.4", "createContext", createContext(s, "local[2]"));
      try {
        // The include: a zip (as addPyFile ships) with a module nothing else provides.
        Path zip = dir.resolve(c.module() + ".zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
          z.putNextEntry(new ZipEntry(c.module() + ".py"));
          z.write(("TOKEN = '" + c.token() + "'\n").getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
        }
        ok("GW-5.4", "addFile(" + zip + ")", Py4JText.call(s, ctx, "addFile", "s" + Py4JText.escape(zip.toString()), "bfalse"));
        // Two broadcasts (one pickle each, WRK-10.6, in tempDir() as a driver writes them).
        Path tmp = Path.of(string("GW-5.4", "tempDir()", Py4JText.call(s, ctx, "tempDir")));
        long[] ids = new long[2];
        List<List<Object>> values = List.of(c.named(), c.unnamed());
        for (int i = 0; i < 2; i++) {
          Path f = Files.createTempFile(tmp, "tck-broadcast-", ".pickle");
          Files.write(f, HeaderReport.pickle(values.get(i)));
          String id = ok("GW-5.4", "registerBroadcast", Py4JText.call(s, ctx, "registerBroadcast", "s" + Py4JText.escape(f.toString())));
          check(id.matches("[iL]-?\\d+"), "GW-5.4", "registerBroadcast did not return a long: " + id);
          ids[i] = Long.parseLong(id.substring(1));
        }
        String parent = parallelizeOne(s, "GW-5.4", ctx, dir.resolve("frames"), List.of(new byte[] {7}));
        Map<String, String> env = Map.of(c.envKey(), c.envValue());
        String ds = ref("GW-5.4", "pythonDataset(report_header)", gw().pythonDatasetFull(s, ctx, parent, cmds.get(2),
            pythonVer, env, List.of(zip.getFileName().toString()), List.of(ids[0])));
        Object r = gw().collect(s, "GW-5.4", ctx, ds);
        if (!(r instanceof List<?> out)) {
          throw new RuleFailure("GW-5.4", "the report_header job failed: " + errorMessageQuietly(s, r));
        }
        check(out.size() == 1, "GW-5.4", "the report_header job over one partition gave " + out.size() + " frames");
        HeaderReport.check(new String((byte[]) out.get(0), StandardCharsets.UTF_8), c.envKey(), c.envValue(),
            zip.getFileName().toString(), c.token(), Map.of(ids[0], c.named()), Set.of(ids[1]));
        // pythonVer: the worker compares it with its own (WRK-4.2); a wrong one must reach it.
        String wrong = ref("GW-5.4", "pythonDataset(pythonVer " + c.wrongVer() + ")", gw().pythonDatasetFull(s, ctx,
            parent, cmds.get(1), c.wrongVer(), env, List.of(), List.of()));
        Object w = gw().collect(s, "GW-5.4", ctx, wrong);
        String reply = w instanceof String str ? str : "!y(" + ((List<?>) w).size() + " elements)";
        HeaderReport.checkVersionMismatch(reply, w instanceof String ? errorMessage(s, reply) : "", c.wrongVer());
      } finally {
        Py4JText.call(s, ctx, "stop");
      }
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /** GW-5.4's generators. */
  final class HeaderCases {
    static final Gen<Integer> UPPER_ALNUM = Gens.elements(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".chars().boxed().toArray(Integer[]::new));
    static final Gen<Integer> LOWER_ALNUM = Gens.elements(
        "abcdefghijklmnopqrstuvwxyz0123456789".chars().boxed().toArray(Integer[]::new));

    /** A broadcast value built in Java: [text, number, list of numbers, {text: number}]. */
    static final Gen<List<Object>> BROADCAST_VALUE = Gens.zip(
        Gens.zip(Gens.strings(Gens.integers(0x20, 0x7e), 0, 24), Gens.longs(),
            (t, n) -> List.<Object>of(t, n)),
        Gens.zip(Gens.lists(Gens.longs(-1000, 1000), 0, 6),
            Gens.lists(Gens.zip(Gens.strings(LOWER_ALNUM, 1, 6), Gens.longs(-9, 9), Map::entry), 0, 4),
            (l, m) -> {
              Map<String, Long> map = new HashMap<>();
              m.forEach(e -> map.put(e.getKey(), e.getValue()));
              return List.<Object>of(l, map);
            }),
        (a, b) -> List.of(a.get(0), a.get(1), b.get(0), b.get(1)));

    private HeaderCases() {}
  }
}
