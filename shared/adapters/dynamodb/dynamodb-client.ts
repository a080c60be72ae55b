import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Config } from "../../config";

export function createDynamoDbClient(
  config: Pick<Config, "AWS_REGION" | "DYNAMODB_ENDPOINT">,
): DynamoDBClient {
  if (!config.DYNAMODB_ENDPOINT) return new DynamoDBClient({ region: config.AWS_REGION });
  return new DynamoDBClient({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
    // DynamoDB Local accepts any credentials.
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
