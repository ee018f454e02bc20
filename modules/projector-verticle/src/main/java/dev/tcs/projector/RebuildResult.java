package dev.tcs.projector;

import java.time.Duration;

/**
 * What a rebuild did: it replayed the events topic from its start up to where the topic ended
 * when the rebuild began, and republished every event's views with the current revision.
 *
 * @param records valid events replayed and projected
 * @param rejected records skipped as invalid (each WARN-logged with its position)
 * @param viewsPublished views appended to the views topic
 * @param revision the view definitions revision every republished view carries
 * @param took how long the rebuild ran
 */
public record RebuildResult(long records, long rejected, long viewsPublished, long revision, Duration took) {}
