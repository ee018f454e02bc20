package dev.tcs.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The one metrics convention, and the meters of one deployed component.
 *
 * <ul>
 *   <li>Names are {@code tcs.<component>.<what>}, dotted, in base units ({@link #name}).
 *   <li>Tag values are kebab-case ({@code not-found}, {@code kept-newer}); an enum constant gives
 *       its tag value through {@link #tag(Enum)}. No tenant id or host is ever a tag.
 *   <li>Every meter has a description; latency timers publish a percentile histogram.
 *   <li>Every meter is declared through one {@code Meters} of its component, which carries the
 *       component's common tags (e.g. {@code region}) and removes all of them on {@link #close()}
 *       when the component is undeployed.
 * </ul>
 *
 * Thread-safe.
 */
public final class Meters implements AutoCloseable {
  private static final Pattern WHAT = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*");
  /** Lower case, words joined by hyphens; dots allowed for names that carry them. */
  private static final Pattern TAG_VALUE = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  private final MeterRegistry registry;
  private final String prefix;
  private final Tags common;
  private final List<Meter> meters = new ArrayList<>();

  /**
   * @param component the component's name in meter names ({@code region}, {@code sidecar})
   * @param common tags every meter of this deployment carries, as key, value pairs
   */
  public Meters(MeterRegistry registry, String component, String... common) {
    this.registry = registry;
    this.prefix = name(component, "");
    this.common = tags(common);
  }

  /** {@code tcs.<component>.<what>}. */
  public static String name(String component, String what) {
    if (!WHAT.matcher(component).matches() || (!what.isEmpty() && !WHAT.matcher(what).matches())) {
      throw new IllegalArgumentException("meter names are tcs.<component>.<what>, dotted lower case, but was " + component + "." + what);
    }
    return what.isEmpty() ? "tcs." + component + "." : "tcs." + component + "." + what;
  }

  /** The tag value of an enum constant: {@code KEPT_NEWER} becomes {@code kept-newer}. */
  public static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The full name of {@code what} in this component. */
  public String name(String what) {
    return prefix + what;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A counter {@code tcs.<component>.<what>} with the common tags and {@code tags} (key, value pairs). */
  public Counter counter(String what, String description, String... tags) {
    return keep(Counter.builder(checked(what)).description(description).tags(common).tags(tags(tags)).register(registry));
  }

  /** One counter per constant of {@code type}, tagged {@code tagKey=<kebab-case constant>}. */
  public <E extends Enum<E>> Map<E, Counter> counters(Class<E> type, String what, String description, String tagKey, String... tags) {
    Map<E, Counter> out = new EnumMap<>(type);
    for (E value : type.getEnumConstants()) {
      out.put(value, counter(what, description, with(tags, tagKey, tag(value))));
    }
    return out;
  }

  /**
   * A latency timer with a percentile histogram between {@code min} and {@code max}.
   *
   * @param tags key, value pairs
   */
  public Timer latency(String what, String description, Duration min, Duration max, String... tags) {
    return timer(what, description, b -> b.publishPercentileHistogram().minimumExpectedValue(min).maximumExpectedValue(max), tags);
  }

  /** A timer, shaped by {@code shape} (percentiles, histogram). */
  public Timer timer(String what, String description, Function<Timer.Builder, Timer.Builder> shape, String... tags) {
    return keep(shape.apply(Timer.builder(checked(what)).description(description).tags(common).tags(tags(tags))).register(registry));
  }

  /** One timer per constant of {@code type}, tagged {@code tagKey=<kebab-case constant>}. */
  public <E extends Enum<E>> Map<E, Timer> timers(
      Class<E> type, String what, String description, String tagKey, Function<Timer.Builder, Timer.Builder> shape, String... tags) {
    Map<E, Timer> out = new EnumMap<>(type);
    for (E value : type.getEnumConstants()) {
      out.put(value, timer(what, description, shape, with(tags, tagKey, tag(value))));
    }
    return out;
  }

  /** A gauge read at scrape time; held strongly, so it lives until {@link #close()}. */
  public Gauge gauge(String what, String description, String baseUnit, Supplier<Number> value, String... tags) {
    Gauge.Builder<Supplier<Number>> builder =
        Gauge.builder(checked(what), value).description(description).tags(common).tags(tags(tags)).strongReference(true);
    if (baseUnit != null) {
      builder.baseUnit(baseUnit);
    }
    return keep(builder.register(registry));
  }

  /** Removes every meter declared here from the registry (the component was undeployed). */
  @Override
  public synchronized void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  private String checked(String what) {
    if (!WHAT.matcher(what).matches()) {
      throw new IllegalArgumentException("meter names are tcs.<component>.<what>, dotted lower case, but <what> was " + what);
    }
    return prefix + what;
  }

  private static Tags tags(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("tags come as key, value pairs");
    }
    List<Tag> tags = new ArrayList<>(keyValues.length / 2);
    for (int i = 0; i < keyValues.length; i += 2) {
      if (!TAG_VALUE.matcher(keyValues[i + 1]).matches()) {
        throw new IllegalArgumentException("tag values are kebab-case, but " + keyValues[i] + " was " + keyValues[i + 1]);
      }
      tags.add(Tag.of(keyValues[i], keyValues[i + 1]));
    }
    return Tags.of(tags);
  }

  private static String[] with(String[] tags, String key, String value) {
    String[] out = Arrays.copyOf(tags, tags.length + 2);
    out[tags.length] = key;
    out[tags.length + 1] = value;
    return out;
  }

  private synchronized <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }
}
