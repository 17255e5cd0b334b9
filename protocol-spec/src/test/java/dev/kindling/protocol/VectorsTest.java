package dev.kindling.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.auth.SocketAuth;
import dev.kindling.protocol.conninfo.ConnInfoCodec;
import dev.kindling.protocol.frame.Frame;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.frame.FrameWriter;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.protocol.output.WorkerOutputDecoder;
import dev.kindling.protocol.output.WorkerOutputEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Runs every golden vector in {@code protocol-spec/vectors/*.json} (format: vectors/README.md)
 * against the Java codecs, once per profile the vector lists.
 */
class VectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  static Path vectorsDir() {
    String root = System.getProperty("kindling.root");
    if (root != null && !root.isBlank()) {
      Path p = Paths.get(root, "protocol-spec", "vectors");
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return Paths.get("..", "protocol-spec", "vectors");
  }

  static List<Path> vectorFiles() throws IOException {
    Path dir = vectorsDir();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
  }

  @TestFactory
  Stream<DynamicNode> goldenVectors() throws IOException {
    List<Path> files = vectorFiles();
    assertThat(files)
        .as("golden vectors (*.json) in " + vectorsDir().toAbsolutePath())
        .isNotEmpty();
    List<DynamicNode> suites = new ArrayList<>();
    for (Path f : files) {
      JsonNode doc = JSON.readTree(f.toFile());
      String suite = doc.get("suite").textValue();
      List<DynamicNode> tests = new ArrayList<>();
      for (JsonNode v : doc.get("vectors")) {
        for (Profile p : profiles(v)) {
          tests.add(DynamicTest.dynamicTest(
              v.get("name").textValue() + " " + p.id(), f.toUri(), runner(suite, v, p)));
        }
      }
      assertThat(tests).as("vectors in " + f).isNotEmpty();
      suites.add(DynamicContainer.dynamicContainer(suite, f.toUri(), tests.stream()));
    }
    return suites.stream();
  }

  /** Every rule id a vector names (its {@code rules} and {@code error}) is a rule of the specs. */
  @org.junit.jupiter.api.Test
  void vectorRuleIdsExistInTheSpecs() throws IOException {
    dev.kindling.protocol.spec.RuleCatalog catalog =
        dev.kindling.protocol.spec.RuleCatalog.load(vectorsDir().resolve("../spec").normalize());
    List<String> unknown = new ArrayList<>();
    for (Path f : vectorFiles()) {
      for (JsonNode v : JSON.readTree(f.toFile()).get("vectors")) {
        List<String> ids = new ArrayList<>();
        v.path("rules").forEach(n -> ids.add(n.textValue()));
        if (v.has("error")) {
          ids.add(v.get("error").textValue());
        }
        for (String id : ids) {
          if (catalog.find(id).isEmpty()) {
            unknown.add(f.getFileName() + " " + v.get("name").textValue() + ": " + id);
          }
        }
      }
    }
    assertThat(unknown).isEmpty();
  }

  static List<Profile> profiles(JsonNode v) {
    if (!v.has("profiles")) {
      return List.of(Profile.values());
    }
    List<Profile> out = new ArrayList<>();
    for (JsonNode p : v.get("profiles")) {
      out.add(Profile.parse(p.textValue()));
    }
    return out;
  }

  private static Executable runner(String suite, JsonNode v, Profile profile) {
    switch (suite) {
      case "conn-info":
        return () -> codec(v, in -> ConnInfoCodec.decode(in.readAllBytes(), VectorModels.limits(v.get("options"))),
            VectorModels::connInfo, o -> ConnInfoCodec.encode((dev.kindling.protocol.conninfo.ConnInfo) o));
      case "frames":
        return () -> codec(v, in -> readFrames(in, VectorModels.limits(v.get("options"))),
            VectorModels::frames, o -> writeFrames(o, VectorModels.limits(v.get("options"))));
      case "task-header":
        return () -> codec(v, in -> TaskHeaderCodec.decode(in, profile, VectorModels.limits(v.get("options"))),
            VectorModels::header, o -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              TaskHeaderCodec.encode((TaskHeader) o, profile, out);
              return out.toByteArray();
            });
      case "worker-output":
        return () -> codec(v,
            in -> new WorkerOutputDecoder(in, profile, VectorModels.limits(v.get("options"))).readAll(),
            VectorModels::output, o -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              WorkerOutputEncoder.encode((WorkerOutput) o, profile, out);
              return out.toByteArray();
            });
      case "auth":
        return () -> auth(v);
      default:
        return () -> fail("unknown vector suite " + suite);
    }
  }

  interface Decode {
    Object decode(ByteArrayInputStream in) throws IOException;
  }

  interface Model {
    Object of(JsonNode decoded);
  }

  interface Encode {
    byte[] encode(Object model) throws IOException;
  }

  private static void codec(JsonNode v, Decode decode, Model model, Encode encode) throws IOException {
    byte[] bytes = HEX.parseHex(v.get("hex").textValue());
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    if (v.has("error")) {
      assertThat(v.has("decoded")).as("a vector has decoded or error, not both").isFalse();
      assertThatThrownBy(() -> decode.decode(in))
          .isInstanceOf(ProtocolException.class)
          .satisfies(e -> assertThat(((ProtocolException) e).ruleId())
              .as("rule id of: " + e.getMessage())
              .isEqualTo(v.get("error").textValue()));
      return;
    }
    Object expected = model.of(v.get("decoded"));
    Object got = decode.decode(in);
    assertThat(got).isEqualTo(expected);
    assertThat(in.available()).as("bytes left after decoding").isZero();
    if (!v.has("roundTrip") || v.get("roundTrip").booleanValue()) {
      assertThat(HEX.formatHex(encode.encode(expected))).isEqualTo(v.get("hex").textValue());
    }
  }

  private static List<Frame> readFrames(ByteArrayInputStream in, Limits limits) throws IOException {
    FrameReader r = new FrameReader(in, limits);
    List<Frame> out = new ArrayList<>();
    for (Frame f = r.readFrame(); f != null; f = r.readFrame()) {
      out.add(f);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static byte[] writeFrames(Object frames, Limits limits) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out, limits);
    for (Frame f : (List<Frame>) frames) {
      w.write(f);
    }
    return out.toByteArray();
  }

  private static void auth(JsonNode v) throws IOException {
    String role = v.get("role").textValue();
    String secret = v.get("secret").textValue();
    byte[] client = HEX.parseHex(v.get("clientHex").textValue());
    byte[] server = HEX.parseHex(v.get("serverHex").textValue());
    boolean isServer = role.equals("server");
    ByteArrayInputStream in = new ByteArrayInputStream(isServer ? client : server);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Executable run = isServer
        ? () -> SocketAuth.serverHandshake(in, out, secret)
        : () -> SocketAuth.clientHandshake(in, out, secret);
    String outcome = v.get("outcome").textValue();
    if (outcome.equals("ok")) {
      try {
        run.execute();
      } catch (Throwable t) {
        throw new AssertionError("expected ok, got " + t, t);
      }
    } else {
      assertThat(outcome).isEqualTo("error");
      assertThatThrownBy(run::execute)
          .isInstanceOf(ProtocolException.class)
          .satisfies(e -> assertThat(((ProtocolException) e).ruleId())
              .as("rule id of: " + e.getMessage())
              .isEqualTo(v.get("error").textValue()));
    }
    assertThat(HEX.formatHex(out.toByteArray()))
        .as(role + " bytes written")
        .isEqualTo(HEX.formatHex(isServer ? server : client));
  }
}
