package dev.tcs.core.model;

import static dev.tcs.core.model.ValidationException.quote;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A tenant's full context document as the catalogue stores it: a JSON object of at most
 * {@link #MAX_BYTES} whose {@code tenantId} matches {@link TenantIds#RULE} and whose optional
 * {@code hosts} are unique DNS names.
 *
 * @param tenantId the tenant
 * @param hosts the host names that route to it (unique across tenants, enforced by the catalogue)
 * @param document the whole document, {@code tenantId} included; never mutated after validation
 */
public record TenantContext(String tenantId, List<String> hosts, JsonObject document) {
  /** The largest context document, encoded: 64 KiB. */
  public static final int MAX_BYTES = 64 * 1024;

  /** The deepest nesting of a context document (the document itself is level 1). */
  public static final int MAX_DEPTH = 32;

  public TenantContext {
    hosts = List.copyOf(hosts);
  }

  /**
   * Validates a document sent for the tenant named in the path. A missing {@code tenantId} is
   * taken from the path; a different one is rejected.
   *
   * @throws ValidationException naming the field that breaks a rule
   * @throws DocumentTooLargeException when the encoded document exceeds {@link #MAX_BYTES}
   */
  public static TenantContext fromRequest(String pathTenantId, Buffer body) {
    TenantIds.require("tenantId", pathTenantId);
    if (body != null && body.length() > MAX_BYTES) {
      throw new DocumentTooLargeException(body.length());
    }
    if (body == null || body.length() == 0) {
      throw new ValidationException("body", "body must be a JSON object");
    }
    JsonObject document = StrictJson.parseObject("body", body, MAX_DEPTH);
    return of(pathTenantId, document);
  }

  /**
   * Validates a whole document (from a request, a merge patch result, or the event store),
   * filling in {@code tenantId} from {@code expectedTenantId} when absent.
   */
  public static TenantContext of(String expectedTenantId, JsonObject document) {
    Object declared = document.getValue("tenantId");
    if (declared == null) {
      document = document.copy().put("tenantId", expectedTenantId);
    } else if (!expectedTenantId.equals(declared)) {
      throw new ValidationException(
          "tenantId",
          "tenantId in the body must equal the tenant in the path "
              + quote(expectedTenantId)
              + ", but was "
              + quote(declared));
    }
    List<String> hosts = Hosts.fromJson("hosts", document.getValue("hosts"));
    int size = document.toBuffer().length();
    if (size > MAX_BYTES) {
      throw new DocumentTooLargeException(size);
    }
    return new TenantContext(expectedTenantId, hosts, document);
  }

  /** A document whose encoded size breaks the 64 KiB rule; HTTP answers it with 413. */
  public static final class DocumentTooLargeException extends ValidationException {
    public DocumentTooLargeException(int bytes) {
      super("body", "body must be at most " + MAX_BYTES + " bytes of JSON, but was " + bytes + " bytes");
    }
  }
}
