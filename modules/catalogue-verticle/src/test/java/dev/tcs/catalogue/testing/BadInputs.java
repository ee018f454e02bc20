package dev.tcs.catalogue.testing;

import dev.tcs.catalogue.testing.Http.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every kind of bad write the catalogue must refuse, with the status and the field its problem
 * must name. Run against a live tenant {@code tenantId} holding host {@code ownHost}, next to a
 * tenant holding {@code foreignHost}; afterwards neither may have changed.
 */
public final class BadInputs {
  /**
   * @param name what is wrong
   * @param status the expected status
   * @param field the field the problem must name (null: any)
   * @param send sends the request
   */
  public record Case(String name, int status, String field, Function<Http, Answer> send) {
    @Override
    public String toString() {
      return name + " -> " + status;
    }
  }

  private BadInputs() {}

  /** A valid document for {@code tenantId} with {@code hosts}. */
  public static JsonObject document(String tenantId, String... hosts) {
    return new JsonObject()
        .put("tenantId", tenantId)
        .put("hosts", new JsonArray(List.of(hosts)))
        .put("products", new JsonArray().add("jira"))
        .put("jira", new JsonObject().put("db-user", tenantId + "_jira").put("db-password", "s3cret"));
  }

  public static List<Case> all(String tenantId, String ownHost, String foreignHost, TestTokens tokens) {
    String path = "/v1/tenants/" + tenantId;
    JsonObject valid = document(tenantId, ownHost).put("changed", true);
    List<Case> cases = new ArrayList<>();

    // Tokens.
    cases.add(new Case("no token", 401, "Authorization", http -> http.as(null).put(path, valid)));
    cases.add(new Case("expired token", 401, "Authorization", http -> http.as(tokens.expiredWriter("ops")).put(path, valid)));
    cases.add(new Case("wrongly signed token", 401, "Authorization", http -> http.as(tokens.foreignWriter("ops")).put(path, valid)));
    cases.add(new Case("not a bearer token", 401, "Authorization", http -> http.as(null).request("PUT", path).header("Authorization", "Basic b3BzOm9wcw==").json(valid).send()));
    cases.add(new Case("reader token", 403, null, http -> http.as(tokens.reader("jira")).put(path, valid)));
    cases.add(new Case("reader token deletes", 403, null, http -> http.as(tokens.reader("jira")).delete(path)));

    // Path.
    cases.add(new Case("tenant id with capitals and !", 400, "tenantId", http -> http.put("/v1/tenants/A%21", document("A!"))));
    cases.add(new Case("tenant id too short", 400, "tenantId", http -> http.put("/v1/tenants/ab", document("ab"))));
    cases.add(new Case("tenant id in body differs from path", 400, "tenantId", http -> http.put(path, document("someone-else"))));

    // Media types and headers.
    cases.add(new Case("PUT as text/plain", 415, "Content-Type", http -> http.request("PUT", path).header("Content-Type", "text/plain").body(valid.encode()).send()));
    cases.add(new Case("PUT without Content-Type", 415, "Content-Type", http -> http.request("PUT", path).body(valid.encode()).send()));
    cases.add(new Case("PATCH as application/json", 415, "Content-Type", http -> http.request("PATCH", path).header("Content-Type", "application/json").body("{\"a\":1}").send()));
    cases.add(new Case("If-Match unquoted", 400, "If-Match", http -> http.request("PUT", path).header("If-Match", "1").json(valid).send()));
    cases.add(new Case("If-Match weak", 400, "If-Match", http -> http.request("PUT", path).header("If-Match", "W/\"1\"").json(valid).send()));
    cases.add(new Case("If-Match not a version", 400, "If-Match", http -> http.request("DELETE", path).header("If-Match", "\"abc\"").send()));
    cases.add(new Case("If-None-Match garbage", 400, "If-None-Match", http -> http.request("PUT", path).header("If-None-Match", "yes").json(valid).send()));
    cases.add(new Case("If-Match stale version", 412, "If-Match", http -> http.request("PUT", path).header("If-Match", "\"99\"").json(valid).send()));
    cases.add(new Case("If-None-Match * on an existing tenant", 412, "If-None-Match", http -> http.request("PUT", path).header("If-None-Match", "*").json(valid).send()));

    // Bodies.
    cases.add(new Case("body is an array", 400, "body", http -> http.request("PUT", path).header("Content-Type", "application/json").body("[1,2]").send()));
    cases.add(new Case("body is invalid JSON", 400, "body", http -> http.request("PUT", path).header("Content-Type", "application/json").body("{\"tenantId\":").send()));
    cases.add(new Case("number outside the double range", 400, "body", http -> http.request("PUT", path).header("Content-Type", "application/json").body("{\"jira\":{\"pool\":1e400}}").send()));
    cases.add(new Case("number with more precision than stored", 400, "body", http -> http.request("PUT", path).header("Content-Type", "application/json").body("{\"n\":0.10000000000000000000001}").send()));
    cases.add(new Case("document nested 33 deep", 400, "body", http -> http.request("PUT", path).header("Content-Type", "application/json").body("{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}").send()));
    cases.add(new Case("patch nested 5000 deep", 400, "body", http -> http.request("PATCH", path).header("Content-Type", "application/merge-patch+json").body("{\"a\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001)).send()));
    cases.add(new Case("repeated key", 400, "body", http -> http.request("PUT", path).header("Content-Type", "application/json").body("{\"products\":[],\"products\":[\"x\"]}").send()));
    cases.add(new Case("body is empty", 400, "body", http -> http.request("PUT", path).header("Content-Type", "application/json").body("").send()));
    cases.add(new Case("body just over 64 KiB", 413, "body", http -> http.put(path, valid.copy().put("padding", "x".repeat(65 * 1024)))));
    cases.add(new Case("body far over 64 KiB", 413, "body", http -> http.put(path, valid.copy().put("padding", "x".repeat(200 * 1024)))));
    cases.add(new Case("host not a DNS name", 400, "hosts[0]", http -> http.put(path, document(tenantId, "Bad_Host!"))));
    cases.add(new Case("hosts not an array", 400, "hosts", http -> http.put(path, document(tenantId).put("hosts", "a.example.net"))));
    cases.add(new Case("host repeated", 400, "hosts[1]", http -> http.put(path, document(tenantId, ownHost, ownHost))));
    cases.add(new Case("too many hosts", 400, "hosts", http -> http.put(path, document(tenantId, manyHosts(33)))));
    cases.add(new Case("host of another tenant", 409, "hosts[1]", http -> http.put(path, document(tenantId, ownHost, foreignHost))));

    // Merge patches.
    cases.add(new Case("merge patch is an array", 400, "body", http -> http.request("PATCH", path).header("Content-Type", "application/merge-patch+json").body("[{\"op\":\"add\"}]").send()));
    cases.add(new Case("merge patch is invalid JSON", 400, "body", http -> http.request("PATCH", path).header("Content-Type", "application/merge-patch+json").body("{oops}").send()));
    cases.add(new Case("merge patch breaks hosts", 400, "hosts", http -> http.patch(path, new JsonObject().put("hosts", 7))));
    cases.add(new Case("merge patch renames tenant", 400, "tenantId", http -> http.patch(path, new JsonObject().put("tenantId", "other-name"))));
    cases.add(new Case("merge patch takes a foreign host", 409, "hosts[0]", http -> http.patch(path, new JsonObject().put("hosts", new JsonArray().add(foreignHost)))));
    cases.add(new Case("merge patch of an unknown tenant", 404, null, http -> http.patch("/v1/tenants/nobody-here", new JsonObject().put("a", 1))));

    // Restore.
    cases.add(new Case("restore version 0", 400, "version", http -> http.request("POST", path + "/restore").json(new JsonObject().put("version", 0)).send()));
    cases.add(new Case("restore version not a number", 400, "version", http -> http.request("POST", path + "/restore").json(new JsonObject().put("version", "1")).send()));
    cases.add(new Case("restore with an unknown field", 400, "at", http -> http.request("POST", path + "/restore").json(new JsonObject().put("version", 1).put("at", "now")).send()));
    cases.add(new Case("restore a version that does not exist", 400, "version", http -> http.request("POST", path + "/restore").json(new JsonObject().put("version", 999)).send()));

    // Reads with bad parameters (nothing to store, still named).
    cases.add(new Case("history limit 0", 400, "limit", http -> http.get(path + "/history?limit=0")));
    cases.add(new Case("history from not a number", 400, "from", http -> http.get(path + "/history?from=abc")));
    cases.add(new Case("listing cursor garbage", 400, "cursor", http -> http.get("/v1/tenants?cursor=%21%21")));
    cases.add(new Case("delete of an unknown tenant", 404, null, http -> http.delete("/v1/tenants/nobody-here")));
    return cases;
  }

  private static String[] manyHosts(int n) {
    String[] hosts = new String[n];
    for (int i = 0; i < n; i++) {
      hosts[i] = "h" + i + ".example.net";
    }
    return hosts;
  }
}
