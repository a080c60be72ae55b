import { describe, expect, it } from "vitest";
import { CreateBatchSchema, manifestSha256, MAX_MANIFEST_ENTRIES } from "../../../shared/batches/manifest";

const HASH = "a".repeat(64);
const entry = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  size: 10,
  sha256: HASH,
  ...extra,
});

/** The first problem, as the API's 400 reports it (path and message). */
function problem(body: unknown): string | undefined {
  const result = CreateBatchSchema.safeParse(body);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  return `${issue.path.join(".")}: ${issue.message}`;
}

describe("batch manifest", () => {
  it("accepts a plain manifest, with folders, page counts and references", () => {
    expect(
      problem({ files: [entry("box-1/chart 001.pdf", { pages: 12, reference: "BOX-1" })] }),
    ).toBeUndefined();
  });

  it.each([
    ["../escape.pdf", "must not contain '.' or '..' segments"],
    ["box/../../etc/passwd", "must not contain '.' or '..' segments"],
    ["./chart.pdf", "must not contain '.' or '..' segments"],
    ["/abs/chart.pdf", "must be relative (no leading '/')"],
    ["box\\chart.pdf", "must use '/' between folders, not '\\'"],
    ["box//chart.pdf", "must not contain empty folder names ('//' or a trailing '/')"],
    ["box/", "must not contain empty folder names ('//' or a trailing '/')"],
    ["chart\u0000.pdf", "must not contain control characters"],
    ["chart\n.pdf", "must not contain control characters"],
    ["chart\u001b[31m.pdf", "must not contain control characters"],
    ["chart\ud800.pdf", "must be valid Unicode text"],
    ["", "must not be empty"],
    [`${"x".repeat(256)}.pdf`, "must not have a segment longer than 255 bytes"],
  ])("refuses the hostile name %j, naming the entry and not the name", (name, message) => {
    const answer = problem({ files: [entry("ok.pdf"), entry(name)] });
    expect(answer).toBe(`files.1.name: ${message}`);
  });

  it("refuses duplicate names, also when they differ only in Unicode normalization", () => {
    expect(problem({ files: [entry("a.pdf"), entry("b.pdf"), entry("a.pdf")] })).toBe(
      "files.2.name: duplicates the name of files.0",
    );
    expect(problem({ files: [entry("caf\u00e9.pdf"), entry("cafe\u0301.pdf")] })).toBe(
      "files.1.name: duplicates the name of files.0",
    );
  });

  it.each([
    [{ sha256: "xyz" }, "files.0.sha256: must be 64 hexadecimal digits (the file's SHA-256)"],
    [{ sha256: "a".repeat(63) }, "files.0.sha256: must be 64 hexadecimal digits (the file's SHA-256)"],
    [{ size: -1 }, "files.0.size: must not be negative"],
    [{ size: 1.5 }, "files.0.size: must be a whole number of bytes"],
    [{ size: "10" }, "files.0.size: must be a number of bytes"],
    [{ size: 6 * 1024 ** 3 }, "files.0.size: must be at most 5 GiB (the largest single upload)"],
    [{ pages: 0 }, "files.0.pages: must be at least 1"],
  ])("refuses a malformed entry %j", (extra, message) => {
    expect(problem({ files: [entry("a.pdf", extra)] })).toBe(message);
  });

  it("refuses an empty manifest and one over the entry limit", () => {
    expect(problem({ files: [] })).toBe("files: must list at least one file");
    const many = Array.from({ length: MAX_MANIFEST_ENTRIES + 1 }, (_, i) => entry(`f${i}.pdf`));
    expect(problem({ files: many })).toBe("files: must list at most 50,000 files");
  });

  it("refuses unknown properties and hostile batch names", () => {
    expect(problem({ files: [entry("a.pdf", { owner: "x" })] })).toMatch(/^files\.0: /);
    expect(problem({ name: "../other-vendor", files: [entry("a.pdf")] })).toMatch(/^name: must be 1–100/);
  });

  it("fingerprints a manifest independent of entry order and hash case", () => {
    const a = CreateBatchSchema.parse({
      files: [entry("a.pdf"), entry("b.pdf", { sha256: "B".repeat(64) })],
    });
    const b = CreateBatchSchema.parse({
      files: [entry("b.pdf", { sha256: "b".repeat(64) }), entry("a.pdf")],
    });
    expect(manifestSha256(a.files)).toBe(manifestSha256(b.files));
    const c = CreateBatchSchema.parse({ files: [entry("a.pdf", { size: 11 }), entry("b.pdf")] });
    expect(manifestSha256(c.files)).not.toBe(manifestSha256(a.files));
  });
});
