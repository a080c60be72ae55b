import {
  GetDocumentAnalysisCommand,
  StartDocumentAnalysisCommand,
  StartDocumentTextDetectionCommand,
  TextractClient,
} from "@aws-sdk/client-textract";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { CHART_QUERIES, TextractOcrEngine } from "../../../shared/adapters/textract/textract-ocr-engine";

const textract = mockClient(TextractClient);
const engine = () =>
  new TextractOcrEngine({
    client: new TextractClient({ region: "us-east-1" }),
    snsTopicArn: "arn:aws:sns:us-east-1:123456789012:textract-done",
    roleArn: "arn:aws:iam::123456789012:role/textract-publish",
  });
const request = {
  documentId: "doc_0123456789abcdef0123456789abcdef",
  bucket: "uploads",
  key: "v/b/chart.pdf",
  versionId: "v1",
};

describe("Textract OCR engine", () => {
  beforeEach(() => textract.reset());

  it("starts text detection with the SNS channel, the object version, and the document id as token and tag", async () => {
    textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-1" });
    await expect(engine().startJob({ ...request, features: "text" })).resolves.toEqual({ jobId: "job-1" });
    expect(textract.commandCalls(StartDocumentTextDetectionCommand)[0]!.args[0].input).toEqual({
      DocumentLocation: { S3Object: { Bucket: "uploads", Name: "v/b/chart.pdf", Version: "v1" } },
      ClientRequestToken: request.documentId,
      JobTag: request.documentId,
      NotificationChannel: {
        SNSTopicArn: "arn:aws:sns:us-east-1:123456789012:textract-done",
        RoleArn: "arn:aws:iam::123456789012:role/textract-publish",
      },
    });
  });

  it("asks for FORMS and TABLES, plus the chart QUERIES when that feature set is chosen", async () => {
    textract.on(StartDocumentAnalysisCommand).resolves({ JobId: "job-2" });
    await engine().startJob({ ...request, features: "forms" });
    await engine().startJob({ ...request, features: "queries" });
    const [forms, queries] = textract.commandCalls(StartDocumentAnalysisCommand).map((c) => c.args[0].input);
    expect(forms!.FeatureTypes).toEqual(["FORMS", "TABLES"]);
    expect(forms!.QueriesConfig).toBeUndefined();
    expect(queries!.FeatureTypes).toEqual(["FORMS", "TABLES", "QUERIES"]);
    expect(queries!.QueriesConfig?.Queries).toEqual(CHART_QUERIES);
    expect(CHART_QUERIES.length).toBeLessThanOrEqual(30);
  });

  it("reads analysis results a page of at most 1,000 blocks at a time, passing the token on", async () => {
    textract.on(GetDocumentAnalysisCommand).resolves({
      JobStatus: "SUCCEEDED",
      DocumentMetadata: { Pages: 3 },
      Blocks: [{ Id: "b1", BlockType: "PAGE" }],
      NextToken: "t2",
      AnalyzeDocumentModelVersion: "1.0",
    });
    const page = await engine().getResultPage("job-2", "forms", "t1");
    expect(textract.commandCalls(GetDocumentAnalysisCommand)[0]!.args[0].input).toEqual({
      JobId: "job-2",
      MaxResults: 1000,
      NextToken: "t1",
    });
    expect(page).toMatchObject({
      jobStatus: "SUCCEEDED",
      pageCount: 3,
      nextToken: "t2",
      modelVersion: "1.0",
    });
    expect(page.blocks).toHaveLength(1);
  });

  it("fails loudly when Textract returns no job id", async () => {
    textract.on(StartDocumentTextDetectionCommand).resolves({});
    await expect(engine().startJob({ ...request, features: "text" })).rejects.toThrow(/no JobId/);
  });
});
