import pRetry, { AbortError } from "p-retry";
import type { z } from "zod";
import type {
  BatchBody,
  BatchReportBody,
  CreatedBatchBody,
  UploadTargetsBody,
} from "../../../shared/api/response-schemas";
import type { CreateBatchRequest } from "../../../shared/batches/manifest";

export type CreatedBatch = z.infer<typeof CreatedBatchBody>;
export type BatchView = z.infer<typeof BatchBody>;
export type BatchReport = z.infer<typeof BatchReportBody>;
export type UploadTargets = z.infer<typeof UploadTargetsBody>;
export type UploadTarget = UploadTargets["targets"][number];

/** The API refused a request: its status and its own message (which never repeats what was sent). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** Answers worth asking again: throttling, timeouts and the server's own failures. */
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * The batch routes of the records API, as a vendor calls them: a bearer token per request (a fresh local
 * token, or the one given for AWS), and retries with exponential backoff for network errors and 5xx/429.
 */
export class BatchClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: () => Promise<string>,
    private readonly retries = 5,
  ) {}

  create(request: Omit<CreateBatchRequest, "closesInHours"> & { closesInHours?: number }) {
    return this.call<CreatedBatch>("POST", "/batches", request, [200, 201]);
  }

  targets(batchId: string, names: readonly string[]) {
    return this.call<UploadTargets>("POST", `/batches/${batchId}/upload-targets`, { files: names });
  }

  get(batchId: string, opts: { limit?: number; cursor?: string } = {}) {
    const query = new URLSearchParams({
      limit: String(opts.limit ?? 1000),
      ...(opts.cursor ? { cursor: opts.cursor } : {}),
    });
    return this.call<BatchView>("GET", `/batches/${batchId}?${query}`);
  }

  close(batchId: string) {
    return this.call<BatchView>("POST", `/batches/${batchId}/close`);
  }

  report(batchId: string) {
    return this.call<BatchReport>("GET", `/batches/${batchId}/report`);
  }

  private call<T>(method: string, path: string, body?: unknown, ok = [200]): Promise<T> {
    return pRetry(
      async () => {
        const res = await fetch(
          new URL(path.replace(/^\//, ""), this.apiUrl.endsWith("/") ? this.apiUrl : `${this.apiUrl}/`),
          {
            method,
            headers: {
              authorization: `Bearer ${await this.token()}`,
              ...(body !== undefined ? { "content-type": "application/json" } : {}),
            },
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          },
        );
        const text = await res.text();
        if (ok.includes(res.status)) return JSON.parse(text) as T;
        const message = apiMessage(text) ?? `HTTP ${res.status}`;
        const error = new ApiRequestError(res.status, message);
        if (!RETRYABLE_STATUS.has(res.status)) throw new AbortError(error);
        throw error;
      },
      { retries: this.retries, minTimeout: 500, maxTimeout: 10_000, randomize: true },
    );
  }
}

function apiMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === "string" ? body.message : undefined;
  } catch {
    return undefined;
  }
}
