import {
  GetDocumentAnalysisCommand,
  GetDocumentTextDetectionCommand,
  StartDocumentAnalysisCommand,
  StartDocumentTextDetectionCommand,
  TextractClient,
  type FeatureType,
  type TextractClientConfig,
} from "@aws-sdk/client-textract";
import type { OcrEngine, OcrFeatureSet, OcrResultPage, StartOcrJobRequest } from "../../ocr/ocr-engine";
import type { TextractBlock } from "../../ocr/textract-blocks";
import { GovernedRetryStrategy } from "./governed-retry-strategy";

/** Questions asked when the `queries` feature set is on (at most 30 per page for async jobs). */
export const CHART_QUERIES = [
  { Text: "What is the patient's name?", Alias: "patientName" },
  { Text: "What is the patient's date of birth?", Alias: "dateOfBirth" },
  { Text: "What is the medical record number?", Alias: "mrn" },
  { Text: "What is the date of service?", Alias: "dateOfService" },
  { Text: "What is the patient's sex?", Alias: "sex" },
  { Text: "Who is the attending physician?", Alias: "provider" },
];

const FEATURES: Record<Exclude<OcrFeatureSet, "text">, FeatureType[]> = {
  forms: ["FORMS", "TABLES"],
  queries: ["FORMS", "TABLES", "QUERIES"],
};

export interface TextractOcrEngineOptions {
  client?: TextractClient;
  region?: string;
  /** SNS topic Textract notifies on completion, and the role it assumes to publish there. */
  snsTopicArn: string;
  roleArn: string;
  /**
   * Who retries throttled calls: the throughput governor (the SDK retries only network errors and 5xx), or,
   * without one, the SDK's adaptive mode (6 attempts, backing off inside the Lambda).
   */
  throttling?: "governor" | "sdk";
}

/**
 * The Textract client's retry settings. With the throughput governor, the SDK retries network errors and 5xx
 * only (GovernedRetryStrategy); without it, adaptive retries back off on ThrottlingException and
 * ProvisionedThroughputExceededException themselves (6 attempts).
 */
export function textractRetries(
  throttling: TextractOcrEngineOptions["throttling"] = "sdk",
): Pick<TextractClientConfig, "retryStrategy" | "retryMode" | "maxAttempts"> {
  return throttling === "governor"
    ? { retryStrategy: new GovernedRetryStrategy() }
    : { retryMode: "adaptive", maxAttempts: 6 };
}

/** The production OCR adapter: Amazon Textract asynchronous jobs with an SNS completion channel. */
export class TextractOcrEngine implements OcrEngine {
  readonly name = "textract";
  private readonly client: TextractClient;

  constructor(private readonly options: TextractOcrEngineOptions) {
    this.client =
      options.client ??
      new TextractClient({ region: options.region, ...textractRetries(options.throttling) });
  }

  async startJob(request: StartOcrJobRequest): Promise<{ jobId: string }> {
    const common = {
      DocumentLocation: {
        S3Object: { Bucket: request.bucket, Name: request.key, Version: request.versionId },
      },
      // Same token → same job: a retried start after a timeout never runs (or bills) OCR twice.
      ClientRequestToken: request.jobKey ?? request.documentId,
      JobTag: request.jobKey ?? request.documentId,
      NotificationChannel: { SNSTopicArn: this.options.snsTopicArn, RoleArn: this.options.roleArn },
    };
    const out =
      request.features === "text"
        ? await this.client.send(new StartDocumentTextDetectionCommand(common))
        : await this.client.send(
            new StartDocumentAnalysisCommand({
              ...common,
              FeatureTypes: FEATURES[request.features],
              QueriesConfig: request.features === "queries" ? { Queries: CHART_QUERIES } : undefined,
            }),
          );
    if (!out.JobId) throw new Error("Textract returned no JobId");
    return { jobId: out.JobId };
  }

  async getResultPage(jobId: string, features: OcrFeatureSet, nextToken?: string): Promise<OcrResultPage> {
    const input = { JobId: jobId, MaxResults: 1000, NextToken: nextToken };
    const out =
      features === "text"
        ? await this.client.send(new GetDocumentTextDetectionCommand(input))
        : await this.client.send(new GetDocumentAnalysisCommand(input));
    const modelVersion =
      (out as { AnalyzeDocumentModelVersion?: string }).AnalyzeDocumentModelVersion ??
      (out as { DetectDocumentTextModelVersion?: string }).DetectDocumentTextModelVersion;
    return {
      jobStatus: out.JobStatus ?? "FAILED",
      statusMessage: out.StatusMessage,
      pageCount: out.DocumentMetadata?.Pages ?? 0,
      blocks: (out.Blocks ?? []) as TextractBlock[],
      nextToken: out.NextToken,
      modelVersion,
      warnings: out.Warnings,
    };
  }
}
