import * as mupdf from "mupdf";
import { describe, expect, it } from "vitest";
import {
  deslantedCrop,
  rereadRegion,
  rereadSlantedWords,
  wordsToReread,
} from "../../../shared/adapters/local-ocr/reread-slanted";
import type { GrayImageAtDpi } from "../../../shared/adapters/local-ocr/gray-tiff";
import type { RecognizedPage, RecognizerPool } from "../../../shared/adapters/local-ocr/tesseract-pool";
import type { OcrLine, OcrWord } from "../../../shared/adapters/local-ocr/to-textract-blocks";

const word = (text: string, confidence: number, x0: number, x1: number, y0 = 100, y1 = 130): OcrWord => ({
  text,
  confidence,
  bbox: { x0, y0, x1, y1 },
});

/** A white 400×200 page (200 dpi) with a black block where the handwritten date is. */
function pagePng(): Uint8Array {
  const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, 400, 200], false);
  pix.setResolution(200, 200);
  pix.clear(255);
  const samples = pix.getPixels();
  for (let y = 100; y < 130; y++) for (let x = 220; x < 300; x++) samples[y * pix.getStride() + x] = 0;
  return pix.asPNG();
}

function stubPool(answer: (crop: Uint8Array) => RecognizedPage): RecognizerPool & { crops: Uint8Array[] } {
  const crops: Uint8Array[] = [];
  return {
    size: 1,
    crops,
    recognize: async (image) => {
      crops.push(image);
      return answer(image);
    },
  };
}

const reading = (...words: OcrWord[]): RecognizedPage => ({ lines: [{ words }], confidence: 90 });

describe("reread-slanted", () => {
  const line: OcrLine = {
    words: [word("Birth:", 95, 100, 200), word("471", 44, 230, 290), word("Sex", 30, 330, 380)],
  };

  it("re-reads only unsure words that hold digits, least confident first, at most maxWords", () => {
    const lines: OcrLine[] = [
      line,
      { words: [word("MRN-718029", 58, 10, 100), word("10/3/22", 96, 120, 200), word("1", 20, 210, 220)] },
    ];
    expect(wordsToReread(lines)).toEqual([
      { line: 1, word: 2 },
      { line: 0, word: 1 },
      { line: 1, word: 0 },
    ]);
    expect(wordsToReread(lines, { maxWords: 1 })).toEqual([{ line: 1, word: 2 }]);
  });

  it("widens the region into the gaps beside the word, never over its neighbours", () => {
    expect(rereadRegion(line, 1, 400, 200)).toEqual({ x0: 201, y0: 94, x1: 329, y1: 136 });
    // At the line's start and end: two heights each way, clipped to the page.
    expect(rereadRegion({ words: [word("5/4/71", 40, 10, 60)] }, 0, 100, 200)).toEqual({
      x0: 0,
      y0: 94,
      x1: 100,
      y1: 136,
    });
  });

  it("cuts the region out sheared by `shear` × its height, the same on the first draw as on the next", () => {
    const page = new mupdf.Image(new mupdf.Image(pagePng()).toPixmap());
    const region = { x0: 200, y0: 90, x1: 320, y1: 140 };
    const first = deslantedCrop(page, region, 0.2);
    const crop = new mupdf.Image(first);
    expect([crop.getWidth(), crop.getHeight()]).toEqual([130, 50]);
    expect(deslantedCrop(page, region, 0.2)).toEqual(first);
    const pixels = crop.toPixmap().getPixels();
    expect(Math.min(...pixels)).toBe(0); // the block is in the crop
  });

  it("replaces a word only with one confident reading that holds a digit", async () => {
    const png = pagePng();
    const size = { width: 400, height: 200 };
    const better = stubPool(() => reading(word(":", 20, 0, 5), word("5/4/71", 95, 10, 90)));
    const [fixed] = await rereadSlantedWords(png, size, [line], better);
    expect(fixed?.words.map((w) => w.text)).toEqual(["Birth:", "5/4/71", "Sex"]);
    expect(fixed?.words[1]?.confidence).toBe(95);
    expect(better.crops).toHaveLength(1);
    expect(line.words[1]?.text).toBe("471"); // input untouched

    for (const answer of [
      reading(word("5/4/71", 70, 10, 90)), // not sure enough
      reading(word("5/4", 95, 10, 40), word("71", 95, 50, 90)), // two words
      reading(word("Sox", 95, 10, 90)), // no digit
      reading(), // nothing
    ]) {
      const [kept] = await rereadSlantedWords(
        png,
        size,
        [line],
        stubPool(() => answer),
      );
      expect(kept?.words[1]?.text).toBe("471");
    }
  });

  it("sends a page's crops at once to a pool that reads many together, with the same outcome", async () => {
    const png = pagePng();
    const size = { width: 400, height: 200 };
    const two: OcrLine = {
      words: [
        word("Birth:", 95, 20, 100),
        word("471", 44, 110, 160),
        word("Visit:", 95, 200, 260),
        word("1/2", 50, 270, 320),
      ],
    };
    const batches: GrayImageAtDpi[][] = [];
    const batched: RecognizerPool = {
      size: 1,
      recognize: () => Promise.reject(new Error("one by one")),
      recognizeAll: async (crops) => {
        batches.push([...crops]);
        return crops.map((_, i) => (i === 0 ? reading(word("5/4/71", 95, 10, 90)) : reading()));
      },
    };
    const [fixed] = await rereadSlantedWords(png, size, [two], batched);
    expect(batches).toHaveLength(1);
    // Least confident first: "471" (44), then "1/2" (50); each crop the region's size, at the page's resolution.
    expect(batches[0]!.map((c) => [c.height, c.dpi])).toEqual([
      [42, 200],
      [42, 200],
    ]);
    expect(batches[0]!.every((c) => c.pixels.length === c.width * c.height)).toBe(true);
    expect(fixed?.words.map((w) => w.text)).toEqual(["Birth:", "5/4/71", "Visit:", "1/2"]);

    const failing: RecognizerPool = { ...batched, recognizeAll: () => Promise.reject(new Error("timeout")) };
    const [kept] = await rereadSlantedWords(png, size, [two], failing);
    expect(kept?.words.map((w) => w.text)).toEqual(["Birth:", "471", "Visit:", "1/2"]);
  });

  it("keeps the first reading when the re-read fails, and skips a word with no room between its neighbours", async () => {
    const png = pagePng();
    const size = { width: 400, height: 200 };
    const failing: RecognizerPool = { size: 1, recognize: async () => Promise.reject(new Error("timeout")) };
    const [kept] = await rereadSlantedWords(png, size, [line], failing);
    expect(kept?.words.map((w) => w.text)).toEqual(["Birth:", "471", "Sex"]);

    // The neighbours' boxes overlap the word's: the widened region is empty, nothing is recognized.
    const squeezed: OcrLine = {
      words: [word("Birth:", 95, 100, 260), word("471", 44, 230, 290), word("Sex", 30, 240, 380)],
    };
    const pool = stubPool(() => reading(word("5/4/71", 95, 10, 90)));
    const [same] = await rereadSlantedWords(png, size, [squeezed], pool);
    expect(pool.crops).toHaveLength(0);
    expect(same?.words[1]?.text).toBe("471");
  });
});
