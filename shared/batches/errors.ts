import { ChartbridgeError } from "../errors/chartbridge-error";

/** A batch of this name exists with a different manifest: a new delivery needs a new name. */
export class BatchConflictError extends ChartbridgeError {
  constructor() {
    super(
      { name: "BatchConflictError", code: "BATCH_CONFLICT", retryable: false },
      "a batch with this name already exists with a different manifest; choose another batch name",
    );
  }
}

/** The batch no longer takes uploads (closed or completed). */
export class BatchClosedError extends ChartbridgeError {
  constructor() {
    super(
      { name: "BatchClosedError", code: "BATCH_CLOSED", retryable: false },
      "the batch is closed; create a new batch for further files",
    );
  }
}

/** Concurrent writers kept changing a batch file: the stream delivery is retried. */
export class BatchFileContentionError extends ChartbridgeError {
  constructor() {
    super(
      { name: "BatchFileContentionError", code: "BATCH_FILE_CONTENTION", retryable: true },
      "a batch file kept changing while it was updated",
    );
  }
}
