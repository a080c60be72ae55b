import * as mupdf from "mupdf";

/**
 * Calls `visit` with each image drawn on `page` and the matrix that places it (in points), freeing each image
 * after the visit. Only headers are read: running a page through a custom device decodes no pixels.
 */
export function forEachDrawnImage(
  page: mupdf.Page,
  visit: (image: mupdf.Image, ctm: mupdf.Matrix) => void,
): void {
  const device = new mupdf.Device({
    fillImage(image: mupdf.Image, ctm: mupdf.Matrix) {
      try {
        visit(image, ctm);
      } finally {
        image.destroy();
      }
    },
  });
  try {
    page.run(device, mupdf.Matrix.identity);
    device.close();
  } finally {
    device.destroy();
  }
}
