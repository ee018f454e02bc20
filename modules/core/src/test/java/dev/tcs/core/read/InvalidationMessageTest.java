package dev.tcs.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationMessageTest {
  private static final Invalidation ACME = new Invalidation("acme", "jira", List.of("acme.example.net"), 6);

  @Test
  void encodeDecode_withRevision_roundTrips() {
    InvalidationMessage message = new InvalidationMessage(ACME, 2);
    assertEquals(message, InvalidationMessage.decode(message.encode()));
    assertEquals(new Stamp(6, 2), message.stamp());
  }

  @Test
  void decode_coreMessageWithoutRevision_hasUnknownRevision() {
    InvalidationMessage message = InvalidationMessage.decode(ACME.toJson().encode().getBytes(StandardCharsets.UTF_8));
    assertEquals(Stamp.UNKNOWN_REVISION, message.revision());
    assertEquals(ACME, message.invalidation());
  }

  @Test
  void decode_badInput_namesTheField() {
    assertEquals("revision", assertThrows(ValidationException.class, () -> InvalidationMessage.decode(ACME.toJson().put("revision", -3).encode())).field());
    assertEquals("invalidation", assertThrows(ValidationException.class, () -> InvalidationMessage.decode("not json")).field());
    assertEquals("invalidation", assertThrows(ValidationException.class, () -> InvalidationMessage.decode(42)).field());
  }
}
