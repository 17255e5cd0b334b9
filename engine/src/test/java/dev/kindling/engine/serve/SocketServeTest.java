package dev.kindling.engine.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.JobFailedException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketServeTest {
  @TempDir Path tmp;

  private static Socket connect(ServeHandle<?> info) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), info.port());
    s.setSoTimeout((int) TimeFactor.millis(10_000));
    return s;
  }

  private static List<String> readElements(DataInputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    while (true) {
      int n;
      try {
        n = in.readInt();
      } catch (EOFException e) {
        return out;
      }
      if (n == -5) {
        out.add(null);
      } else {
        byte[] b = in.readNBytes(n);
        out.add(new String(b, StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void WRK_9_2_collectServesElementsAfterAuthentication() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      List<Object> data = new ArrayList<>(TestEngines.frames("a", "bb"));
      data.add("line \u00e9");
      data.add(null);
      ServeHandle<Void> info = engine.parallelize(data, 2).serveCollect();
      try (Socket s = connect(info)) {
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), info.secret());
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(readElements(in)).containsExactly("a", "bb", "line \u00e9", null);
      }
      info.getResult();
    }
  }

  @Test
  void WRK_9_1_wrongSecretGetsErrAndNoData() throws Exception {
    try (Engine engine = TestEngines.local(tmp, "spark.python.authenticate.socketTimeout", "500ms")) {
      ServeHandle<Void> info = engine.parallelize(TestEngines.frames("secret data"), 1).serveCollect();
      try (Socket s = connect(info)) {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] wrong = "0".repeat(64).getBytes(StandardCharsets.UTF_8);
        out.writeInt(wrong.length);
        out.write(wrong);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(in.readInt()).isEqualTo(3);
        assertThat(new String(in.readNBytes(3), StandardCharsets.UTF_8)).isEqualTo("err");
        assertThat(in.read()).isEqualTo(-1);
      }
      // WRK-2.9: the wrong client does not end the server; the accept timeout does, naming it
      assertThatThrownBy(info::getResult).hasMessageContaining("no client connected within 500 ms")
          .hasMessageContaining("authentication failed");
    }
  }

  @Test
  void WRK_2_9_racersBeforeTheRealClientDoNotFailTheCollect() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      ServeHandle<Void> info = engine.parallelize(TestEngines.frames("a", "bb"), 2).serveCollect();
      try (Socket silent = connect(info); Socket wrong = connect(info)) {
        DataOutputStream out = new DataOutputStream(wrong.getOutputStream());
        out.writeInt(64);
        out.write("f".repeat(64).getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertThat(new DataInputStream(wrong.getInputStream()).readInt()).isEqualTo(3);
        try (Socket s = connect(info)) {
          SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), info.secret());
          assertThat(readElements(new DataInputStream(s.getInputStream()))).containsExactly("a", "bb");
        }
        assertThat(silent.getInputStream().read()).isEqualTo(-1);
      }
      info.getResult(TimeFactor.scale(java.time.Duration.ofSeconds(10)));
    }
  }

  @Test
  void WRK_9_1_acceptTimeoutFires() {
    try (Engine engine = TestEngines.local(tmp, "spark.python.authenticate.socketTimeout", "200ms")) {
      ServeHandle<Void> info = engine.parallelize(TestEngines.frames("a"), 1).serveCollect();
      assertThatThrownBy(info::getResult).isInstanceOf(EngineException.class).hasMessageContaining("no client connected");
    }
  }

  @Test
  void WRK_9_1_silentClientsTimeOutDuringAuthAndBetweenRequests() throws Exception {
    try (Engine engine = TestEngines.local(tmp, "kindling.serve.authTimeout", "200ms",
        "kindling.serve.idleTimeout", "200ms", "spark.python.authenticate.socketTimeout", "1s")) {
      ServeHandle<Void> mute = engine.parallelize(TestEngines.frames("a"), 1).serveCollect();
      try (Socket s = connect(mute)) {
        // closed after the auth timeout; the server goes on waiting until the accept timeout
        assertThat(s.getInputStream().read()).isEqualTo(-1);
        assertThatThrownBy(() -> mute.getResult(TimeFactor.scale(java.time.Duration.ofSeconds(10))))
            .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class)
            .hasMessageContaining("1 connection(s) rejected");
      }
      ServeHandle<Void> idle = engine.parallelize(TestEngines.frames("a"), 1).serveToLocalIterator();
      try (Socket s = connect(idle)) {
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), idle.secret());
        assertThatThrownBy(() -> idle.getResult(TimeFactor.scale(java.time.Duration.ofSeconds(10))))
            .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
      }
    }
  }

  @Test
  void stopClosesServersStillWaitingForTheirClient() {
    Engine engine = TestEngines.local(tmp);
    ServeHandle<Void> waiting = engine.parallelize(TestEngines.frames("a"), 1).serveCollect();
    engine.stop();
    assertThatThrownBy(() -> waiting.getResult(TimeFactor.scale(java.time.Duration.ofSeconds(5))))
        .isNotInstanceOf(java.util.concurrent.TimeoutException.class);
  }

  @Test
  void WRK_9_3_toLocalIteratorServesPartitionsOnRequest() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      ServeHandle<Void> info = engine.parallelize(TestEngines.frames("a", "b", "c"), 3).serveToLocalIterator();
      try (Socket s = connect(info)) {
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), info.secret());
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        List<String> got = new ArrayList<>();
        while (true) {
          out.writeInt(1);
          out.flush();
          int status = in.readInt();
          if (status == 0) {
            break;
          }
          assertThat(status).isEqualTo(1);
          int n;
          while ((n = in.readInt()) != -1) {
            got.add(new String(in.readNBytes(n), StandardCharsets.UTF_8));
          }
        }
        assertThat(got).containsExactly("a", "b", "c");
        assertThat(in.read()).isEqualTo(-1);
      }
      info.getResult();
    }
  }

  @Test
  void WRK_9_3_toLocalIteratorClientMayStopEarly() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      ServeHandle<Void> info = engine.parallelize(TestEngines.frames("a", "b"), 2).serveToLocalIterator();
      try (Socket s = connect(info)) {
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), info.secret());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(0);
        out.flush();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      info.getResult();
    }
  }

  @Test
  void WRK_9_3_toLocalIteratorReportsAFailedPartition() throws Exception {
    try (Engine engine = TestEngines.local(tmp, "spark.task.maxFailures", "1")) {
      Dataset ds = engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions((ctx, it) -> {
        if (ctx.partitionId() == 1) {
          throw new IllegalStateException("partition one is bad");
        }
        return it;
      }, false);
      ServeHandle<Void> info = ds.serveToLocalIterator();
      try (Socket s = connect(info)) {
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), info.secret());
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(1);
        out.flush();
        assertThat(in.readInt()).isEqualTo(1);
        assertThat(in.readInt()).isEqualTo(1);
        assertThat(in.readNBytes(1)).isEqualTo(new byte[] {'a'});
        assertThat(in.readInt()).isEqualTo(-1);
        out.writeInt(1);
        out.flush();
        assertThat(in.readInt()).isEqualTo(-1);
        assertThat(in.read()).as("nothing after the error status: the driver asks the gateway").isEqualTo(-1);
      }
      assertThatThrownBy(info::getResult).isInstanceOf(JobFailedException.class).hasMessageContaining("partition one is bad");
    }
  }

  @Test
  void WRK_9_4_parallelizeThroughASocket() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      ServeHandle<Dataset> info = engine.serveParallelize(3);
      try (Socket s = connect(info)) {
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), info.secret());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        for (String f : new String[] {"x", "", "yz", "w"}) {
          out.writeInt(f.length());
          out.writeBytes(f);
        }
        out.flush();
        s.shutdownOutput();
        Dataset ds = info.getResult();
        assertThat(ds.numPartitions()).isEqualTo(3);
        assertThat(TestEngines.showAll(ds.collect())).containsExactly("b:x", "b:", "b:yz", "b:w");
      }
    }
  }

  @Test
  void WRK_9_4_parallelizeFromFileReadsFramesAndRejectsMalformedFiles() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      Path good = tmp.resolve("good.bin");
      Files.write(good, new byte[] {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 0, 0, 0, 0, 1, '!'});
      assertThat(TestEngines.showAll(engine.parallelizeFromFile(good, 2).collect())).containsExactly("b:hi", "b:", "b:!");

      Path empty = Files.write(tmp.resolve("empty.bin"), new byte[0]);
      assertThat(engine.parallelizeFromFile(empty, 2).collect()).isEmpty();

      Path truncated = Files.write(tmp.resolve("t.bin"), new byte[] {0, 0, 0, 5, 'a', 'b'});
      assertThatThrownBy(() -> engine.parallelizeFromFile(truncated, 1))
          .isInstanceOf(EngineException.class).hasMessageContaining("frame 0: WRK-5.5: end of stream inside frame body (got 2 of 5 bytes)");

      Path shortLength = Files.write(tmp.resolve("s.bin"), new byte[] {0, 0, 0, 1, 'a', 0, 0});
      assertThatThrownBy(() -> engine.parallelizeFromFile(shortLength, 1))
          .isInstanceOf(EngineException.class).hasMessageContaining("frame 1: WRK-1.5: end of stream inside frame length (got 2 of 4 bytes)");

      Path negative = Files.write(tmp.resolve("n.bin"), new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE});
      assertThatThrownBy(() -> engine.parallelizeFromFile(negative, 1))
          .isInstanceOf(EngineException.class).hasMessageContaining("frame 0: WRK-9.4: special length PYTHON_EXCEPTION_THROWN (-2) where only data frames may appear");

      Path notSpecial = Files.write(tmp.resolve("n9.bin"), new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF7});
      assertThatThrownBy(() -> engine.parallelizeFromFile(notSpecial, 1))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("frame 0: WRK-5.3: frame length -9 is negative and not a special length");

      // A special length has no place in a parallelize stream (WRK-9.4: blobs only).
      Path nullFrame = Files.write(tmp.resolve("null.bin"), new byte[] {0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFB});
      assertThatThrownBy(() -> engine.parallelizeFromFile(nullFrame, 1))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("frame 1: WRK-9.4: special length NULL (-5) where only data frames may appear");

      assertThatThrownBy(() -> engine.parallelizeFromFile(tmp.resolve("missing.bin"), 1))
          .isInstanceOf(EngineException.class).hasMessageContaining("does not exist");
    }
  }

  @Test
  void WRK_9_2_runJobServeFlattensChosenPartitions() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset ds = engine.parallelize(TestEngines.frames("a", "b", "c", "d"), 4);
      ServeHandle<Void> info = engine.serveRunJob(ds, new int[] {3, 1});
      try (Socket s = connect(info)) {
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), info.secret());
        assertThat(readElements(new DataInputStream(s.getInputStream()))).containsExactly("d", "b");
      }
      assertThat(Arrays.asList(info.getResult())).containsExactly((Void) null);
    }
  }
}
