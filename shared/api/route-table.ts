/**
 * Every route of the records API, with the permission it needs: the one place that says who may do what.
 * The router refuses anything not listed; test/unit/api/route-access.test.ts checks every route × role.
 */
import type { Route } from "./route";
import { accessReport, patientDisclosures } from "./routes/audit";
import { health } from "./routes/health";
import { correctRecordRoute, getRecord } from "./routes/records";
import { reviewQueue } from "./routes/review";
import { searchRecords } from "./routes/search";

export const ROUTES: readonly Route[] = [
  health,
  searchRecords,
  getRecord,
  correctRecordRoute,
  reviewQueue,
  accessReport,
  patientDisclosures,
];
