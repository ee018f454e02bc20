package dev.tcs.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalInfraExtension.class)
class LocalInfraExtensionTest {

  private final LocalInfra fromConstructor;

  LocalInfraExtensionTest(LocalInfra infra) {
    this.fromConstructor = infra;
  }

  @Test
  void resolve_allTypes_comeFromOneSharedInfra(LocalInfra infra, EmbeddedKafka kafka, EmbeddedDynamo dynamo) {
    assertSame(fromConstructor, infra);
    assertSame(infra.kafka(), kafka);
    assertSame(infra.dynamo(), dynamo);
    assertEquals("region-x", infra.hazelcastMember("region-x").getConfig().getClusterName());
  }

  @Test
  void resolve_secondTest_sameInfra(LocalInfra infra) {
    assertSame(fromConstructor, infra);
    assertSame(infra.hazelcastMember("region-x"), infra.hazelcastMember("region-x"));
  }
}
