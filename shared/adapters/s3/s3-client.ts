import { S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../../config";

export function createS3Client(config: Pick<Config, "AWS_REGION" | "S3_ENDPOINT">): S3Client {
  if (!config.S3_ENDPOINT) return new S3Client({ region: config.AWS_REGION });
  return new S3Client({
    region: config.AWS_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    // s3rver stores aws-chunked framing as content; only send checksums when an API requires them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
