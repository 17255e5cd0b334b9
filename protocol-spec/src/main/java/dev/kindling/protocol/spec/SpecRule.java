package dev.kindling.protocol.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Links a test (method or class) to the spec rules it checks, for coverage and TCK reports:
 * {@code @SpecRule({"WRK-6.2", "WRK-6.3"})}. A test whose name already carries the id
 * ({@code WRK_6_2_timingHasFourLongs}) needs no annotation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface SpecRule {
  /** Rule ids, e.g. {@code "WRK-6.2"}. */
  String[] value();
}
