package dev.tcs.region.chaos;

import dev.tcs.core.config.ConfigException;
import dev.tcs.core.config.Settings;
import dev.tcs.core.http.HttpProblem;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;

/**
 * The faults a region injects now. Immutable; {@link Chaos} swaps whole values.
 *
 * @param readOff the read API resets every request (the region looks dead to its readers)
 * @param latency added before answering a read, for a {@code latencyFraction} of reads
 * @param latencyFraction the share of reads that get {@code latency}, 0..1
 * @param ingestPaused no view is applied until this is cleared (records wait, none is lost)
 * @param ingestDelay added before each batch of views is applied (every view waits at least this long)
 * @param dropInvalidations the share of outgoing invalidations dropped instead of published, 0..1
 * @param dynamoFailures the share of the region's DynamoDB calls that fail at once, 0..1
 */
public record Faults(
    boolean readOff,
    Duration latency,
    double latencyFraction,
    boolean ingestPaused,
    Duration ingestDelay,
    double dropInvalidations,
    double dynamoFailures) {

  public static final Faults NONE = new Faults(false, Duration.ZERO, 0, false, Duration.ZERO, 0, 0);
  static final Duration MAX_DELAY = Duration.ofSeconds(60);
  private static final Set<String> FIELDS =
      Set.of("readOff", "latency", "latencyFraction", "ingestPaused", "ingestDelay", "dropInvalidations", "dynamoFailures");

  /** True when nothing is injected. */
  public boolean none() {
    return equals(NONE);
  }

  /**
   * These faults with the fields of {@code body} replaced (absent fields keep their value).
   * Setting {@code latency} without {@code latencyFraction} while the fraction is 0 makes it 1.
   *
   * @throws HttpProblem 400 naming the field, its rule and the value seen
   */
  public Faults with(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw HttpProblem.badRequest(field, field + " is not a fault; known: " + FIELDS.stream().sorted().toList());
      }
    }
    Settings in = Settings.of("", body);
    try {
      Duration newLatency = delay(in, "latency", latency);
      double fraction = fraction(body, "latencyFraction", latencyFraction);
      if (body.containsKey("latency") && !body.containsKey("latencyFraction") && fraction == 0) {
        fraction = 1;
      }
      return new Faults(
          in.bool("readOff", readOff),
          newLatency,
          fraction,
          in.bool("ingestPaused", ingestPaused),
          delay(in, "ingestDelay", ingestDelay),
          fraction(body, "dropInvalidations", dropInvalidations),
          fraction(body, "dynamoFailures", dynamoFailures));
    } catch (ConfigException e) {
      String field = FIELDS.stream().filter(f -> e.getMessage().startsWith(f + " ")).findFirst().orElse("body");
      throw HttpProblem.badRequest(field, e.getMessage());
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("readOff", readOff)
        .put("latency", latency.toMillis() + "ms")
        .put("latencyFraction", latencyFraction)
        .put("ingestPaused", ingestPaused)
        .put("ingestDelay", ingestDelay.toMillis() + "ms")
        .put("dropInvalidations", dropInvalidations)
        .put("dynamoFailures", dynamoFailures);
  }

  private static Duration delay(Settings in, String field, Duration current) {
    Duration value = in.duration(field, current);
    in.check(value.compareTo(MAX_DELAY) <= 0, field, "must be at most " + MAX_DELAY.toSeconds() + "s");
    return value;
  }

  private static double fraction(JsonObject body, String field, double current) {
    Object value = body.getValue(field);
    if (value == null) {
      return current;
    }
    if (!(value instanceof Number number) || !(number.doubleValue() >= 0 && number.doubleValue() <= 1)) {
      throw HttpProblem.badRequest(field, field + " must be a number from 0 to 1, but was " + value);
    }
    return number.doubleValue();
  }
}
