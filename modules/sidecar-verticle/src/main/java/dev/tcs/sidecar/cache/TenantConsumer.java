package dev.tcs.sidecar.cache;

/** One tenant's view for one consumer: what an invalidation names. */
record TenantConsumer(String tenantId, String consumer) {}
