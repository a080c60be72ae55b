/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (esbuild `alias` in
 * infra/constructs/chartbridge-function.ts and bench/bundles/lambda-bundle.ts); local runs and tests use the
 * real package.
 *
 * Every SDK v3 client's Node runtime config imports the default credential chain unconditionally
 * (`credentialDefaultProvider: config?.credentialDefaultProvider ?? defaultProvider`), so passing explicit
 * credentials does not let esbuild drop it: the chain (SSO, INI, process, web identity, container and IMDS
 * providers, the STS/SSO clients they use) stays in every bundle, about 110–140 kB of minified code. In Lambda
 * the chain always ends at its first link: the runtime puts the execution role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and sets no AWS_PROFILE. This module is that
 * first link (`fromEnv` of `@aws-sdk/credential-provider-env`), with the package's other exports.
 */
import type * as CredentialProviderNode from "@aws-sdk/credential-provider-node";

class CredentialsProviderError extends Error {
  readonly tryNextLink = false;
  constructor(message: string) {
    super(message);
    this.name = "CredentialsProviderError";
  }
}

/** The Lambda execution role's credentials, from the environment the runtime sets. */
export const defaultProvider: typeof CredentialProviderNode.defaultProvider = () => async () => {
  const env = process.env;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new CredentialsProviderError("Unable to find environment variable credentials.");
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
    ...(env.AWS_CREDENTIAL_SCOPE ? { credentialScope: env.AWS_CREDENTIAL_SCOPE } : {}),
    ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
  };
};

export const credentialsWillNeedRefresh: typeof CredentialProviderNode.credentialsWillNeedRefresh = (
  credentials,
) => credentials?.expiration !== undefined;

export const credentialsTreatedAsExpired: typeof CredentialProviderNode.credentialsTreatedAsExpired = (
  credentials,
) => credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
