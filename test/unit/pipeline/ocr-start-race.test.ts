import { ThrottlingException } from "@aws-sdk/client-textract";
import { describe, expect, it } from "vitest";
import { documentIdFor } from "../../../shared/domain/document-id";
import { completeOcr, OcrCompletionTooEarlyError } from "../../../shared/pipeline/complete-ocr";
import { ingestUpload } from "../../../shared/pipeline/ingest-upload";
import { inMemoryDeps } from "../../support/in-memory-ports";
import { ScriptedOcrEngine } from "./scripted-ocr-engine";

/** A valid 8×8 white PNG: passes intake validation. */
const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAAAAADhZOFXAAAADklEQVR4nGP4DwUMlDEA98A/wbI0QbsAAAAASUVORK5CYII=",
  "base64",
);
const upload = { bucket: "uploads", key: "acme/b/chart.png", etag: "e1" };
const id = documentIdFor(upload);

function setup() {
  const ocr = new ScriptedOcrEngine();
  const env = inMemoryDeps(ocr);
  env.objects.put(upload.bucket, upload.key, TINY_PNG);
  return { ocr, ...env };
}

describe("OCR start and completion, in any order", () => {
  it("fails the record when its OCR job fails at once and the completion is delivered before startJob returns", async () => {
    const { ocr, deps, records } = setup();
    ocr.outcome = "FAILED";
    ocr.onStarted = async (notification) => void (await completeOcr(notification, deps));

    await ingestUpload(upload, deps);

    const record = records.records.get(id)!;
    expect(record.status).toBe("FAILED");
    expect(record.statusReason).toBe("OCR_FAILED");
    expect(record.ocr?.jobId).toBe(`job-${id}`);
  });

  it("extracts the record when an instant job succeeds before startJob returns", async () => {
    const { ocr, deps, records } = setup();
    ocr.outcome = "SUCCEEDED";
    ocr.onStarted = async (notification) => void (await completeOcr(notification, deps));

    await ingestUpload(upload, deps);

    // One blank page: extraction finds no text, so the record goes to review with that reason.
    expect(records.records.get(id)).toMatchObject({ status: "NEEDS_REVIEW", statusReason: "NO_TEXT_FOUND" });
  });

  it("completes normally when the completion arrives after the job id is recorded, and ignores its redelivery", async () => {
    const { ocr, deps, records } = setup();
    ocr.outcome = "FAILED";
    await ingestUpload(upload, deps);
    expect(records.records.get(id)).toMatchObject({ status: "OCR_PENDING", ocr: { jobId: `job-${id}` } });

    const notification = ocr.completion(`job-${id}`);
    expect(await completeOcr(notification, deps)).toEqual({ documentId: id, status: "FAILED" });
    expect(await completeOcr(notification, deps)).toEqual({ documentId: id, status: "IGNORED" });
    expect(records.records.get(id)!.status).toBe("FAILED");
  });

  it("leaves a finished record alone when the upload event is delivered again", async () => {
    const { ocr, deps, records } = setup();
    ocr.onStarted = async (notification) => void (await completeOcr(notification, deps));
    await ingestUpload(upload, deps);
    const version = records.records.get(id)!.version;

    expect(await ingestUpload(upload, deps)).toEqual({ documentId: id, status: "UNCHANGED" });
    expect(records.records.get(id)!.version).toBe(version);
    expect(ocr.starts).toHaveLength(1);
  });

  it("resumes a start that was throttled with the same job key, so the job is started once", async () => {
    const { ocr, deps, records } = setup();
    ocr.startError = new ThrottlingException({ message: "slow down", $metadata: {} });
    await expect(ingestUpload(upload, deps)).rejects.toThrow(ThrottlingException);
    expect(records.records.get(id)).toMatchObject({ status: "OCR_PENDING", ocr: { jobKey: id } });

    ocr.startError = undefined;
    ocr.outcome = "IN_PROGRESS";
    await ingestUpload(upload, deps); // the message, redelivered
    expect(ocr.starts.map((s) => s.jobKey)).toEqual([id, id]);
    expect(ocr.jobs.size).toBe(1);
    expect(records.records.get(id)!.ocr?.jobId).toBe(`job-${id}`);
  });

  it("sends back a completion for a record that is not waiting for OCR yet (the message is retried)", async () => {
    const { ocr, deps, records } = setup();
    ocr.outcome = "IN_PROGRESS";
    await ingestUpload(upload, deps);
    const pending = records.records.get(id)!;
    // A record as an older ingest left it: RECEIVED while its job already runs.
    records.put({ ...pending, status: "RECEIVED", ocr: undefined });
    ocr.finish(`job-${id}`, "FAILED");

    await expect(completeOcr(ocr.completion(`job-${id}`), deps)).rejects.toThrow(OcrCompletionTooEarlyError);
    expect(new OcrCompletionTooEarlyError(id).retryable).toBe(true);
    expect(records.records.get(id)!.status).toBe("RECEIVED");
  });

  it("ignores a late completion of an earlier attempt's job once a new job was started", async () => {
    const { ocr, deps, records } = setup();
    ocr.outcome = "IN_PROGRESS";
    await ingestUpload(upload, deps);
    const first = records.records.get(id)!;
    records.put({ ...first, ocr: { ...first.ocr!, jobId: undefined, jobKey: `${id}-r2`, attempt: 2 } });
    ocr.finish(`job-${id}`, "FAILED");

    expect(await completeOcr(ocr.completion(`job-${id}`), deps)).toMatchObject({ status: "IGNORED" });
    expect(records.records.get(id)!.status).toBe("OCR_PENDING");
  });
});
