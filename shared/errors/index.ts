export { ChartbridgeError, isChartbridgeError } from "./chartbridge-error";
export { ObjectNotFoundError, VersionConflictError } from "./store-errors";
