/**
 * An HTTP proxy in front of DynamoDB Local or the local S3 that answers a share of requests itself with the
 * errors the real services send under load: DynamoDB's ThrottlingException / ProvisionedThroughputExceeded
 * (400) and InternalServerError (500), S3's SlowDown (503) and InternalError (500). Everything else is passed
 * through untouched. Faults on the wire reach the SDK's retries and then the pipeline's, as in AWS.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FaultKind = "throttle" | "server-error";

export interface FaultProxyOptions {
  service: "dynamodb" | "s3";
  /** Share of requests answered with a fault, 0–1. */
  rate: number;
  /** Seeded randomness, so a run can be repeated. */
  random: () => number;
}

export class FaultProxy {
  target?: URL;
  readonly injected: Record<FaultKind, number> = { throttle: 0, "server-error": 0 };
  passed = 0;
  /** Faults stop (e.g. to let a run settle at the end). */
  enabled = true;
  private server?: Server;

  constructor(private readonly options: FaultProxyOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const roll = this.options.random();
    if (this.enabled && this.target && roll < this.options.rate) {
      // Drain the request before answering, as a service would.
      req.resume();
      req.on("end", () => this.fault(res, roll < this.options.rate / 2 ? "throttle" : "server-error"));
      return;
    }
    if (!this.target) {
      res.writeHead(502).end();
      return;
    }
    this.passed += 1;
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  }

  private fault(res: ServerResponse, kind: FaultKind): void {
    this.injected[kind] += 1;
    if (this.options.service === "dynamodb") {
      const [status, type, message] =
        kind === "throttle"
          ? [
              400,
              "com.amazonaws.dynamodb.v20120810#ThrottlingException",
              "Rate of requests exceeds the allowed throughput.",
            ]
          : [500, "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"];
      res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "fault" });
      res.end(JSON.stringify({ __type: type, message }));
      return;
    }
    const [status, code] = kind === "throttle" ? [503, "SlowDown"] : [500, "InternalError"];
    res.writeHead(status, { "content-type": "application/xml" });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`,
    );
  }
}
