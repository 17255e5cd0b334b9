package dev.kindling.gateway;

import dev.kindling.bridge.BridgeConfig;
import dev.kindling.bridge.WorkerFactories;
import dev.kindling.bridge.WorkerKey;
import dev.kindling.engine.Engine;
import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.auth.SocketAuth;
import dev.kindling.protocol.conninfo.ConnInfo;
import dev.kindling.protocol.conninfo.ConnInfoReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The training run behind the gateway's AppCDS archive ({@link CdsArchiveBuilder} starts it with
 * {@code -XX:ArchiveClassesAtExit}): what a driver's cold start makes the JVM do, without a Python
 * driver, so that it can run at {@code package} time.
 *
 * <pre>
 *   gateway as main runs it (runGateway: Py4J ClientServer, conn-info file)
 *   a Py4J client speaking Python's text commands over loopback:
 *     A secret | version | new HashMap, put... | createContext | conf, tempDir, localDir,
 *     sparkFilesRootDir, setLocalProperty | parallelizeFile | collectAndServe (one-shot server,
 *     WRK-2 auth, frames) | getResult | stop
 *   the bridge: a daemon of the source checkout's kindling.daemon forks and authenticates a worker
 *     (only when python3 and the checkout's python/ directory are there)
 *   every class of Kindling's and Py4J's jars, loaded and initialised (so linked)
 *   stdin EOF: the gateway stops as it does for a driver
 * </pre>
 *
 * <p>Classes the run did not load still load from the jars at run time; a partial archive is slower,
 * never wrong. Each step is bounded; a failure is printed and the run goes on.
 */
final class CdsTraining {
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  private CdsTraining() {}

  /** {@code CdsTraining [PYTHON_SOURCE_DIR]}. */
  public static void main(String[] args) throws Exception {
    PrintStream err = System.err;
    Path dir = Files.createTempDirectory("kindling-cds-training-");
    int status = 0;
    try {
      runGatewaySession(dir, err);
      if (args.length > 0) {
        startDaemon(Path.of(args[0]), err);
      }
      loadJarClasses(err);
    } catch (Exception e) {
      err.println("kindling-cds-training: " + e);
      status = 1;
    } finally {
      deleteTree(dir);
    }
    System.exit(status);
  }

  /** The gateway as a driver sees it, through a Py4J client socket. */
  static void runGatewaySession(Path dir, PrintStream err) throws Exception {
    Path connInfo = dir.resolve("conn.info");
    PipedOutputStream stdinWriter = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(stdinWriter);
    int[] exit = {-1};
    Thread gateway = new Thread(() -> exit[0] = KindlingGateway.runGateway(
        Map.of(ProtocolConstants.Env.DRIVER_CONN_INFO_PATH, connInfo.toString()), stdin, err, false),
        "kindling-cds-gateway");
    gateway.setDaemon(true);
    gateway.start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT_MILLIS);
    while (!Files.exists(connInfo)) {
      if (!gateway.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("the gateway did not publish its conn-info file (exit " + exit[0] + ")");
      }
      Thread.sleep(5);
    }
    ConnInfo info = ConnInfoReader.read(connInfo, Limits.defaults());
    try (Client client = new Client(info.port())) {
      client.handshake(info.secret());
      client.call("t", "version");
      client.call("t", "protocolProfile");
      String conf = client.ref(client.command("i\njava.util.HashMap\ne\n"));
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("spark.master", "local[2]");
      settings.put("spark.app.name", "kindling-cds-training");
      settings.put("spark.submit.deployMode", "client");
      settings.put("spark.ui.port", "0"); // never take 4040 from an application running meanwhile
      settings.put("spark.ui.showConsoleProgress", "false");
      for (Map.Entry<String, String> e : settings.entrySet()) {
        client.call(conf, "put", "s" + escape(e.getKey()), "s" + escape(e.getValue()));
      }
      String ctx = client.ref(client.call("t", "createContext", "r" + conf));
      client.call(ctx, "conf");
      client.call(ctx, "applicationId");
      client.call(ctx, "defaultParallelism");
      String tempDir = client.string(client.call(ctx, "tempDir"));
      client.call(ctx, "localDir");
      client.call(ctx, "sparkFilesRootDir");
      client.call(ctx, "uiWebUrl");
      client.call(ctx, "setLocalProperty", "s" + escape(Engine.CALL_SITE), "sparallelize at training");
      Path frames = Path.of(tempDir).resolve("training-frames");
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(frames))) {
        for (int i = 0; i < 1000; i++) {
          byte[] record = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
          out.writeInt(record.length);
          out.write(record);
        }
      }
      String ds = client.ref(client.call(ctx, "parallelizeFile", "s" + escape(frames.toString()), "i2"));
      client.call(ctx, "setLocalProperty", "s" + escape(Engine.CALL_SITE), "scollect at training");
      String served = client.ref(client.call(ctx, "collectAndServe", "r" + ds));
      int port = Integer.parseInt(client.value(client.call(served, "get", "i0")).substring(1));
      String secret = client.string(client.call(served, "get", "i1"));
      String handle = client.ref(client.call(served, "get", "i2"));
      int records = readServed(port, secret);
      if (records != 1000) {
        throw new IOException("collect served " + records + " records instead of 1000");
      }
      client.call(handle, "getResult");
      client.call(ctx, "statusTracker");
      client.call(ctx, "stop");
    }
    stdinWriter.close(); // the driver's pipe closes: the gateway stops
    gateway.join(READ_TIMEOUT_MILLIS);
    if (exit[0] != 0) {
      throw new IOException("the gateway exited with " + exit[0]);
    }
  }

  /** Reads a one-shot server's frames (WRK-9.1) after the client handshake; returns their count. */
  private static int readServed(int port, String secret) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      InputStream in = s.getInputStream();
      SocketAuth.clientHandshake(in, s.getOutputStream(), secret);
      DataInputStream data = new DataInputStream(in);
      int n = 0;
      while (true) {
        int len;
        try {
          len = data.readInt();
        } catch (EOFException e) {
          return n;
        }
        if (len < 0) {
          return n; // an end marker
        }
        data.skipNBytes(len);
        n++;
      }
    }
  }

  /** Starts a daemon of the checkout's Python package and forks one worker from it. */
  static void startDaemon(Path pythonDir, PrintStream err) {
    if (!Files.isDirectory(pythonDir.resolve("kindling"))) {
      err.println("kindling-cds-training: no Python package in " + pythonDir + "; the bridge is not trained");
      return;
    }
    BridgeConfig config = BridgeConfig.defaults();
    WorkerKey key = WorkerKey.of("python3", Map.of("PYTHONPATH", pythonDir.toString()), config);
    try (WorkerFactories workers = new WorkerFactories(config)) {
      workers.get(key).prestart();
    } catch (RuntimeException e) {
      err.println("kindling-cds-training: the Python daemon did not start (" + e.getMessage()
          + "); the bridge is not trained");
    }
  }

  /**
   * Loads and initialises every class of the Kindling and Py4J jars on the class path, so
   * that code paths the run did not take are in the archive too.
   */
  static int loadJarClasses(PrintStream err) {
    ClassLoader loader = CdsTraining.class.getClassLoader();
    int loaded = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (!(name.startsWith("kindling-") || name.startsWith("py4j")) || !name.endsWith(".jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(entry)) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          String path = e.nextElement().getName();
          if (!path.endsWith(".class") || path.endsWith("module-info.class") || path.startsWith("META-INF/")) {
            continue;
          }
          String cls = path.substring(0, path.length() - ".class".length()).replace('/', '.');
          try {
            // Initialised, hence linked: JDK 17 leaves classes that are only loaded out of a
            // dynamic archive ("Not linked"). A training JVM can afford their static initialisers.
            Class.forName(cls, true, loader);
            loaded++;
          } catch (LinkageError | ClassNotFoundException | RuntimeException ignored) {
            // An optional dependency is missing (Py4J's, say): that class is not archived.
          }
        }
      } catch (IOException e) {
        err.println("kindling-cds-training: cannot read " + entry + ": " + e.getMessage());
      }
    }
    return loaded;
  }

  private static String escape(String s) {
    return py4j.StringUtil.escape(s);
  }

  private static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary directory left behind; nothing else to do.
    }
  }

  /**
   * A minimal Py4J client: Python's text commands, one reply line each.
   *
   * <pre>
   *   call:   "c" LF target LF method LF (typed argument LF)* "e" LF
   *   new:    "i" LF class name LF "e" LF
   *   reply:  "!y" type value LF   (ro1 reference, s string, i int, l list reference, v void)
   *           "!x" ...             an error
   * </pre>
   */
  static final class Client implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Client(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void handshake(String secret) throws IOException {
      String reply = command("A\n" + py4j.StringUtil.escape(secret) + "\n");
      if (!reply.equals("!yv")) {
        throw new IOException("the Py4J handshake failed: " + reply);
      }
    }

    String call(String target, String method, String... args) throws IOException {
      StringBuilder b = new StringBuilder("c\n").append(target).append('\n').append(method).append('\n');
      for (String a : args) {
        b.append(a).append('\n');
      }
      String reply = command(b.append("e\n").toString());
      if (!reply.startsWith("!y")) {
        throw new IOException(method + " failed: " + reply);
      }
      return reply;
    }

    String command(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new EOFException("the gateway closed the connection");
        }
        line.write(b);
      }
      return line.toString(StandardCharsets.UTF_8);
    }

    /** The value part of a reply ({@code "!yro1"} gives {@code "ro1"}). */
    String value(String reply) {
      return reply.substring(2);
    }

    /** The object id of a reference or list reply. */
    String ref(String reply) throws IOException {
      String v = value(reply);
      if (!(v.startsWith("r") || v.startsWith("l") || v.startsWith("a"))) {
        throw new IOException("not a reference: " + reply);
      }
      return v.substring(1);
    }

    String string(String reply) throws IOException {
      String v = value(reply);
      if (!v.startsWith("s")) {
        throw new IOException("not a string: " + reply);
      }
      return py4j.StringUtil.unescape(v.substring(1));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
