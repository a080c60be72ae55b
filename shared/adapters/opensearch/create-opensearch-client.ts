import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer, type AwsSigv4SignerOptions } from "@opensearch-project/opensearch/aws";

export interface OpenSearchClientConfig {
  /** Domain endpoint, e.g. "https://search-chartbridge-abc.us-east-1.es.amazonaws.com" (https:// assumed if absent). */
  endpoint: string;
  region: string;
  /** "es" for OpenSearch Service domains (default), "aoss" for OpenSearch Serverless. */
  service?: "es" | "aoss";
  /** Credentials source; default: the AWS SDK's default chain (Lambda role, env, profile…). */
  getCredentials?: AwsSigv4SignerOptions["getCredentials"];
  requestTimeoutMs?: number;
  maxRetries?: number;
}

/** An OpenSearch client whose requests are signed with SigV4 (IAM auth). */
export function createOpenSearchClient(config: OpenSearchClientConfig): Client {
  // One provider for the client's lifetime: it caches credentials and refreshes them before they expire.
  const getCredentials = config.getCredentials ?? defaultProvider();
  return new Client({
    ...AwsSigv4Signer({
      region: config.region,
      service: config.service ?? "es",
      getCredentials: () => getCredentials(),
    }),
    node: normalizeEndpoint(config.endpoint),
    requestTimeout: config.requestTimeoutMs ?? 10_000,
    maxRetries: config.maxRetries ?? 3,
  });
}

function normalizeEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}
