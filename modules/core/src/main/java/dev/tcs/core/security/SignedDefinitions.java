package dev.tcs.core.security;

import dev.tcs.core.model.ValidationException;
import dev.tcs.core.model.ViewDefinitions;
import io.vertx.core.buffer.Buffer;

/**
 * Records of the definitions topic ({@code <views-topic>.definitions}): a rebuild publishes the
 * view definitions it built with there, tagged like a view ({@link ViewTags}) with the view key,
 * so that neither projectors (which switch to them) nor regions (whose {@link ViewGuard} checks
 * views against them) trust definitions anyone with write access to Kafka could have put there.
 */
public final class SignedDefinitions {
  private SignedDefinitions() {}

  /** The definitions topic of {@code viewsTopic}. */
  public static String topic(String viewsTopic) {
    return viewsTopic + ".definitions";
  }

  /** {@code definitions} as a record, tagged with {@code key}. */
  public static Buffer seal(Hmac key, ViewDefinitions definitions) {
    return ViewTags.tag(key, definitions.toJson().toBuffer());
  }

  /**
   * The definitions of a record, when its tag is right.
   *
   * @throws ValidationException field {@code tag} when untagged or wrongly tagged; another field
   *     when the definitions themselves are invalid
   */
  public static ViewDefinitions open(Hmac key, Buffer record) {
    return ViewDefinitions.fromJson(ViewTags.verify(key, record));
  }
}
