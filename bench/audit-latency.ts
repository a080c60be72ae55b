/**
 * What the audit trail adds to a records-staff search: `GET /search` through the api Lambda handler, with the
 * audit event written to the audit table in DynamoDB Local (as in production: one conditional transaction
 * on the day's chain, then the references), and with the audit write replaced by nothing. Both variants run
 * interleaved in one process against the same embedded index of `--records` charts, so machine noise hits
 * both alike. Prints p50/p95/mean per variant and the difference.
 *
 *   npm run bench:audit -- [--records 500] [--requests 300] [--hits 20]
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { parseArgs } from "node:util";
import { Logger } from "@aws-lambda-powertools/logger";
import { createApiHandler } from "../functions/api/handler";
import type { ApiHandlerDeps } from "../functions/api/deps";
import { lambdaContext } from "../local/runtime/lambda-context";
import { freePort } from "../local/runtime/ports";
import { ensureAuditTable, startDynamoDbLocal } from "../local/services/dynamodb-local";
import { AuditLogRepository } from "../shared/adapters/dynamodb/audit-log-repository";
import { createDocumentClient, createDynamoDbClient } from "../shared/adapters/dynamodb/dynamodb-client";
import { SqliteSearchIndex } from "../shared/adapters/sqlite-search/sqlite-search-index";
import { loadConfig } from "../shared/config";
import type { SearchDocument } from "../shared/search/search-index";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "500" },
    requests: { type: "string", default: "300" },
    hits: { type: "string", default: "20" },
  },
});
const RECORDS = Number(values.records);
const REQUESTS = Number(values.requests);
const HITS = Number(values.hits);

const NAMES = ["Lopez", "Nguyen", "Okafor", "Schmidt", "Tanaka", "Haddad", "Kowalski", "Silva"];

function doc(i: number): SearchDocument {
  const at = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString();
  return {
    id: `doc_${i.toString(16).padStart(32, "0")}`,
    version: 1,
    status: "INDEXED",
    documentType: "progress_note",
    patientName: `Maria ${NAMES[i % NAMES.length]}`,
    dateOfBirth: "1962-03-14",
    mrn: String(100000 + (i % 97)).padStart(8, "0"),
    dateOfService: at.slice(0, 10),
    diagnoses: ["Type 2 diabetes mellitus E11.9"],
    medications: ["metformin 500 mg"],
    allergies: [],
    text: `Progress note. Patient Maria ${NAMES[i % NAMES.length]} seen for follow-up of diabetes.`,
    sourceKey: `acme/box/${i}.pdf`,
    createdAt: at,
    updatedAt: at,
  };
}

const STAFF_CLAIMS = {
  sub: "bench-staff",
  username: "bench",
  "cognito:groups": "records-staff",
  scope: "records/staff",
};
const event = (i: number) =>
  ({
    httpMethod: "GET",
    path: "/search",
    queryStringParameters: { q: NAMES[i % NAMES.length]!.toLowerCase(), limit: String(HITS) },
    headers: {},
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: `bench-${i}`,
      authorizer: { claims: STAFF_CLAIMS },
      identity: { sourceIp: "127.0.0.1" },
    },
  }) as unknown as APIGatewayProxyEvent;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const port = await freePort();
  const dynamo = await startDynamoDbLocal({ port });
  try {
    const config = loadConfig({
      ...process.env,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AUDIT_TABLE_NAME: "bench-audit",
    });
    const client = createDynamoDbClient(config);
    await ensureAuditTable(client, config.AUDIT_TABLE_NAME);
    const search = SqliteSearchIndex.inMemory();
    for (let i = 0; i < RECORDS; i++) await search.upsert(doc(i));
    const logger = new Logger({ logLevel: "ERROR" });
    const base = {
      records: { get: async () => undefined, save: async () => undefined },
      search,
      logger,
      now: () => new Date().toISOString(),
    };
    const audited = createApiHandler(
      () =>
        ({
          ...base,
          audit: new AuditLogRepository(createDocumentClient(client), config.AUDIT_TABLE_NAME),
        }) as unknown as ApiHandlerDeps,
    );
    const unaudited = createApiHandler(
      () =>
        ({
          ...base,
          audit: { append: async () => undefined, find: async () => ({ events: [] }) },
        }) as unknown as ApiHandlerDeps,
    );
    const variants = { "with audit write": audited, "without audit write": unaudited };
    const times: Record<string, number[]> = { "with audit write": [], "without audit write": [] };
    const context = lambdaContext("bench-api");
    // Warm-up: JIT, connection pool, the day's head item.
    for (let i = 0; i < 20; i++) for (const h of Object.values(variants)) await h(event(i), context);
    for (let i = 0; i < REQUESTS; i++) {
      for (const [name, handler] of Object.entries(variants)) {
        const started = performance.now();
        const res = await handler(event(i), context);
        times[name]!.push(performance.now() - started);
        if (res.statusCode !== 200) throw new Error(`search answered ${res.statusCode}`);
      }
    }
    console.log(
      `GET /search, ${HITS} hits per page over ${RECORDS} charts, ${REQUESTS} requests per variant (DynamoDB Local)`,
    );
    const summary: Record<string, { p50: number; p95: number; mean: number }> = {};
    for (const [name, list] of Object.entries(times)) {
      const sorted = [...list].sort((a, b) => a - b);
      summary[name] = {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        mean: list.reduce((a, b) => a + b, 0) / list.length,
      };
      const s = summary[name]!;
      console.log(
        `  ${name.padEnd(20)} p50 ${s.p50.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  mean ${s.mean.toFixed(2)} ms`,
      );
    }
    const w = summary["with audit write"]!;
    const wo = summary["without audit write"]!;
    console.log(
      `  audit adds           p50 ${(w.p50 - wo.p50).toFixed(2)} ms  p95 ${(w.p95 - wo.p95).toFixed(2)} ms`,
    );
    client.destroy();
  } finally {
    await dynamo.stop();
  }
}

await main();
