package dev.tcs.core.http;

import io.vertx.core.json.JsonObject;

/**
 * An error answered as {@code application/problem+json} (RFC 9457) with a status, a title and a
 * detail that says what was wrong; {@code field} names the offending input when there is one.
 */
public class HttpProblem extends RuntimeException {
  private final int status;
  private final String title;
  private final String field;

  public HttpProblem(int status, String title, String detail, String field) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.field = field;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String field() {
    return field;
  }

  public String detail() {
    return getMessage();
  }

  public static HttpProblem badRequest(String field, String detail) {
    return new HttpProblem(400, "Bad Request", detail, field);
  }

  public static HttpProblem unauthorized(String detail) {
    return new HttpProblem(401, "Unauthorized", detail, "Authorization");
  }

  public static HttpProblem forbidden(String detail) {
    return new HttpProblem(403, "Forbidden", detail, null);
  }

  public static HttpProblem notFound(String detail) {
    return new HttpProblem(404, "Not Found", detail, null);
  }

  public static HttpProblem conflict(String field, String detail) {
    return new HttpProblem(409, "Conflict", detail, field);
  }

  public static HttpProblem preconditionFailed(String detail) {
    return new HttpProblem(412, "Precondition Failed", detail, "If-Match");
  }

  public static HttpProblem payloadTooLarge(String detail) {
    return new HttpProblem(413, "Content Too Large", detail, "body");
  }

  public static HttpProblem unsupportedMediaType(String detail) {
    return new HttpProblem(415, "Unsupported Media Type", detail, "Content-Type");
  }

  public static HttpProblem unavailable(String detail) {
    return new HttpProblem(503, "Service Unavailable", detail, null);
  }

  /** The problem document; {@code instance} is the request id. */
  public JsonObject toJson(String requestId) {
    JsonObject json =
        new JsonObject()
            .put("type", "about:blank")
            .put("title", title)
            .put("status", status)
            .put("detail", getMessage());
    if (field != null) {
      json.put("field", field);
    }
    return json.put("instance", "urn:request:" + requestId);
  }
}
