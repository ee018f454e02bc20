package dev.tcs.catalogue.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A blocking HTTP/1.1 client for tests, driving the catalogue only from outside. */
public final class Http {
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public Http(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** The same server with another bearer token (null: none). */
  public Http as(String otherToken) {
    return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherToken);
  }

  public Request request(String method, String path) {
    return new Request(method, path);
  }

  public Answer get(String path) {
    return request("GET", path).send();
  }

  public Answer put(String path, JsonObject body) {
    return request("PUT", path).json(body).send();
  }

  public Answer patch(String path, JsonObject patch) {
    return request("PATCH", path).header("Content-Type", "application/merge-patch+json").body(patch.encode()).send();
  }

  public Answer delete(String path) {
    return request("DELETE", path).send();
  }

  /** One request being built. */
  public final class Request {
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;

    private Request(String method, String path) {
      this.method = method;
      this.path = path;
      if (token != null) {
        headers.put("Authorization", "Bearer " + token);
      }
    }

    public Request header(String name, String value) {
      if (value == null) {
        headers.remove(name);
      } else {
        headers.put(name, value);
      }
      return this;
    }

    public Request json(JsonObject json) {
      headers.putIfAbsent("Content-Type", "application/json");
      return body(json.encode());
    }

    public Request body(String text) {
      this.body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return this;
    }

    public Answer send() {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(builder::header);
      try {
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().map(), response.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** A response: status, headers, body. */
  public record Answer(int status, Map<String, java.util.List<String>> headers, String text) {
    public JsonObject json() {
      return text == null || text.isEmpty() ? new JsonObject() : new JsonObject(text);
    }

    public String header(String name) {
      for (Map.Entry<String, java.util.List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }

    public long version() {
      return json().getLong("version");
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }
}
