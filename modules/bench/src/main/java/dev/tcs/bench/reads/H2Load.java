package dev.tcs.bench.reads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Runs {@code h2load} (nghttp2-client; HTTP/2 prior knowledge) for a fixed duration and reads its
 * figures: throughput from its summary, latency percentiles from its {@code --log-file} (third
 * column: microseconds from request start to end of response), with HdrHistogram.
 */
final class H2Load {
  private static final Pattern FINISHED = Pattern.compile("finished in [0-9.]+m?s, ([0-9.]+) req/s");
  private static final Pattern REQUESTS =
      Pattern.compile("requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
  private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

  /** What one throughput run measured. */
  record Throughput(double requestsPerSecond, long succeeded, long failed, long non2xx) {}

  /** What one latency run measured, in microseconds. */
  record Latency(long count, double requestsPerSecond, long p50, long p90, long p99, long p999, long max, long non200) {
    static Latency of(Histogram times, double requestsPerSecond, long non200) {
      return new Latency(
          times.getTotalCount(),
          requestsPerSecond,
          times.getValueAtPercentile(50),
          times.getValueAtPercentile(90),
          times.getValueAtPercentile(99),
          times.getValueAtPercentile(99.9),
          times.getMaxValue(),
          non200);
    }
  }

  private final Path workDir;

  H2Load(Path workDir) {
    this.workDir = workDir;
  }

  /** {@code h2load -cC -mM -D duration}: the summary's req/s. */
  Throughput throughput(List<String> urls, String authorization, int clients, int streams, Duration duration) {
    List<String> command = command(urls, authorization, clients, streams, duration);
    return parseThroughput(run(command, duration));
  }

  /** {@code h2load -cC -m1 -D duration --log-file}: percentiles of every request's time. */
  Latency latency(List<String> urls, String authorization, int clients, Duration duration) {
    Histogram times = new Histogram(3);
    LatencySlice slice = latencyInto(urls, authorization, clients, duration, times);
    return Latency.of(times, slice.requestsPerSecond(), slice.non200());
  }

  /** What one latency slice added: its rate and how many of its answers were not 200. */
  record LatencySlice(double requestsPerSecond, long non200) {}

  /**
   * {@code h2load -cC -m1 -D duration --log-file}: every request's time (µs) added to
   * {@code into}, so that slices of one target taken at different times make one distribution.
   */
  LatencySlice latencyInto(List<String> urls, String authorization, int clients, Duration duration, Histogram into) {
    Path log = workDir.resolve("h2load-latency.log");
    try {
      Files.deleteIfExists(log); // h2load appends
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + log, e);
    }
    List<String> command = command(urls, authorization, clients, 1, duration);
    command.add(1, "--log-file=" + log);
    Throughput summary = parseThroughput(run(command, duration));
    try (Stream<String> lines = Files.lines(log)) {
      long before = into.getTotalCount();
      long non200 = record(lines.toList(), into);
      if (into.getTotalCount() == before) {
        throw new IllegalStateException("h2load logged no request");
      }
      return new LatencySlice(summary.requestsPerSecond(), non200);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log, e);
    }
  }

  /**
   * {@code h2load -c1 -m1 -n N --log-file}: each of {@code urls} requested once, one at a time;
   * adds every request's time (µs) to {@code into}.
   *
   * @return how many answers were not 200
   */
  long recordRequests(List<String> urls, String authorization, Histogram into) {
    return record(requestLog(urls, authorization, 1, urls.size()).lines(), into);
  }

  /**
   * {@code h2load -cC -m1 -n N -i FILE}: each of {@code urls} requested once over {@code clients}
   * connections (a warm-up: nothing measured, any status accepted).
   */
  void warm(List<String> urls, String authorization, int clients) {
    Path input = workDir.resolve("h2load-warm-urls.txt");
    try {
      Files.write(input, urls);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + input, e);
    }
    List<String> command = new ArrayList<>(List.of("h2load", "-c" + clients, "-m1", "-t1", "-n" + urls.size(), "-i", input.toString()));
    if (authorization != null) {
      command.add("-H");
      command.add("authorization: " + authorization);
    }
    parseThroughput(run(command, Duration.ofSeconds(300)));
  }

  /** What one {@code -n N} run printed, and the lines of its log file. */
  private record RequestLog(Throughput summary, List<String> lines) {}

  private RequestLog requestLog(List<String> urls, String authorization, int clients, int count) {
    Path log = workDir.resolve("h2load-requests.log");
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + log, e);
    }
    List<String> command = new ArrayList<>(List.of("h2load", "--log-file=" + log, "-c" + clients, "-m1", "-t1", "-n" + count));
    if (authorization != null) {
      command.add("-H");
      command.add("authorization: " + authorization);
    }
    command.addAll(urls);
    Throughput summary = parseThroughput(run(command, Duration.ofSeconds(120)));
    try (Stream<String> lines = Files.lines(log)) {
      return new RequestLog(summary, lines.toList());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log, e);
    }
  }

  private static List<String> command(List<String> urls, String authorization, int clients, int streams, Duration duration) {
    List<String> command = new ArrayList<>(List.of("h2load", "-c" + clients, "-m" + streams, "-t1", "-D", Long.toString(duration.toSeconds())));
    if (authorization != null) {
      command.add("-H");
      command.add("authorization: " + authorization);
    }
    command.addAll(urls);
    return command;
  }

  private String run(List<String> command, Duration duration) {
    Path out = workDir.resolve("h2load.out");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!process.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("h2load did not finish within " + (duration.toSeconds() + 30) + " s: " + command);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("h2load exited " + process.exitValue() + ": " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run h2load (apt-get install nghttp2-client)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static Throughput parseThroughput(String output) {
    Matcher finished = FINISHED.matcher(output);
    Matcher requests = REQUESTS.matcher(output);
    Matcher status = STATUS.matcher(output);
    if (!finished.find() || !requests.find() || !status.find()) {
      throw new IllegalStateException("unexpected h2load output:\n" + output);
    }
    long non2xx = Long.parseLong(status.group(2)) + Long.parseLong(status.group(3)) + Long.parseLong(status.group(4));
    return new Throughput(Double.parseDouble(finished.group(1)), Long.parseLong(requests.group(4)), Long.parseLong(requests.group(5)), non2xx);
  }

  /** Lines of {@code --log-file}: start (µs since epoch), status, duration (µs), tab-separated. */
  static Latency parseLatency(List<String> lines, double requestsPerSecond) {
    Histogram histogram = new Histogram(3);
    long non200 = record(lines, histogram);
    if (histogram.getTotalCount() == 0) {
      throw new IllegalStateException("h2load logged no request");
    }
    return Latency.of(histogram, requestsPerSecond, non200);
  }

  /** Adds each logged request's duration to {@code into}; returns how many answers were not 200. */
  private static long record(List<String> lines, Histogram into) {
    long non200 = 0;
    for (String line : lines) {
      String[] columns = line.split("\t");
      if (columns.length < 3) {
        continue;
      }
      if (!columns[1].equals("200")) {
        non200++;
      }
      into.recordValue(Long.parseLong(columns[2].trim()));
    }
    return non200;
  }
}
