package dev.kindling.tck.conninfo;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.NotApplicable;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import dev.kindling.protocol.property.PropertyFailure;
import dev.kindling.tck.support.Procs;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckParameters;
import dev.kindling.tck.Verification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies the conn-info handshake against {@code conn-info.md}: the launcher's side (CONN-2,
 * CONN-3: role {@code launcher}) on a launched JVM, and the reader's side (CONN-4.2 .. 4.7: role
 * {@code driver}) by feeding malformed files to a reader command
 * ({@value TckParameters#CONN_INFO_READER}: it gets the file's path as its last argument, prints
 * the port and exits 0 on a good file, exits non-zero naming the rule otherwise).
 *
 * <p>Subclass it to run the verification from your own build (override {@link
 * #configure(dev.kindling.tck.TckConfig)}, {@link #parameterOverrides()} or
 * {@link #launcherCommand()}); the CLI runs it through {@link ConnInfoTck}.
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class ConnInfoVerification extends Verification {
  private TckParameters params;

  /** Parameters consulted before the run's; implementers running from their build override. */
  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  /**
   * The command that starts the launcher or JVM that writes the conn-info file (the CLI's
   * arguments after {@code --}).
   */
  protected List<String> launcherCommand() {
    return config().command();
  }

  @BeforeEach
  final void readParameters(TckParameters fromRun) {
    params = fromRun.withOverrides(parameterOverrides());
  }

  /** How long a JVM gets to publish its file (JVM start-up is slower than the per-read timeout). */
  protected Duration publishWait() {
    Duration t = config().timeout();
    Duration floor = TimeFactor.scale(Duration.ofSeconds(30));
    return t.compareTo(floor) < 0 ? floor : t;
  }

  protected Map<String, String> launcherEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KINDLING_PROFILE", profile().id());
    env.putAll(params.env());
    return env;
  }

  final PublishedConnInfo launch() {
    requireLauncher();
    return PublishedConnInfo.launch(env(), launcherCommand(), launcherEnvironment(), publishWait());
  }

  final void requireLauncher() {
    Assumptions.assumeTrue(!launcherCommand().isEmpty(), "no launcher command (give it after '--')");
    NotApplicable.unless(!launcherCommand().get(0).equals("none"), "launcher declared absent ('-- none')");
  }

  static void check(boolean ok, String rule, String message) {
    if (!ok) {
      throw new RuleFailure(rule, message);
    }
  }

  // -- launcher ---------------------------------------------------------------------------------

  /** CONN-2.1: i32 port, i32 L, L bytes of secret, nothing else. */
  @Test
  void required_CONN_2_1_fileLayout() {
    PublishedConnInfo ci = launch();
    ByteBuffer b = ByteBuffer.wrap(ci.bytes);
    int len = b.getInt(4);
    check(ci.bytes.length == 8 + len, "CONN-2.1",
        "file of " + ci.bytes.length + " bytes, expected 8 + " + len);
  }

  /** CONN-2.2: the port is already listening when the file appears. */
  @Test
  void required_CONN_2_2_portListening() {
    PublishedConnInfo ci = launch();
    check(ci.port >= 1 && ci.port <= 65535, "CONN-2.2", "port " + ci.port + " outside 1..65535");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ci.port), 1000);
    } catch (IOException e) {
      throw new RuleFailure("CONN-2.2", "nothing listens on 127.0.0.1:" + ci.port + " when the file appears: " + e);
    }
  }

  /** CONN-2.3: at least 256 bits, lowercase hex (64 characters by default). */
  @Test
  void required_CONN_2_3_secretIsLowercaseHex() {
    PublishedConnInfo ci = launch();
    check(ci.secret != null && ci.secret.length() >= 64, "CONN-2.3",
        "secret of " + (ci.secret == null ? 0 : ci.secret.length()) + " characters; 256 bits are 64 hex characters");
    check(ci.secret.matches("[0-9a-f]+"), "CONN-2.3", "the secret is not lowercase hex");
    check(ci.secret.chars().distinct().count() > 4, "CONN-2.3", "the secret does not look random");
  }

  /** CONN-3.1: the file is never visible partially written; no temporary file is left. */
  @Test
  void required_CONN_3_1_atomicAppearance() throws IOException {
    PublishedConnInfo ci = launch();
    check(ci.partialSizes.isEmpty(), "CONN-3.1", "saw the file partially written, sizes " + ci.partialSizes);
    try (Stream<Path> s = Files.list(ci.dir)) {
      List<String> names = s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
      check(names.equals(List.of("conn_info")), "CONN-3.1", "the directory holds " + names + " after publishing");
    }
  }

  /** CONN-3.2: mode 0600. */
  @Test
  void required_CONN_3_2_modeOwnerOnly() throws IOException {
    PublishedConnInfo ci = launch();
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(ci.file);
    check(PosixFilePermissions.toString(perms).equals("rw-------"), "CONN-3.2",
        "mode " + PosixFilePermissions.toString(perms) + ", expected rw-------");
  }

  /** CONN-3.3: a missing directory: non-zero exit, one stderr line naming the path. */
  @Test
  void required_CONN_3_3_missingDirectoryFails() {
    requireLauncher();
    Path file = PublishedConnInfo.newDir().resolve("missing").resolve("conn_info");
    expectPublishFailure(file);
  }

  /** CONN-3.3: an unwritable directory: non-zero exit, one stderr line, no temporary file left. */
  @Test
  void required_CONN_3_3_unwritableDirectoryFails() throws IOException {
    requireLauncher();
    Path dir = PublishedConnInfo.newDir();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
    // A host limitation, not the implementation's: listed as not applicable with the reason.
    NotApplicable.unless(!Files.isWritable(dir),
        "cannot be checked on this host: the TCK runs as a user who can write a 0500 directory (root)");
    expectPublishFailure(dir.resolve("conn_info"));
    try (Stream<Path> s = Files.list(dir)) {
      check(s.findAny().isEmpty(), "CONN-3.3", "the launcher left a file behind in " + dir);
    }
  }

  private void expectPublishFailure(Path file) {
    LaunchedProcess p = env().launch(launcherCommand(), PublishedConnInfo.environment(file, launcherEnvironment()));
    int code;
    try {
      if (!p.process().waitFor(publishWait().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new RuleFailure("CONN-3.3", "the launcher did not exit although it cannot publish " + file);
      }
      code = p.process().exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    check(code != 0, "CONN-3.3", "exit status 0 although " + file + " cannot be written");
    List<String> lines = p.stderrTail().lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
    check(lines.size() == 1, "CONN-3.3", "expected one line on stderr, got " + lines.size() + ": " + lines);
    check(lines.get(0).contains(file.toString()) || lines.get(0).contains(file.getParent().toString()),
        "CONN-3.3", "the stderr line does not name the path: " + lines.get(0));
  }

  /** CONN-3.4: the gateway listens on loopback only. */
  @Test
  void required_CONN_3_4_loopbackOnly() {
    Assumptions.assumeTrue(Procs.available(), "needs /proc/net/tcp");
    PublishedConnInfo ci = launch();
    List<String> addrs = Procs.listeningAddresses(ci.port);
    check(!addrs.isEmpty(), "CONN-3.4", "no listening socket on port " + ci.port);
    for (String a : addrs) {
      check(Procs.isLoopbackHex(a), "CONN-3.4", "port " + ci.port + " bound to non-loopback address " + a);
    }
  }

  /** CONN-3.5: end of stream on stdin makes the JVM exit. */
  @Test
  void stochastic_CONN_3_5_exitOnStdinEof() throws IOException {
    PublishedConnInfo ci = launch();
    ci.process.stdin().close();
    try {
      check(ci.process.process().waitFor(config().timeout().toMillis(), TimeUnit.MILLISECONDS), "CONN-3.5",
          "the JVM did not exit within " + config().timeout().toMillis() + " ms of stdin end of stream");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // -- driver rules the reader contract cannot show (they need a driver that launches a JVM) ----

  /** CONN-1.1: attach mode (PYSPARK_GATEWAY_PORT/SECRET): a driver behaviour. */
  @Test
  void untested_CONN_1_1_attachMode() {}

  /** CONN-1.2: port without secret: a driver behaviour. */
  @Test
  void untested_CONN_1_2_portWithoutSecret() {}

  /** CONN-1.3: the driver starts the JVM with a fresh conn-info path: a driver behaviour. */
  @Test
  void untested_CONN_1_3_driverStartsJvm() {}

  /** CONN-4.1: bounded wait while watching the JVM: a driver behaviour. */
  @Test
  void untested_CONN_4_1_boundedWait() {}

  /** CONN-4.8: 0700 directory, removed after reading: a driver behaviour. */
  @Test
  void untested_CONN_4_8_privateDirectoryRemoved() {}

  /** CONN-4.9: the JVM's stdin kept open and never written: a driver behaviour. */
  @Test
  void untested_CONN_4_9_stdinKeptOpen() {}

  // -- reader -----------------------------------------------------------------------------------

  private List<String> readerCommand() {
    Optional<String> r = params.get(TckParameters.CONN_INFO_READER);
    NotApplicable.unless(r.isPresent(), "no conn-info reader declared (--config "
        + TckParameters.CONN_INFO_READER + "=<command>)");
    String v = r.get();
    return v.contains("\u001f") ? Arrays.asList(v.split("\u001f")) : Arrays.asList(v.trim().split("\\s+"));
  }

  private record ReaderOutcome(int exit, String output) {}

  private ReaderOutcome read(byte[] content) throws IOException {
    Path dir = PublishedConnInfo.newDir();
    Path f = dir.resolve("conn_info");
    Files.write(f, content);
    List<String> cmd = new ArrayList<>(readerCommand());
    cmd.add(f.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(launcherEnvironment());
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> pb.environment().put("PYTHONPATH", pp));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(config().timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the reader did not finish within " + config().timeout().toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    }
    return new ReaderOutcome(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
  }

  static byte[] file(int port, int len, byte[] secret, byte[] trailer) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(8).putInt(port).putInt(len);
    b.writeBytes(h.array());
    b.writeBytes(secret);
    b.writeBytes(trailer);
    return b.toByteArray();
  }

  static final byte[] HEX64 = "0123456789abcdef".repeat(4).getBytes(StandardCharsets.US_ASCII);

  /** Reader commands already seen to accept a valid file (the control runs once per reader). */
  private static final Set<List<String>> ACCEPTING_READERS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private void expectRejected(String rule, Gen<byte[]> files) {
    if (!ACCEPTING_READERS.contains(readerCommand())) {
      try {
        ReaderOutcome good = read(file(4242, 64, HEX64, new byte[0]));
        check(good.exit() == 0 && good.output().contains("4242"), rule,
            "the reader does not accept a valid file (exit " + good.exit() + ", output " + good.output() + ")");
        ACCEPTING_READERS.add(readerCommand());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try {
      Property.forAll(files).tries(3).maxShrinkAttempts(20).checkAssert(b -> {
        ReaderOutcome o = read(b);
        check(o.exit() != 0, rule, "the reader accepted the malformed file (output " + o.output() + ")");
        check(o.output().contains(rule), rule, "the reader rejected it without naming " + rule + ": " + o.output());
      });
    } catch (PropertyFailure f) {
      throw new RuleFailure(rule, f.getMessage(), f);
    }
  }

  /** CONN-4.2: shorter than 8 bytes: truncated. */
  @Test
  void required_CONN_4_2_shortFileRejected() {
    expectRejected("CONN-4.2", Gens.bytes(0, 7));
  }

  /** CONN-4.3: port outside 1..65535. */
  @Test
  void required_CONN_4_3_badPortRejected() {
    Gen<Integer> port = Gens.oneOf(Gens.elements(0, 65536, -1, Integer.MIN_VALUE, Integer.MAX_VALUE),
        Gens.integers(65536, Integer.MAX_VALUE), Gens.integers(Integer.MIN_VALUE, 0));
    expectRejected("CONN-4.3", port.map(p -> file(p, 64, HEX64, new byte[0])));
  }

  /** CONN-4.4: secret length outside 1..maxSecretBytes. */
  @Test
  void required_CONN_4_4_badSecretLengthRejected() {
    Gen<Integer> len = Gens.oneOf(Gens.elements(0, -1, 1025, Integer.MAX_VALUE), Gens.integers(1025, Integer.MAX_VALUE),
        Gens.integers(Integer.MIN_VALUE, -1));
    expectRejected("CONN-4.4", len.map(l -> file(4242, l, new byte[0], new byte[0])));
  }

  /** CONN-4.5: fewer than L bytes after the header. */
  @Test
  void required_CONN_4_5_truncatedSecretRejected() {
    expectRejected("CONN-4.5", Gens.integers(0, 63).map(n -> file(4242, 64, Arrays.copyOf(HEX64, n), new byte[0])));
  }

  /** CONN-4.6: bytes after the secret. */
  @Test
  void required_CONN_4_6_trailingBytesRejected() {
    expectRejected("CONN-4.6", Gens.bytes(1, 16).map(t -> file(4242, 64, HEX64, t)));
  }

  /** CONN-4.7: a secret that is not valid UTF-8. */
  @Test
  void required_CONN_4_7_invalidUtf8Rejected() {
    expectRejected("CONN-4.7", Gens.integers(0, 63).map(i -> {
      byte[] s = HEX64.clone();
      s[i] = (byte) 0xff;
      return file(4242, 64, s, new byte[0]);
    }));
  }
}
