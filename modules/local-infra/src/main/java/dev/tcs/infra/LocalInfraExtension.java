package dev.tcs.infra;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that shares one {@link LocalInfra} among all tests of a test JVM.
 *
 * <p>The infrastructure starts when the first test asks for it, with no Hazelcast member (get
 * one per region with {@link LocalInfra#hazelcastMember}), and is kept in the root extension
 * context's store; JUnit closes it when the whole run ends (JUnit 5.13 or later closes stored
 * {@link AutoCloseable} values). Tests must therefore not close or stop it for good, and should
 * use {@link TestNames#unique} for their topics and tables. A test that stops Kafka must
 * restart it before it ends.
 *
 * <p>Resolves parameters of type {@link LocalInfra}, {@link EmbeddedKafka} and {@link
 * EmbeddedDynamo} in constructors, test and lifecycle methods:
 *
 * <pre>{@code
 * @ExtendWith(LocalInfraExtension.class)
 * class ProjectorIT {
 *   @Test
 *   void projects(EmbeddedKafka kafka, EmbeddedDynamo dynamo) { ... }
 * }
 * }</pre>
 */
public final class LocalInfraExtension implements ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(LocalInfraExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalInfra.class || type == EmbeddedKafka.class || type == EmbeddedDynamo.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    LocalInfra infra = shared(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == EmbeddedKafka.class) {
      return infra.kafka();
    }
    if (type == EmbeddedDynamo.class) {
      return infra.dynamo();
    }
    return infra;
  }

  /**
   * The infrastructure shared by every test of this JVM, started on first use.
   *
   * @param context any extension context of the run
   * @return the running shared infrastructure
   */
  public static LocalInfra shared(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(LocalInfra.class, key -> LocalInfra.start(List.of()), LocalInfra.class);
  }
}
