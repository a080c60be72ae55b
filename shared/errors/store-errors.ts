import { ChartbridgeError } from "./chartbridge-error";

/** Another writer changed the record since it was read: re-read and try again. */
export class VersionConflictError extends ChartbridgeError {
  constructor(
    readonly id: string,
    readonly expectedVersion: number,
  ) {
    super(
      { name: "VersionConflictError", code: "VERSION_CONFLICT", retryable: true },
      `Record ${id} changed since version ${expectedVersion} was read`,
    );
  }
}

/** The object a record points at is gone (deleted, or a version that never existed). */
export class ObjectNotFoundError extends ChartbridgeError {
  // The bucket and key stay off the message: keys carry file names, which carry patient names.
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(
      { name: "ObjectNotFoundError", code: "OBJECT_NOT_FOUND", retryable: false },
      "The object no longer exists",
    );
  }
}
