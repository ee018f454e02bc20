package dev.tcs.projector;

import static dev.tcs.projector.ItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tcs.core.log.Append;
import dev.tcs.core.model.View;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reading the live views topic: newest valid view per (tenant, consumer), poison records counted and skipped. */
@ExtendWith(ProjectorHarness.PerTest.class)
class LiveViewsIT {
  private static final Duration WAIT = ProjectorHarness.WAIT;

  private ProjectorHarness harness;
  private String topic;

  @BeforeEach
  void setUp(ProjectorHarness harness) throws Exception {
    this.harness = harness.withViewsTopic(2);
    topic = harness.viewsTopic();
  }

  @Test
  void read_poisonRecords_newestValidViewPerTenantAndConsumerAndOnlyDecodedPoisonCounted() throws Exception {
    View acme2 = view("acme", "jira", 2, 1, "acme-v2");
    View globex2 = view("globex", "jira", 2, 1, "globex-v2");
    View initech3 = view("initech", "jira", 3, 1, "initech-v3");
    View hooli2 = view("hooli", "jira", 2, 1, "hooli-v2");
    View acmeIngress = view("acme", "network-ingress", 1, 2, "acme-ingress-r2");
    append(
        // acme/jira: its newest record is invalid (peekable, keys not a list): the newest valid one is v2
        "acme", view("acme", "jira", 1, 1, "acme-v1").toBuffer(),
        "acme", acme2.toBuffer(),
        "acme", Buffer.buffer("{\"tenantId\":\"acme\",\"consumer\":\"jira\",\"version\":3,\"revision\":1,\"keys\":\"x\",\"body\":{}}"),
        // acme/network-ingress: a newer revision of the same version wins; an older revision after it does not
        "acme", view("acme", "network-ingress", 1, 1, "acme-ingress-r1").toBuffer(),
        "acme", acmeIngress.toBuffer(),
        "acme", view("acme", "network-ingress", 1, 1, "acme-ingress-r1-again").toBuffer(),
        // globex/jira: undecodable garbage between two versions
        "globex", view("globex", "jira", 1, 1, "globex-v1").toBuffer(),
        "globex", Buffer.buffer("{broken"),
        "globex", globex2.toBuffer(),
        // initech/jira: an invalid record superseded by a newer valid one is never decoded
        "initech", view("initech", "jira", 1, 1, "initech-v1").toBuffer(),
        "initech", Buffer.buffer("{\"tenantId\":\"initech\",\"consumer\":\"jira\",\"version\":2,\"revision\":1,\"body\":\"not an object\"}"),
        "initech", initech3.toBuffer(),
        // hooli/jira: a valid view that does not peek (version written as 2.0) still counts
        "hooli", view("hooli", "jira", 1, 1, "hooli-v1").toBuffer(),
        "hooli", Buffer.buffer(hooli2.toJson().put("version", 2.0).encode()),
        // wally/jira: its only record is invalid: no live view at all
        "wally", Buffer.buffer("{\"tenantId\":\"wally\",\"consumer\":\"jira\",\"version\":1,\"revision\":1,\"deleted\":\"no\",\"body\":{}}"));

    LiveViews.Snapshot read = await(LiveViews.read(harness.vertx, harness.settings, topic), WAIT);

    Map<EventProjector.ViewId, LiveViews.Summary> views = read.views();
    assertEquals(LiveViews.Summary.of(acme2), views.get(id("acme", "jira")));
    assertEquals(LiveViews.Summary.of(acmeIngress), views.get(id("acme", "network-ingress")));
    assertEquals(LiveViews.Summary.of(globex2), views.get(id("globex", "jira")));
    assertEquals(LiveViews.Summary.of(initech3), views.get(id("initech", "jira")));
    assertEquals(LiveViews.Summary.of(hooli2), views.get(id("hooli", "jira")));
    assertNull(views.get(id("wally", "jira")));
    assertEquals(5, views.size());
    assertEquals(30, read.records(), "the second pass reads the topic again");
    assertEquals(8 + 2, read.decoded(), "2 that do not peek and 6 newest; then acme/jira's v1 and v2");
    assertEquals(3, read.skipped(), "acme v3, {broken and wally's record; initech's superseded v2 is never decoded");
  }

  @Test
  void read_manyVersionsPerView_decodesOnlyTheNewest() throws Exception {
    Object[] records = new Object[2 * 3 * 4 * 2];
    int i = 0;
    for (int version = 1; version <= 4; version++) {
      for (String tenant : List.of("acme", "globex", "initech")) {
        for (String consumer : List.of("jira", "network-ingress")) {
          records[i++] = tenant;
          records[i++] = view(tenant, consumer, version, 1, tenant + "-" + consumer + "-" + version).toBuffer();
        }
      }
    }
    append(records);

    LiveViews.Snapshot read = await(LiveViews.read(harness.vertx, harness.settings, topic), WAIT);

    assertEquals(6, read.views().size());
    read.views().values().forEach(summary -> assertEquals(4, summary.version()));
    assertEquals(LiveViews.Summary.of(view("globex", "jira", 4, 1, "globex-jira-4")), read.views().get(id("globex", "jira")));
    assertEquals(24, read.records());
    assertEquals(6, read.decoded());
    assertEquals(0, read.skipped());
  }

  @Test
  void read_emptyTopic_noViews() throws Exception {
    LiveViews.Snapshot read = await(LiveViews.read(harness.vertx, harness.settings, topic), WAIT);

    assertEquals(Map.of(), read.views());
    assertEquals(0, read.records());
  }

  private static EventProjector.ViewId id(String tenant, String consumer) {
    return new EventProjector.ViewId(tenant, consumer);
  }

  private static View view(String tenant, String consumer, long version, long revision, String note) {
    return new View(tenant, consumer, version, revision, List.of(tenant + ".example.net"), false, new JsonObject().put("note", note));
  }

  /** Appends key/value pairs in order (one tenant's records keep their order on its partition). */
  private void append(Object... keysAndValues) throws Exception {
    List<Append> records = new ArrayList<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      records.add(new Append((String) keysAndValues[i], (Buffer) keysAndValues[i + 1]));
    }
    harness.appendInOrder(topic, records);
  }
}
