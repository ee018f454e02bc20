package dev.tcs.catalogue.command;

import dev.tcs.catalogue.store.Head;
import dev.tcs.core.http.HttpProblem;

/**
 * The conditional headers of a write, checked against the head the write is decided on (and
 * checked again on every internal retry, so a write never lands on a version its caller did not
 * name).
 *
 * <ul>
 *   <li>{@code If-Match: "N"} holds when the tenant's latest version is N (a deleted tenant has a
 *       latest version too, so a restore can be made conditional);
 *   <li>{@code If-Match: *} holds when the tenant exists and is not deleted;
 *   <li>{@code If-None-Match: *} holds when the tenant does not exist or is deleted (create-only);
 *   <li>{@code If-None-Match: "N"} holds unless the live tenant is at version N.
 * </ul>
 *
 * @param ifMatch the parsed {@code If-Match}, or null
 * @param ifNoneMatch the parsed {@code If-None-Match}, or null
 */
public record Preconditions(EntityTags ifMatch, EntityTags ifNoneMatch) {
  /** No conditional header. */
  public static final Preconditions NONE = new Preconditions(null, null);

  /** Parses both headers (either may be null). */
  public static Preconditions parse(String ifMatch, String ifNoneMatch) {
    return new Preconditions(EntityTags.parse("If-Match", ifMatch), EntityTags.parse("If-None-Match", ifNoneMatch));
  }

  /** An {@code If-Match} with one version. */
  public static Preconditions ifMatch(long version) {
    return new Preconditions(EntityTags.parse("If-Match", EntityTags.format(version)), null);
  }

  /**
   * Fails with 412 when a header does not hold for {@code head}.
   *
   * @param head the current head, or null when the tenant never existed
   */
  public void check(String tenantId, Head head) {
    boolean live = head != null && head.live();
    if (ifMatch != null) {
      boolean holds = ifMatch.any() ? live : head != null && ifMatch.matches(head.version());
      if (!holds) {
        throw HttpProblem.preconditionFailed(
            "If-Match does not hold: tenant '" + tenantId + "' " + describe(head));
      }
    }
    if (ifNoneMatch != null) {
      boolean fails = ifNoneMatch.any() ? live : live && ifNoneMatch.matches(head.version());
      if (fails) {
        throw new HttpProblem(
            412,
            "Precondition Failed",
            "If-None-Match does not hold: tenant '" + tenantId + "' " + describe(head),
            "If-None-Match");
      }
    }
  }

  private static String describe(Head head) {
    if (head == null) {
      return "does not exist";
    }
    return (head.deleted() ? "was deleted at version " : "is at version ") + head.version();
  }
}
