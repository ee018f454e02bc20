package dev.tcs.launcher.drill;

import dev.tcs.core.auth.Tokens;
import dev.tcs.launcher.DemoSystem;
import java.util.List;
import java.util.Optional;

/**
 * The system a {@link Drill} runs against and the faults it can inject beyond the regions'
 * {@code /chaos}: the demo system in the drill's own JVM ({@link #of(DemoSystem)}), or a
 * {@code tcs up} system of separate local processes (in the launcher). A phase a system cannot
 * run is skipped and reported with {@link #cannotRun}'s reason. Blocking methods, for the drill's
 * main thread.
 */
public interface DrillTarget {
  /** Where each part answers. */
  DemoSystem.Endpoints endpoints();

  /** Issues tokens the system accepts (reader, writer, admin). */
  Tokens tokens();

  /** Why phase {@code phase} cannot run against this system, or empty if it can. */
  Optional<String> cannotRun(String phase);

  /** Stops the Kafka broker (kafka-restart). */
  void stopKafka();

  /** Starts the Kafka broker again on its port (kafka-restart). */
  void restartKafka();

  /** The members of Hazelcast cluster {@code cluster}, each {@code host:port}. */
  List<String> hazelcastAddresses(String cluster);

  /** Stops the sidecar; its port closes. */
  void stopSidecar();

  /** Starts the sidecar again on its port, and returns once it listens. */
  void startSidecar();

  /** SIGKILLs the process of region {@code region} and returns once it is gone (region-process-killed). */
  void killRegionProcess(String region);

  /** Starts the process of region {@code region} again and returns once it is ready (region-process-killed). */
  void restartRegionProcess(String region);

  /** The demo system of this JVM: every phase but the ones that need separate processes. */
  static DrillTarget of(DemoSystem system) {
    return new DrillTarget() {
      @Override
      public DemoSystem.Endpoints endpoints() {
        return system.endpoints();
      }

      @Override
      public Tokens tokens() {
        return system.tokens();
      }

      @Override
      public Optional<String> cannotRun(String phase) {
        return phase.equals(Drill.REGION_PROCESS_KILLED)
            ? Optional.of("not under ./tcs up: every region runs in this JVM, so there is no region process to SIGKILL (./tcs up, then ./tcs drill)")
            : Optional.empty();
      }

      @Override
      public void stopKafka() {
        system.infra().kafka().stop();
      }

      @Override
      public void restartKafka() {
        system.infra().kafka().restart();
      }

      @Override
      public List<String> hazelcastAddresses(String cluster) {
        return system.infra().hazelcastAddresses(cluster);
      }

      @Override
      public void stopSidecar() {
        system.stopSidecar();
      }

      @Override
      public void startSidecar() {
        system.startSidecar();
      }

      @Override
      public void killRegionProcess(String region) {
        throw new UnsupportedOperationException(cannotRun(Drill.REGION_PROCESS_KILLED).orElseThrow());
      }

      @Override
      public void restartRegionProcess(String region) {
        throw new UnsupportedOperationException(cannotRun(Drill.REGION_PROCESS_KILLED).orElseThrow());
      }
    };
  }
}
