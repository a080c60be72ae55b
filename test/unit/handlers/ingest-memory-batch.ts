import { largePdf, largeTiff, MiB } from "./large-uploads";

export interface LargeUpload {
  key: string;
  size: number;
  body: () => Iterable<Buffer>;
  expected: { status: string; reasonCode?: string };
}

const upload = (
  key: string,
  size: number,
  body: () => Iterable<Buffer>,
  status: string,
  reasonCode?: string,
): LargeUpload => ({ key, size, body, expected: reasonCode ? { status, reasonCode } : { status } });

/**
 * Five uploads at or near Textract's 500 MiB limit, as one SQS batch: three to register, one refused for its
 * page size, one over the limit. The expected outcome is what the records table must show afterwards.
 */
export const BATCH: LargeUpload[] = [
  upload("vendor/batch/one.pdf", 480 * MiB, () => largePdf(480 * MiB, 1), "OCR_PENDING"),
  upload("vendor/batch/two.tif", 450 * MiB, () => largeTiff(45, 10_000, 1_000), "OCR_PENDING"),
  upload("vendor/batch/three.pdf", 500 * MiB, () => largePdf(500 * MiB, 3), "OCR_PENDING"),
  upload(
    "vendor/batch/poster.pdf",
    450 * MiB,
    () => largePdf(450 * MiB, 4, [200, 200]),
    "REJECTED",
    "PAGE_TOO_LARGE",
  ),
  upload("vendor/batch/too-big.pdf", 520 * MiB, () => largePdf(520 * MiB, 5), "REJECTED", "TOO_LARGE"),
];
