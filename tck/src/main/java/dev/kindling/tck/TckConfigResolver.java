package dev.kindling.tck;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Injects the run's {@link TckConfig}, read from JUnit configuration parameters. */
public final class TckConfigResolver implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TckConfig.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return config(context);
    } catch (IllegalArgumentException e) {
      throw new ParameterResolutionException("bad TCK configuration: " + e.getMessage(), e);
    }
  }

  static TckConfig config(ExtensionContext context) {
    return TckConfig.fromParameters(context::getConfigurationParameter, System.getenv());
  }
}
