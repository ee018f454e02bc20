package dev.tcs.sidecar.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {
  private static final SecretKey KEY = key(1);
  private final SnapshotCodec codec = new SnapshotCodec(KEY, new SecureRandom());

  private static SecretKey key(int seed) {
    byte[] bytes = new byte[SnapshotSettings.KEY_BYTES];
    Arrays.fill(bytes, (byte) seed);
    return new SecretKeySpec(bytes, "AES");
  }

  private static Snapshot sample() {
    String secret = "{\"tenantId\":\"acme\",\"jira\":{\"db-user\":\"acme_jira\",\"db-password\":\"s3cret-pässword\"}}";
    RegionAnswer byTenant = new RegionAnswer("us-east", 200, 7, 2, "acme", "\"acme-7\"", "eu-west", "application/json", Buffer.buffer(secret));
    RegionAnswer byHost = new RegionAnswer("ap-south", 200, 3, -1, "globex", "\"globex-3\"", "ap-south", "application/json", Buffer.buffer("{}"));
    return new Snapshot(
        1_700_000_000_000L,
        List.of(
            new Snapshot.Entry(ReadKey.tenant("acme", "jira"), byTenant, 1_699_999_990_000L),
            new Snapshot.Entry(ReadKey.host("globex.example.net", "network-ingress"), byHost, 1_699_999_000_000L)));
  }

  @Test
  void open_sealedSnapshot_returnsEveryField() throws Exception {
    Snapshot original = sample();

    Snapshot opened = codec.open(codec.seal(original));

    assertEquals(original.createdAtMillis(), opened.createdAtMillis());
    assertEquals(original.entries().size(), opened.entries().size());
    for (int i = 0; i < original.entries().size(); i++) {
      Snapshot.Entry want = original.entries().get(i);
      Snapshot.Entry got = opened.entries().get(i);
      assertEquals(want.key(), got.key());
      assertEquals(want.fetchedAtMillis(), got.fetchedAtMillis());
      RegionAnswer a = want.answer();
      RegionAnswer b = got.answer();
      assertEquals(List.of(a.lane(), a.status(), a.version(), a.revision(), a.tenantId(), a.etag(), a.servedBy(), a.contentType()),
          List.of(b.lane(), b.status(), b.version(), b.revision(), b.tenantId(), b.etag(), b.servedBy(), b.contentType()));
      assertArrayEquals(a.body().getBytes(), b.body().getBytes());
    }
  }

  @Test
  void open_emptySnapshot_returnsNoEntries() throws Exception {
    assertTrue(codec.open(codec.seal(new Snapshot(5, List.of()))).entries().isEmpty());
  }

  @Test
  void seal_sameSnapshotTwice_usesFreshIvAndHidesContent() {
    byte[] first = codec.seal(sample());
    byte[] second = codec.seal(sample());

    assertFalse(Arrays.equals(first, second), "a nonce was reused");
    String text = new String(first, StandardCharsets.ISO_8859_1);
    assertFalse(text.contains("s3cret") || text.contains("acme"), "the plaintext shows through");
  }

  @Test
  void open_wrongKey_isRefused() {
    byte[] sealed = new SnapshotCodec(key(2), new SecureRandom()).seal(sample());

    SnapshotException e = assertThrows(SnapshotException.class, () -> codec.open(sealed));
    assertTrue(e.getMessage().contains("does not authenticate"), e.getMessage());
  }

  @Test
  void open_truncated_isRefusedAtEveryLength() {
    byte[] sealed = codec.seal(sample());
    for (int length = 0; length < sealed.length; length++) {
      byte[] cut = Arrays.copyOf(sealed, length);
      assertThrows(SnapshotException.class, () -> codec.open(cut), "accepted a file cut to " + length + " bytes");
    }
  }

  @Test
  void open_tamperedAnyByte_isRefused() {
    byte[] sealed = codec.seal(sample());
    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      assertThrows(SnapshotException.class, () -> codec.open(tampered), "accepted a file with byte " + i + " changed");
    }
  }

  @Test
  void open_otherFormatVersion_isRefusedNamingIt() {
    byte[] sealed = codec.seal(sample());
    sealed[SnapshotCodec.MAGIC.length] = 2;

    SnapshotException e = assertThrows(SnapshotException.class, () -> codec.open(sealed));
    assertTrue(e.getMessage().contains("format 2 is not supported"), e.getMessage());
  }

  @Test
  void open_authenticContentThatDoesNotParse_isRefused() {
    byte[] plaintext = SnapshotCodec.plaintext(sample());

    byte[] trailing = Arrays.copyOf(plaintext, plaintext.length + 1);
    byte[] short_ = Arrays.copyOf(plaintext, plaintext.length - 1);
    byte[] shorter = Arrays.copyOf(plaintext, plaintext.length - 4);
    byte[] badKind = plaintext.clone();
    badKind[12] = 9; // the first entry's kind, after createdAt (8) and count (4)

    assertTrue(assertThrows(SnapshotException.class, () -> codec.open(codec.seal(trailing))).getMessage().contains("after the last entry"));
    assertTrue(assertThrows(SnapshotException.class, () -> codec.open(codec.seal(short_))).getMessage().contains("body ends"));
    assertTrue(assertThrows(SnapshotException.class, () -> codec.open(codec.seal(shorter))).getMessage().contains("ends before its last entry"));
    assertTrue(assertThrows(SnapshotException.class, () -> codec.open(codec.seal(badKind))).getMessage().contains("kind 9"));
  }
}
