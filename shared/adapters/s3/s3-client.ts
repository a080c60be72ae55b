import { S3Client } from "@aws-sdk/client-s3";
import { LOCAL_S3_CREDENTIALS } from "../../../local/services/local-s3/credentials";
import type { Config } from "../../config";

export function createS3Client(config: Pick<Config, "AWS_REGION" | "S3_ENDPOINT">): S3Client {
  if (!config.S3_ENDPOINT) return new S3Client({ region: config.AWS_REGION });
  return new S3Client({
    region: config.AWS_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
  });
}
