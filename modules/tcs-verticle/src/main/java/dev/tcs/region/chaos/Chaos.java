package dev.tcs.region.chaos;

import dev.tcs.core.auth.Principal;
import dev.tcs.core.auth.Tokens;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.log.LogRecord;
import dev.tcs.core.log.BatchHandler;
import dev.tcs.region.RegionMetrics;
import dev.tcs.region.RegionMetrics.Fault;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A region's chaos controls: faults injected on purpose, for drills. Off unless the region's config
 * says {@code chaos.enabled: true}; then {@code GET|POST|DELETE /chaos} on the region's port show,
 * change and clear the {@link Faults}, for a bearer token with role {@value Principal#ADMIN} only.
 *
 * <p>Where each fault acts: {@link #mount} puts a gate before the read API (reset, or delay a
 * share of reads); {@link #ingest} wraps the views topic's batch handler (hold batches while
 * paused, delay each); {@link #dropInvalidation} is asked before each invalidation is published;
 * {@link #dynamo} wraps the region's DynamoDB client (a share of calls fail at once). Every
 * injected fault is counted in {@value RegionMetrics#CHAOS_FAULTS}{@code {fault}}, the faults set
 * now show in {@value RegionMetrics#CHAOS_ACTIVE}{@code {fault}} (and {@value
 * RegionMetrics#CHAOS_ENABLED} is 1), and each change of faults is logged at WARN.
 *
 * <p>Thread-safe: the faults are one volatile immutable value. Nothing blocks: delays are timers.
 */
public final class Chaos {
  private static final Logger log = LoggerFactory.getLogger(Chaos.class);
  private static final int BODY_LIMIT = 4096;

  private final boolean enabled;
  private final String region;
  private final Tokens tokens;
  private final DoubleSupplier random;
  private final Queue<Held> held = new ConcurrentLinkedQueue<>();
  private final Map<Fault, Counter> injected;
  private volatile Faults faults = Faults.NONE;

  /** A batch waiting for ingestion to resume, with the context to resume it on. */
  private record Held(Context context, Promise<Void> resume) {}

  private Chaos(boolean enabled, String region, Tokens tokens, RegionMetrics metrics, DoubleSupplier random) {
    this.enabled = enabled;
    this.region = region;
    this.tokens = tokens;
    this.random = random;
    this.injected = enabled ? metrics.chaosFaults() : Map.of();
    if (enabled) {
      metrics.gaugeChaos(this::active);
    }
  }

  /** True while {@code fault} is set (the {@value RegionMetrics#CHAOS_ACTIVE} gauges). */
  private boolean active(RegionMetrics.ActiveFault fault) {
    Faults now = faults;
    return switch (fault) {
      case READ_OFF -> now.readOff();
      case READ_LATENCY -> now.latencyFraction() > 0 && !now.latency().isZero();
      case INGEST_PAUSED -> now.ingestPaused();
      case INGEST_DELAY -> !now.ingestDelay().isZero();
      case INVALIDATIONS_DROPPED -> now.dropInvalidations() > 0;
      case DYNAMO_FAILURES -> now.dynamoFailures() > 0;
    };
  }

  /**
   * The controls of one region: inert when {@code settings} is disabled.
   *
   * @param random draws in [0, 1) deciding which reads, invalidations and calls a fraction hits
   */
  public static Chaos of(ChaosSettings settings, String region, Tokens tokens, RegionMetrics metrics, DoubleSupplier random) {
    if (settings.enabled()) {
      log.warn("chaos controls enabled region={}: an admin token can inject faults through /chaos", region);
    }
    return new Chaos(settings.enabled(), region, Objects.requireNonNull(tokens), metrics, random);
  }

  /** As {@link #of(ChaosSettings, String, Tokens, RegionMetrics, DoubleSupplier)}, at random. */
  public static Chaos of(ChaosSettings settings, String region, Tokens tokens, RegionMetrics metrics) {
    return of(settings, region, tokens, metrics, () -> ThreadLocalRandom.current().nextDouble());
  }

  public boolean enabled() {
    return enabled;
  }

  /** The faults injected now. */
  public Faults faults() {
    return faults;
  }

  /**
   * True while a fault acts on reads (read API off, or latency on a share of reads): then a
   * region's read server sends cache hits through the router too, past the gate {@link #mount}
   * puts there, instead of its fast path. One volatile read.
   */
  public boolean gatesReads() {
    return enabled && gates(faults);
  }

  private static boolean gates(Faults now) {
    return now.readOff() || (now.latencyFraction() > 0 && !now.latency().isZero());
  }

  /** Replaces the faults (as {@code POST /chaos} does), for the launcher's drills and tests. */
  public void set(Faults next) {
    if (!enabled) {
      throw new IllegalStateException("chaos is not enabled in region " + region);
    }
    change(next);
  }

  // ---- HTTP ----

  /**
   * Mounts {@code /chaos} and the gate of the read API ({@code /v1/*}) on {@code router}; call
   * before the read routes. Does nothing when chaos is disabled (then {@code /chaos} is a 404).
   */
  public void mount(Router router) {
    if (!enabled) {
      return;
    }
    router.get("/chaos").handler(ctx -> admin(ctx, () -> answer(ctx)));
    router.delete("/chaos").handler(ctx -> admin(ctx, () -> {
      change(Faults.NONE);
      answer(ctx);
    }));
    router.post("/chaos").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(ctx -> admin(ctx, () -> post(ctx)));
    router.route("/v1/*").handler(this::gateRead);
  }

  private void admin(RoutingContext ctx, Runnable then) {
    tokens
        .require(ctx, Principal.ADMIN)
        .onSuccess(
            p -> {
              try {
                then.run();
              } catch (RuntimeException e) {
                ctx.fail(e);
              }
            })
        .onFailure(ctx::fail);
  }

  private void post(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      ctx.fail(HttpProblem.badRequest("body", "body must be a JSON object of faults, e.g. {\"latency\": \"400ms\", \"latencyFraction\": 0.5}"));
      return;
    }
    change(faults.with(body)); // throws a 400 naming the field; the router's failure handler answers it
    answer(ctx);
  }

  private void answer(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("region", region).put("faults", faults.toJson()).toBuffer());
  }

  private void change(Faults next) {
    Faults before = faults;
    faults = next;
    log.warn("chaos faults changed region={} faults={}", region, next.toJson().encode());
    if (before.ingestPaused() && !next.ingestPaused()) {
      releaseHeld();
    }
  }

  private void gateRead(RoutingContext ctx) {
    Faults now = faults;
    if (now.readOff()) {
      injected.get(Fault.READ_RESET).increment();
      ctx.response().reset();
      return;
    }
    if (now.latencyFraction() > 0 && !now.latency().isZero() && random.getAsDouble() < now.latencyFraction()) {
      injected.get(Fault.READ_DELAYED).increment();
      ctx.vertx().setTimer(now.latency().toMillis(), id -> ctx.next());
      return;
    }
    ctx.next();
  }

  // ---- ingest ----

  /**
   * The views handler with the ingest faults in front; {@code real} itself when chaos is disabled.
   * Faults act per batch: a paused batch waits whole (its views counted as held), a delayed batch
   * waits the delay once before any of its views is applied (its views counted as delayed).
   */
  public BatchHandler ingest(BatchHandler real) {
    if (!enabled) {
      return real;
    }
    return records -> ingest(real, records);
  }

  private Future<Void> ingest(BatchHandler real, List<LogRecord> records) {
    Faults now = faults;
    if (now.ingestPaused()) {
      injected.get(Fault.INGEST_HELD).increment(records.size());
      return held().compose(v -> ingest(real, records));
    }
    if (!now.ingestDelay().isZero()) {
      injected.get(Fault.INGEST_DELAYED).increment(records.size());
      return timer(now.ingestDelay()).compose(v -> real.handle(records));
    }
    return real.handle(records);
  }

  /** Completes on the caller's context once ingestion is no longer paused. */
  private Future<Void> held() {
    Context context = Vertx.currentContext();
    Promise<Void> resume = Promise.promise();
    held.add(new Held(context, resume));
    if (!faults.ingestPaused()) {
      releaseHeld(); // resumed between the check and the add
    }
    return resume.future();
  }

  private void releaseHeld() {
    Held next;
    while ((next = held.poll()) != null) {
      Held waiting = next;
      if (waiting.context() == null) {
        waiting.resume().tryComplete();
      } else {
        waiting.context().runOnContext(v -> waiting.resume().tryComplete());
      }
    }
  }

  private static Future<Void> timer(Duration delay) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return Future.failedFuture(new IllegalStateException("ingest delay needs a Vert.x context"));
    }
    Promise<Void> done = Promise.promise();
    context.owner().setTimer(delay.toMillis(), id -> done.complete());
    return done.future();
  }

  // ---- invalidations ----

  /** True when the next invalidation must be dropped instead of published (counted). */
  public boolean dropInvalidation() {
    if (!enabled) {
      return false;
    }
    double share = faults.dropInvalidations();
    if (share > 0 && random.getAsDouble() < share) {
      injected.get(Fault.INVALIDATION_DROPPED).increment();
      return true;
    }
    return false;
  }

  // ---- DynamoDB ----

  /**
   * The region's DynamoDB client with the failure fault in front: while {@code dynamoFailures} is
   * above 0, that share of calls fails at once with an {@link SdkClientException}, as an
   * unreachable endpoint does. {@code real} itself when chaos is disabled.
   */
  public DynamoDbAsyncClient dynamo(DynamoDbAsyncClient real) {
    if (!enabled) {
      return real;
    }
    InvocationHandler handler = (proxy, method, args) -> call(real, method, args);
    return (DynamoDbAsyncClient)
        Proxy.newProxyInstance(DynamoDbAsyncClient.class.getClassLoader(), new Class<?>[] {DynamoDbAsyncClient.class}, handler);
  }

  private Object call(DynamoDbAsyncClient real, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "toString" -> "chaos(" + real + ")";
        case "hashCode" -> System.identityHashCode(real);
        case "equals" -> args[0] == real;
        default -> method.invoke(real, args);
      };
    }
    double share = faults.dynamoFailures();
    if (CompletableFuture.class.isAssignableFrom(method.getReturnType()) && share > 0 && random.getAsDouble() < share) {
      injected.get(Fault.DYNAMO_FAILED).increment();
      return CompletableFuture.failedFuture(SdkClientException.create("chaos: DynamoDB calls of region " + region + " fail"));
    }
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
