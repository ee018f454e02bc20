package dev.tcs.sidecar.snapshot;

import dev.tcs.core.read.ReadKey;
import dev.tcs.sidecar.lane.RegionAnswer;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals a {@link Snapshot} into bytes and opens them again, with the JDK's {@code javax.crypto}
 * (AES-256-GCM: confidential and authenticated, so a wrong key, a truncated or a tampered file is
 * refused as a whole, never half trusted). Written by hand on the JDK; no library needed.
 *
 * <pre>
 * file      = magic "TCSS" | format u8 (1) | iv 12 bytes | AES-GCM(plaintext, aad = magic|format), 128-bit tag
 * plaintext = createdAtMillis i64 | count i32 | entry*
 * entry     = kind u8 (0 tenant, 1 host) | id utf | consumer utf | version i64 | revision i64 | tenantId utf
 *             | etag utf | servedBy utf | lane utf | contentType utf | fetchedAtMillis i64 | body (len i32, bytes)
 * </pre>
 *
 * <p>Only values (200 with a version) are kept. Pure computation, thread-safe; callers run it on a
 * worker thread.
 */
public final class SnapshotCodec {
  /** The format this code writes and reads; another one is refused. */
  public static final int FORMAT = 1;

  static final byte[] MAGIC = "TCSS".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 1;
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  /** A body larger than this is not a view (contexts are at most 64 KiB). */
  private static final int MAX_BODY = 1 << 20;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";

  private final SecretKey key;
  private final SecureRandom random;

  public SnapshotCodec(SecretKey key, SecureRandom random) {
    this.key = key;
    this.random = random;
  }

  /** The encrypted file content of {@code snapshot}. */
  public byte[] seal(Snapshot snapshot) {
    return seal(plaintext(snapshot));
  }

  /**
   * The snapshot in {@code sealed}.
   *
   * @throws SnapshotException when it is not this format, does not decrypt and authenticate with
   *     the key, or its content does not parse; nothing of it is returned then
   */
  public Snapshot open(byte[] sealed) throws SnapshotException {
    return parse(decrypt(sealed));
  }

  byte[] seal(byte[] plaintext) {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    byte[] header = header();
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(header);
      byte[] encrypted = cipher.doFinal(plaintext);
      byte[] out = new byte[header.length + IV_BYTES + encrypted.length];
      System.arraycopy(header, 0, out, 0, header.length);
      System.arraycopy(iv, 0, out, header.length, IV_BYTES);
      System.arraycopy(encrypted, 0, out, header.length + IV_BYTES, encrypted.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  byte[] decrypt(byte[] sealed) throws SnapshotException {
    if (sealed.length < HEADER + IV_BYTES + TAG_BITS / 8) {
      throw new SnapshotException("truncated: " + sealed.length + " bytes is shorter than the header, iv and tag");
    }
    if (!Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new SnapshotException("not a sidecar snapshot (no TCSS magic)");
    }
    int format = sealed[MAGIC.length] & 0xff;
    if (format != FORMAT) {
      throw new SnapshotException("format " + format + " is not supported (this sidecar reads format " + FORMAT + ")");
    }
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, HEADER, IV_BYTES));
      cipher.updateAAD(sealed, 0, HEADER);
      return cipher.doFinal(sealed, HEADER + IV_BYTES, sealed.length - HEADER - IV_BYTES);
    } catch (AEADBadTagException e) {
      throw new SnapshotException("does not authenticate with sidecar.snapshot.key (another key, or a truncated or altered file)", e);
    } catch (GeneralSecurityException e) {
      throw new SnapshotException("does not decrypt: " + e.getMessage(), e);
    }
  }

  private static byte[] header() {
    byte[] header = Arrays.copyOf(MAGIC, HEADER);
    header[MAGIC.length] = (byte) FORMAT;
    return header;
  }

  static byte[] plaintext(Snapshot snapshot) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(snapshot.createdAtMillis());
      out.writeInt(snapshot.entries().size());
      for (Snapshot.Entry entry : snapshot.entries()) {
        RegionAnswer answer = entry.answer();
        out.writeByte(entry.key().kind() == ReadKey.Kind.TENANT ? 0 : 1);
        out.writeUTF(entry.key().id());
        out.writeUTF(entry.key().consumer());
        out.writeLong(answer.version());
        out.writeLong(answer.revision());
        out.writeUTF(answer.tenantId());
        out.writeUTF(answer.etag());
        out.writeUTF(answer.servedBy());
        out.writeUTF(answer.lane());
        out.writeUTF(answer.contentType());
        out.writeLong(entry.fetchedAtMillis());
        byte[] body = answer.body().getBytes();
        out.writeInt(body.length);
        out.write(body);
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  static Snapshot parse(byte[] plaintext) throws SnapshotException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext));
    try {
      long createdAt = in.readLong();
      int count = in.readInt();
      if (count < 0) {
        throw new SnapshotException("entry count " + count + " is negative");
      }
      List<Snapshot.Entry> entries = new ArrayList<>(Math.min(count, 1024));
      for (int i = 0; i < count; i++) {
        entries.add(readEntry(in, i));
      }
      if (in.available() > 0) {
        throw new SnapshotException(in.available() + " bytes after the last entry");
      }
      return new Snapshot(createdAt, entries);
    } catch (EOFException e) {
      throw new SnapshotException("content ends before its last entry", e);
    } catch (UTFDataFormatException e) {
      throw new SnapshotException("a text field is not modified UTF-8", e);
    } catch (IOException e) {
      throw new SnapshotException("content does not parse: " + e.getMessage(), e);
    }
  }

  private static Snapshot.Entry readEntry(DataInputStream in, int index) throws IOException, SnapshotException {
    int kind = in.readUnsignedByte();
    if (kind > 1) {
      throw new SnapshotException("entry " + index + ": kind " + kind + " is neither 0 (tenant) nor 1 (host)");
    }
    ReadKey key = new ReadKey(kind == 0 ? ReadKey.Kind.TENANT : ReadKey.Kind.HOST, in.readUTF(), in.readUTF());
    long version = in.readLong();
    long revision = in.readLong();
    if (version <= 0) {
      throw new SnapshotException("entry " + index + ": version " + version + " is not positive");
    }
    String tenantId = in.readUTF();
    String etag = in.readUTF();
    String servedBy = in.readUTF();
    String lane = in.readUTF();
    String contentType = in.readUTF();
    long fetchedAt = in.readLong();
    int length = in.readInt();
    if (length < 0 || length > MAX_BODY) {
      throw new SnapshotException("entry " + index + ": body length " + length + " is not between 0 and " + MAX_BODY);
    }
    byte[] body = in.readNBytes(length);
    if (body.length != length) {
      throw new SnapshotException("entry " + index + ": body ends after " + body.length + " of " + length + " bytes");
    }
    RegionAnswer answer = new RegionAnswer(lane, 200, version, revision, tenantId, etag, servedBy, contentType, Buffer.buffer(body));
    return new Snapshot.Entry(key, answer, fetchedAt);
  }
}
