package dev.tcs.catalogue.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tcs.catalogue.store.DynamoEventStore.Slot;
import dev.tcs.catalogue.store.DynamoEventStore.SlotKind;
import dev.tcs.core.model.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** How a cancelled append transaction is read: which condition failed decides 412/409. */
class DynamoEventStoreTest {
  private static final List<Slot> SLOTS =
      List.of(
          new Slot(SlotKind.EVENT, null),
          new Slot(SlotKind.HEAD, null),
          new Slot(SlotKind.CLAIM, "a.example.net"),
          new Slot(SlotKind.CLAIM, "b.example.net"),
          new Slot(SlotKind.RELEASE, "old.example.net"));

  @Test
  void translate_headConditionFailed_isVersionConflict() {
    RuntimeException e = DynamoEventStore.translate(canceled("None", "ConditionalCheckFailed", "None", "None", "None"), SLOTS, "acme", 3);

    VersionConflictException conflict = assertInstanceOf(VersionConflictException.class, e);
    assertEquals(3, conflict.expectedVersion());
  }

  @Test
  void translate_eventExists_isVersionConflict() {
    assertInstanceOf(
        VersionConflictException.class,
        DynamoEventStore.translate(canceled("ConditionalCheckFailed", "None", "None", "None", "None"), SLOTS, "acme", 3));
  }

  @Test
  void translate_concurrentTransaction_isVersionConflict() {
    assertInstanceOf(
        VersionConflictException.class,
        DynamoEventStore.translate(canceled("None", "None", "TransactionConflict", "None", "None"), SLOTS, "acme", 3));
  }

  @Test
  void translate_claimConditionFailed_isHostConflictNamingHostAndOwner() {
    CancellationReason taken =
        CancellationReason.builder().code("ConditionalCheckFailed").item(Map.of("owner", AttributeValue.fromS("other"))).build();
    TransactionCanceledException canceled = canceled(reason("None"), reason("None"), reason("None"), taken, reason("None"));

    HostConflictException e = assertInstanceOf(HostConflictException.class, DynamoEventStore.translate(canceled, SLOTS, "acme", 3));

    assertEquals("b.example.net", e.host());
    assertEquals("other", e.owner());
  }

  @Test
  void translate_claimFailedWithoutItem_isHostConflictWithoutOwner() {
    HostConflictException e =
        assertInstanceOf(
            HostConflictException.class,
            DynamoEventStore.translate(canceled("None", "None", "ConditionalCheckFailed", "None", "None"), SLOTS, "acme", 3));
    assertEquals("a.example.net", e.host());
    assertNull(e.owner());
  }

  @Test
  void translate_versionAndHostBothFailed_versionWins() {
    assertInstanceOf(
        VersionConflictException.class,
        DynamoEventStore.translate(canceled("None", "ConditionalCheckFailed", "ConditionalCheckFailed", "None", "None"), SLOTS, "acme", 3));
    assertInstanceOf(
        VersionConflictException.class,
        DynamoEventStore.translate(canceled("None", "None", "ConditionalCheckFailed", "TransactionConflict", "None"), SLOTS, "acme", 3));
  }

  @Test
  void translate_otherReason_isTheOriginalError() {
    TransactionCanceledException canceled = canceled("ValidationError", "None", "None", "None", "None");

    assertSame(canceled, DynamoEventStore.translate(canceled, SLOTS, "acme", 3));
  }

  @Test
  void translate_releaseConditionFailed_isAnInconsistency() {
    assertThrows(
        IllegalStateException.class,
        () -> DynamoEventStore.translate(canceled("None", "None", "None", "None", "ConditionalCheckFailed"), SLOTS, "acme", 3));
  }

  @Test
  void cursor_roundTrips_andGarbageIsNamed() {
    assertEquals("acme-corp", DynamoEventStore.decodeCursor(DynamoEventStore.encodeCursor("acme-corp")));
    assertEquals("cursor", assertThrows(ValidationException.class, () -> DynamoEventStore.decodeCursor("!!")).field());
    assertEquals("cursor", assertThrows(ValidationException.class, () -> DynamoEventStore.decodeCursor(DynamoEventStore.encodeCursor("NOT A TENANT"))).field());
  }

  private static TransactionCanceledException canceled(String... codes) {
    List<CancellationReason> reasons = new ArrayList<>();
    for (String code : codes) {
      reasons.add(reason(code));
    }
    return TransactionCanceledException.builder().message("cancelled").cancellationReasons(reasons).build();
  }

  private static TransactionCanceledException canceled(CancellationReason... reasons) {
    return TransactionCanceledException.builder().message("cancelled").cancellationReasons(reasons).build();
  }

  private static CancellationReason reason(String code) {
    return CancellationReason.builder().code(code).build();
  }
}
