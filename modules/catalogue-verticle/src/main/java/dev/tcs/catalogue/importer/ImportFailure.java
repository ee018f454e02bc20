package dev.tcs.catalogue.importer;

/**
 * One line of the file that was not imported.
 *
 * @param line its 1-based line number
 * @param tenantId the tenant it named, or null when it could not be read
 * @param status the catalogue's HTTP status, or 0 when the line never reached it (not JSON, no
 *     valid {@code tenantId}, connection failed)
 * @param detail what was wrong: the problem's field and detail, or the local reason
 */
public record ImportFailure(long line, String tenantId, int status, String detail) {}
