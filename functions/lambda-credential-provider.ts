/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (the esbuild alias in
 * LAMBDA_BUNDLING, infra/constructs/chartbridge-function.ts); local runs and tests use the real package.
 *
 * In Lambda the SDK's default credential chain always ends at its first link: the runtime puts the execution
 * role's credentials in the environment and sets no profile. This module is that link, the SDK's own
 * `fromEnv`, with the package's other exports, so the bundles leave out the rest of the chain (infra/README.md,
 * "Lambda bundles").
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";
import type * as CredentialProviderNode from "@aws-sdk/credential-provider-node";

/** The Lambda execution role's credentials, read from the environment at every call. */
export const defaultProvider: typeof CredentialProviderNode.defaultProvider = (init) => fromEnv(init);

export const credentialsWillNeedRefresh: typeof CredentialProviderNode.credentialsWillNeedRefresh = (
  credentials,
) => credentials?.expiration !== undefined;

export const credentialsTreatedAsExpired: typeof CredentialProviderNode.credentialsTreatedAsExpired = (
  credentials,
) => credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
