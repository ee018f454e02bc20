package dev.tcs.core.metrics;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

/** One Prometheus registry per process, shared by Vert.x's own metrics and every component. */
public final class Metrics {
  private Metrics() {}

  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * A Vert.x instance that reports HTTP client, pool and event-bus metrics into {@code registry}.
   *
   * <p>Vert.x's per-request HTTP server metrics ({@code vertx_http_server_*}) are off: they look up
   * tagged meters on every request, 6-8 % of a read's CPU (BENCHMARKS.md "Reads"). Each component
   * times its own requests instead ({@code tcs.<component>.read.latency}, {@code tcs.catalogue.*}).
   *
   * <p>It prefers Netty's native epoll transport (on Linux x86-64, where the jar ships it; NIO
   * elsewhere): under JDK NIO every selector interest update allocated a map node and went through
   * the JDK's update queue, a cost a cache hit pays (BENCHMARKS.md "Reads").
   */
  public static Vertx vertx(VertxOptions options, PrometheusMeterRegistry registry) {
    options.setPreferNativeTransport(true);
    options.setMetricsOptions(
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(false)
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
  }
}
