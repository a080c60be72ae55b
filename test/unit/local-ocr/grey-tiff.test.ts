import * as mupdf from "mupdf";
import { describe, expect, it } from "vitest";
import { encodeGreyTiff, type GreyImage } from "../../../shared/adapters/local-ocr/grey-tiff";

const grey = (
  width: number,
  height: number,
  dpi: number,
  shade: (x: number, y: number) => number,
): GreyImage => {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = shade(x, y);
  return { width, height, pixels, dpi };
};

describe("encodeGreyTiff", () => {
  it("writes one TIFF page per image, with its size, resolution and pixels", () => {
    // Odd sizes: the pad byte after odd pixel data keeps the next page's directory readable.
    const images = [
      grey(5, 3, 300, (x) => (x < 2 ? 0 : 255)),
      grey(7, 9, 200, (_x, y) => y * 20),
      grey(1, 1, 150, () => 128),
    ];
    const doc = mupdf.Document.openDocument(encodeGreyTiff(images), "image/tiff");
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

  it("refuses no image, and pixels that do not match the size", () => {
    expect(() => encodeGreyTiff([])).toThrow(/no image/);
    expect(() => encodeGreyTiff([{ width: 2, height: 2, pixels: new Uint8Array(3), dpi: 300 }])).toThrow(
      /do not match/,
    );
  });
});
