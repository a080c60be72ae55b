/**
 * The manifest a vendor declares when creating a batch: every file's name, size and SHA-256, optionally its
 * page count and the vendor's own reference. Hostile or malformed entries are refused with a 400 naming the
 * entry by its position (`body.files.12.name: …`), never by its value: file names may carry patient names.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import * as z from "zod";

/** The most entries one batch may declare (a hospital's box runs to thousands; a batch is a delivery). */
export const MAX_MANIFEST_ENTRIES = 50_000;
/** S3's largest single PUT. Larger files cannot be uploaded in one request (and Textract takes ≤ 500 MB). */
export const MAX_FILE_BYTES = 5 * 1024 ** 3;
/** S3 keys are at most 1,024 bytes; the vendor and batch name take part of that. */
const MAX_KEY_BYTES = 1024;
/** Most file systems' limit on one path segment: a longer one cannot be written back to a folder. */
const MAX_SEGMENT_BYTES = 255;

// C0 and C1 control characters (NUL, newline, escape, DEL …): they break logs, CSV reports and terminals.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Half of a UTF-16 pair on its own: JSON allows it, UTF-8 (and S3 keys) cannot carry it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

export const BATCH_NAME = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    "must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );

/** Why a file name cannot be a key under the batch's prefix; undefined when it can. */
export function fileNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (LONE_SURROGATE.test(name)) return "must be valid Unicode text";
  if (CONTROL.test(name)) return "must not contain control characters";
  if (name.includes("\\")) return "must use '/' between folders, not '\\'";
  if (name.startsWith("/")) return "must be relative (no leading '/')";
  const segments = name.split("/");
  if (segments.some((s) => s === "")) return "must not contain empty folder names ('//' or a trailing '/')";
  if (segments.some((s) => s === "." || s === "..")) return "must not contain '.' or '..' segments";
  if (segments.some((s) => bytes(s) > MAX_SEGMENT_BYTES))
    return `must not have a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  if (bytes(name) > MAX_KEY_BYTES - 200) return `must be at most ${MAX_KEY_BYTES - 200} bytes`;
  return undefined;
}

const fileName = z.string().superRefine((name, ctx) => {
  const problem = fileNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const reference = z
  .string()
  .min(1)
  .max(200, "must be at most 200 characters")
  .refine((s) => !CONTROL.test(s), "must not contain control characters");

export const ManifestEntrySchema = z
  .object({
    name: fileName,
    size: z
      .number("must be a number of bytes")
      .int("must be a whole number of bytes")
      .nonnegative("must not be negative")
      .max(MAX_FILE_BYTES, "must be at most 5 GiB (the largest single upload)"),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hexadecimal digits (the file's SHA-256)")
      .transform((s) => s.toLowerCase()),
    pages: z.number().int("must be a whole number").min(1, "must be at least 1").max(100_000).optional(),
    reference: reference.optional(),
  })
  .strict();
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export const ManifestSchema = z
  .array(ManifestEntrySchema)
  .min(1, "must list at least one file")
  .max(MAX_MANIFEST_ENTRIES, `must list at most ${MAX_MANIFEST_ENTRIES.toLocaleString("en-US")} files`)
  .superRefine((entries, ctx) => {
    // Names differing only in Unicode normalization would be two keys for what a person sees as one file.
    const seen = new Map<string, number>();
    entries.forEach((entry, i) => {
      const normalized = entry.name.normalize("NFC");
      const first = seen.get(normalized);
      if (first !== undefined)
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicates the name of files.${first}` });
      else seen.set(normalized, i);
    });
  });

export const CreateBatchSchema = z
  .object({
    /** Default: one the API makes up (the CLI names batches after the folder and the time). */
    name: BATCH_NAME.optional(),
    reference: reference.optional(),
    /** The batch closes by itself this long after creation; entries never uploaded become MISSING. */
    closesInHours: z
      .number()
      .int("must be a whole number")
      .min(1)
      .max(24 * 30)
      .default(72),
    files: ManifestSchema,
  })
  .strict();
export type CreateBatchRequest = z.infer<typeof CreateBatchSchema>;

/** The manifest's fingerprint, independent of entry order and JSON formatting. */
export function manifestSha256(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return createHash("sha256").update(canonicalize(sorted)!).digest("hex");
}
