package dev.tcs.sidecar.invalidation;

import com.hazelcast.core.HazelcastInstance;
import dev.tcs.core.security.Hmac;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.topic.ITopic;
import dev.tcs.core.model.Invalidation;
import dev.tcs.core.read.InvalidationReceiver.Flush;
import dev.tcs.core.retry.Backoff;
import dev.tcs.sidecar.SidecarMetrics;
import dev.tcs.sidecar.cache.ViewCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link InvalidationListener} subscribed to the home region's topic through the
 * Hazelcast client the launcher built, and flushes the cache when that client reconnects after a
 * disconnection (the cluster may have restarted and lost messages).
 *
 * <p>Subscribing talks to the cluster, so it runs on a Vert.x worker. If it fails (the home region
 * is down), the sidecar keeps serving and retries with {@link #RETRY}'s backoff; readiness says
 * so meanwhile.
 */
public final class InvalidationSubscription {
  static final Backoff RETRY = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
  private static final Logger log = LoggerFactory.getLogger(InvalidationSubscription.class);

  private final Vertx vertx;
  private final HazelcastInstance client;
  private final ViewCache cache;
  private final InvalidationListener listener;
  private final AtomicBoolean disconnected = new AtomicBoolean();
  private volatile UUID listenerId;
  private volatile UUID lifecycleId;
  private volatile boolean stopped;

  public InvalidationSubscription(Vertx vertx, HazelcastInstance client, ViewCache cache, SidecarMetrics metrics, Hmac invalidationKey) {
    this.vertx = vertx;
    this.client = client;
    this.cache = cache;
    this.listener = new InvalidationListener(invalidationKey, cache, metrics, this::listenerCancelled);
  }

  /** Subscribes; completes when subscribed, or after the first failed try (retries go on). */
  public Future<Void> start() {
    return subscribe()
        .recover(
            e -> {
              retryLater(0, e);
              return Future.succeededFuture();
            });
  }

  /** True while the listener is subscribed and the client connected. */
  public boolean isListening() {
    return listenerId != null && !disconnected.get() && client.getLifecycleService().isRunning();
  }

  public Future<Void> stop() {
    stopped = true;
    listener.close();
    return vertx.executeBlocking(
        () -> {
          UUID id = listenerId;
          listenerId = null;
          if (client.getLifecycleService().isRunning()) {
            if (id != null) {
              client.<Object>getReliableTopic(Invalidation.TOPIC).removeMessageListener(id);
            }
            if (lifecycleId != null) {
              client.getLifecycleService().removeLifecycleListener(lifecycleId);
            }
          }
          return null;
        },
        false);
  }

  private Future<Void> subscribe() {
    return vertx.executeBlocking(
        () -> {
          if (lifecycleId == null) {
            lifecycleId = client.getLifecycleService().addLifecycleListener(this::onLifecycle);
          }
          ITopic<Object> topic = client.getReliableTopic(Invalidation.TOPIC);
          listenerId = topic.addMessageListener(listener);
          log.info("invalidation listener subscribed topic={} instance={}", Invalidation.TOPIC, client.getName());
          return null;
        },
        false);
  }

  /** Subscribes again after {@link #RETRY}'s pause for {@code attempt}, until it works or the sidecar stops. */
  private void retryLater(int attempt, Throwable failure) {
    if (stopped) {
      return;
    }
    long delay = RETRY.delayMillis(attempt);
    log.warn("invalidation subscription failed, retrying topic={} attempt={} delayMs={} reason={}", Invalidation.TOPIC, attempt + 1, delay, String.valueOf(failure));
    vertx.setTimer(
        delay,
        id -> {
          if (!stopped) {
            subscribe().onFailure(e -> retryLater(attempt + 1, e));
          }
        });
  }

  private void listenerCancelled() {
    listenerId = null;
    if (!stopped && client.getLifecycleService().isRunning()) {
      retryLater(0, new IllegalStateException("listener cancelled by hazelcast"));
    }
  }

  private void onLifecycle(LifecycleEvent event) {
    if (event.getState() == LifecycleState.CLIENT_DISCONNECTED) {
      disconnected.set(true);
      log.warn("home region disconnected, invalidations paused instance={}", client.getName());
    } else if (event.getState() == LifecycleState.CLIENT_CONNECTED && disconnected.getAndSet(false)) {
      log.warn("home region reconnected, flushing cache instance={}", client.getName());
      cache.flush(Flush.RECONNECT);
    }
  }
}
