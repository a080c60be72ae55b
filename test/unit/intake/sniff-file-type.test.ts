import { describe, expect, it } from "vitest";
import { sniffFileType } from "../../../shared/intake/sniff-file-type";

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

describe("sniffFileType", () => {
  it.each([
    ["pdf", bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")],
    ["tiff", bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0])],
    ["tiff", bytes([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8])],
    ["png", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ["jpeg", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46])],
  ])("recognizes %s", (type, input) => {
    expect(sniffFileType(input)).toBe(type);
  });

  it("accepts a %PDF- header after up to 1024 bytes of junk", () => {
    const junk = new Uint8Array(1019).fill(0x20);
    expect(sniffFileType(Uint8Array.from([...junk, ...bytes("%PDF-1.4")]))).toBe("pdf");
    const tooFar = new Uint8Array(1020).fill(0x20);
    expect(sniffFileType(Uint8Array.from([...tooFar, ...bytes("%PDF-1.4")]))).toBeUndefined();
  });

  it.each([
    ["empty", new Uint8Array(0)],
    ["text", bytes("Hello, this is not a PDF")],
    ["partial PNG signature", bytes([0x89, 0x50, 0x4e, 0x47])],
    ["BigTIFF", bytes([0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0])],
    ["GIF", bytes("GIF89a")],
    ["%PDF without dash", bytes("%PDF")],
    ["two JPEG bytes", bytes([0xff, 0xd8])],
  ])("returns undefined for %s", (_name, input) => {
    expect(sniffFileType(input)).toBeUndefined();
  });
});
