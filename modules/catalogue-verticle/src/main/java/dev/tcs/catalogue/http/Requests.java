package dev.tcs.catalogue.http;

import static dev.tcs.core.model.ValidationException.quote;

import dev.tcs.catalogue.command.Preconditions;
import dev.tcs.core.http.HttpProblem;
import dev.tcs.core.model.JsonFields;
import dev.tcs.core.model.TenantContext;
import dev.tcs.core.model.TenantIds;
import dev.tcs.core.model.ValidationException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * Validating reads of the parts of a catalogue request: path, query, headers, body. Each throws
 * a {@link ValidationException} or {@link HttpProblem} naming the offending field, so the failure
 * handler answers with problem+json and nothing is stored.
 */
final class Requests {
  static final String JSON = "application/json";
  static final String MERGE_PATCH = "application/merge-patch+json";

  private Requests() {}

  /** The tenant id of the path, validated ({@code tenantId} names it in errors). */
  static String tenantId(RoutingContext ctx) {
    return TenantIds.require("tenantId", ctx.pathParam("id"));
  }

  /** Fails with 415 unless the media type of {@code Content-Type} (parameters ignored) is {@code expected}. */
  static void requireContentType(String header, String expected) {
    String type = header == null ? null : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!expected.equals(type)) {
      throw HttpProblem.unsupportedMediaType("Content-Type must be " + expected + ", but was " + quote(header));
    }
  }

  static Preconditions preconditions(RoutingContext ctx) {
    return Preconditions.parse(ctx.request().getHeader("If-Match"), ctx.request().getHeader("If-None-Match"));
  }

  /** A JSON merge patch body: at most 64 KiB, a JSON object (a non-object patch would replace the document). */
  static JsonObject mergePatch(Buffer body) {
    if (body != null && body.length() > TenantContext.MAX_BYTES) {
      throw new TenantContext.DocumentTooLargeException(body.length());
    }
    if (body == null || body.length() == 0) {
      throw new ValidationException("body", "body must be a JSON object");
    }
    return dev.tcs.core.model.StrictJson.parseObject("body", body, TenantContext.MAX_DEPTH);
  }

  /** The body of a restore: exactly {@code {"version": N}} with N >= 1. */
  static long restoreVersion(Buffer body) {
    JsonObject json = JsonFields.parseObject("body", body);
    for (String key : json.fieldNames()) {
      if (!key.equals("version")) {
        throw new ValidationException(key, key + " is not a field of a restore; send {\"version\": N}");
      }
    }
    return JsonFields.longAtLeast(json, "version", 1);
  }

  /** An optional integer query parameter in {@code min..max}. */
  static long longParam(RoutingContext ctx, String name, long min, long max, long defaultValue) {
    String text = singleParam(ctx, name);
    if (text == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ValidationException(name, name + " must be an integer in " + min + ".." + max + ", but was " + quote(text));
  }

  /** An optional query parameter given at most once. */
  static String singleParam(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new ValidationException(name, name + " must be given at most once");
    }
    return values.get(0);
  }
}
