import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { LocalStack } from "../../local/runtime/local-stack";
import { ensureWebBuild, webDistDir } from "../../web/scripts/web-build";

declare module "vitest" {
  export interface ProvidedContext {
    apiUrl: string;
    s3Endpoint: string;
    dynamoDbEndpoint: string;
    uploadBucket: string;
    resultsBucket: string;
    tableName: string;
    auditTableName: string;
    /** The stack's data dir: tests sign tokens with its local key (local/auth/local-tokens.ts). */
    dataDir: string;
  }
}

/**
 * Starts the real local stack once for the integration suite: DynamoDB Local (Java), the local S3, the local OCR
 * engine, every handler and the web app. Tests talk to it the way users do: S3 uploads, the HTTP API and a browser.
 */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), "chartbridge-it-"));
  // The web app is served as `npm start` serves it (built when its sources changed) for the browser tests.
  const root = resolve(import.meta.dirname, "../..");
  await ensureWebBuild(root);
  const stack = await LocalStack.start({
    dataDir,
    apiPort: 0,
    ocrWorkers: 2,
    inMemoryDb: true,
    webApp: { distDir: webDistDir(root) },
  });
  project.provide("apiUrl", stack.apiUrl);
  project.provide("s3Endpoint", stack.config.S3_ENDPOINT!);
  project.provide("dynamoDbEndpoint", stack.config.DYNAMODB_ENDPOINT!);
  project.provide("uploadBucket", stack.config.UPLOAD_BUCKET);
  project.provide("resultsBucket", stack.config.RESULTS_BUCKET);
  project.provide("tableName", stack.config.TABLE_NAME);
  project.provide("dataDir", dataDir);
  project.provide("auditTableName", stack.config.AUDIT_TABLE_NAME);
  return async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
