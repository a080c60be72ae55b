/** Renders one page of a scan as a PNG for people to look at (port; mupdf in shared/adapters/local-ocr). */
export interface PageImageRenderer {
  /** `page` is 1-based within the uploaded file. */
  render(scan: Uint8Array, page: number): Promise<PageImage>;
}

/** Pages of a scan copied into a PDF of their own (port; mupdf in shared/adapters/local-ocr). */
export interface PageRangeExtractor {
  /** `first` and `last` are 1-based within the uploaded file, inclusive. */
  extractPdf(scan: Uint8Array, first: number, last: number): Promise<Uint8Array>;
}

export interface PageImage {
  png: Uint8Array;
  width: number;
  height: number;
  pageCount: number;
}
