import { largePdf, largeTiff, MiB } from "./large-uploads";

/**
 * Five uploads at or near Textract's 500 MiB limit, as one SQS batch: three to register, one refused for its
 * page size, one over the limit. The expected outcome is what the records table must show afterwards.
 */
export const BATCH: {
  key: string;
  size: number;
  body: () => Iterable<Buffer>;
  expected: { status: string; reasonCode?: string };
}[] = [
  {
    key: "vendor/batch/one.pdf",
    size: 480 * MiB,
    body: () => largePdf(480 * MiB, 1),
    expected: { status: "OCR_PENDING" },
  },
  {
    key: "vendor/batch/two.tif",
    size: 450 * MiB,
    body: () => largeTiff(45, 10_000, 1_000),
    expected: { status: "OCR_PENDING" },
  },
  {
    key: "vendor/batch/three.pdf",
    size: 500 * MiB,
    body: () => largePdf(500 * MiB, 3),
    expected: { status: "OCR_PENDING" },
  },
  {
    key: "vendor/batch/poster.pdf",
    size: 450 * MiB,
    body: () => largePdf(450 * MiB, 4, [200, 200]),
    expected: { status: "REJECTED", reasonCode: "PAGE_TOO_LARGE" },
  },
  {
    key: "vendor/batch/too-big.pdf",
    size: 520 * MiB,
    body: () => largePdf(520 * MiB, 5),
    expected: { status: "REJECTED", reasonCode: "TOO_LARGE" },
  },
];
