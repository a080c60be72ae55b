import type { Logger } from "@aws-lambda-powertools/logger";

/**
 * A step's dependencies as a Lambda handler holds them: the same ports, with Powertools' Logger in place of
 * the narrow logger port, because the handler's middleware (injectLambdaContext) needs the real class.
 */
export type WithLambdaLogger<T extends { logger: unknown }> = Omit<T, "logger"> & { logger: Logger };
