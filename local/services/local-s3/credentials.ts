/**
 * The one access key pair the local S3 accepts, printed at start and documented in the README so that vendors'
 * tools (aws CLI, SDKs) can upload. It guards nothing but a developer's own machine: it is not a secret.
 */
export const LOCAL_S3_CREDENTIALS = {
  accessKeyId: "chartbridge-local",
  secretAccessKey: "chartbridge-local-secret",
} as const;

/** The region clients sign for; buckets live here whatever region a request names. */
export const LOCAL_S3_REGION = "us-east-1";
