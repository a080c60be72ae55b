import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";

/** A transaction item that writes `item` only if no item with its key exists yet. */
export function putNew(tableName: string, item: Record<string, unknown>) {
  return { Put: { TableName: tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" } };
}

/** A transaction item that writes `item` only if `condition` holds for the item it replaces. */
export function putIf(
  tableName: string,
  item: Record<string, unknown>,
  condition: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
) {
  return { Put: { TableName: tableName, Item: item, ...condition } };
}

/** A transaction refused because the condition on its first item failed (e.g. putNew found the key taken). */
export function firstConditionFailed(err: unknown): boolean {
  return (
    err instanceof TransactionCanceledException &&
    err.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
  );
}
