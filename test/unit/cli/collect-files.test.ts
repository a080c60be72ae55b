import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectFiles, MissingPathError } from "../../../local/cli/collect-files";

describe("collectFiles", () => {
  let root: string;
  const touch = (...parts: string[]) => {
    const p = join(root, ...parts);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, "x");
    return p;
  };
  const rel = (files: string[]) => files.map((f) => relative(root, f));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "chartbridge-collect-"));
    touch("batch", "a.pdf");
    touch("batch", "B.TIF");
    touch("batch", "c.tiff");
    touch("batch", "notes.txt");
    touch("batch", "manifest.csv");
    touch("batch", ".DS_Store");
    touch("batch", "sub", "d.png");
    touch("batch", "sub", "e.JPG");
    touch("batch", "sub", "f.jpeg");
    touch("batch", "sub", "deeper", "g.pdf");
    touch("batch", "sub", "deeper", "readme.md");
    touch("batch", "empty-folder", ".keep");
    touch("loose", "scan.dat");
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("expands a folder recursively to its scan files only (any case of extension), in a stable order", () => {
    const files = collectFiles([join(root, "batch")]);
    expect(rel(files).sort()).toEqual(
      [
        "batch/a.pdf",
        "batch/B.TIF",
        "batch/c.tiff",
        "batch/sub/d.png",
        "batch/sub/e.JPG",
        "batch/sub/f.jpeg",
        "batch/sub/deeper/g.pdf",
      ].sort(),
    );
    expect(collectFiles([join(root, "batch")])).toEqual(files);
  });

  it("returns absolute paths", () => {
    for (const f of collectFiles([join(root, "batch")])) expect(f.startsWith(root)).toBe(true);
  });

  it("keeps a file named explicitly whatever its extension", () => {
    expect(rel(collectFiles([join(root, "loose", "scan.dat"), join(root, "batch", "notes.txt")]))).toEqual([
      "loose/scan.dat",
      "batch/notes.txt",
    ]);
  });

  it("removes duplicates when a file is named and also inside a named folder, or named twice", () => {
    const a = join(root, "batch", "a.pdf");
    const files = collectFiles([a, join(root, "batch"), `${root}/batch/./a.pdf`, join(root, "batch", "sub")]);
    expect(new Set(files).size).toBe(files.length);
    expect(rel(files).filter((f) => f === "batch/a.pdf")).toHaveLength(1);
    expect(rel(files).filter((f) => f === "batch/sub/d.png")).toHaveLength(1);
    expect(files).toHaveLength(7);
    expect(files[0]).toBe(a);
  });

  it("returns nothing for a folder without scans", () => {
    expect(collectFiles([join(root, "batch", "empty-folder")])).toEqual([]);
  });

  it("throws MissingPathError naming the path as given for one that does not exist", () => {
    const missing = join(root, "nope", "chart.pdf");
    let caught: unknown;
    try {
      collectFiles([join(root, "batch"), missing]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MissingPathError);
    expect((caught as MissingPathError).path).toBe(missing);
    expect((caught as Error).message).toContain(missing);
  });
});
