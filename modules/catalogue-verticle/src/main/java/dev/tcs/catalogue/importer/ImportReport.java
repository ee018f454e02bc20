package dev.tcs.catalogue.importer;

import java.util.List;

/**
 * The outcome of an import.
 *
 * @param total non-blank lines read
 * @param created tenants created (201)
 * @param updated tenants whose document changed
 * @param unchanged tenants that already had exactly this document (a re-run reports every line here)
 * @param failures the lines that failed, in line order
 */
public record ImportReport(long total, long created, long updated, long unchanged, List<ImportFailure> failures) {
  public ImportReport {
    failures = List.copyOf(failures);
  }

  /** True when every line was imported. */
  public boolean succeeded() {
    return failures.isEmpty();
  }
}
