package dev.tcs.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.model.Invalidation;
import dev.tcs.core.model.ValidationException;
import dev.tcs.core.security.Hmac;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationReceiverTest {
  private final List<InvalidationMessage> applied = new ArrayList<>();
  private final List<InvalidationReceiver.Flush> flushes = new ArrayList<>();
  private final List<String> rejected = new ArrayList<>();
  private final List<String> forged = new ArrayList<>();
  private final Hmac key = Hmac.of("a-test-invalidation-key-of-32-chars-or-more");
  private final InvalidationReceiver receiver =
      new InvalidationReceiver("test", key, new InvalidationReceiver.Target() {
        @Override
        public void apply(InvalidationMessage message) {
          applied.add(message);
        }

        @Override
        public void forged(ValidationException reason) {
          forged.add(reason.field());
        }

        @Override
        public void rejected(ValidationException reason) {
          rejected.add(reason.field());
        }

        @Override
        public void flush(InvalidationReceiver.Flush reason) {
          flushes.add(reason);
        }
      });

  @Test
  void sequence_gap_flushes() {
    receiver.sequence(1);
    receiver.sequence(2);
    assertEquals(List.of(), flushes);
    receiver.sequence(4);
    assertEquals(List.of(InvalidationReceiver.Flush.GAP), flushes);
  }

  @Test
  void initialSequence_continuesAfterLastSeen() {
    assertEquals(-1, receiver.initialSequence());
    receiver.sequence(7);
    assertEquals(8, receiver.initialSequence());
  }

  @Test
  void cancelled_flushesAndAsksToSubscribeAgain_unlessClosed() {
    assertTrue(receiver.cancelled());
    assertEquals(List.of(InvalidationReceiver.Flush.CANCELLED), flushes);
    receiver.close();
    assertFalse(receiver.cancelled());
    assertEquals(1, flushes.size());
  }

  @Test
  void failed_flushesAndIsNotTerminal() {
    assertFalse(receiver.failed(new IllegalStateException("boom")));
    assertEquals(List.of(InvalidationReceiver.Flush.FAILED), flushes);
  }

  @Test
  void message_validOrNot_appliedOrRejected() {
    receiver.message(new InvalidationMessage(new Invalidation("acme", "jira", List.of(), 3), 1).seal(key));
    receiver.message(key.seal("{\"tenantId\":\"A!\"}"));
    assertEquals(1, applied.size());
    assertEquals(new Stamp(3, 1), applied.get(0).stamp());
    assertEquals(List.of("tenantId"), rejected);
  }

  @Test
  void message_unsealedOrSealedWithAnotherKey_droppedAsForged() {
    InvalidationMessage message = new InvalidationMessage(new Invalidation("acme", "jira", List.of(), 3), 1);
    receiver.message(message.encode());
    receiver.message(message.seal(Hmac.of("another-invalidation-key-of-32-chars-or-more")));
    receiver.message(message.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(List.of(), applied);
    assertEquals(List.of(), rejected);
    assertEquals(List.of("signature", "signature", "signature"), forged);
  }
}
