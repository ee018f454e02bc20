package dev.tcs.core.model;

/** The event-log topics that are contracts between modules. */
public final class Topics {
  /** Every committed catalogue event, keyed by tenant, retained forever: the replay source. */
  public static final String CATALOGUE_EVENTS = "tcs.catalogue.events";

  /** Every per-consumer view, keyed by tenant. */
  public static final String VIEWS = "tcs.views";

  private Topics() {}
}
