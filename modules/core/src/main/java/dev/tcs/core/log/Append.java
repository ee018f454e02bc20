package dev.tcs.core.log;

import io.vertx.core.buffer.Buffer;

/** One record to append to the event log: its key (the tenant id) and value. */
public record Append(String key, Buffer value) {}
