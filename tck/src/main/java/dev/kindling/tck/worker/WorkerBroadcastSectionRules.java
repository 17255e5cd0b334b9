package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.broadcasts;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.map;
import static dev.kindling.tck.worker.WorkerChecks.strings;
import static dev.kindling.tck.worker.WorkerChecks.utf8;

import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 4.5 Broadcast section of {@code worker.md}, checked with the TCK as the JVM. WRK-4.5:
 * broadcasts added and removed across reused tasks, read lazily, fetched from a decryption
 * server. Part of {@link WorkerVerification}; a failure message starts with the id of the rule
 * broken.
 */
interface WorkerBroadcastSectionRules extends WorkerRuleContext {
  /** WRK-4.5.1: bool needsDecryptionServer, then the count of removed plus added entries. */
  @Test
  default void required_WRK_4_5_1_broadcastSectionRead() {
    String f = broadcastFile("v");
    WorkerChannel ch = newWorker();
    TaskHeader h = withBroadcasts(cmd("identity"), broadcasts(List.of(), map(300, f, 301, f, 302, f)));
    TaskResult r = ch.run(Task.of(h, profile()).inputs(frames("after-broadcasts")));
    ch.close();
    check(strings(r.success("WRK-4.5.1")).equals(List.of("after-broadcasts")), "WRK-4.5.1",
        "the input after a broadcast section of 3 entries was misread", r);
  }

  /** WRK-4.5.1 .. 4.5.3: broadcasts added and removed across reused tasks. */
  @Test
  default void required_WRK_4_5_2_removedBroadcastsDropped() {
    requireReuse();
    WorkerChannel ch = newWorker();
    String f1 = broadcastFile(List.of(1, "one"));
    String f2 = broadcastFile("two");
    String f3 = broadcastFile(Map.of("k", 3));
    TaskHeader t1 = withBroadcasts(cmd("broadcast_ids"), broadcasts(List.of(), map(11, f1, 12, f2)));
    TaskResult r1 = ch.run(Task.of(t1, profile()));
    check(strings(r1.success("WRK-4.5.3")).equals(List.of("[11, 12]")), "WRK-4.5.3",
        "registry after adding 11 and 12: " + strings(r1.output), r1);
    TaskHeader t2 = withBroadcasts(cmd("broadcast_ids"), broadcasts(List.of(11L), map(13, f3)));
    TaskResult r2 = ch.run(Task.of(t2, profile()));
    check(strings(r2.success("WRK-4.5.2")).equals(List.of("[12, 13]")), "WRK-4.5.2",
        "registry after removing 11 and adding 13: " + strings(r2.output), r2);
    TaskHeader t3 = withBroadcasts(cmd("read_broadcasts"), broadcasts(List.of(), Map.of()));
    TaskResult r3 = ch.run(Task.of(t3, profile()).inputs(frames("12", "13")));
    List<Object> vals = new ArrayList<>();
    for (byte[] f : r3.success("WRK-4.5.3").frames()) {
      vals.add(Pickles.loads(f));
    }
    check(vals.equals(List.of("two", Pickles.normalize(Map.of("k", 3)))), "WRK-4.5.3",
        "broadcast values read back in a later task: " + vals, r3);
    ch.close();
  }

  /** WRK-4.5.3: added broadcasts are readable through Broadcast.value (lazily from the file). */
  @Test
  default void required_WRK_4_5_3_addedBroadcastsReadable() {
    Gen<Object> value = Gens.oneOf(
        Gens.integers(-1000, 1000).map(i -> (Object) i),
        Gens.utf8Strings(40).map(s -> (Object) s),
        Gens.lists(Gens.integers(0, 9), 0, 5).map(l -> (Object) l));
    property("WRK-4.5.3", Gens.lists(value, 1, 4), 8, values -> {
      Map<Long, String> added = new LinkedHashMap<>();
      List<byte[]> ids = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        added.put(100L + i, broadcastFile(values.get(i)));
        ids.add(utf8(Long.toString(100L + i)));
      }
      // a fresh worker: ids 100.. may already be registered on a pooled one
      WorkerChannel ch = newWorker();
      TaskResult r = ch.run(Task.of(withBroadcasts(cmd("read_broadcasts"), broadcasts(List.of(), added)), profile()).inputs(ids));
      ch.close();
      List<Object> got = new ArrayList<>();
      for (byte[] f : r.success("WRK-4.5.3").frames()) {
        got.add(Pickles.loads(f));
      }
      check(got.equals(Pickles.normalize(values)), "WRK-4.5.3", "read " + got + ", sent " + values, r);
    });
  }

  /**
   * WRK-4.5.4, WRK-9.5: with a decryption server the worker connects, authenticates, reads each
   * added id and its pickle from the server and acknowledges with 0x31. On spark-3.5 the TCK, like
   * Spark 3.5's JVM, writes the rest of the header only after the server is done; on spark-4.1/4.2
   * it writes the whole header at once (a worker may fetch before or after reading the rest).
   */
  @Test
  @dev.kindling.protocol.spec.SpecRule("WRK-9.5")
  default void required_WRK_4_5_4_decryptionServerBroadcasts() throws Exception {
    List<Object> values = List.of("decrypted", List.of(1, 2, 3));
    List<Long> ids = List.of(200L, 201L);
    String serverSecret = dev.kindling.protocol.auth.SocketAuth.newSecret();
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      server.setSoTimeout((int) timeout().toMillis());
      java.util.concurrent.CompletableFuture<String> served = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          s.setSoTimeout((int) timeout().toMillis());
          try {
            dev.kindling.protocol.auth.SocketAuth.serverHandshake(s.getInputStream(), s.getOutputStream(), serverSecret);
          } catch (IOException e) {
            return "WRK-2.1: the worker did not authenticate to the decryption server: " + e.getMessage();
          }
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          for (int i = 0; i < ids.size(); i++) {
            out.writeLong(ids.get(i));
            out.write(Pickles.dumps(values.get(i)));
          }
          out.flush();
          int ack = s.getInputStream().read();
          return ack == 0x31 ? null : "WRK-9.5: acknowledgement " + ack + " instead of 0x31 after the last value";
        } catch (java.net.SocketTimeoutException e) {
          return "WRK-4.5.4: the worker did not fetch the values from the decryption server within "
              + timeout().toMillis() + " ms";
        } catch (IOException e) {
          return "WRK-4.5.4: decryption server: " + e;
        }
      });
      List<dev.kindling.protocol.header.BroadcastSection.Added> added = new ArrayList<>();
      for (long id : ids) {
        added.add(new dev.kindling.protocol.header.BroadcastSection.Added(id, null));
      }
      dev.kindling.protocol.header.BroadcastSection bc = new dev.kindling.protocol.header.BroadcastSection(
          new dev.kindling.protocol.header.BroadcastSection.DecryptionServer(server.getLocalPort(), serverSecret),
          List.of(), added);
      byte[] command = cmd("read_broadcasts");
      TaskHeader h = withBroadcasts(command, bc);
      int headerLen = Task.of(h, profile()).tail().bytes().length;
      int afterBroadcasts = 4 + (profile().hasConfMaps() ? 8 : 0) + 4 + command.length;
      Task t = Task.of(h, profile()).inputs(frames("200", "201"));
      if (profile() == dev.kindling.protocol.Profile.SPARK_3_5) {
        // Spark 3.5's JVM writes the eval type only once its server is done (WRK-9.5 note in the
        // worker's header reader); on later profiles the whole header is written at once.
        t.pauseAfter(headerLen - afterBroadcasts, served);
      }
      WorkerChannel ch = newWorker();
      TaskResult r = ch.run(t);
      ch.close();
      String serverProblem = served.get(timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      if (serverProblem != null) {
        int colon = serverProblem.indexOf(": ");
        throw r.fail(serverProblem.substring(0, colon), serverProblem.substring(colon + 2));
      }
      List<Object> got = new ArrayList<>();
      for (byte[] f : r.success("WRK-4.5.4").frames()) {
        got.add(Pickles.loads(f));
      }
      check(got.equals(Pickles.normalize(values)), "WRK-4.5.4", "read " + got + ", the server sent " + values, r);
    }
  }
}
