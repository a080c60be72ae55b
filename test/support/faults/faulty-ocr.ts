/**
 * The OCR engine as Textract behaves under load and on bad days: Start… calls throttled
 * (ProvisionedThroughputExceededException, LimitExceededException for too many jobs) or failing with a 5xx,
 * Get… pages throttled, and some jobs that end FAILED. Wraps the local engine; everything else passes through.
 */
import type {
  OcrEngine,
  OcrFeatureSet,
  OcrResultPage,
  StartOcrJobRequest,
} from "../../../shared/ocr/ocr-engine";

export interface OcrFaultRates {
  startThrottle: number;
  startServerError: number;
  getThrottle: number;
  /** Share of jobs whose result says FAILED. */
  failedJob: number;
}

function awsError(name: string, fault: "client" | "server", status: number): Error {
  return Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

export class FaultyOcrEngine implements OcrEngine {
  readonly name: string;
  readonly injected = { startThrottle: 0, startServerError: 0, getThrottle: 0, failedJob: 0 };
  enabled = true;
  private readonly failedJobs = new Set<string>();
  private readonly decided = new Set<string>();

  constructor(
    private readonly inner: OcrEngine,
    private readonly rates: OcrFaultRates,
    private readonly random: () => number,
  ) {
    this.name = inner.name;
  }

  async startJob(request: StartOcrJobRequest): Promise<{ jobId: string }> {
    if (this.enabled) {
      const roll = this.random();
      if (roll < this.rates.startThrottle) {
        this.injected.startThrottle += 1;
        throw awsError(
          roll < this.rates.startThrottle / 2
            ? "ProvisionedThroughputExceededException"
            : "LimitExceededException",
          "client",
          400,
        );
      }
      if (roll < this.rates.startThrottle + this.rates.startServerError) {
        this.injected.startServerError += 1;
        throw awsError("InternalServerError", "server", 500);
      }
    }
    const started = await this.inner.startJob(request);
    // Decided once per job: a repeated start of the same job (same key) gets the same job back.
    if (this.enabled && !this.decided.has(started.jobId)) {
      this.decided.add(started.jobId);
      if (this.random() < this.rates.failedJob) {
        this.injected.failedJob += 1;
        this.failedJobs.add(started.jobId);
      }
    }
    return started;
  }

  async getResultPage(jobId: string, features: OcrFeatureSet, nextToken?: string): Promise<OcrResultPage> {
    if (this.enabled && this.random() < this.rates.getThrottle) {
      this.injected.getThrottle += 1;
      throw awsError("ThrottlingException", "client", 400);
    }
    const page = await this.inner.getResultPage(jobId, features, nextToken);
    return this.failedJobs.has(jobId)
      ? { ...page, jobStatus: "FAILED", statusMessage: "injected failure", blocks: [], nextToken: undefined }
      : page;
  }
}
