import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { AuditLogRepository } from "../../shared/adapters/dynamodb/audit-log-repository";
import { dayPk, eventSk } from "../../shared/adapters/dynamodb/audit-table-design";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import type { AuditEntry } from "../../shared/audit/audit-entry";
import { verifyAuditTrail } from "../../shared/audit/verify-audit-trail";

const CLI = fileURLToPath(new URL("../../bin/chartbridge.js", import.meta.url));

/** Days no other test writes to (the stack's own events are dated today). */
const RACE_DAY = "2001-02-03";
const TAMPER_DAY = "2001-02-04";

function entry(at: string, recordIds: string[], user = "sam", disclosure = false): AuditEntry {
  return {
    at,
    actor: {
      kind: disclosure ? "client" : "user",
      sub: `sub-${user}`,
      name: user,
      roles: ["records-staff"],
      scopes: [],
    },
    action: "record.read",
    outcome: "success",
    recordIds,
    mrns: ["MRN-00451287"],
    route: "GET /records/{id}",
    requestId: `req-${at}`,
    disclosure,
    ...(disclosure ? { purposeOfUse: "TREATMENT" as const } : {}),
  };
}

/** The audit table the local stack created from the table design, in DynamoDB Local. */
describe("audit trail (DynamoDB Local)", () => {
  const client = new DynamoDBClient({
    endpoint: inject("dynamoDbEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const db = createDocumentClient(client);
  const audit = new AuditLogRepository(db, inject("auditTableName"));

  it("numbers concurrent appends of one day 1..n without gaps or duplicates, and the chain verifies", async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `doc_${String(i).padStart(32, "0")}`);
    await Promise.all(
      ids.map((id, i) => audit.append(entry(`${RACE_DAY}T10:00:00.${String(i).padStart(3, "0")}Z`, [id]))),
    );
    const { events, head } = await audit.readDay(RACE_DAY);
    expect(events.map((e) => e.seq)).toEqual(ids.map((_, i) => i + 1));
    expect(head).toEqual({ seq: 25, hash: events.at(-1)!.hash });
    expect((await verifyAuditTrail(audit, [RACE_DAY])).problems).toEqual([]);
  });

  it("finds events by record, patient, user and disclosure, page by page", async () => {
    const record = "doc_ab000000000000000000000000000001";
    await audit.append(entry(`${RACE_DAY}T11:00:00.000Z`, [record], "dana"));
    await audit.append(entry(`${RACE_DAY}T11:00:01.000Z`, [record], "ehr-client", true));
    await audit.append(entry(`${RACE_DAY}T11:00:02.000Z`, [record], "dana"));
    const first = await audit.find({ lookup: { by: "record", recordId: record }, limit: 2 });
    expect(first.events.map((e) => e.actor.name)).toEqual(["dana", "ehr-client"]);
    const second = await audit.find({
      lookup: { by: "record", recordId: record },
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.events.map((e) => e.actor.name)).toEqual(["dana"]);
    const disclosures = await audit.find({
      lookup: { by: "disclosure", mrn: "00451287" },
      limit: 50,
      from: RACE_DAY,
      to: RACE_DAY,
    });
    expect(disclosures.events.map((e) => [e.actor.name, e.purposeOfUse])).toEqual([
      ["ehr-client", "TREATMENT"],
    ]);
    const byUser = await audit.find({
      lookup: { by: "user", user: "dana" },
      limit: 50,
      from: RACE_DAY,
      to: RACE_DAY,
    });
    expect(byUser.events).toHaveLength(2);
  });

  it("`chartbridge audit verify` passes, then fails once an event is altered directly in the table", async () => {
    for (let i = 0; i < 3; i++)
      await audit.append(entry(`${TAMPER_DAY}T09:00:0${i}.000Z`, [`doc_${"c".repeat(31)}${i}`]));
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [
        CLI,
        "audit",
        "verify",
        "--data-dir",
        inject("dataDir"),
        ...args,
      ]).then(
        (out) => ({ code: 0, stdout: out.stdout }),
        (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
      );
    const range = ["--from", TAMPER_DAY, "--to", TAMPER_DAY];
    const before = await run(range);
    expect(before).toMatchObject({ code: 0 });
    expect(before.stdout).toMatch(/intact: 3 event\(s\) over 1 day/);

    // Someone with table access rewrites who read the record.
    await db.send(
      new UpdateCommand({
        TableName: inject("auditTableName"),
        Key: { pk: dayPk(TAMPER_DAY), sk: eventSk(2) },
        UpdateExpression: "SET actor.#n = :n",
        ExpressionAttributeNames: { "#n": "name" },
        ExpressionAttributeValues: { ":n": "someone-else" },
      }),
    );
    const after = await run(range);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain(`${TAMPER_DAY} event 2: altered`);
  });
});
