package dev.tcs.core.read;

import com.github.benmanes.caffeine.cache.Interner;
import io.netty.util.AsciiString;

/**
 * Header values that many cached entries repeat, held once per JVM: an {@code ETag} and the
 * {@code TCS-Version} of a common stamp, a revision, a region name, a media type. A cache of 100k
 * views holds a few thousand distinct such values; each entry then keeps references, not copies.
 *
 * <p>Weakly interned (Caffeine's {@link Interner#newWeakInterner()}): a value no entry uses any
 * more is collected, so the pool never outgrows what the caches hold. Thread-safe; meant for the
 * path that stores an entry, not for every request. Never for a value unique to one entry (a
 * tenant id), which interning would only make bigger.
 */
public final class HeaderValues {
  private static final Interner<String> TEXTS = Interner.newWeakInterner();
  private static final Interner<AsciiString> ENCODED = Interner.newWeakInterner();

  private HeaderValues() {}

  /** The shared instance of {@code text} (equal to it), or null for null. */
  public static String text(String text) {
    return text == null ? null : TEXTS.intern(text);
  }

  /**
   * The shared header value of {@code text}, as Vert.x's optimized form
   * ({@link io.vertx.core.http.HttpHeaders#createOptimized}: an {@link AsciiString}), so Netty
   * writes it without encoding it again.
   */
  public static CharSequence encoded(String text) {
    return ENCODED.intern(new AsciiString(text));
  }
}
