import { describe, expect, it } from "vitest";
import { documentIdFor, isDocumentId } from "../../../shared/domain/document-id";

/** Textract's ClientRequestToken / JobTag constraints. */
const CLIENT_REQUEST_TOKEN = /^[a-zA-Z0-9-_]+$/;

describe("documentIdFor", () => {
  const base = {
    bucket: "scans",
    key: "acme/batch-1/chart 1.pdf",
    etag: '"9b2cf535f27731c974343645a3985328"',
  };

  it("gives the same id for the same bucket, key and ETag (a re-delivered event)", () => {
    expect(documentIdFor(base)).toBe(documentIdFor({ ...base }));
  });

  it("ignores the quotes around the ETag", () => {
    expect(documentIdFor({ ...base, etag: "9b2cf535f27731c974343645a3985328" })).toBe(documentIdFor(base));
  });

  it("gives a different id for a different ETag (the key was overwritten)", () => {
    expect(documentIdFor({ ...base, etag: '"0000f535f27731c974343645a3985328"' })).not.toBe(
      documentIdFor(base),
    );
  });

  it("gives a different id for a different versionId", () => {
    const v1 = documentIdFor({
      bucket: "scans",
      key: "a.pdf",
      versionId: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
    });
    const v2 = documentIdFor({
      bucket: "scans",
      key: "a.pdf",
      versionId: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHZ",
    });
    expect(v1).not.toBe(v2);
  });

  it("gives a different id for a different bucket or key", () => {
    const id = documentIdFor(base);
    expect(documentIdFor({ ...base, bucket: "scans-2" })).not.toBe(id);
    expect(documentIdFor({ ...base, key: "acme/batch-1/chart 2.pdf" })).not.toBe(id);
  });

  it("produces ids that are valid Textract ClientRequestTokens and recognized by isDocumentId", () => {
    const sources = [
      base,
      { bucket: "b", key: "k" },
      { bucket: "scans", key: "weird/ключ ✓ %2C+&=?.pdf", versionId: "null" },
      { bucket: "x".repeat(63), key: "y".repeat(1024), etag: '"abc-12"' },
    ];
    for (const s of sources) {
      const id = documentIdFor(s);
      expect(id).toMatch(CLIENT_REQUEST_TOKEN);
      expect(id.length).toBeLessThanOrEqual(64);
      expect(isDocumentId(id)).toBe(true);
    }
  });
});

describe("isDocumentId", () => {
  it.each([
    "",
    "doc_",
    "doc_0123456789abcdef0123456789abcde", // 31 hex
    "doc_0123456789abcdef0123456789abcdef0", // 33 hex
    "doc_0123456789ABCDEF0123456789ABCDEF", // upper case
    "DOC_0123456789abcdef0123456789abcdef",
    "xdoc_0123456789abcdef0123456789abcdef",
    "doc_0123456789abcdef0123456789abcdeg",
    "../doc_0123456789abcdef0123456789abcdef",
  ])("rejects %j", (value) => {
    expect(isDocumentId(value)).toBe(false);
  });

  it("accepts doc_ followed by 32 lower-case hex digits", () => {
    expect(isDocumentId("doc_0123456789abcdef0123456789abcdef")).toBe(true);
  });
});
