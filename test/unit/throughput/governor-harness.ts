/**
 * A throughput governor over the in-memory store, a test clock and a recording message-visibility port:
 * what the governor's unit tests (and the pipeline tests with a governor) drive.
 */
import {
  DEFAULT_GOVERNOR_SETTINGS,
  ThroughputGovernor,
  type GovernorSettings,
} from "../../../shared/throughput/throughput-governor";
import type { Clock, MessageVisibility } from "../../../shared/throughput/ports";
import { InMemoryThroughputStore } from "../../support/in-memory-throughput-store";
import { TestClock } from "../../support/in-memory-ports";

/** The test clock in milliseconds. Sleeps move it on (one caller at a time) and are recorded. */
export class SteppingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(readonly clock = new TestClock()) {}
  nowMs = () => Date.parse(this.clock.now());
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.clock.advance(ms);
  };
  advance(ms: number): void {
    this.clock.advance(ms);
  }
}

/** Every visibility change, by receipt handle: parks (seconds > 0) and wakes (0). */
export class RecordingVisibility implements MessageVisibility {
  readonly changes: { receiptHandle: string; seconds: number }[] = [];
  async change(receiptHandle: string, seconds: number): Promise<void> {
    this.changes.push({ receiptHandle, seconds });
  }
  wakes(): string[] {
    return this.changes.filter((c) => c.seconds === 0).map((c) => c.receiptHandle);
  }
  lastFor(receiptHandle: string): number | undefined {
    return this.changes.findLast((c) => c.receiptHandle === receiptHandle)?.seconds;
  }
}

export function governorHarness(
  budget: GovernorSettings["budget"] = { startTps: 10, getTps: 5, maxJobs: 3 },
  overrides: Partial<GovernorSettings> = {},
) {
  const store = new InMemoryThroughputStore();
  const clock = new SteppingClock();
  const visibility = new RecordingVisibility();
  const governor = new ThroughputGovernor(
    { store, clock, visibility },
    { ...DEFAULT_GOVERNOR_SETTINGS, budget, random: () => 0.5, ...overrides },
  );
  /** The governor for message `m` (its receipt handle is `rh-<m>`). */
  const forMessage = (m: string) => governor.forMessage({ messageId: m, receiptHandle: `rh-${m}` });
  const slotsHeld = () => (store.items.get("SLOTS")?.data.held as number | undefined) ?? 0;
  return { store, clock, visibility, governor, forMessage, slotsHeld };
}

export const throttle = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $metadata: { httpStatusCode: 400 },
  });
export const serverError = () =>
  Object.assign(new Error("Internal error"), {
    name: "InternalServerError",
    $fault: "server",
    $metadata: { httpStatusCode: 500 },
  });
