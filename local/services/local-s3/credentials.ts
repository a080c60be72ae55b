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

/** A key pair the local S3 accepts, and the key prefix it is confined to (vendors write only their own). */
export interface LocalS3Identity {
  accessKeyId: string;
  secretAccessKey: string;
  /** Set for a vendor's keys: PUTs (and multipart uploads) under `<vendor>/` only; nothing else. */
  uploadPrefix?: string;
}

const VENDOR_KEY = /^chartbridge-vendor-([A-Za-z0-9][A-Za-z0-9._-]{0,62})$/;

/**
 * A scanning vendor's local key pair: `chartbridge-vendor-<vendor>` / `chartbridge-vendor-<vendor>-secret`. As
 * in AWS, where a vendor may put objects under its own prefix and do nothing else, the local S3 refuses a
 * vendor's request for any other key or operation. Like the stack's own pair, it is documented, not secret:
 * it keeps a misconfigured tool from writing into another vendor's prefix, on a developer's machine.
 */
export function vendorS3Credentials(vendor: string): LocalS3Identity {
  const accessKeyId = `chartbridge-vendor-${vendor}`;
  return { accessKeyId, secretAccessKey: `${accessKeyId}-secret`, uploadPrefix: `${vendor}/` };
}

/** The identity an access key id names, or undefined for keys the local S3 does not know. */
export function identityOf(accessKeyId: string): LocalS3Identity | undefined {
  if (accessKeyId === LOCAL_S3_CREDENTIALS.accessKeyId) return LOCAL_S3_CREDENTIALS;
  const vendor = VENDOR_KEY.exec(accessKeyId)?.[1];
  return vendor ? vendorS3Credentials(vendor) : undefined;
}
