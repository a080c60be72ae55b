import type {
  OcrCompletionNotification,
  OcrEngine,
  OcrJobStatus,
  OcrResultPage,
  StartOcrJobRequest,
} from "../../../shared/ocr/ocr-engine";

/**
 * An OCR engine whose jobs end as the test says. Like Textract, the same job key always gives the same job;
 * `onStarted` runs inside startJob, before it returns (a job that finishes at once and publishes then).
 */
export class ScriptedOcrEngine implements OcrEngine {
  readonly name = "scripted";
  readonly starts: StartOcrJobRequest[] = [];
  readonly jobs = new Map<string, { status: OcrJobStatus; jobTag: string }>();
  /** The status a new job gets. */
  outcome: OcrJobStatus = "FAILED";
  onStarted?: (notification: OcrCompletionNotification) => Promise<void>;
  startError?: Error;

  async startJob(request: StartOcrJobRequest): Promise<{ jobId: string }> {
    this.starts.push(request);
    if (this.startError) throw this.startError;
    const jobTag = request.jobKey ?? request.documentId;
    const jobId = `job-${jobTag}`;
    if (this.jobs.has(jobId)) return { jobId };
    this.jobs.set(jobId, { status: this.outcome, jobTag });
    if (this.outcome !== "IN_PROGRESS") await this.onStarted?.(this.completion(jobId));
    return { jobId };
  }

  async getResultPage(jobId: string): Promise<OcrResultPage> {
    const job = this.jobs.get(jobId);
    if (!job) throw Object.assign(new Error("unknown job"), { name: "InvalidJobIdException" });
    return {
      jobStatus: job.status,
      pageCount: 1,
      blocks: job.status === "SUCCEEDED" ? [{ Id: "p1", BlockType: "PAGE", Page: 1 }] : [],
    };
  }

  /** The notification Textract would publish for the job (as it stands now). */
  completion(jobId: string): OcrCompletionNotification {
    const job = this.jobs.get(jobId)!;
    return {
      JobId: jobId,
      Status: job.status === "IN_PROGRESS" ? "FAILED" : job.status,
      API: "StartDocumentTextDetection",
      JobTag: job.jobTag,
      Timestamp: 0,
      DocumentLocation: { S3Bucket: "uploads", S3ObjectName: "acme/b/chart.png" },
    };
  }

  /** Finishes a running job (the test then delivers its completion, or loses it). */
  finish(jobId: string, status: OcrJobStatus): void {
    this.jobs.get(jobId)!.status = status;
  }
}
