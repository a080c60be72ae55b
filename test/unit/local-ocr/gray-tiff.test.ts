import * as mupdf from "mupdf";
import { describe, expect, it } from "vitest";
import { encodeGrayTiff, type GrayImageAtDpi } from "../../../shared/adapters/local-ocr/gray-tiff";

const grey = (
  width: number,
  height: number,
  dpi: number,
  shade: (x: number, y: number) => number,
): GrayImageAtDpi => {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = shade(x, y);
  return { width, height, pixels, stride: width, dpi };
};

describe("encodeGrayTiff", () => {
  it("writes one TIFF page per image, with its size, resolution and pixels", () => {
    // Odd sizes: the pad byte after odd pixel data keeps the next page's directory readable.
    const images = [
      grey(5, 3, 300, (x) => (x < 2 ? 0 : 255)),
      grey(7, 9, 200, (_x, y) => y * 20),
      grey(1, 1, 150, () => 128),
    ];
    const doc = mupdf.Document.openDocument(encodeGrayTiff(images), "image/tiff");
    try {
      expect(doc.countPages()).toBe(3);
      images.forEach((img, i) => {
        const page = doc.loadPage(i);
        // Page size in points: pixels at the image's resolution.
        const [x0, y0, x1, y1] = page.getBounds();
        expect(x1 - x0).toBeCloseTo((img.width * 72) / img.dpi, 3);
        expect(y1 - y0).toBeCloseTo((img.height * 72) / img.dpi, 3);
        const pix = page.toPixmap(
          mupdf.Matrix.scale(img.dpi / 72, img.dpi / 72),
          mupdf.ColorSpace.DeviceGray,
        );
        const samples = pix.getPixels();
        const stride = pix.getStride();
        const read = Array.from({ length: img.height }, (_, y) => [
          ...samples.subarray(y * stride, y * stride + img.width),
        ]);
        const want = Array.from({ length: img.height }, (_, y) => [
          ...img.pixels.subarray(y * img.width, (y + 1) * img.width),
        ]);
        expect(read).toEqual(want);
        pix.destroy();
        page.destroy();
      });
    } finally {
      doc.destroy();
    }
  });

  it("writes only the image's own pixels of rows longer than it (a stride wider than the width)", () => {
    // 3 × 2 pixels in rows of 5 bytes; the 2 bytes past each row are padding (7 = not the image's).
    const pixels = Uint8Array.from([0, 50, 100, 7, 7, 150, 200, 250, 7, 7]);
    const doc = mupdf.Document.openDocument(
      encodeGrayTiff([{ width: 3, height: 2, stride: 5, pixels, dpi: 72 }]),
      "image/tiff",
    );
    try {
      const pix = doc.loadPage(0).toPixmap(mupdf.Matrix.identity, mupdf.ColorSpace.DeviceGray);
      const s = pix.getStride();
      const read = [0, 1].map((y) => [...pix.getPixels().subarray(y * s, y * s + 3)]);
      expect(read).toEqual([
        [0, 50, 100],
        [150, 200, 250],
      ]);
    } finally {
      doc.destroy();
    }
  });

  it("refuses no image, and pixels that do not match the size", () => {
    expect(() => encodeGrayTiff([])).toThrow(/no image/);
    expect(() =>
      encodeGrayTiff([{ width: 2, height: 2, stride: 2, pixels: new Uint8Array(3), dpi: 300 }]),
    ).toThrow(/do not match/);
  });
});
