import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import type { RecordChange } from "../../pipeline/index-record";
import type { StoredChange } from "../../events/stored-changes";
import { batchFromItem, isBatchItem } from "./batch-repository";
import { fromItem, isRecordItem } from "./record-repository";

/** Turns a records-table stream record into a record change; other item kinds (content claims) are not indexed. */
export function toRecordChange(streamRecord: DynamoDBRecord): RecordChange | undefined {
  const image = (which: "NewImage" | "OldImage") => {
    const raw = streamRecord.dynamodb?.[which];
    return raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
  };
  if (streamRecord.eventName === "REMOVE") {
    const old = image("OldImage");
    if (!old || !isRecordItem(old)) return undefined;
    const record = fromItem(old);
    return { kind: "remove", id: record.id, lastVersion: record.version };
  }
  const item = image("NewImage");
  if (!item || !isRecordItem(item)) return undefined;
  return { kind: "upsert", record: fromItem(item) };
}

/** A stream record as batches see it: a record written (its file follows), or a batch item changed. */
export function toStoredChange(streamRecord: DynamoDBRecord): StoredChange | undefined {
  if (streamRecord.eventName === "REMOVE") return undefined;
  const image = (which: "NewImage" | "OldImage") => {
    const raw = streamRecord.dynamodb?.[which];
    return raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
  };
  const item = image("NewImage");
  if (isRecordItem(item)) {
    const old = image("OldImage");
    return {
      kind: "record",
      record: fromItem(item!),
      ...(isRecordItem(old) ? { before: fromItem(old!) } : {}),
    };
  }
  if (isBatchItem(item)) {
    const old = image("OldImage");
    return {
      kind: "batch",
      after: batchFromItem(item!),
      ...(isBatchItem(old) ? { before: batchFromItem(old!) } : {}),
    };
  }
  return undefined;
}
