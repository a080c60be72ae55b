/** Renders one page of a scan as a PNG for people to look at (port; mupdf in shared/adapters/local-ocr). */
export interface PageImageRenderer {
  /** `page` is 1-based within the uploaded file. */
  render(scan: Uint8Array, page: number): Promise<PageImage>;
}

export interface PageImage {
  png: Uint8Array;
  width: number;
  height: number;
  pageCount: number;
}
