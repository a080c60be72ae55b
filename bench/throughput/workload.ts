/**
 * The documents of a throughput run: page counts with a long tail, and what Textract does with each (how long
 * its job runs, how many result pages its Get… paging takes). Seeded: the same seed, the same documents.
 */
export interface SimDocument {
  index: number;
  key: string;
  pages: number;
  /** How long Textract takes on it (ms). */
  jobMs: number;
  /** Blocks in its result (PAGE, LINE and WORD): Get… returns at most 1,000 per call. */
  blocks: number;
  /** Upload time, from the start of the burst (ms). */
  uploadAtMs: number;
}

export interface WorkloadSettings {
  documents: number;
  /** Uploads spread evenly over this long (a burst: seconds for thousands of scans). */
  burstMs: number;
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Pages: log-normal around a median of 2.5 (a note, a lab report, a discharge summary…) with a long tail of
 * whole records up to 300 pages. A job takes about 2 s plus 1.2 s a page, ± 30 % (log-normal): seconds for a
 * short document, minutes for a long one. A text page holds 150–450 blocks (words and lines).
 */
export function workload(settings: WorkloadSettings, random: () => number): SimDocument[] {
  return Array.from({ length: settings.documents }, (_, index) => {
    const pages = Math.min(300, Math.max(1, Math.round(2.5 * Math.exp(1.1 * normal(random)))));
    const jobMs = Math.round((2_000 + 1_200 * pages) * Math.exp(0.3 * normal(random)));
    let blocks = 0;
    for (let p = 0; p < pages; p++) blocks += 150 + Math.floor(random() * 300);
    return {
      index,
      key: `vendor-${index % 7}/burst/scan-${String(index).padStart(6, "0")}.pdf`,
      pages,
      jobMs,
      blocks,
      uploadAtMs: Math.floor((index / settings.documents) * settings.burstMs),
    };
  });
}

/** Get… calls a document's result takes at best (1,000 blocks per page of results). */
export const getCallsFor = (doc: SimDocument) => Math.max(1, Math.ceil(doc.blocks / 1000));
