package dev.tcs.sidecar.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The snapshot on disk: written to a temp file beside it, forced to disk, then renamed over it, so
 * a reader sees the old file or the new one, never half of one. Blocking: call from a worker.
 */
final class SnapshotFile {
  /** A file larger than this is not read (1 GiB; a cache of 100k views is far smaller). */
  static final long MAX_BYTES = 1L << 30;

  private SnapshotFile() {}

  static void write(Path path, byte[] content) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
    try {
      ownerOnly(temp);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The file's bytes, or null when there is no file. */
  static byte[] read(Path path) throws IOException {
    if (!Files.exists(path)) {
      return null;
    }
    long size = Files.size(path);
    if (size > MAX_BYTES) {
      throw new IOException(size + " bytes is more than the " + MAX_BYTES + " a snapshot may have");
    }
    return Files.readAllBytes(path);
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's permissions apply
    }
  }
}
