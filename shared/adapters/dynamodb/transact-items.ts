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
