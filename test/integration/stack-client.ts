import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { inject } from "vitest";
import { issueLocalToken, type TokenSubject } from "../../local/auth/local-tokens";
import { LOCAL_STAFF } from "../../local/cli/api-client";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { ChartRecord } from "../../shared/domain/chart-record";
import { documentIdFor } from "../../shared/domain/document-id";
import { isTerminal } from "../../shared/domain/status";
import type { SearchResult } from "../../shared/search/search-index";

/** Talks to the running local stack the way a vendor (S3) and records staff (HTTP API) do. */
export function stackClient() {
  const apiUrl = inject("apiUrl");
  const bucket = inject("uploadBucket");
  const s3 = createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: inject("s3Endpoint") });
  const dynamo = new DynamoDBClient({
    endpoint: inject("dynamoDbEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });

  /**
   * A request as `as` (default: a records-staff member, the identity the CLI uses) with a token signed by the
   * stack's key, as `chartbridge token` signs them.
   */
  async function request<T>(
    path: string,
    opts: { as?: TokenSubject; method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const token = await issueLocalToken(inject("dataDir"), opts.as ?? LOCAL_STAFF);
    const res = await fetch(new URL(path, apiUrl), {
      method: opts.method ?? "GET",
      headers: {
        authorization: `Bearer ${token}`,
        ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    const json = /^application\/(fhir\+)?json/.test(res.headers.get("content-type") ?? "");
    return { status: res.status, body: (json ? JSON.parse(text) : text) as T, headers: res.headers };
  }
  const get = <T>(path: string) => request<T>(path);

  return {
    apiUrl,
    get,
    request,
    async upload(key: string, body: Uint8Array): Promise<string> {
      const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      return documentIdFor({ bucket, key, versionId: out.VersionId, etag: out.ETag });
    },
    async record(id: string): Promise<ChartRecord | undefined> {
      const res = await get<ChartRecord>(`/records/${id}`);
      return res.status === 200 ? res.body : undefined;
    },
    /** Waits for a terminal state, and, for indexable records, until search reflects that version. */
    async settled(id: string, timeoutMs = 150_000): Promise<ChartRecord> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await this.record(id);
        if (record && isTerminal(record.status)) return record;
        if (Date.now() > deadline)
          throw new Error(`record ${id} did not settle (last: ${record?.status ?? "none"})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async search(params: Record<string, string>): Promise<SearchResult> {
      const res = await get<SearchResult>(`/search?${new URLSearchParams(params)}`);
      if (res.status !== 200) throw new Error(`search failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** Waits until a search returns the record (indexing is asynchronous, from the DynamoDB stream). */
    async searchUntil(params: Record<string, string>, id: string, timeoutMs = 20_000): Promise<SearchResult> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await this.search(params);
        if (result.hits.some((h) => h.id === id) || Date.now() > deadline) return result;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async countRecords(): Promise<number> {
      let count = 0;
      let startKey: Record<string, never> | undefined;
      do {
        const out = await dynamo.send(
          new ScanCommand({
            TableName: inject("tableName"),
            Select: "COUNT",
            FilterExpression: "sk = :sk",
            ExpressionAttributeValues: { ":sk": { S: "RECORD" } },
            ExclusiveStartKey: startKey,
          }),
        );
        count += out.Count ?? 0;
        startKey = out.LastEvaluatedKey as Record<string, never> | undefined;
      } while (startKey);
      return count;
    },
  };
}
