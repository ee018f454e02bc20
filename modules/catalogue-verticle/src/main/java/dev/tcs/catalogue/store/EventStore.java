package dev.tcs.catalogue.store;

import dev.tcs.core.model.CatalogueEvent;
import io.vertx.core.Future;
import java.util.List;

/**
 * The catalogue's source of truth: per tenant an append-only sequence of {@link CatalogueEvent}s
 * numbered 1, 2, 3... without gaps, a {@link Head} with the current state and the outbox position,
 * and a claim per host so that a host belongs to one tenant at most.
 *
 * <p>Every read is strongly consistent except {@link #tenants} and {@link #pending}, which read
 * indexes. Every returned future completes on the Vert.x context of the caller; nothing blocks.
 */
public interface EventStore {
  /** The most events {@link #events} returns per call. */
  int MAX_EVENTS_PER_READ = 100;

  /** The current head of {@code tenantId}, or {@code null} when the tenant never existed. */
  Future<Head> head(String tenantId);

  /**
   * Appends {@code event} atomically with the new head and the host claims of its document:
   * the event is stored only if no event has its version, the head is still at {@code before}'s
   * version (or absent when {@code before} is null), every host of the new document is unclaimed
   * or already claimed by this tenant; hosts {@code before} held and the new document lacks are
   * released. The head becomes unpublished (it enters the outbox).
   *
   * @param before the head the event was decided on, or {@code null} for a tenant's first event
   * @param event the event; its version must be {@code before.version() + 1} (or 1)
   * @return succeeds once committed; fails with {@link VersionConflictException} if another write
   *     won the version, with {@link HostConflictException} if a host is taken, and with the
   *     store's error otherwise. A failed append wrote nothing.
   */
  Future<Void> append(Head before, CatalogueEvent event);

  /** Event {@code version} of {@code tenantId}, or {@code null} if there is none. */
  Future<CatalogueEvent> event(String tenantId, long version);

  /**
   * A page of a tenant's history, newest first, starting at {@code fromVersion} (inclusive; use
   * {@link Long#MAX_VALUE} for the newest). The page's {@code next} is the version (as text) to
   * pass as {@code fromVersion} for the following page, or {@code null} after version 1.
   */
  Future<Page<CatalogueEvent>> history(String tenantId, long fromVersion, int limit);

  /**
   * Events {@code fromVersion..toVersion} of a tenant, oldest first, at most
   * {@link #MAX_EVENTS_PER_READ} of them.
   */
  Future<List<CatalogueEvent>> events(String tenantId, long fromVersion, long toVersion);

  /**
   * A page of the tenant listing (eventually consistent, in the store's order, deleted tenants
   * included). {@code cursor} is {@code null} for the first page, else a previous page's next.
   */
  Future<Page<TenantSummary>> tenants(String cursor, int limit);

  /** A page of the tenants with unpublished events (eventually consistent). */
  Future<Page<PendingTenant>> pending(String cursor, int limit);

  /**
   * Records that every event up to {@code version} is on the event log. Never moves the
   * published position backwards; when it reaches the head's version the tenant leaves the
   * outbox.
   */
  Future<Void> markPublished(String tenantId, long version);
}
