package dev.tcs.catalogue.store;

import java.time.Instant;

/**
 * A tenant whose latest events are not all on the event log yet (the outbox).
 *
 * @param tenantId the tenant
 * @param since when its oldest unpublished event was committed
 */
public record PendingTenant(String tenantId, Instant since) {}
