package dev.tcs.catalogue.store;

import java.time.Instant;

/** One line of the operators' tenant listing: the tenant, its latest version, whether deleted, when. */
public record TenantSummary(String tenantId, long version, boolean deleted, Instant updatedAt) {}
