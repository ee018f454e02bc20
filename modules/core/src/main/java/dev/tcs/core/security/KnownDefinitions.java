package dev.tcs.core.security;

import dev.tcs.core.model.ViewDefinitions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The revisions of the view definitions a region knows: the one it started with plus every
 * (signed) revision a rebuild published on the definitions topic. {@link ViewGuard} checks a view
 * against the definitions of the view's own revision. Thread-safe.
 */
public final class KnownDefinitions {
  private final ConcurrentSkipListMap<Long, ViewDefinitions> byRevision = new ConcurrentSkipListMap<>();
  private volatile ViewDefinitions newest;

  public KnownDefinitions(ViewDefinitions initial) {
    add(initial);
  }

  /** Remembers {@code definitions}; the first definitions seen for a revision stay. */
  public void add(ViewDefinitions definitions) {
    byRevision.putIfAbsent(definitions.revision(), definitions);
    newest = byRevision.lastEntry().getValue();
  }

  /** The newest revision known. */
  public long newestRevision() {
    return newest.revision();
  }

  /** The newest definitions known: which consumers may read now (one volatile read, for the read path). */
  public ViewDefinitions newest() {
    return newest;
  }

  /**
   * The definitions to check a view of {@code revision} against: that revision's, else (an older
   * revision no longer known, e.g. from before the definitions topic) the newest; empty when
   * {@code revision} is newer than every known one (its definitions have not arrived yet).
   */
  public Optional<ViewDefinitions> forRevision(long revision) {
    ViewDefinitions exact = byRevision.get(revision);
    if (exact != null) {
      return Optional.of(exact);
    }
    Map.Entry<Long, ViewDefinitions> newest = byRevision.lastEntry();
    return revision > newest.getKey() ? Optional.empty() : Optional.of(newest.getValue());
  }
}
