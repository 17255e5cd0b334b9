package dev.kindling.protocol.header;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spark-4.2 and spark-4.3 task context: one {@code utf} holding a JSON object.
 *
 * <pre>
 *   +-----------+-------------------------------------------------------------------+
 *   | i32 N     | N bytes UTF-8 JSON                                                |
 *   +-----------+-------------------------------------------------------------------+
 *   {"isBarrier":false,"connInfo":-1,"secret":null,"stageId":1,"partitionId":3,
 *    "attemptNumber":0,"taskAttemptId":23,"cpus":1,["cpuAmount":"1", spark-4.3 only]
 *    "resources":{"gpu":{"name":"gpu","addresses":["0","1"]}},
 *    "localProperties":{"k":"v"}}
 * </pre>
 *
 * <p>Implements WRK-4.3.3 and WRK-4.3.5 ({@code cpuAmount}: a plain non-negative decimal string,
 * required on spark-4.3, ignored before). Encoding is compact, in the key order above, non-ASCII as raw UTF-8 and
 * control characters escaped as Python's {@code json.dumps} does (lowercase hex). Decoding parses
 * a map in any key order and rejects (WRK-4.3.3) text that is not JSON, not one object, has a
 * duplicate key, lacks a required key or has a value of the wrong type; keys it does not know are
 * ignored. Counts inside it are bounded like the binary form's (WRK-4.9).
 */
final class JsonTaskContextCodec {
  static final String RULE = "WRK-4.3.3";
  static final String CPU_AMOUNT_RULE = "WRK-4.3.5";
  private static final java.util.regex.Pattern PLAIN_DECIMAL =
      java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+)?");

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
      .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE)
          .maxNumberLength(64)
          .build())
      .build();

  /**
   * The tree mapper, for {@link #decode} only: a holder class, so that the JVM, which only encodes,
   * never loads jackson-databind for its first task (issue 16, cold start).
   */
  private static final class Decoding {
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private JsonTaskContextCodec() {}

  /** The spark-4.2 form (no {@code cpuAmount}). */
  static byte[] encode(TaskContextInfo c) throws IOException {
    return encode(c, false);
  }

  static byte[] encode(TaskContextInfo c, boolean withCpuAmount) throws IOException {
    if (c.connInfo() == null) {
      throw new IllegalArgumentException(
          "spark-4.2 connInfo must be a number or a string (-1 when not barrier), got null");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(buf, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeBooleanField("isBarrier", c.isBarrier());
      if (c.connInfo() instanceof Integer) {
        g.writeNumberField("connInfo", (Integer) c.connInfo());
      } else {
        g.writeStringField("connInfo", (String) c.connInfo());
      }
      if (c.secret() == null) {
        g.writeNullField("secret");
      } else {
        g.writeStringField("secret", c.secret());
      }
      g.writeNumberField("stageId", c.stageId());
      g.writeNumberField("partitionId", c.partitionId());
      g.writeNumberField("attemptNumber", c.attemptNumber());
      g.writeNumberField("taskAttemptId", c.taskAttemptId());
      g.writeNumberField("cpus", c.cpus());
      if (withCpuAmount) {
        String amount = c.cpuAmount() == null ? Integer.toString(c.cpus()) : c.cpuAmount();
        if (!PLAIN_DECIMAL.matcher(amount).matches()) {
          throw new IllegalArgumentException(
              "cpuAmount must be a plain non-negative decimal, got '" + amount + "'");
        }
        g.writeStringField("cpuAmount", amount);
      }
      g.writeObjectFieldStart("resources");
      for (Map.Entry<String, ResourceInfo> e : c.resources().entrySet()) {
        g.writeObjectFieldStart(e.getKey());
        g.writeStringField("name", e.getValue().name());
        g.writeArrayFieldStart("addresses");
        for (String a : e.getValue().addresses()) {
          g.writeString(a);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("localProperties");
      for (Map.Entry<String, String> e : c.localProperties().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    return buf.toByteArray();
  }

  /** The spark-4.2 form ({@code cpuAmount} ignored). */
  static TaskContextInfo decode(String json, HeaderInput in) throws ProtocolException {
    return decode(json, in, false);
  }

  static TaskContextInfo decode(String json, HeaderInput in, boolean withCpuAmount)
      throws ProtocolException {
    JsonNode root;
    try (JsonParser p = FACTORY.createParser(json)) {
      root = Decoding.MAPPER.readTree(p);
      if (root != null && p.nextToken() != null) {
        throw new ProtocolException(RULE, "task context has content after the JSON object");
      }
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw new ProtocolException(RULE, "task context is not valid JSON: "
          + (e instanceof com.fasterxml.jackson.core.JsonProcessingException
              ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage()
              : e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new ProtocolException(
          RULE, "task context is not a JSON object but " + (root == null ? "empty" : root.getNodeType()));
    }
    boolean barrier = require(root, "isBarrier", "boolean", JsonNode::isBoolean).booleanValue();
    JsonNode ci = require(root, "connInfo", "number or string",
        n -> n.isTextual() || (n.isIntegralNumber() && n.canConvertToInt()));
    Object connInfo = ci.isTextual() ? ci.textValue() : (Object) ci.intValue();
    JsonNode sec = require(root, "secret", "string or null", n -> n.isTextual() || n.isNull());
    String secret = sec.isNull() ? null : sec.textValue();
    int stageId = intField(root, "stageId");
    int partitionId = intField(root, "partitionId");
    int attemptNumber = intField(root, "attemptNumber");
    long taskAttemptId = require(root, "taskAttemptId", "64-bit integer",
        n -> n.isIntegralNumber() && n.canConvertToLong()).longValue();
    int cpus = intField(root, "cpus");
    String cpuAmount = null;
    if (withCpuAmount) {
      JsonNode amount = root.get("cpuAmount");
      if (amount == null) {
        throw new ProtocolException(CPU_AMOUNT_RULE, "task context lacks the key \"cpuAmount\"");
      }
      if (!amount.isTextual() || !PLAIN_DECIMAL.matcher(amount.textValue()).matches()) {
        throw new ProtocolException(CPU_AMOUNT_RULE,
            "task context.cpuAmount must be a string holding a plain non-negative decimal, got "
                + amount);
      }
      cpuAmount = amount.textValue();
    }
    JsonNode res = require(root, "resources", "object", JsonNode::isObject);
    bound("resources", res.size(), in);
    Map<String, ResourceInfo> resources = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : res.properties()) {
      String where = "resources." + e.getKey();
      JsonNode r = e.getValue();
      if (!r.isObject()) {
        throw wrongType(where, "object", r);
      }
      String name = require(r, "name", "string", JsonNode::isTextual, where).textValue();
      JsonNode addrs = require(r, "addresses", "array", JsonNode::isArray, where);
      bound(where + ".addresses", addrs.size(), in);
      List<String> addresses = new ArrayList<>(addrs.size());
      for (JsonNode a : addrs) {
        if (!a.isTextual()) {
          throw wrongType(where + ".addresses[]", "string", a);
        }
        addresses.add(a.textValue());
      }
      resources.put(e.getKey(), new ResourceInfo(name, addresses));
    }
    JsonNode lp = require(root, "localProperties", "object", JsonNode::isObject);
    bound("localProperties", lp.size(), in);
    Map<String, String> props = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : lp.properties()) {
      if (!e.getValue().isTextual()) {
        throw wrongType("localProperties." + e.getKey(), "string", e.getValue());
      }
      props.put(e.getKey(), e.getValue().textValue());
    }
    return new TaskContextInfo(
        barrier, connInfo, secret, stageId, partitionId, attemptNumber, taskAttemptId, cpus,
        resources, props, cpuAmount);
  }

  private static void bound(String field, int n, HeaderInput in) throws ProtocolException {
    if (n > in.limits.maxHeaderCount()) {
      throw new ProtocolException(
          HeaderInput.BOUND_RULE, field + " count " + n + " outside 0.." + in.limits.maxHeaderCount());
    }
  }

  private static int intField(JsonNode root, String key) throws ProtocolException {
    return require(root, key, "32-bit integer", n -> n.isIntegralNumber() && n.canConvertToInt())
        .intValue();
  }

  private interface Check {
    boolean ok(JsonNode n);
  }

  private static JsonNode require(JsonNode obj, String key, String type, Check check)
      throws ProtocolException {
    return require(obj, key, type, check, "task context");
  }

  private static JsonNode require(JsonNode obj, String key, String type, Check check, String where)
      throws ProtocolException {
    JsonNode n = obj.get(key);
    if (n == null) {
      throw new ProtocolException(RULE, where + " lacks the key \"" + key + "\"");
    }
    if (!check.ok(n)) {
      throw wrongType(where + "." + key, type, n);
    }
    return n;
  }

  private static ProtocolException wrongType(String field, String type, JsonNode n) {
    return new ProtocolException(RULE, field + " must be a " + type + ", got " + n.getNodeType());
  }
}
