import { request } from "node:http";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localSigner, startTestS3, type TestS3 } from "./harness";

const BUCKET = "chartbridge-uploads";
let t: TestS3;
beforeAll(async () => {
  t = await startTestS3([BUCKET]);
});
afterAll(() => t.stop());

/**
 * A STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload, framed and signed chunk by chunk as S3's documentation
 * describes (each chunk signs its data and the previous signature). `tamper` alters one chunk after signing.
 */
async function chunkSignedPut(
  key: string,
  chunks: Buffer[],
  tamper = false,
): Promise<{ status: number; body: string }> {
  const url = new URL(t.local.endpoint);
  const signer = localSigner();
  const signingDate = new Date();
  const framed: Buffer[] = [];
  const path = `/${BUCKET}/${encodeURIComponent(key)}`;
  const decodedLength = chunks.reduce((n, c) => n + c.length, 0);
  const frame = (data: Buffer, signature: string) =>
    Buffer.concat([
      Buffer.from(`${data.length.toString(16)};chunk-signature=${signature}\r\n`),
      data,
      Buffer.from("\r\n"),
    ]);
  // The seed signature covers the headers; the body length depends on the signatures' fixed length (64 hex).
  const sizeOf = (data: Buffer) => frame(data, "0".repeat(64)).length;
  const contentLength = [...chunks, Buffer.alloc(0)].reduce((n, c) => n + sizeOf(c), 0);
  const signed = await signer.sign(
    {
      method: "PUT",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query: {},
      headers: {
        host: url.host,
        "content-encoding": "aws-chunked",
        "content-length": String(contentLength),
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": String(decodedLength),
      },
    },
    { signingDate },
  );
  let previous = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization!)![1]!;
  for (const data of [...chunks, Buffer.alloc(0)]) {
    const signature = await signer.sign(
      { headers: new Uint8Array(0), payload: data },
      { signingDate, priorSignature: previous },
    );
    const sent = tamper && data.length > 0 ? Buffer.from(data).fill(0x41, 0, 1) : data;
    framed.push(frame(sent, signature));
    previous = signature;
  }
  return new Promise((resolve, reject) => {
    const req = request(`${t.local.endpoint}${path}`, { method: "PUT", headers: signed.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end(Buffer.concat(framed));
  });
}

describe("chunk-signed uploads", () => {
  it("stores the decoded payload when every chunk signature is right", async () => {
    const chunks = [Buffer.alloc(64 * 1024, 1), Buffer.from("second chunk")];
    const res = await chunkSignedPut("signed.bin", chunks);
    expect(res.status).toBe(200);
    const got = await t.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "signed.bin" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(chunks))).toBe(true);
  });

  it("refuses a chunk altered after signing with SignatureDoesNotMatch, and stores nothing", async () => {
    const res = await chunkSignedPut("tampered.bin", [Buffer.from("original data")], true);
    expect(res.status).toBe(403);
    expect(res.body).toContain("<Code>SignatureDoesNotMatch</Code>");
    const head = await t.s3
      .send(new HeadObjectCommand({ Bucket: BUCKET, Key: "tampered.bin" }))
      .catch((e: Error) => e);
    expect((head as Error).name).toBe("NotFound");
  });
});
