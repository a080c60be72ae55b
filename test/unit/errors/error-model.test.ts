import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { UnsupportedDocumentError } from "../../../shared/adapters/local-ocr/render-pages";
import { InvalidJobIdError } from "../../../shared/adapters/local-ocr/local-ocr";
import { UnexpectedSearchResponseError } from "../../../shared/adapters/opensearch/parse-search-response";
import { BadRequestError, MethodNotAllowedError, NotFoundError } from "../../../shared/api/api-errors";
import { InvalidTransitionError } from "../../../shared/domain/status";
import { ChartbridgeError, ObjectNotFoundError, VersionConflictError } from "../../../shared/errors";
import { UnrecognizedEventError } from "../../../shared/events/upload-event";
import { safeError } from "../../../shared/observability/logger";
import { InvalidCursorError } from "../../../shared/search/search-cursor";

/** Every error class we raise, with the name and code logs, metrics and API clients match on. */
const OURS: [ChartbridgeError, string, string, boolean][] = [
  [new VersionConflictError("doc_1", 1), "VersionConflictError", "VERSION_CONFLICT", true],
  [new ObjectNotFoundError("b", "k"), "ObjectNotFoundError", "OBJECT_NOT_FOUND", false],
  [new InvalidTransitionError("RECEIVED", "INDEXED"), "InvalidTransitionError", "INVALID_TRANSITION", false],
  [new UnrecognizedEventError("body is not JSON"), "UnrecognizedEventError", "UNRECOGNIZED_EVENT", false],
  [new InvalidCursorError(), "InvalidCursorError", "INVALID_CURSOR", false],
  [
    new UnexpectedSearchResponseError("no hits.hits array"),
    "UnexpectedSearchResponseError",
    "UNEXPECTED_SEARCH_RESPONSE",
    false,
  ],
  // Named like Textract's own error, which callers match on.
  [new InvalidJobIdError("unknown job"), "InvalidJobIdException", "INVALID_JOB_ID", false],
  [new UnsupportedDocumentError("cannot open"), "UnsupportedDocumentError", "UNSUPPORTED_DOCUMENT", false],
  [new BadRequestError("limit must be an integer"), "BadRequestError", "BAD_REQUEST", false],
  [new NotFoundError("record"), "NotFoundError", "NOT_FOUND", false],
  [new MethodNotAllowedError(), "MethodNotAllowedError", "METHOD_NOT_ALLOWED", false],
];

describe("the error model", () => {
  it.each(OURS)("%o is a ChartbridgeError with its name, code and retryability", (err, name, code, retry) => {
    expect(err).toBeInstanceOf(ChartbridgeError);
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.code, err.retryable, err.loggable]).toEqual([name, code, retry, true]);
  });

  it("gives every class its own code", () => {
    const codes = OURS.map(([err]) => err.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("keeps error names in a minified Lambda bundle (classes are renamed there)", async () => {
    const out = await build({
      stdin: {
        contents: `
          import { VersionConflictError } from "./shared/errors";
          import { InvalidTransitionError } from "./shared/domain/status";
          import { BadRequestError } from "./shared/api/api-errors";
          export const names = [
            new VersionConflictError("doc_1", 1).name,
            new InvalidTransitionError("RECEIVED", "INDEXED").name,
            new BadRequestError("x").name,
          ];`,
        resolveDir: process.cwd(),
        loader: "ts",
      },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "node",
      write: false,
    });
    const code = out.outputFiles[0]!.text;
    const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as {
      names: string[];
    };
    expect(mod.names).toEqual(["VersionConflictError", "InvalidTransitionError", "BadRequestError"]);
  });
});

describe("safeError", () => {
  it("logs our errors by name, code and message", () => {
    expect(safeError(new InvalidCursorError())).toEqual({
      errorName: "InvalidCursorError",
      errorCode: "INVALID_CURSOR",
      errorMessage: "cursor is not valid",
    });
  });

  it("leaves out the message of an error whose class says it may not be logged", () => {
    class QuotingError extends ChartbridgeError {
      constructor(message: string) {
        super({ name: "QuotingError", code: "QUOTING", retryable: false, loggable: false }, message);
      }
    }
    expect(safeError(new QuotingError("Maria Lopez"))).toEqual({
      errorName: "QuotingError",
      errorCode: "QUOTING",
    });
  });

  it("logs anything else by its class name only", () => {
    const sdk = Object.assign(new Error("The key Maria Lopez.pdf does not exist"), { name: "NoSuchKey" });
    expect(safeError(sdk)).toEqual({ errorName: "NoSuchKey" });
    expect(safeError(new TypeError("Maria"))).toEqual({ errorName: "TypeError" });
    expect(safeError("Maria")).toEqual({ errorName: "string" });
  });

  it("never logs caller input or library text that an error of ours carries as its cause", () => {
    const err = new UnsupportedDocumentError("cannot open application/pdf", {
      cause: new Error("syntax error in Maria Lopez.pdf"),
    });
    expect(JSON.stringify(safeError(err))).not.toContain("Maria");
  });
});
