package dev.tcs.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetersTest {
  private enum Outcome { HIT, NOT_FOUND }

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void counters_enum_namedByComponentAndTaggedKebabCase() {
    Meters meters = new Meters(registry, "region", "region", "us-east");
    meters.counters(Outcome.class, "reads", "Reads", "outcome").get(Outcome.NOT_FOUND).increment();

    assertEquals(1.0, registry.get("tcs.region.reads").tag("outcome", "not-found").tag("region", "us-east").counter().count());
    assertEquals("not-found", Meters.tag(Outcome.NOT_FOUND));
  }

  @Test
  void close_removesEveryMeterDeclared() {
    Meters meters = new Meters(registry, "sidecar");
    meters.counter("invalidations", "Invalidations", "outcome", "applied");
    meters.gauge("cache.size", "Entries", null, () -> 3);
    meters.latency("read.latency", "Latency", Duration.ofNanos(1_000), Duration.ofSeconds(1));
    assertNotNull(registry.find("tcs.sidecar.cache.size").gauge());

    meters.close();

    assertNull(registry.find("tcs.sidecar.cache.size").gauge());
    assertNull(registry.find("tcs.sidecar.invalidations").counter());
    assertNull(registry.find("tcs.sidecar.read.latency").timer());
  }

  @Test
  void declare_snakeCaseTagOrBadName_refused() {
    Meters meters = new Meters(registry, "catalogue");
    assertThrows(IllegalArgumentException.class, () -> meters.counter("writes", "Writes", "outcome", "not_found"));
    assertThrows(IllegalArgumentException.class, () -> meters.counter("Writes_total", "Writes"));
    assertEquals("tcs.catalogue.writes", meters.name("writes"));
  }
}
