package dev.tcs.catalogue.command;

import dev.tcs.catalogue.store.Head;

/**
 * The answer to a write.
 *
 * @param change what it did
 * @param head the tenant's state after it (for {@link Change#UNCHANGED}: the state it found)
 */
public record WriteResult(Change change, Head head) {}
