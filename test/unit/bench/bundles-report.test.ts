import { describe, expect, it } from "vitest";
import { formatBytes, median, packageOf, renderTable, topInputs } from "../../../bench/bundles/report";

describe("bundle report helpers", () => {
  it("attributes esbuild inputs to npm packages (scoped, nested) or project folders", () => {
    expect(packageOf("node_modules/zod/v4/core/schemas.js")).toBe("zod");
    expect(packageOf("node_modules/@aws-sdk/client-s3/dist-es/index.js")).toBe("@aws-sdk/client-s3");
    expect(packageOf("node_modules/@smithy/core/node_modules/@smithy/types/dist-es/a.js")).toBe(
      "@smithy/types",
    );
    expect(packageOf("../../repo/node_modules/mupdf/dist/mupdf.js")).toBe("mupdf");
    expect(packageOf("C:\\repo\\node_modules\\debug\\src\\index.js")).toBe("debug");
    expect(packageOf("shared/extraction/model/document-model.ts")).toBe("shared/extraction");
    expect(packageOf("functions/ingest/handler.ts")).toBe("functions/ingest");
  });

  it("ranks the largest contributors of an output by package or by file", () => {
    const inputs = {
      "node_modules/zod/a.js": { bytesInOutput: 300 },
      "node_modules/zod/b.js": { bytesInOutput: 200 },
      "node_modules/@aws-sdk/client-s3/c.js": { bytesInOutput: 400 },
      "shared/config.ts": { bytesInOutput: 50 },
      "node_modules/types-only/index.js": { bytesInOutput: 0 },
    };
    expect(topInputs(inputs, 2)).toEqual([
      { name: "zod", bytes: 500 },
      { name: "@aws-sdk/client-s3", bytes: 400 },
    ]);
    expect(topInputs(inputs, 10, false).map((s) => s.name)).toEqual([
      "node_modules/@aws-sdk/client-s3/c.js",
      "node_modules/zod/a.js",
      "node_modules/zod/b.js",
      "shared/config.ts",
    ]);
  });

  it("takes the median of unsorted samples", () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it("formats sizes in decimal units, as the 1 MB goal is stated", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(741_234)).toBe("741 kB");
    expect(formatBytes(1_000_000)).toBe("1.00 MB");
    expect(formatBytes(10_409_826)).toBe("10.41 MB");
  });

  it("renders an aligned table with numeric columns right-aligned", () => {
    const table = renderTable(
      ["function", "JS", "init ms"],
      [
        ["api", "786 kB", "235"],
        ["index-records", "962 kB", "1284"],
      ],
    );
    expect(table.split("\n")).toEqual([
      "function           JS  init ms",
      "-------------  ------  -------",
      "api            786 kB      235",
      "index-records  962 kB     1284",
    ]);
  });
});
