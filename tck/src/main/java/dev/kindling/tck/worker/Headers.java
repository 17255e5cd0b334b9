package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.ResourceInfo;
import dev.kindling.protocol.header.TaskContextInfo;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Task headers as a JVM writes them, and generators of random ones. */
final class Headers {
  private Headers() {}

  static TaskHeader basic(Profile profile, String pyVer, byte[] command) {
    return header(profile, pyVer, context(profile, 1, 0, 0, 1L, 1, Map.of(), Map.of()), 0,
        BroadcastSection.EMPTY, List.of(), Map.of(), command);
  }

  static TaskHeader header(
      Profile profile, String pyVer, TaskContextInfo ctx, int split, BroadcastSection bc,
      List<String> includes, Map<String, String> conf, byte[] command) {
    return new TaskHeader(
        split, pyVer, ctx, CommandCatalog.probeRoot().toString(), includes, bc, 0,
        profile.hasConfMaps() ? conf : Map.of(), profile.hasConfMaps() ? conf : Map.of(), command);
  }

  static TaskContextInfo context(
      Profile profile, int stage, int partition, int attempt, long tid, int cpus,
      Map<String, ResourceInfo> resources, Map<String, String> props) {
    return TaskContextInfo.nonBarrier(profile, stage, partition, attempt, tid, cpus, resources, props);
  }

  /** Random task context fields, local properties and resources (unicode included). */
  static Gen<TaskContextInfo> contexts(Profile profile) {
    Gen<String> key = Gens.utf8Strings(24).filter(s -> !s.isEmpty());
    Gen<Map<String, String>> props = Gens.lists(Gens.zip(key, Gens.utf8Strings(48), Map::entry), 0, 4)
        .map(l -> {
          Map<String, String> m = new LinkedHashMap<>();
          l.forEach(e -> m.put(e.getKey(), e.getValue()));
          return m;
        });
    Gen<Map<String, ResourceInfo>> resources =
        Gens.lists(Gens.zip(Gens.elements("gpu", "fpga", "npu"), Gens.lists(Gens.elements("0", "1", "2", "3"), 0, 3), Map::entry), 0, 2)
            .map(l -> {
              Map<String, ResourceInfo> m = new LinkedHashMap<>();
              l.forEach(e -> m.put(e.getKey(), new ResourceInfo(e.getKey(), e.getValue())));
              return m;
            });
    return c -> context(
        profile,
        Gens.integers(0, 1_000_000).generate(c),
        Gens.integers(0, 100_000).generate(c),
        Gens.integers(0, 8).generate(c),
        Gens.longs(0, Long.MAX_VALUE / 2).generate(c),
        Gens.integers(1, 64).generate(c),
        resources.generate(c),
        props.generate(c));
  }
}
