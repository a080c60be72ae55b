import type { Logger } from "../pipeline/ports";
import type { BatchStore, UploadListing, UploadSigner } from "./batch-store";

/** What the batch use cases call. */
export interface BatchDeps {
  batches: BatchStore;
  /** Presigned PUTs for the scans bucket (the API only). */
  signer: UploadSigner;
  /** What is under a batch's prefix in the scans bucket (closing a batch). */
  listing: UploadListing;
  logger: Logger;
  now(): string;
}
