import { describe, expect, it } from "vitest";
import {
  canTransition,
  InvalidTransitionError,
  STATUSES,
  type DocumentStatus,
} from "../../../shared/domain/status";

describe("document status transitions", () => {
  it.each<[DocumentStatus, DocumentStatus]>([
    ["RECEIVED", "OCR_PENDING"],
    ["RECEIVED", "REJECTED"],
    ["RECEIVED", "DUPLICATE"],
    ["RECEIVED", "FAILED"],
    ["OCR_PENDING", "EXTRACTED"],
    ["OCR_PENDING", "NEEDS_REVIEW"],
    ["OCR_PENDING", "FAILED"],
    ["EXTRACTED", "INDEXED"],
    ["EXTRACTED", "NEEDS_REVIEW"],
    ["EXTRACTED", "FAILED"],
    ["NEEDS_REVIEW", "INDEXED"],
    ["INDEXED", "NEEDS_REVIEW"],
    ["FAILED", "OCR_PENDING"],
  ])("allows %s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each<[DocumentStatus, DocumentStatus]>([
    ["RECEIVED", "EXTRACTED"],
    ["RECEIVED", "INDEXED"],
    ["OCR_PENDING", "INDEXED"],
    ["OCR_PENDING", "RECEIVED"],
    ["EXTRACTED", "OCR_PENDING"],
    ["INDEXED", "FAILED"],
    ["FAILED", "INDEXED"],
    ["FAILED", "RECEIVED"],
  ])("refuses %s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it.each<DocumentStatus>(["REJECTED", "DUPLICATE"])("%s is final: no transition out of it", (from) => {
    for (const to of STATUSES) expect(canTransition(from, to), `${from} → ${to}`).toBe(false);
  });

  it("never allows a status to transition to itself", () => {
    for (const s of STATUSES) expect(canTransition(s, s), s).toBe(false);
  });

  it("InvalidTransitionError names both ends of the refused transition", () => {
    const err = new InvalidTransitionError("RECEIVED", "EXTRACTED");
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("InvalidTransitionError");
    expect(err.from).toBe("RECEIVED");
    expect(err.to).toBe("EXTRACTED");
    expect(err.message).toContain("RECEIVED");
    expect(err.message).toContain("EXTRACTED");
  });
});
