package dev.tcs.catalogue.importer;

/**
 * Where an import stands, for a progress bar; one is reported after every line.
 *
 * @param done lines finished (succeeded or failed)
 * @param total non-blank lines in the file
 * @param failed lines that failed so far
 * @param failure the failure of the line just finished, or null when it succeeded
 */
public record ImportProgress(long done, long total, long failed, ImportFailure failure) {}
