import type { PageImage, PageImageRenderer } from "../../api/page-images";
import { withPages } from "./render-pages";

/** Display resolution: enough to read a chart on screen, a fraction of OCR's 300 dpi pixels. */
const DISPLAY_DPI = 150;

/**
 * Page images for people, rendered with mupdf the way OCR saw the page (straightened, levels cleaned),
 * so the boxes of the extracted fields fall where the words are; table rules are kept.
 */
export const mupdfPageImages: PageImageRenderer = {
  async render(scan: Uint8Array, page: number): Promise<PageImage> {
    return withPages(scan, (doc) => {
      const rendered = doc.render(page, {
        dpi: DISPLAY_DPI,
        color: "gray",
        removeRuleLines: false,
        cleanUp: true,
      });
      return { png: rendered.png, width: rendered.width, height: rendered.height, pageCount: doc.pageCount };
    });
  },
};
