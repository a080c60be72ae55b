import type { Role } from "../../../shared/auth/principal";
import { issueLocalToken } from "../../auth/local-tokens";

export interface TokenOptions {
  dataDir: string;
  user?: string;
  group?: Role[];
  vendor?: string;
  client?: string;
  scope: string[];
  ttl: number;
}

/** `chartbridge token`: a bearer token signed with the local stack's key, printed alone on stdout. */
export async function tokenCommand(opts: TokenOptions): Promise<number> {
  if (Boolean(opts.user) === Boolean(opts.client)) {
    console.error("Give either --user NAME --group GROUP, or --client NAME [--scope SCOPE]");
    return 2;
  }
  if (opts.user && !opts.group?.length) {
    console.error("A user needs at least one --group (admin, records-staff, vendor)");
    return 2;
  }
  const subject = opts.user
    ? { user: opts.user, groups: opts.group!, ...(opts.vendor ? { vendor: opts.vendor } : {}) }
    : { client: opts.client!, scopes: opts.scope };
  console.log(await issueLocalToken(opts.dataDir, subject, { ttlSeconds: opts.ttl }));
  return 0;
}
