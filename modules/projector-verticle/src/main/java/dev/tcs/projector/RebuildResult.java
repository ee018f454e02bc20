package dev.tcs.projector;

import java.time.Duration;
import java.util.List;

/**
 * What a rebuild did: it replayed the events topic from its start up to where the topic ended
 * when the rebuild began, staged the newest view per {@code (tenant, consumer)} with the current
 * revision, checked it against the live views topic, and published it (unless a dry run).
 *
 * @param records events replayed and not rejected (within a batch only the newest event of a
 *     tenant is decoded and projected; the older ones it supersedes are counted here unread)
 * @param rejected records skipped as invalid (each WARN-logged with its position)
 * @param viewsPublished views appended to the views topic (0 in a dry run)
 * @param revision the view definitions revision every republished view carries
 * @param took how long the rebuild ran
 * @param changes per consumer, what the rebuild changes (or would change) against the live views
 * @param published false for a dry run
 */
public record RebuildResult(
    long records, long rejected, long viewsPublished, long revision, Duration took, List<ConsumerChange> changes, boolean published) {
  public RebuildResult {
    changes = List.copyOf(changes);
  }
}
