package dev.tcs.launcher.drill;

import java.time.Duration;
import java.util.Set;

/**
 * How hard and how long a drill runs.
 *
 * @param tenants tenants seeded through the catalogue and read with Zipf's law
 * @param zipfExponent the Zipf exponent s of the reads (1: a few hot tenants, a long tail)
 * @param readsPerSecond reads sent to the sidecar per second (open loop, bounded by {@code maxInFlight})
 * @param maxInFlight reads the load generator holds at once; beyond, a read is not sent and counted as shed
 * @param writesPerSecond writes sent to the catalogue per second
 * @param fault how long each fault stays on
 * @param recovery how long the drill goes on after a fault clears, before the next phase
 * @param freshnessTarget a write made during a phase must be visible at every region and the
 *     sidecar within this long after the fault clears (or after the write, if later)
 * @param readTimeout a read that takes longer counts as a transport error
 * @param soak total time of a soak: the phases repeat until it has passed; zero runs them once
 * @param memoryGrowthLimitMb a soak fails when the heap used after GC grows by more than this
 * @param skip names of phases not to run
 * @param warmUp how long the load runs before the first judged phase (the JVM compiles, the sidecar fills)
 */
public record DrillSettings(
    int tenants,
    double zipfExponent,
    int readsPerSecond,
    int maxInFlight,
    double writesPerSecond,
    Duration fault,
    Duration recovery,
    Duration freshnessTarget,
    Duration readTimeout,
    Duration soak,
    long memoryGrowthLimitMb,
    Set<String> skip,
    Duration warmUp) {

  /** The drill of the test suite and of {@code tcs drill --short}: each phase once, about a minute. */
  public static DrillSettings short_() {
    return new DrillSettings(
        500, 1.0, 300, 256, 3, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ZERO, 0, Set.of(), Duration.ofSeconds(8));
  }

  /** {@code tcs drill --long}: a soak of {@code minutes}, the phases repeated, memory sampled after each. */
  public static DrillSettings long_(Duration soak) {
    return new DrillSettings(
        2000, 1.0, 500, 256, 5, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2), soak, 64, Set.of(), Duration.ofSeconds(15));
  }

  public DrillSettings withFreshnessTarget(Duration target) {
    return new DrillSettings(tenants, zipfExponent, readsPerSecond, maxInFlight, writesPerSecond, fault, recovery, target, readTimeout, soak, memoryGrowthLimitMb, skip, warmUp);
  }

  public DrillSettings withReadsPerSecond(int rate) {
    return new DrillSettings(tenants, zipfExponent, rate, maxInFlight, writesPerSecond, fault, recovery, freshnessTarget, readTimeout, soak, memoryGrowthLimitMb, skip, warmUp);
  }

  public DrillSettings withTenants(int count) {
    return new DrillSettings(count, zipfExponent, readsPerSecond, maxInFlight, writesPerSecond, fault, recovery, freshnessTarget, readTimeout, soak, memoryGrowthLimitMb, skip, warmUp);
  }

  public DrillSettings withSkip(Set<String> phases) {
    return new DrillSettings(tenants, zipfExponent, readsPerSecond, maxInFlight, writesPerSecond, fault, recovery, freshnessTarget, readTimeout, soak, memoryGrowthLimitMb, Set.copyOf(phases), warmUp);
  }
}
