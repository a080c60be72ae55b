import { AuditLogRepository } from "../../../shared/adapters/dynamodb/audit-log-repository";
import {
  createDocumentClient,
  createDynamoDbClient,
} from "../../../shared/adapters/dynamodb/dynamodb-client";
import { loadConfig } from "../../../shared/config";
import { describeProblem, verifyAuditTrail } from "../../../shared/audit/verify-audit-trail";
import { requireRuntime } from "../api-client";

export interface AuditVerifyOptions {
  dataDir: string;
  from?: string;
  to?: string;
  json: boolean;
}

/**
 * `chartbridge audit verify`: re-computes the hash chain of every day in range from the running stack's audit
 * table and reports each gap, altered event or cut tail. Exit 0: intact; 1: tampered.
 */
export async function auditVerifyCommand(opts: AuditVerifyOptions): Promise<number> {
  const runtime = requireRuntime(opts.dataDir);
  const config = loadConfig({ ...process.env, DYNAMODB_ENDPOINT: runtime.dynamoDbEndpoint });
  const client = createDynamoDbClient(config);
  try {
    const audit = new AuditLogRepository(
      createDocumentClient(client),
      runtime.auditTableName ?? config.AUDIT_TABLE_NAME,
    );
    const days = (await audit.days()).filter(
      (d) => (!opts.from || d >= opts.from) && (!opts.to || d <= opts.to),
    );
    const result = await verifyAuditTrail(audit, days);
    const problems = result.problems.map(describeProblem);
    if (opts.json) {
      console.log(
        JSON.stringify(
          { intact: problems.length === 0, days: result.days, events: result.events, problems },
          null,
          2,
        ),
      );
    } else if (problems.length === 0) {
      console.log(`Audit trail intact: ${result.events} event(s) over ${result.days} day(s)`);
    } else {
      console.log(
        `Audit trail NOT intact: ${problems.length} problem(s) in ${result.events} event(s) over ${result.days} day(s)`,
      );
      for (const line of problems) console.log(`  ${line}`);
    }
    return problems.length === 0 ? 0 : 1;
  } finally {
    client.destroy();
  }
}
