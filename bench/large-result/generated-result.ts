/**
 * A Textract stand-in whose job result is a document of any length, generated one Get… response at a time
 * (1,000 blocks) from real Textract pages (test/fixtures/textract, mixed FORMS/TABLES/QUERIES and text
 * pages): the bench measures what ocr-complete holds, not what the stand-in holds. Page n is template
 * page n mod T with its block ids made unique and its Page set to n.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { OcrCompletionNotification, OcrEngine, OcrResultPage } from "../../shared/ocr/ocr-engine";
import type { TextractBlock, TextractDocument } from "../../shared/ocr/textract-blocks";

const FIXTURES = new URL("../../test/fixtures/textract/", import.meta.url);
/** The densest real pages (300 blocks on average, about 0.26 MB of JSON per page, as dense typed charts). */
const TEMPLATE_FILES = [
  "180-degree-roation.json",
  "queries_sample.json",
  "patient_intake_form_sample.json",
  "multi_page_example_file.json",
  "test_detect_no_duplicate_words_patient_intake_form_sample.png.json",
  "tpipelinegeofinder_patient_intake_form_sample.json",
];
const RESULT_PAGE_SIZE = 1000;

/** Every page of the template files, its blocks in order (the PAGE block first). */
export function templatePages(): TextractBlock[][] {
  const available = new Set(readdirSync(FIXTURES));
  const pages: TextractBlock[][] = [];
  for (const file of TEMPLATE_FILES.filter((f) => available.has(f))) {
    const doc = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8")) as TextractDocument;
    const byPage = new Map<number, TextractBlock[]>();
    for (const b of doc.Blocks) {
      const n = b.Page ?? 1;
      if (!byPage.has(n)) byPage.set(n, []);
      byPage.get(n)!.push(b);
    }
    for (const [, blocks] of [...byPage].sort((a, b) => a[0] - b[0])) pages.push(blocks);
  }
  return pages;
}

function blockOfPage(template: TextractBlock, page: number): TextractBlock {
  return {
    ...template,
    Id: `${template.Id}-${page}`,
    Page: page,
    ...(template.Relationships
      ? {
          Relationships: template.Relationships.map((r) => ({
            ...r,
            Ids: (r.Ids ?? []).map((id) => `${id}-${page}`),
          })),
        }
      : {}),
  };
}

export class GeneratedResultEngine implements OcrEngine {
  readonly name = "generated";
  private readonly templates = templatePages();
  /** Blocks before each page: the response holding block k is found without generating earlier pages. */
  private readonly firstBlock: number[] = [];
  readonly totalBlocks: number;
  gets = 0;

  constructor(readonly pages: number) {
    let total = 0;
    for (let n = 1; n <= pages; n++) {
      this.firstBlock.push(total);
      total += this.template(n).length;
    }
    this.totalBlocks = total;
  }

  async startJob(): Promise<{ jobId: string }> {
    return { jobId: "generated-job" };
  }

  async getResultPage(_jobId: string, _features: unknown, nextToken?: string): Promise<OcrResultPage> {
    this.gets++;
    const from = nextToken === undefined ? 0 : Number(nextToken);
    const to = Math.min(from + RESULT_PAGE_SIZE, this.totalBlocks);
    const blocks: TextractBlock[] = [];
    let page = this.pageOfBlock(from);
    let k = from;
    while (k < to) {
      const template = this.template(page);
      const offset = k - this.firstBlock[page - 1]!;
      for (let i = offset; i < template.length && k < to; i++, k++)
        blocks.push(blockOfPage(template[i]!, page));
      page++;
    }
    return {
      jobStatus: "SUCCEEDED",
      pageCount: this.pages,
      blocks,
      modelVersion: "1.0",
      nextToken: to < this.totalBlocks ? String(to) : undefined,
    };
  }

  completion(jobTag: string): OcrCompletionNotification {
    return {
      JobId: "generated-job",
      Status: "SUCCEEDED",
      API: "StartDocumentAnalysis",
      JobTag: jobTag,
      Timestamp: Date.now(),
      DocumentLocation: { S3Bucket: "uploads", S3ObjectName: "vendor/batch/large.pdf" },
    };
  }

  private template(page: number): TextractBlock[] {
    return this.templates[(page - 1) % this.templates.length]!;
  }

  private pageOfBlock(k: number): number {
    let lo = 0;
    let hi = this.firstBlock.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstBlock[mid]! <= k) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
