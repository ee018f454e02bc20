package dev.tcs.projector;

import static dev.tcs.projector.Fixtures.definitions;
import static dev.tcs.projector.Fixtures.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.CatalogueEvent;
import dev.tcs.core.model.EventType;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A rebuild stages, compares with the live views topic and checks before it publishes. */
@ExtendWith(ProjectorHarness.PerTest.class)
class RebuildValidationIT {
  private static final Duration WAIT = ProjectorHarness.WAIT;

  private ProjectorHarness harness;

  @BeforeEach
  void setUp(ProjectorHarness harness) throws Exception {
    this.harness = harness.withViewsTopic(4).withEventsTopic(4);
  }

  @Test
  void rebuild_viewCountDropsTooMuch_publishesNothingAndNamesCheckAndFigures() throws Exception {
    for (String tenant : List.of("acme", "globex", "initech", "hooli")) {
      publishLive(event(tenant, 1, EventType.CREATED), 1);
    }
    harness.appendEvents(event("acme", 1, EventType.CREATED)); // the events topic knows only one of the four
    Map<Integer, Long> before = viewsEnd();

    RebuildOptions options = new RebuildOptions(false, 0.5, 0, null);
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> harness.rebuild(definitions(2), options));

    RebuildValidationException e = (RebuildValidationException) failed.getCause();
    assertEquals("view-count-drop", e.check());
    assertTrue(e.getMessage().contains("from 4 to 1 views"), e.getMessage());
    assertEquals(before, viewsEnd(), "nothing was appended to the views topic");
    assertEquals(1.0, harness.registry.get(ProjectorMetrics.REBUILD_CHECKS_FAILED).counter().count());
  }

  @Test
  void rebuild_tooManyRejected_publishesNothing() throws Exception {
    harness.appendEvents(event("acme", 1, EventType.CREATED));
    harness.append(harness.eventsTopic(), "acme", Buffer.buffer("{broken"));
    harness.append(harness.eventsTopic(), "globex", Buffer.buffer("[]"));
    Map<Integer, Long> before = viewsEnd();

    RebuildOptions options = new RebuildOptions(false, 1, 1, null);
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> harness.rebuild(definitions(2), options));

    RebuildValidationException e = (RebuildValidationException) failed.getCause();
    assertEquals("rejected", e.check());
    assertTrue(e.getMessage().contains("2 records rejected"), e.getMessage());
    assertEquals(before, viewsEnd());
  }

  @Test
  void rebuild_dryRun_countsAddedChangedRemovedAndPublishesNothing() throws Exception {
    CatalogueEvent acme = event("acme", 1, EventType.CREATED);
    publishLive(acme, 1); // same content after the rebuild
    publishLive(event("globex", 1, EventType.CREATED), 1); // the rebuild builds a newer one with other content
    publishLive(event("initech", 1, EventType.CREATED), 1); // no events at all: removed
    harness.appendEvents(acme, event("globex", 1, EventType.CREATED), event("globex", 2, EventType.UPDATED), event("hooli", 1, EventType.CREATED));
    Map<Integer, Long> before = viewsEnd();

    RebuildResult result =
        harness.rebuild(definitions(1), new RebuildOptions(true, 1, 0, null));

    assertFalse(result.published());
    assertEquals(0, result.viewsPublished());
    ConsumerChange jira = result.changes().stream().filter(c -> c.consumer().equals("jira")).findFirst().orElseThrow();
    assertEquals(new ConsumerChange("jira", 3, 3, 1, 0, 1), jira, "jira's slice of globex v2 equals v1's; hooli added, initech removed");
    assertEquals(before, viewsEnd());
  }

  /** Appends the views of {@code event} (as the live projector would) to the views topic. */
  private void publishLive(CatalogueEvent event, long revision) throws Exception {
    harness.appendViews(Projection.viewsOf(event, definitions(revision)));
  }

  private Map<Integer, Long> viewsEnd() throws Exception {
    return harness.ends(harness.viewsTopic());
  }
}
