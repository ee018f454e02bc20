package dev.tcs.projector;

/**
 * What a rebuild changes, or would change, for one consumer compared with the live views topic.
 *
 * @param consumer the consumer
 * @param live views the consumer has now (latest per tenant on the views topic, tombstones excluded)
 * @param staged views the consumer has after the rebuild (tombstones excluded)
 * @param added tenants that get a view they do not have now
 * @param changed tenants whose view differs in body or keys
 * @param removed tenants whose view the rebuild drops (or turns into a tombstone)
 */
public record ConsumerChange(String consumer, long live, long staged, long added, long changed, long removed) {}
