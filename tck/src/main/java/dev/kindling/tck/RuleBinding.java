package dev.kindling.tck;

import dev.kindling.protocol.spec.Level;
import dev.kindling.protocol.spec.Rule;
import dev.kindling.protocol.spec.RuleCatalog;
import dev.kindling.protocol.spec.RuleIds;
import dev.kindling.protocol.spec.SpecRule;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which rules a TCK test checks and which {@link Tier} it belongs to.
 *
 * <p>Ids come from the method name ({@code required_WRK_6_2_x} → {@code WRK-6.2}) and from
 * {@link SpecRule} on the method, or on its class when the method names none. The tier comes from
 * the name prefix; without a prefix, from the catalog: {@link Tier#REQUIRED} if every named rule is
 * a MUST, {@link Tier#OPTIONAL} if any is a SHOULD or MAY; without either, required.
 *
 * @param tier the tier the test counts in
 * @param ruleIds the ids it checks, in the order found; may be empty
 * @param explicitTier whether the tier came from the name prefix
 */
public record RuleBinding(Tier tier, List<String> ruleIds, boolean explicitTier) {
  public RuleBinding {
    ruleIds = List.copyOf(ruleIds);
  }

  /** Resolves the binding of a test method, consulting {@code catalog} when present. */
  public static RuleBinding of(Method method, Optional<RuleCatalog> catalog) {
    String name = method.getName();
    Tier prefixTier = null;
    for (Tier t : Tier.values()) {
      if (name.startsWith(t.prefix())) {
        prefixTier = t;
      }
    }
    Set<String> ids = new LinkedHashSet<>();
    String fromName = RuleIds.fromMethodName(name);
    if (fromName != null) {
      ids.add(fromName);
    }
    SpecRule onMethod = method.getAnnotation(SpecRule.class);
    if (onMethod != null) {
      ids.addAll(List.of(onMethod.value()));
    }
    if (ids.isEmpty()) {
      SpecRule onClass = findOnClass(method.getDeclaringClass());
      if (onClass != null) {
        ids.addAll(List.of(onClass.value()));
      }
    }
    if (prefixTier != null) {
      return new RuleBinding(prefixTier, new ArrayList<>(ids), true);
    }
    Tier tier = Tier.REQUIRED;
    if (catalog.isPresent()) {
      for (String id : ids) {
        Optional<Rule> rule = catalog.get().find(id);
        if (rule.isPresent() && rule.get().level() != Level.MUST) {
          tier = Tier.OPTIONAL;
        }
      }
    }
    return new RuleBinding(tier, new ArrayList<>(ids), false);
  }

  private static SpecRule findOnClass(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      SpecRule s = c.getAnnotation(SpecRule.class);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  /** The ids joined for messages, e.g. {@code "WRK-6.2, WRK-6.3"}, or {@code "(no rule id)"}. */
  public String idsText() {
    return ruleIds.isEmpty() ? "(no rule id)" : String.join(", ", ruleIds);
  }
}
