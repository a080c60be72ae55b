import { InvalidCursorError } from "../../search/search-cursor";

/**
 * A DynamoDB LastEvaluatedKey as an opaque page cursor (base64url JSON). Only string-valued keys are ever
 * produced; anything else a caller sends back is refused (400), never passed to DynamoDB.
 */
export function encodeKeyCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeKeyCursor(cursor: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  const valid =
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>).pk === "string" &&
    Object.values(value).every((v) => typeof v === "string");
  if (!valid) throw new InvalidCursorError();
  return value as Record<string, string>;
}
