/**
 * The Textract throughput governor: admission control for Start… calls (TPS budget and concurrent-job slots)
 * and pacing of Get… calls, shared by every Lambda through one store (DynamoDB in AWS).
 *
 * What waits where:
 * - Start… rate. A document that cannot start within a second gets a **reservation** on the plan (a
 *   virtual-time token bucket: reservations are 1/TPS apart) and its ingest message is parked (made invisible)
 *   until then: received once to be validated and planned, once more to start. Back in time, it passes the
 *   **gate**, a second bucket every call goes through with at most about a second's wait in the handler, so
 *   calls stay 1/TPS apart even when parked messages come back late and together (SQS gives a message whose
 *   visibility ended no priority over a backlog of new ones).
 * - Job slots. A job holds a slot from admission until its completion is handled. With every slot held, a
 *   document queues in a FIFO **line** and parks its message for long; the release of a slot hands it to the
 *   head of the line and wakes that message (visibility 0). The park's end is only a fallback.
 * - Get… rate. Each result page waits for its gate turn in the handler: ocr-complete's concurrency is sized to
 *   the Get budget, so the waits stay around a second (deferring mid-paging would fetch pages twice).
 * - Throttles and 5xx. The document keeps its slot and takes a gate turn after a short backoff (ahead of the
 *   queued work, not behind it); the turn is paid for, so retries do not push the pace over the budget.
 * - Crashes. A held slot has a lease: a few minutes until its start, then until the job should be long done.
 *   Expired slots are reclaimed (by an admission that finds every slot held, and by the sweeper).
 *
 * Every change is a conditional write (read → decide → write if unchanged, else read again).
 */
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { safeError } from "../observability/logger";
import type { Logger } from "../pipeline/ports";
import { StartDeferredError, ThroughputContentionError, type DeferralReason } from "./errors";
import type { Clock, ItemChange, MessageVisibility, StoredItem, ThroughputStore } from "./ports";
import type { ThroughputBudget } from "./textract-quotas";
import type { QueuedMessage, TextractThroughput } from "./textract-throughput";

export interface GovernorSettings {
  budget: ThroughputBudget;
  /** The longest a call waits for its turn inside the handler; a longer wait parks the message. */
  maxHandlerWaitMs: number;
  /** Without a message to park (the sweeper), a start may wait this long in the handler, else it is busy. */
  unqueuedMaxWaitMs: number;
  /** How long a slot may be held before its job starts (a woken message that never came back). */
  claimLeaseMs: number;
  /** How long a started job may hold its slot without its completion (renewed while Textract runs it). */
  jobLeaseMs: number;
  /** How long a message waiting in line is parked; it is woken as soon as a slot is handed to it. */
  lineParkMs: number;
  /** Backoff of a throttled or failed Start…: base, doubling per retry, at most max (with jitter). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** At most one reclaim of expired slots per interval (claimed through the store). */
  reclaimIntervalMs: number;
  /** Reads and conditional writes per operation before it gives up (ThroughputContentionError). */
  maxAttempts: number;
  random: () => number;
}

export const DEFAULT_GOVERNOR_SETTINGS: Omit<GovernorSettings, "budget"> = {
  maxHandlerWaitMs: 1_000,
  unqueuedMaxWaitMs: 30_000,
  claimLeaseMs: 5 * 60_000,
  jobLeaseMs: 2 * 60 * 60_000,
  lineParkMs: 60 * 60_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  reclaimIntervalMs: 60_000,
  maxAttempts: 16,
  random: Math.random,
};

/** SQS accepts a visibility timeout of at most 12 hours. */
const MAX_PARK_SECONDS = 43_000;

// ── Items (documented in shared/adapters/dynamodb/table-design.ts) ─────────────────────────────────────────
/** Next free reservation on the plan (ms). */
const PLAN = "PLAN#start";
/** Next free turn at the Start… and Get… gates (ms). */
const START_GATE = "GATE#start";
const GET_GATE = "GATE#get";
/** Job slots held, and the line: entries head … tail-1 wait. */
const SLOTS = "SLOTS";
const jobKeyOf = (key: string) => key.slice(key.indexOf("#") + 1);
export const throughputKeys = {
  plan: PLAN,
  startGate: START_GATE,
  getGate: GET_GATE,
  slots: SLOTS,
  /** A document's place: its reservation, its held gate turn, its line position and wake handle. */
  job: (jobKey: string) => `JOB#${jobKey}`,
  /** A held job slot and its lease. */
  slot: (jobKey: string) => `SLOT#${jobKey}`,
  /** The line, in order. */
  line: (seq: number) => `LINE#${String(seq).padStart(12, "0")}`,
};
const { job: JOB, slot: SLOT, line: LINE } = throughputKeys;

interface Turn {
  at: number;
}
interface Slots {
  held: number;
  head: number;
  tail: number;
  reclaimAfter: number;
}
interface Place {
  plannedAt?: number;
  gateAt?: number;
  line?: number;
  wake?: string;
  /** When the document is expected back at the latest (the sweeper leaves it alone until then). */
  backBy?: number;
  retries?: number;
}
interface Lease {
  phase: "holding" | "started";
  leaseUntil: number;
}

const RETRY = Symbol("retry");
type Step<T> = T | typeof RETRY;

const slotsOf = (item: StoredItem | undefined): Slots => ({
  held: 0,
  head: 0,
  tail: 0,
  reclaimAfter: 0,
  ...(item?.data as Partial<Slots> | undefined),
});
const placeOf = (item: StoredItem | undefined): Place => ({ ...(item?.data as Place | undefined) });
const turnOf = (item: StoredItem | undefined): number => (item?.data as Turn | undefined)?.at ?? 0;
const expectOf = (item: StoredItem | undefined): number | "absent" => item?.version ?? "absent";
/** Item data without undefined fields (a field set to undefined is removed). */
const compact = (data: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
const put = (key: string, item: StoredItem | undefined, data: object): ItemChange => ({
  key,
  expect: expectOf(item),
  put: compact(data),
});
const remove = (item: StoredItem): ItemChange => ({ key: item.key, expect: item.version, remove: true });

export interface GovernorDeps {
  store: ThroughputStore;
  clock: Clock;
  /** Parks and wakes ingest messages. Without it (no queue to park in) nothing waits longer than the handler can. */
  visibility?: MessageVisibility;
  logger?: Logger;
}

export class ThroughputGovernor implements TextractThroughput {
  private readonly startInterval: number;
  private readonly getInterval: number;

  constructor(
    private readonly deps: GovernorDeps,
    private readonly settings: GovernorSettings,
    private readonly message?: QueuedMessage,
  ) {
    this.startInterval = 1000 / settings.budget.startTps;
    this.getInterval = 1000 / settings.budget.getTps;
  }

  forMessage(message: QueuedMessage): ThroughputGovernor {
    return new ThroughputGovernor(this.deps, this.settings, message);
  }

  // ── Start… admission ──────────────────────────────────────────────────────────────────────────────────

  async admitStart(jobKey: string): Promise<void> {
    await this.retrying(async () => {
      const now = this.now();
      const items = await this.deps.store.get([JOB(jobKey), SLOT(jobKey), SLOTS, PLAN]);
      const job = items.get(JOB(jobKey));
      const slot = items.get(SLOT(jobKey));
      if (slot) return this.passGate(jobKey, job, slot, now);
      const place = placeOf(job);
      if (place.line !== undefined) return this.stayInLine(job!, now);

      const slotsItem = items.get(SLOTS);
      const slots = slotsOf(slotsItem);
      const lineEmpty = slots.head >= slots.tail;
      const slotFree = slots.held < this.settings.budget.maxJobs;
      if (
        !slotFree &&
        this.message &&
        slots.reclaimAfter <= now &&
        (await this.claimReclaim(slotsItem!, now))
      ) {
        await this.reclaimExpired();
        return RETRY;
      }
      // A slot is free while documents wait in line: it is theirs first.
      if (slotFree && !lineEmpty) return this.admitHead(slotsItem, now);

      // Plan a start turn when a slot is free; with every slot held, the line is the wait, not the rate.
      if (place.plannedAt === undefined && slotFree) {
        const plan = items.get(PLAN);
        const plannedAt = Math.max(now, turnOf(plan));
        if (plannedAt - now > this.maxWait && !this.message) throw this.busy("start-rate", plannedAt - now);
        if (!(await this.deps.store.write([put(PLAN, plan, { at: plannedAt + this.startInterval })]))) {
          return RETRY;
        }
        if (plannedAt - now > this.maxWait) {
          const placed = put(JOB(jobKey), job, { ...place, plannedAt, backBy: this.backBy(plannedAt) });
          if (!(await this.deps.store.write([placed]))) return RETRY; // a duplicate delivery planned it
          return this.parkUntil("start-rate", plannedAt, now);
        }
      } else if (place.plannedAt !== undefined && place.plannedAt - now > this.maxWait) {
        // Back before its reservation (a duplicate delivery): park again, reserving nothing new.
        if (!this.message) throw this.busy("start-rate", place.plannedAt - now);
        return this.parkUntil("start-rate", place.plannedAt, now);
      }
      // Its turn (or within the wait): a free slot, else the tail of the line.
      if (slotFree) return this.takeSlot(jobKey, job, slotsItem, now);
      if (!this.message) throw this.busy("job-slot", this.settings.lineParkMs);
      return this.joinLine(jobKey, job, slotsItem, now);
    });
  }

  async startSucceeded(jobKey: string): Promise<void> {
    await this.retrying(async () => {
      const items = await this.deps.store.get([JOB(jobKey), SLOT(jobKey)]);
      const job = items.get(JOB(jobKey));
      const slot = items.get(SLOT(jobKey));
      const changes: ItemChange[] = job ? [remove(job)] : [];
      // No slot: its completion came first (and released it), or its lease ran out. Nothing to hold.
      if (slot) changes.push(put(SLOT(jobKey), slot, this.lease("started")));
      if (changes.length === 0) return undefined;
      return (await this.deps.store.write(changes)) ? undefined : RETRY;
    });
  }

  async startFailed(jobKey: string, err: unknown): Promise<StartDeferredError | undefined> {
    if (!isRetryableCall(err) || !this.message) {
      await this.release(jobKey);
      return isRetryableCall(err) ? this.busy("retry", this.settings.retryBaseMs) : undefined;
    }
    return this.retrying(async () => {
      const now = this.now();
      const items = await this.deps.store.get([JOB(jobKey), SLOT(jobKey), START_GATE]);
      const job = items.get(JOB(jobKey));
      const slot = items.get(SLOT(jobKey));
      const gate = items.get(START_GATE);
      const place = placeOf(job);
      const retries = (place.retries ?? 0) + 1;
      const backoff = this.backoff(retries);
      // The retry takes a gate turn of its own after the backoff: the refused call is paid for, so retries
      // never add to the pace, and the document keeps its slot instead of queueing again.
      const at = Math.max(now + backoff, turnOf(gate));
      const changes = [
        put(START_GATE, gate, { at: at + this.startInterval }),
        put(JOB(jobKey), job, { ...place, gateAt: at, retries, backBy: this.backBy(at) }),
      ];
      if (slot) changes.push(put(SLOT(jobKey), slot, this.lease("holding", at)));
      if (!(await this.deps.store.write(changes))) return RETRY;
      await this.park(at - now);
      return new StartDeferredError("retry", at - now, true);
    });
  }

  async release(jobKey: string): Promise<void> {
    await this.releaseSlot(jobKey);
  }

  async renewLease(jobKey: string): Promise<void> {
    await this.retrying(async () => {
      const slot = (await this.deps.store.get([SLOT(jobKey)])).get(SLOT(jobKey));
      if (!slot) return undefined;
      return (await this.deps.store.write([put(SLOT(jobKey), slot, this.lease("started"))]))
        ? undefined
        : RETRY;
    });
  }

  async isQueued(jobKey: string): Promise<boolean> {
    const now = this.now();
    const items = await this.deps.store.get([JOB(jobKey), SLOT(jobKey)]);
    const slot = items.get(SLOT(jobKey))?.data as Lease | undefined;
    const job = items.get(JOB(jobKey));
    return (
      (slot !== undefined && slot.leaseUntil > now) || (job !== undefined && (placeOf(job).backBy ?? 0) > now)
    );
  }

  async reclaimExpired(): Promise<number> {
    const now = this.now();
    let reclaimed = 0;
    for (const item of await this.deps.store.list("SLOT#")) {
      if ((item.data as unknown as Lease).leaseUntil >= now) continue;
      if (await this.releaseSlot(jobKeyOf(item.key), item.version)) reclaimed++;
    }
    if (reclaimed > 0) this.deps.logger?.warn("Expired Textract job slots reclaimed", { reclaimed });
    return reclaimed;
  }

  // ── Pacing without admission ──────────────────────────────────────────────────────────────────────────

  async paceGet(): Promise<void> {
    await this.takeTurn(GET_GATE, this.getInterval);
  }

  async getFailed(err: unknown): Promise<boolean> {
    if (!isRetryableCall(err)) return false;
    // The refused call is paid for: the next page waits one more turn.
    await this.takeTurn(GET_GATE, this.getInterval, false);
    return true;
  }

  async paceStart(): Promise<void> {
    await this.takeTurn(START_GATE, this.startInterval);
  }

  // ── Steps ─────────────────────────────────────────────────────────────────────────────────────────────

  /** A free slot for this document (nobody waits in line): held from now on, then through the gate. */
  private async takeSlot(
    jobKey: string,
    job: StoredItem | undefined,
    slotsItem: StoredItem | undefined,
    now: number,
  ): Promise<Step<void>> {
    const slots = slotsOf(slotsItem);
    const lease = this.lease("holding", now);
    const written = await this.deps.store.write([
      put(SLOTS, slotsItem, { ...slots, held: slots.held + 1 }),
      { key: SLOT(jobKey), expect: "absent", put: { ...lease } },
    ]);
    if (!written) return RETRY;
    return this.passGate(jobKey, job, { key: SLOT(jobKey), version: 1, data: { ...lease } }, now);
  }

  /**
   * The document holds a slot: it takes (or uses) its turn at the gate. A held turn is honoured up to one
   * interval late; later, its moment has passed and a new turn is taken.
   */
  private async passGate(
    jobKey: string,
    job: StoredItem | undefined,
    slot: StoredItem,
    now: number,
  ): Promise<Step<void>> {
    const place = placeOf(job);
    if (place.gateAt !== undefined && place.gateAt >= now - this.startInterval) {
      if (place.gateAt - now <= this.maxWait) return this.sleepUntil(place.gateAt, now);
      if (!this.message) throw this.busy("start-rate", place.gateAt - now);
      return this.parkUntil("start-rate", place.gateAt, now);
    }
    const gateItem = (await this.deps.store.get([START_GATE])).get(START_GATE);
    const at = Math.max(now, turnOf(gateItem));
    if (at - now > this.maxWait && !this.message) {
      // The sweeper cannot wait that long: the slot goes back to whoever is next.
      await this.releaseSlot(jobKey);
      throw this.busy("start-rate", at - now);
    }
    if (!(await this.deps.store.write([put(START_GATE, gateItem, { at: at + this.startInterval })]))) {
      return RETRY;
    }
    if (at - now <= this.maxWait) return this.sleepUntil(at, now);
    // Messages came back together: this one holds its turn and its slot, and comes back for it.
    const held = await this.deps.store.write([
      put(JOB(jobKey), job, { ...place, gateAt: at, backBy: this.backBy(at) }),
      put(SLOT(jobKey), slot, this.lease("holding", at)),
    ]);
    if (!held) return RETRY;
    return this.parkUntil("start-rate", at, now);
  }

  /**
   * Every slot is held: the document queues at the tail of the line. Its message is parked first, so a wake
   * (which may come as soon as the entry is written) always comes after the park and is never undone by it.
   */
  private async joinLine(
    jobKey: string,
    job: StoredItem | undefined,
    slotsItem: StoredItem | undefined,
    now: number,
  ): Promise<Step<void>> {
    const slots = slotsOf(slotsItem);
    const parkMs = this.settings.lineParkMs;
    await this.park(parkMs);
    const seq = slots.tail;
    const place = placeOf(job);
    const written = await this.deps.store.write([
      put(SLOTS, slotsItem, { ...slots, tail: seq + 1 }),
      { key: LINE(seq), expect: "absent", put: { jobKey } },
      put(JOB(jobKey), job, {
        ...place,
        plannedAt: undefined,
        gateAt: undefined,
        line: seq,
        wake: this.message!.receiptHandle,
        backBy: this.backBy(now + parkMs),
      }),
    ]);
    if (!written) return RETRY; // read again; if a slot came free meanwhile, taking it re-parks the message
    throw new StartDeferredError("job-slot", parkMs, true);
  }

  /** Back from a park without a slot handed over (the park ended first): park again, with the new handle. */
  private async stayInLine(job: StoredItem, now: number): Promise<Step<void>> {
    if (!this.message) throw this.busy("job-slot", this.settings.lineParkMs);
    const parkMs = this.settings.lineParkMs;
    await this.park(parkMs);
    const place = placeOf(job);
    const wake = this.message.receiptHandle;
    if (
      !(await this.deps.store.write([
        put(job.key, job, { ...place, wake, backBy: this.backBy(now + parkMs) }),
      ]))
    ) {
      return RETRY; // handed a slot meanwhile: the next round passes the gate (and re-parks or goes)
    }
    throw new StartDeferredError("job-slot", parkMs, true);
  }

  /**
   * Releases the slot of `jobKey` (only at `onlyVersion`, when given) and hands it to the head of the line,
   * whose message is woken. A document without a slot leaves its place (plan or line). Returns whether a
   * slot was released.
   */
  private async releaseSlot(jobKey: string, onlyVersion?: number): Promise<boolean> {
    let wake: string | undefined;
    const released = await this.retrying(async () => {
      const now = this.now();
      const items = await this.deps.store.get([SLOT(jobKey), JOB(jobKey), SLOTS]);
      const slot = items.get(SLOT(jobKey));
      const job = items.get(JOB(jobKey));
      if (onlyVersion !== undefined && slot?.version !== onlyVersion) return false;
      const mine: ItemChange[] = job ? [remove(job), ...(await this.lineEntryOf(job))] : [];
      if (!slot) return mine.length === 0 || (await this.deps.store.write(mine)) ? false : RETRY;
      mine.push(remove(slot));
      const slotsItem = items.get(SLOTS);
      const slots = slotsOf(slotsItem);
      if (slots.head < slots.tail && slots.held <= this.settings.budget.maxJobs) {
        const head = await this.headOfLine(slots, now);
        if (head.orphan) {
          await this.deps.store.write([
            put(SLOTS, slotsItem, { ...slots, head: slots.head + 1 }),
            ...head.changes,
          ]);
          return RETRY;
        }
        const handedOver = await this.deps.store.write([
          put(SLOTS, slotsItem, { ...slots, head: slots.head + 1 }),
          ...mine,
          ...head.changes,
        ]);
        if (!handedOver) return RETRY;
        wake = head.wake;
        return true;
      }
      const written = await this.deps.store.write([
        put(SLOTS, slotsItem, { ...slots, held: slots.held - 1 }),
        ...mine,
      ]);
      return written ? true : RETRY;
    });
    if (wake) await this.wake(wake);
    return released;
  }

  /** A slot is free while documents wait: the head of the line gets it and is woken. */
  private async admitHead(slotsItem: StoredItem | undefined, now: number): Promise<Step<void>> {
    const slots = slotsOf(slotsItem);
    const head = await this.headOfLine(slots, now);
    const written = await this.deps.store.write([
      put(SLOTS, slotsItem, { ...slots, head: slots.head + 1, held: slots.held + (head.orphan ? 0 : 1) }),
      ...head.changes,
    ]);
    if (written && head.wake) await this.wake(head.wake);
    return RETRY;
  }

  /**
   * The changes that give the line's head a slot: its entry leaves the line, it holds a slot, its place
   * forgets the line. `orphan`: the entry's document left the line (its start was given up): skip it.
   */
  private async headOfLine(
    slots: Slots,
    now: number,
  ): Promise<{ orphan: boolean; changes: ItemChange[]; wake?: string }> {
    const entry = (await this.deps.store.get([LINE(slots.head)])).get(LINE(slots.head));
    if (!entry) return { orphan: true, changes: [] };
    const nextKey = (entry.data as { jobKey: string }).jobKey;
    const next = await this.deps.store.get([JOB(nextKey), SLOT(nextKey)]);
    const nextJob = next.get(JOB(nextKey));
    const place = placeOf(nextJob);
    if (!nextJob || place.line !== slots.head || next.has(SLOT(nextKey))) {
      return { orphan: true, changes: [remove(entry)] };
    }
    return {
      orphan: false,
      wake: place.wake,
      changes: [
        remove(entry),
        { key: SLOT(nextKey), expect: "absent", put: { ...this.lease("holding", now) } },
        put(JOB(nextKey), nextJob, {
          ...place,
          line: undefined,
          wake: undefined,
          backBy: this.backBy(now),
        }),
      ],
    };
  }

  /** The line entry of a document leaving the line (written once, so at version 1). */
  private async lineEntryOf(job: StoredItem): Promise<ItemChange[]> {
    const seq = placeOf(job).line;
    if (seq === undefined) return [];
    const entry = (await this.deps.store.get([LINE(seq)])).get(LINE(seq));
    return entry ? [remove(entry)] : [];
  }

  /** One reclaim per interval across all Lambdas: claimed by moving `reclaimAfter` on. */
  private async claimReclaim(slotsItem: StoredItem, now: number): Promise<boolean> {
    const slots = slotsOf(slotsItem);
    return this.deps.store.write([
      put(SLOTS, slotsItem, { ...slots, reclaimAfter: now + this.settings.reclaimIntervalMs }),
    ]);
  }

  /** Takes the next turn at a gate and waits for it in the handler (unless `wait` is false). */
  private async takeTurn(key: string, interval: number, wait = true): Promise<void> {
    await this.retrying(async () => {
      const now = this.now();
      const gate = (await this.deps.store.get([key])).get(key);
      const at = Math.max(now, turnOf(gate));
      if (!(await this.deps.store.write([put(key, gate, { at: at + interval })]))) return RETRY;
      if (wait) await this.clock.sleep(at - now);
      return undefined;
    });
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────────────────

  private get clock(): Clock {
    return this.deps.clock;
  }

  private now(): number {
    return this.deps.clock.nowMs();
  }

  private get maxWait(): number {
    return this.message ? this.settings.maxHandlerWaitMs : this.settings.unqueuedMaxWaitMs;
  }

  private lease(phase: Lease["phase"], from = this.now()): Lease {
    const ms = phase === "started" ? this.settings.jobLeaseMs : this.settings.claimLeaseMs;
    return { phase, leaseUntil: from + ms };
  }

  private backBy(at: number): number {
    return at + this.settings.claimLeaseMs;
  }

  private backoff(retries: number): number {
    const { retryBaseMs, retryMaxMs, random } = this.settings;
    return Math.min(retryMaxMs, retryBaseMs * 2 ** (retries - 1)) * (0.5 + random() / 2);
  }

  private async sleepUntil(at: number, now: number): Promise<void> {
    if (at > now) await this.clock.sleep(at - now);
  }

  /**
   * Parks the message until shortly before `at` and defers. Whole seconds, rounded down: the message comes
   * back within a second before its turn and waits the rest in the handler, so the call lands on its turn.
   */
  private async parkUntil(reason: DeferralReason, at: number, now: number): Promise<never> {
    await this.park(at - now);
    throw new StartDeferredError(reason, at - now, true);
  }

  private async park(ms: number): Promise<void> {
    if (!this.message || !this.deps.visibility) throw this.busy("start-rate", ms);
    const seconds = Math.min(MAX_PARK_SECONDS, Math.max(0, Math.floor(ms / 1000)));
    await this.deps.visibility.change(this.message.receiptHandle, seconds);
  }

  /** Makes a parked message visible now. Best effort: if it fails, the message comes back when its park ends. */
  private async wake(receiptHandle: string): Promise<void> {
    try {
      await this.deps.visibility?.change(receiptHandle, 0);
    } catch (err) {
      this.deps.logger?.warn("Parked ingest message could not be woken", safeError(err));
    }
  }

  /** A deferral with nothing reserved and no message parked: the caller tries again later. */
  private busy(reason: DeferralReason, retryAfterMs: number): StartDeferredError {
    return new StartDeferredError(reason, retryAfterMs, false);
  }

  /** Runs `step` until it decides (anything but RETRY), re-reading after each lost write; bounded. */
  private async retrying<T>(step: () => Promise<Step<T>>): Promise<T> {
    for (let attempt = 0; attempt < this.settings.maxAttempts; attempt++) {
      // Concurrent writers that lost to each other spread out before reading again.
      if (attempt > 1) await this.clock.sleep(this.settings.random() * 5 * attempt);
      const out = await step();
      if (out !== RETRY) return out;
    }
    throw new ThroughputContentionError();
  }
}

/** Throttles (incl. LimitExceededException: too many jobs), server errors and timeouts: worth asking again. */
export function isRetryableCall(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as Parameters<typeof isThrottlingError>[0];
  return isThrottlingError(e) || isServerError(e) || isTransientError(e);
}
