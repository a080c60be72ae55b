/**
 * Amazon Textract as the pipeline's OCR port sees it, in virtual time, enforcing what the governor must
 * respect: each API's TPS quota over any 1-second window (a call over it is refused with
 * ProvisionedThroughputExceededException and uses no quota), and the number of jobs in progress (a start over
 * it: LimitExceededException). It also refuses a share of calls at random, as a busy service does
 * (ThrottlingException, 500 InternalServerError), fails a share of jobs, and publishes each job's completion
 * to SNS (→ the ocr-complete queue). The same ClientRequestToken gives the same job, as Textract does.
 */
import type {
  OcrCompletionNotification,
  OcrEngine,
  OcrResultPage,
  StartOcrJobRequest,
} from "../../shared/ocr/ocr-engine";
import type { TextractBlock } from "../../shared/ocr/textract-blocks";
import type { TextractQuotas } from "../../shared/throughput/textract-quotas";
import type { VirtualClock } from "./virtual-clock";
import { getCallsFor, type SimDocument } from "./workload";

export interface StandInSettings {
  quotas: TextractQuotas;
  /** Share of calls refused with ThrottlingException whatever the rate (the service is busy). */
  throttleRate: number;
  /** Share of calls failing with a 500 (after the SDK's own retries: what reaches the pipeline). */
  serverErrorRate: number;
  /** Share of jobs that end FAILED. */
  jobFailureRate: number;
  callLatencyMs: () => number;
  snsLatencyMs: () => number;
}

type Api = "start" | "get";

interface Job {
  id: string;
  doc: SimDocument;
  jobTag: string;
  status: "IN_PROGRESS" | "SUCCEEDED" | "FAILED";
  /** Result pages not fetched yet (counted once, whatever is fetched again). */
  getsLeft: number;
}

const sdkError = (name: string, status: number, fault: "client" | "server") =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

export class TextractStandIn implements OcrEngine {
  readonly name = "textract-stand-in";
  /** Accepted calls' times, per API (virtual ms, in order). */
  readonly accepted: Record<Api, number[]> = { start: [], get: [] };
  readonly refused = {
    quota: { start: 0, get: 0 },
    injected: { start: 0, get: 0 },
    serverErrors: { start: 0, get: 0 },
    limitExceeded: 0,
  };
  /** Distinct jobs per document key (more than one would be OCR run and billed twice). */
  readonly jobsPerDocument = new Map<string, number>();
  running = 0;
  maxRunning = 0;
  /** Result pages of finished jobs still to be fetched, and the number of jobs with pages left. */
  getsPending = 0;
  jobsWithPagesPending = 0;
  private readonly jobsByToken = new Map<string, Job>();
  private readonly jobsById = new Map<string, Job>();
  private readonly windowStart: Record<Api, number> = { start: 0, get: 0 };

  constructor(
    private readonly clock: VirtualClock,
    private readonly documents: ReadonlyMap<string, SimDocument>,
    private readonly publish: (notification: OcrCompletionNotification) => void,
    private readonly settings: StandInSettings,
    private readonly random: () => number,
  ) {}

  async startJob(request: StartOcrJobRequest): Promise<{ jobId: string }> {
    this.admit("start");
    await this.clock.sleep(this.settings.callLatencyMs());
    const token = request.jobKey ?? request.documentId;
    const existing = this.jobsByToken.get(token);
    if (existing) return { jobId: existing.id };
    if (this.running >= this.settings.quotas.maxJobs) {
      this.refused.limitExceeded++;
      throw sdkError("LimitExceededException", 400, "client");
    }
    const doc = this.documents.get(request.key);
    if (!doc) throw sdkError("InvalidS3ObjectException", 400, "client");
    const job: Job = {
      id: `job-${this.jobsById.size + 1}`,
      doc,
      jobTag: token,
      status: "IN_PROGRESS",
      getsLeft: 0,
    };
    this.jobsByToken.set(token, job);
    this.jobsById.set(job.id, job);
    this.jobsPerDocument.set(doc.key, (this.jobsPerDocument.get(doc.key) ?? 0) + 1);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.clock.schedule(this.clock.nowMs() + doc.jobMs, () => this.finish(job));
    return { jobId: job.id };
  }

  async getResultPage(jobId: string, _features: unknown, nextToken?: string): Promise<OcrResultPage> {
    this.admit("get");
    await this.clock.sleep(this.settings.callLatencyMs());
    const job = this.jobsById.get(jobId);
    if (!job) throw sdkError("InvalidJobIdException", 400, "client");
    if (job.status !== "SUCCEEDED") {
      const failed = job.status === "FAILED";
      return {
        jobStatus: job.status,
        pageCount: 0,
        blocks: [],
        statusMessage: failed ? "INTERNAL_ERROR" : undefined,
      };
    }
    const total = getCallsFor(job.doc);
    const page = nextToken === undefined ? 0 : Number(nextToken);
    if (job.getsLeft > 0) {
      job.getsLeft--;
      this.getsPending--;
      if (job.getsLeft === 0) this.jobsWithPagesPending--;
    }
    return {
      jobStatus: "SUCCEEDED",
      pageCount: job.doc.pages,
      // The first result page names every page; the blocks' text does not matter to throughput.
      blocks: page === 0 ? pageBlocks(job.doc.pages) : [],
      nextToken: page + 1 < total ? String(page + 1) : undefined,
      modelVersion: "1.0",
    };
  }

  /** Accepts a call now, or refuses it: over the quota in the last second, or at random. */
  private admit(api: Api): void {
    const now = this.clock.nowMs();
    const times = this.accepted[api];
    while (this.windowStart[api] < times.length && times[this.windowStart[api]]! <= now - 1000)
      this.windowStart[api]++;
    const quota = api === "start" ? this.settings.quotas.startTps : this.settings.quotas.getTps;
    if (times.length - this.windowStart[api] >= quota) {
      this.refused.quota[api]++;
      throw sdkError("ProvisionedThroughputExceededException", 400, "client");
    }
    if (this.random() < this.settings.throttleRate) {
      this.refused.injected[api]++;
      throw sdkError("ThrottlingException", 400, "client");
    }
    if (this.random() < this.settings.serverErrorRate) {
      this.refused.serverErrors[api]++;
      throw sdkError("InternalServerError", 500, "server");
    }
    times.push(now);
  }

  private finish(job: Job): void {
    this.running--;
    job.status = this.random() < this.settings.jobFailureRate ? "FAILED" : "SUCCEEDED";
    if (job.status === "SUCCEEDED") {
      job.getsLeft = getCallsFor(job.doc);
      this.getsPending += job.getsLeft;
      this.jobsWithPagesPending++;
    }
    const notification: OcrCompletionNotification = {
      JobId: job.id,
      Status: job.status,
      API: "StartDocumentTextDetection",
      JobTag: job.jobTag,
      Timestamp: this.clock.nowMs(),
      DocumentLocation: { S3Bucket: "uploads", S3ObjectName: job.doc.key },
    };
    this.clock.schedule(this.clock.nowMs() + this.settings.snsLatencyMs(), () => this.publish(notification));
  }
}

function pageBlocks(pages: number): TextractBlock[] {
  return Array.from({ length: pages }, (_, i) => ({ Id: `page-${i + 1}`, BlockType: "PAGE", Page: i + 1 }));
}
