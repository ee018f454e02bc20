package dev.tcs.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.auth.Principal;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of malformed input against every HTTP port of the demo system (catalogue,
 * three regions, sidecar, projector): raw HTTP/1.1 from a socket, raw HTTP/2 frames, and JSON
 * bodies the catalogue must refuse. Whatever arrives, no answer is a 5xx, every error that is
 * answered is a 4xx, the servers keep answering, and nothing stored changes.
 *
 * <p>The corpus is hand-picked cases plus random mutations from a fixed seed ({@code -Dtcs.fuzz.seed},
 * {@code -Dtcs.fuzz.cases} to explore further), so a failure replays exactly.
 */
class HttpSurfaceFuzzIT {
  private static final long SEED = Long.getLong("tcs.fuzz.seed", 20261201L);
  private static final int RANDOM_CASES = Integer.getInteger("tcs.fuzz.cases", 150);
  private static final String TENANT = "fuzz-acme";
  private static final String HOST = "fuzz-acme.example.net";

  private static DemoSystem system;
  private static HttpClient http;
  private static String writer;
  private static String jira;
  private static Map<String, URI> ports;

  @BeforeAll
  static void startSystem() throws Exception {
    system = DemoSystem.start(new DemoSystem.Options(Path.of("../../config").toAbsolutePath().normalize(), Map.of(), true));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    writer = system.tokens().issue("fuzz-writer", Set.of(Principal.WRITER), Duration.ofHours(1));
    jira = system.tokens().issue("jira", Set.of(Principal.READER), Duration.ofHours(1));
    ports = new LinkedHashMap<>();
    ports.put("catalogue", URI.create(system.endpoints().catalogue()));
    ports.put("projector", URI.create(system.endpoints().projector()));
    system.endpoints().regions().forEach((name, url) -> ports.put("region " + name, URI.create(url)));
    ports.put("sidecar", URI.create(system.endpoints().sidecar()));
    HttpResponse<String> put = send("PUT", system.endpoints().catalogue() + "/v1/tenants/" + TENANT, writer, "application/json", document().encode());
    assertEquals(201, put.statusCode(), put.body());
    for (URI reader : readers()) {
      awaitStatus(reader + "/v1/tenants/" + TENANT + "/context", 200);
    }
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  // ---- JSON bodies at the catalogue -------------------------------------------------------

  /** Regression: a number outside the double range was stored as the string "Infinity"; deep nesting gave a 500. */
  @Test
  void catalogue_malformedJsonBodies_4xxAndNothingStored() throws Exception {
    String before = stored();
    List<String> bodies = new ArrayList<>(handPickedBodies());
    int index = 0;
    for (String body : bodies) {
      String tenant = "fuzz-new-" + index++;
      for (String method : new String[] {"PUT", "PATCH", "POST"}) {
        String path = "/v1/tenants/" + tenant + (method.equals("POST") ? "/restore" : "");
        String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
        HttpResponse<String> answer;
        try {
          answer = send(method, system.endpoints().catalogue() + path, writer, type, body);
        } catch (java.net.http.HttpTimeoutException e) {
          throw new AssertionError(method + " " + abbreviate(body) + " got no answer in 10 s", e);
        }
        assertClientError(answer, method + " " + abbreviate(body));
      }
      HttpResponse<String> get = send("GET", system.endpoints().catalogue() + "/v1/tenants/" + tenant, writer, null, null);
      assertEquals(404, get.statusCode(), "nothing stored for " + abbreviate(body) + ": " + get.body());
    }
    // Random mutations of a valid document, sent with a precondition no write can meet: a
    // mutation that is still valid JSON gets 412, one that is not gets 400; never a change.
    Random random = new Random(SEED);
    String valid = document().encode();
    for (int i = 0; i < RANDOM_CASES; i++) {
      String body = mutate(valid, random);
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(system.endpoints().catalogue() + "/v1/tenants/" + TENANT))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + writer)
              .header("Content-Type", "application/json")
              .header("If-Match", "\"999999\"")
              .method(random.nextBoolean() ? "PUT" : "PATCH", HttpRequest.BodyPublishers.ofString(body))
              .build();
      assertClientError(http.send(request, HttpResponse.BodyHandlers.ofString()), "mutation " + i + " (seed " + SEED + "): " + abbreviate(body));
    }
    assertEquals(before, stored(), "what the catalogue and the regions hold is unchanged");
  }

  private static List<String> handPickedBodies() {
    List<String> bodies = new ArrayList<>();
    bodies.add("{\"n\":1e400}");
    bodies.add("{\"n\":-1e400}");
    bodies.add("{\"n\":1e-400}");
    bodies.add("{\"n\":0.10000000000000000000000000001}");
    bodies.add("{\"n\":12345678901234567890.5}");
    bodies.add("{\"n\":NaN}");
    bodies.add("{\"n\":Infinity}");
    bodies.add("{\"n\":-Infinity}");
    bodies.add("{\"version\":1e400}");
    bodies.add("{\"version\":" + "9".repeat(5000) + "}");
    bodies.add("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}");
    bodies.add("{\"a\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}");
    bodies.add("{\"a\":" + "[".repeat(60_000) + "]".repeat(60_000) + "}");
    bodies.add("{\"a\":" + "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_000) + "}");
    bodies.add("{\"a\":" + "[".repeat(30_000));
    bodies.add("{\"a\":1,\"a\":2}");
    bodies.add("{\"tenantId\":\"x\",\"tenantId\":\"y\"}");
    bodies.add("{\"a\":\"\\ud800\"}");
    bodies.add("{\"a\":\"\u0000\"}");
    bodies.add("{\"a\":1} trailing");
    bodies.add("{\"a\":1}{\"b\":2}");
    bodies.add("{'a':1}");
    bodies.add("{a:1}");
    bodies.add("{\"a\":1,}");
    bodies.add("{\"a\":01}");
    bodies.add("{\"a\":.5}");
    bodies.add("{\"a\":+1}");
    bodies.add("{\"a\":0x10}");
    bodies.add("/* c */ {\"a\":1}");
    bodies.add("{\"a\":\"\\x41\"}");
    bodies.add("{\"a\":\"\\u12\"}");
    bodies.add("null");
    bodies.add("true");
    bodies.add("\"text\"");
    bodies.add("1e400");
    bodies.add("[]");
    bodies.add("");
    bodies.add(" ");
    bodies.add("{");
    bodies.add("}");
    bodies.add("{\"" + "k".repeat(70_000) + "\":1}");
    return bodies;
  }

  private static String mutate(String valid, Random random) {
    StringBuilder text = new StringBuilder(valid);
    int edits = 1 + random.nextInt(4);
    String tokens = "{}[]\",:\\0123456789eE+-.tfn \u0000\u00ff";
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(text.length() + 1);
      switch (random.nextInt(6)) {
        case 0 -> text.insert(at, tokens.charAt(random.nextInt(tokens.length())));
        case 1 -> { if (at < text.length()) text.deleteCharAt(at); }
        case 2 -> { if (at < text.length()) text.setCharAt(at, tokens.charAt(random.nextInt(tokens.length()))); }
        case 3 -> text.setLength(at);
        case 4 -> text.insert(at, "[".repeat(1 + random.nextInt(3_000)));
        default -> text.insert(at, "1e" + (300 + random.nextInt(5_000)));
      }
    }
    return text.toString();
  }

  // ---- raw HTTP/1.1 on every port ---------------------------------------------------------

  @Test
  void everyPort_malformedHttp1_no5xxAndStillServing() throws Exception {
    String before = stored();
    // Writes carry a precondition no write can meet: a request the server does read as a valid
    // write gets 412, so whatever it holds afterwards is what it held before.
    String auth = "Authorization: Bearer " + writer + "\r\n";
    List<String> requests = new ArrayList<>();
    requests.add("GARBAGE\r\n\r\n");
    requests.add("GET\r\n\r\n");
    requests.add("GET / HTTP/9.9\r\nHost: x\r\n\r\n");
    requests.add("GET /health/live HTTP/1.1\r\n\r\n");
    requests.add("GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(100_000) + "\r\n\r\n");
    StringBuilder many = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 2_000; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    requests.add(many.append("\r\n").toString());
    requests.add("GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n");
    requests.add("GET /health/live HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n");
    requests.add("GET /v1/tenants/%zz/context HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/tenants/%/context HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/tenants/fuzz%00acme/context HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/hosts/%e0%80%80/context HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/tenants/../../etc/passwd HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/tenants/" + TENANT + "?limit=%zz&cursor=%zz HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/tenants?cursor=" + "A".repeat(3_000) + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/tenants?cursor=%FF%FE HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET /v1/tenants/" + TENANT + "/history?from=-1&limit=99999999999999999999 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET http://evil.example/v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("GET * HTTP/1.1\r\nHost: x\r\n\r\n");
    requests.add("BREW /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n{}");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n{}");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json; charset=\u00ff\r\nContent-Length: 2\r\n\r\n{}");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"" + "9".repeat(400) + "\"\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + "x.".repeat(5_000) + "\r\nContent-Length: 2\r\n\r\n{}");
    requests.add("PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00ff\u00fe.a.b\r\nContent-Length: 2\r\n\r\n{}");
    requests.add("GET /v1/tenants/" + TENANT + "/context HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + jira + "\r\nIf-None-Match: " + "\"".repeat(3_000) + "\r\n\r\n");
    requests.add("GET /v1/tenants/" + TENANT + "/context HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + jira + "\r\nIf-None-Match: W/\r\n\r\n");
    requests.add("GET /v1/tenants/" + TENANT + "/context HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + jira + "\r\nIf-None-Match: \"9223372036854775808.1\"\r\n\r\n");
    requests.add("GET /v1/tenants/" + TENANT + "/context HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: !!!\r\n\r\n");
    requests.add("POST /v1/tenants/" + TENANT + "/restore HTTP/1.1\r\nHost: x\r\n" + auth + "If-Match: \"999999\"\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    Random random = new Random(SEED);
    for (int i = 0; i < RANDOM_CASES / 3; i++) {
      byte[] bytes = requests.get(random.nextInt(requests.size())).getBytes(StandardCharsets.ISO_8859_1);
      for (int flips = 1 + random.nextInt(5); flips > 0; flips--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      requests.add(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    for (Map.Entry<String, URI> port : ports.entrySet()) {
      for (String request : requests) {
        String status = rawHttp1(port.getValue(), request.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(status == null || !status.matches("HTTP/1\\.[01] 5\\d\\d.*"), port.getKey() + " answered " + status + " to " + abbreviate(request));
      }
      assertEquals(200, send("GET", port.getValue() + "/health/live", null, null, null).statusCode(), port.getKey() + " still answers");
    }
    assertEquals(before, stored(), "what the catalogue and the regions hold is unchanged");
  }

  /** The catalogue answers a write without a valid token at once, without waiting for (or reading) its body. */
  @Test
  void catalogue_unauthenticatedWrite_401BeforeTheBodyArrives() throws Exception {
    URI catalogue = ports.get("catalogue");
    String headersOnly =
        "PUT /v1/tenants/" + TENANT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n";
    String status = rawHttp1(catalogue, headersOnly.getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(status != null && status.startsWith("HTTP/1.1 401"), "answered " + status + " while the body was still to come");
  }

  // ---- raw HTTP/2 on every port -----------------------------------------------------------

  @Test
  void everyPort_malformedHttp2_no5xxAndStillServing() throws Exception {
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] settings = frame(0x4, 0, 0, new byte[0]);
    List<byte[]> sequences = new ArrayList<>();
    sequences.add(concat(preface, settings, "garbage garbage garbage".getBytes(StandardCharsets.ISO_8859_1)));
    sequences.add(concat(preface, settings, frame(0x1, 0x5, 1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})));
    sequences.add(concat(preface, settings, frame(0x1, 0x5, 2, new byte[] {(byte) 0x82})));
    sequences.add(concat(preface, settings, frame(0x0, 0x1, 1, "{}".getBytes(StandardCharsets.ISO_8859_1))));
    sequences.add(concat(preface, settings, frame(0x4, 0, 0, new byte[] {0, 3, 0, 0, 0})));
    sequences.add(concat(preface, settings, frame(0x8, 0, 0, new byte[] {0, 0, 0, 0})));
    sequences.add(concat(preface, settings, frame(0x3, 0, 7, new byte[] {0, 0, 0, 8})));
    sequences.add(concat(preface, settings, frame(0x9, 0, 1, new byte[] {0, 0, 0, 1})));
    byte[] getLive = hpackGet("/health/live");
    sequences.add(concat(preface, settings, frame(0x1, 0x4, 1, getLive)));
    sequences.add(concat(preface, settings, frame(0x1, 0x4, 1, getLive), frame(0x1, 0x4, 1, getLive)));
    ByteArrayOutputStream flood = new ByteArrayOutputStream();
    flood.write(preface);
    flood.write(settings);
    for (int stream = 1; stream < 2 * 400; stream += 2) {
      flood.write(frame(0x1, 0x4, stream, hpackGet("/health/live")));
    }
    sequences.add(flood.toByteArray());
    Random random = new Random(SEED);
    for (int i = 0; i < RANDOM_CASES / 5; i++) {
      byte[] payload = new byte[random.nextInt(64)];
      random.nextBytes(payload);
      sequences.add(concat(preface, settings, frame(random.nextInt(10), random.nextInt(256), random.nextInt(8), payload)));
    }

    // Ports at once: most of this test is waiting for a server to say nothing more (the read timeout).
    eachPortAtOnce(port -> {
      for (byte[] sequence : sequences) {
        List<Integer> statuses = rawHttp2Statuses(port.getValue(), sequence);
        for (int status : statuses) {
          assertTrue(status < 500, port.getKey() + " answered :status " + status);
        }
      }
      assertEquals(200, send("GET", port.getValue() + "/health/live", null, null, null).statusCode(), port.getKey() + " still answers");
    });
  }

  @Test
  void everyPort_http2_advertisesAtMost100ConcurrentStreams() {
    io.vertx.core.http.HttpClientAgent client =
        system.vertx().createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      for (Map.Entry<String, URI> port : ports.entrySet()) {
        var connection = client.connect(new io.vertx.core.http.HttpConnectOptions().setHost(port.getValue().getHost()).setPort(port.getValue().getPort())).await();
        long streams = connection.remoteSettings().getMaxConcurrentStreams();
        connection.close().await();
        assertTrue(streams > 0 && streams <= 100, port.getKey() + " allows " + streams + " concurrent streams");
      }
    } finally {
      client.close().await();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** What {@link #eachPortAtOnce} runs for one port. */
  @FunctionalInterface
  private interface PortCheck {
    void check(Map.Entry<String, URI> port) throws Exception;
  }

  /** Runs {@code check} for every port, each on its own thread, and rethrows the first port's failure. */
  private static void eachPortAtOnce(PortCheck check) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(ports.size());
    try {
      List<Future<?>> checks = new ArrayList<>();
      for (Map.Entry<String, URI> port : ports.entrySet()) {
        checks.add(threads.submit(() -> {
          check.check(port);
          return null;
        }));
      }
      for (Future<?> done : checks) {
        try {
          done.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw (Exception) e.getCause();
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static List<URI> readers() {
    List<URI> readers = new ArrayList<>();
    system.endpoints().regions().values().forEach(url -> readers.add(URI.create(url)));
    readers.add(URI.create(system.endpoints().sidecar()));
    return readers;
  }

  /** What every store holds for the tenant: the catalogue's head and history, and each reader's answer. */
  private static String stored() throws Exception {
    StringBuilder state = new StringBuilder();
    String catalogue = system.endpoints().catalogue();
    state.append(send("GET", catalogue + "/v1/tenants/" + TENANT, writer, null, null).body()).append('\n');
    state.append(send("GET", catalogue + "/v1/tenants/" + TENANT + "/history?limit=100", writer, null, null).body()).append('\n');
    state.append(send("GET", catalogue + "/v1/tenants?limit=500", writer, null, null).body().replaceAll("\"updatedAt\":\"[^\"]*\"", "")).append('\n');
    for (URI reader : readers()) {
      HttpResponse<String> answer = send("GET", reader + "/v1/tenants/" + TENANT + "/context", jira, null, null);
      state.append(answer.statusCode()).append(' ').append(answer.headers().firstValue("ETag").orElse("")).append(' ').append(answer.body()).append('\n');
    }
    return state.toString();
  }

  private static JsonObject document() {
    return new JsonObject()
        .put("tenantId", TENANT)
        .put("hosts", new io.vertx.core.json.JsonArray().add(HOST))
        .put("products", new io.vertx.core.json.JsonArray().add("jira"))
        .put("jira", new JsonObject().put("db-user", "fuzz_jira").put("db-password", "s3cret").put("pool", 12.5))
        .put("network-ingress", new JsonObject().put("/", "http://jira-us-east.internal"));
  }

  private static void assertClientError(HttpResponse<String> answer, String what) {
    int status = answer.statusCode();
    assertTrue(status >= 400 && status < 500, what + " -> " + status + " " + answer.body());
    assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(null), what + " -> " + answer.body());
  }

  private static HttpResponse<String> send(String method, String url, String token, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitStatus(String url, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (send("GET", url, jira, null, null).statusCode() != status) {
      assertTrue(System.nanoTime() < deadline, url + " never answered " + status);
      Thread.sleep(50);
    }
  }

  /** Sends raw bytes and returns the status line of the answer, or null if the server closed without one. */
  private static String rawHttp1(URI uri, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException closedWhileWriting) {
        // the server may refuse a huge request before it is all written; read what it said
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      try {
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
          line.write(b);
        }
      } catch (SocketTimeoutException e) {
        return line.size() == 0 ? "TIMEOUT (no answer in 5 s)" : line.toString(StandardCharsets.ISO_8859_1).trim();
      } catch (IOException reset) {
        // connection reset: no answer
      }
      return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1).trim();
    }
  }

  /** Sends raw HTTP/2 bytes, reads frames for a while, and returns every {@code :status} the server sent in HEADERS frames. */
  private static List<Integer> rawHttp2Statuses(URI uri, byte[] bytes) throws IOException {
    List<Integer> statuses = new ArrayList<>();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
      socket.setSoTimeout(1_500);
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
      } catch (IOException closed) {
        return statuses;
      }
      InputStream in = socket.getInputStream();
      io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder decoder = new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder(false);
      try {
        while (true) {
          byte[] header = in.readNBytes(9);
          if (header.length < 9) {
            break;
          }
          int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
          int type = header[3] & 0xff;
          int stream = ByteBuffer.wrap(header, 5, 4).getInt() & 0x7fffffff;
          byte[] payload = in.readNBytes(length);
          if (type == 0x1) {
            io.netty.buffer.ByteBuf block = io.netty.buffer.Unpooled.wrappedBuffer(payload);
            try {
              CharSequence status = decoder.decodeHeaders(stream, block).status();
              if (status != null) {
                statuses.add(Integer.parseInt(status.toString()));
              }
            } catch (io.netty.handler.codec.http2.Http2Exception e) {
              break;
            } finally {
              block.release();
            }
          }
        }
      } catch (SocketTimeoutException | java.net.SocketException done) {
        // the server said what it had to say
      }
    }
    return statuses;
  }

  private static byte[] hpackGet(String path) throws Exception {
    io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder encoder = new io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder();
    io.netty.handler.codec.http2.Http2Headers headers =
        new io.netty.handler.codec.http2.DefaultHttp2Headers().method("GET").scheme("http").path(path).authority("x");
    io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
    encoder.encodeHeaders(1, headers, out);
    byte[] bytes = new byte[out.readableBytes()];
    out.readBytes(bytes);
    out.release();
    return bytes;
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(9 + payload.length);
    buffer.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
    buffer.put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff).put(payload);
    return buffer.array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String abbreviate(String text) {
    String shown = text.replace("\r\n", "\\r\\n");
    return shown.length() > 160 ? shown.substring(0, 160) + "...(" + text.length() + " chars)" : shown;
  }
}
