import { createHash, type Hash } from "node:crypto";
import { S3Errors } from "./errors";

/** What a chunk-signed stream needs checked: called per chunk, and once for the trailer when signed. */
export interface ChunkVerifier {
  chunk(signature: string, sha256Hex: string): void;
  trailer(signature: string, canonicalTrailer: string): void;
}

const MAX_LINE = 8192;
const CRLF = Buffer.from("\r\n");

/**
 * Decodes the `aws-chunked` content encoding the SDKs use for streamed uploads: `<hex size>[;chunk-signature=…]`
 * CRLF, data, CRLF, …, a zero-size chunk, then trailer lines (`x-amz-checksum-crc32:…`) and an empty line.
 * Only the payload is passed on, so the framing is never stored as content.
 */
export class AwsChunkedDecoder {
  readonly trailers = new Map<string, string>();
  private state: "size" | "data" | "dataEnd" | "trailer" | "done" = "size";
  private line = Buffer.alloc(0);
  private remaining = 0;
  private chunkSignature?: string;
  private chunkHash?: Hash;
  private trailerSignature?: string;
  private trailerText = "";

  constructor(private readonly verifier?: ChunkVerifier) {}

  /** Feeds raw bytes; `emit` receives payload bytes in order. */
  push(input: Buffer, emit: (payload: Buffer) => void): void {
    let buf = input;
    while (buf.length > 0) {
      if (this.state === "data") {
        const take = Math.min(this.remaining, buf.length);
        const data = buf.subarray(0, take);
        this.chunkHash?.update(data);
        emit(data);
        this.remaining -= take;
        buf = buf.subarray(take);
        if (this.remaining === 0) this.state = "dataEnd";
        continue;
      }
      if (this.state === "done") {
        if (buf.toString("latin1").trim() !== "")
          throw S3Errors.invalidRequest("Malformed aws-chunked body.");
        return;
      }
      const end = buf.indexOf(0x0a);
      const piece = end === -1 ? buf : buf.subarray(0, end + 1);
      this.line = Buffer.concat([this.line, piece]);
      buf = buf.subarray(piece.length);
      if (this.line.length > MAX_LINE) throw S3Errors.invalidRequest("Malformed aws-chunked body.");
      if (end === -1) return;
      const text = this.line.subarray(0, this.line.length - (this.line.subarray(-2).equals(CRLF) ? 2 : 1));
      this.line = Buffer.alloc(0);
      this.onLine(text.toString("latin1"));
    }
  }

  /** The stream ended: it must have ended exactly after the trailer section. */
  finish(): void {
    if (
      this.state !== "done" &&
      !(this.state === "trailer" && this.line.length === 0 && this.sawFinalChunk)
    ) {
      throw S3Errors.incompleteBody();
    }
    if (this.state === "trailer") this.endTrailer();
  }

  private sawFinalChunk = false;

  private onLine(text: string): void {
    if (this.state === "dataEnd") {
      if (text !== "") throw S3Errors.invalidRequest("Malformed aws-chunked body.");
      this.endChunk();
      this.state = "size";
      return;
    }
    if (this.state === "size") {
      const [sizeHex, ...extensions] = text.split(";");
      if (!/^[0-9a-fA-F]{1,16}$/.test(sizeHex ?? ""))
        throw S3Errors.invalidRequest("Malformed aws-chunked body.");
      this.remaining = parseInt(sizeHex!, 16);
      this.chunkSignature = extensions
        .map((e) => /^chunk-signature=([0-9a-f]{64})$/.exec(e.trim())?.[1])
        .find(Boolean);
      if (this.verifier && !this.chunkSignature) throw S3Errors.signatureDoesNotMatch();
      this.chunkHash = this.verifier ? createHash("sha256") : undefined;
      if (this.remaining > 0) {
        this.state = "data";
      } else {
        this.endChunk();
        this.sawFinalChunk = true;
        this.state = "trailer";
      }
      return;
    }
    // trailer section
    if (text === "") {
      this.endTrailer();
      this.state = "done";
      return;
    }
    const colon = text.indexOf(":");
    if (colon <= 0) throw S3Errors.invalidRequest("Malformed aws-chunked trailer.");
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      this.trailerSignature = value;
    } else {
      this.trailers.set(name, value);
      this.trailerText += `${name}:${value}\n`;
    }
  }

  private endChunk(): void {
    if (this.verifier) this.verifier.chunk(this.chunkSignature!, this.chunkHash!.digest("hex"));
    this.chunkHash = undefined;
  }

  private trailerChecked = false;

  private endTrailer(): void {
    if (this.trailerChecked) return;
    this.trailerChecked = true;
    if (this.verifier && this.trailers.size > 0) {
      if (!this.trailerSignature) throw S3Errors.signatureDoesNotMatch();
      this.verifier.trailer(this.trailerSignature, this.trailerText);
    }
  }
}
