package dev.kindling.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.spec.RuleCatalog;
import dev.kindling.protocol.spec.SpecRule;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleBindingTest {
  private static final Optional<RuleCatalog> CATALOG =
      Optional.of(RuleCatalog.parse("w.md", "**[A-1]** x MUST.\n**[A-2]** y SHOULD.\n**[A-3]** z MAY."));

  @SpecRule("A-1")
  static class Annotated {
    void required_A_2_x() {}

    void optional_A_1_x() {}

    void untested_A_3() {}

    @SpecRule({"A-1", "A-3"})
    void both() {}

    void plain() {}

    void A_1_noPrefix() {}
  }

  static class Bare {
    void plain() {}
  }

  private static Method m(Class<?> c, String name) throws NoSuchMethodException {
    return c.getDeclaredMethod(name);
  }

  @Test
  void prefixDecidesTier() throws Exception {
    assertThat(RuleBinding.of(m(Annotated.class, "required_A_2_x"), CATALOG))
        .isEqualTo(new RuleBinding(Tier.REQUIRED, java.util.List.of("A-2"), true));
    assertThat(RuleBinding.of(m(Annotated.class, "optional_A_1_x"), CATALOG).tier()).isEqualTo(Tier.OPTIONAL);
    assertThat(RuleBinding.of(m(Annotated.class, "untested_A_3"), Optional.empty()).tier()).isEqualTo(Tier.UNTESTED);
  }

  @Test
  void withoutPrefixCatalogLevelDecides() throws Exception {
    RuleBinding both = RuleBinding.of(m(Annotated.class, "both"), CATALOG);
    assertThat(both.ruleIds()).containsExactly("A-1", "A-3");
    assertThat(both.tier()).isEqualTo(Tier.OPTIONAL);
    assertThat(both.explicitTier()).isFalse();
    assertThat(RuleBinding.of(m(Annotated.class, "A_1_noPrefix"), CATALOG).tier()).isEqualTo(Tier.REQUIRED);
    assertThat(RuleBinding.of(m(Annotated.class, "both"), Optional.empty()).tier()).isEqualTo(Tier.REQUIRED);
  }

  @Test
  void classAnnotationAppliesWhenMethodNamesNoRule() throws Exception {
    assertThat(RuleBinding.of(m(Annotated.class, "plain"), CATALOG).ruleIds()).containsExactly("A-1");
    assertThat(RuleBinding.of(m(Annotated.class, "required_A_2_x"), CATALOG).ruleIds()).containsExactly("A-2");
    RuleBinding bare = RuleBinding.of(m(Bare.class, "plain"), CATALOG);
    assertThat(bare.ruleIds()).isEmpty();
    assertThat(bare.idsText()).isEqualTo("(no rule id)");
    assertThat(bare.tier()).isEqualTo(Tier.REQUIRED);
  }
}
