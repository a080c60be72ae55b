/**
 * The Textract throughput governor: admission control for Start… calls (TPS budget and concurrent-job slots)
 * and pacing of Get… calls, shared by every Lambda through one store (DynamoDB in AWS).
 *
 * What waits where:
 * - Start… rate. A document that cannot start within a second gets a **reservation** on the plan (a
 *   virtual-time token bucket: reservations are 1/TPS apart) and its ingest message is parked (made invisible)
 *   until then: received once to be validated and planned, once more to start. Back on time, it passes the
 *   **gate**, a second bucket every call goes through with at most about a second's wait in the handler, so
 *   calls stay 1/TPS apart even when parked messages come back late and together (SQS gives a message whose
 *   visibility ended no priority over a backlog of new ones). The gate is work-conserving: when it idles
 *   (reserved messages are late), a new document takes the turn at once instead of reserving one; when it
 *   is busier than a second, a message parks until about then, holding no turn it could miss, and the next
 *   time it waits longer in the handler (up to 10 s) so it cannot be passed over again and again.
 * - Job slots. A job holds a slot from admission until its completion is handled. With every slot held, a
 *   document queues in a FIFO **line** (entries ordered by when they joined) and parks its message for long;
 *   the release of a slot hands it to the head of the line and wakes that message (visibility 0). The park's
 *   end is only a fallback.
 * - Get… rate. Each result page waits for its gate turn in the handler: ocr-complete's concurrency is sized to
 *   the Get budget, so the waits stay around a second (deferring mid-paging would fetch pages twice).
 * - Throttles and 5xx. The document keeps its slot, parks for a short backoff and takes the next gate turn
 *   then: ahead of the documents reserved for later, not behind them. The refused call is paid for (the gate
 *   moves on by one turn), so retries do not push the pace over the budget.
 * - Duplicates. A second message of the same upload (SQS delivers at least once) finds the document's place
 *   held by the first one's message (reserved or in line) and is told so: it does not park beside it, where
 *   nobody would wake it. A late one whose job has already ended finds the job's end marker and takes no
 *   slot: a slot taken for a job that will never complete again would be held until its lease ran out.
 * - Crashes. A held slot has a lease: a few minutes until its start, then until the job should be long done.
 *   Expired slots are reclaimed (by an admission that finds every slot held, and by the sweeper).
 *
 * The buckets and the count of held slots are changed atomically (no read, so every Lambda hitting them at
 * once still gets a turn of its own); everything else is read → decide → conditional write, read again on a
 * conflict (bounded).
 */
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { safeError } from "../observability/logger";
import type { Logger } from "../pipeline/ports";
import { StartDeferredError, ThroughputContentionError, type DeferralReason } from "./errors";
import type { Clock, ItemChange, MessageVisibility, StoredItem, ThroughputStore } from "./ports";
import type { ThroughputBudget } from "./textract-quotas";
import type { Admission, QueuedMessage, TextractThroughput } from "./textract-throughput";

export interface GovernorSettings {
  budget: ThroughputBudget;
  /** The longest a call waits for its turn inside the handler; a longer wait parks the message. */
  maxHandlerWaitMs: number;
  /**
   * How long a document already parked once for a busy gate waits for its turn in the handler when it comes
   * back, rather than park again: SQS keeps no order, so parking again could let it bounce between parks
   * and the queue's backlog while later documents take the turns (and reach the dead-letter queue).
   */
  secondWaitMs: number;
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
  secondWaitMs: 10_000,
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
export const throughputKeys = {
  /** The next free reservation on the plan (`at`, ms). */
  plan: "PLAN#start",
  /** The next free turn at the Start… and Get… gates (`at`, ms). */
  startGate: "GATE#start",
  getGate: "GATE#get",
  /** The count of job slots held (`held`). */
  slots: "SLOTS",
  /** When the next reclaim of expired slots is due (`after`, ms). */
  reclaim: "RECLAIM",
  /** A document's place: its reservation, line entry and wake handle. */
  job: (jobKey: string) => `JOB#${jobKey}`,
  /** A held job slot and its lease. */
  slot: (jobKey: string) => `SLOT#${jobKey}`,
  /** The job has ended (its completion was handled): late deliveries start nothing. Cleared by TTL. */
  ended: (jobKey: string) => `ENDED#${jobKey}`,
  /** A place in the line, ordered by when the document joined (no counter that every join would contend on). */
  line: (joinedAt: number, jobKey: string) =>
    `LINE#${String(Math.floor(joinedAt)).padStart(15, "0")}#${jobKey}`,
};
const {
  plan: PLAN,
  startGate: START_GATE,
  getGate: GET_GATE,
  slots: SLOTS,
  reclaim: RECLAIM,
} = throughputKeys;
const { job: JOB, slot: SLOT, line: LINE, ended: ENDED } = throughputKeys;
const jobKeyOfSlot = (key: string) => key.slice("SLOT#".length);

interface Place {
  plannedAt?: number;
  /** Its line entry's key, while it waits in line. */
  line?: string;
  wake?: string;
  /** When the document is expected back at the latest (the sweeper leaves it alone until then). */
  backBy?: number;
  /** The message holding the place (parked until its turn): another message of the upload is a duplicate. */
  holder?: string;
  retries?: number;
}
interface Lease {
  phase: "holding" | "started";
  leaseUntil: number;
  /** It was parked once for a busy gate: next time it waits in the handler (secondWaitMs). */
  parkedForGate?: boolean;
}

const RETRY = Symbol("retry");
type Step<T> = T | typeof RETRY;

const placeOf = (item: StoredItem | undefined): Place => ({ ...(item?.data as Place | undefined) });
const numberOf = (item: StoredItem | undefined, field: string): number => {
  const value = item?.data[field];
  return typeof value === "number" ? value : 0;
};
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

  async admitStart(jobKey: string): Promise<Admission> {
    return this.retrying(async (): Promise<Step<Admission>> => {
      const now = this.now();
      const items = await this.deps.store.get([JOB(jobKey), SLOT(jobKey), SLOTS, START_GATE, ENDED(jobKey)]);
      const job = items.get(JOB(jobKey));
      const slot = items.get(SLOT(jobKey));
      if (items.has(ENDED(jobKey))) return this.leaveEnded(jobKey, job, slot);
      if (slot) return this.admitted(this.passGate(slot, items.get(START_GATE), now));
      const place = placeOf(job);
      if (this.isDuplicate(place, now)) return "duplicate";
      if (place.line !== undefined) return this.stayInLine(job!, now);

      const slotFree = numberOf(items.get(SLOTS), "held") < this.settings.budget.maxJobs;
      if (!slotFree && this.message && (await this.claimReclaim(now))) {
        await this.reclaimExpired();
        return RETRY;
      }
      // A slot is free while documents wait in line: it is theirs first.
      if (slotFree && (await this.firstInLine())) {
        await this.fillFreeSlots();
        return RETRY;
      }

      // Plan a start turn when a slot is free; with every slot held, the line is the wait, not the rate.
      if (place.plannedAt === undefined && slotFree) {
        const gateAt = numberOf(items.get(START_GATE), "at");
        // The gate's next turn is free now or within one interval (reserved documents came back late, or
        // none is due): this one takes it rather than leave it unused.
        if (gateAt <= now + this.startInterval) {
          return this.admitted(this.takeSlot(jobKey, items.get(START_GATE), now));
        }
        // Otherwise the next reservation, not before the turns the gate has already given out.
        const notAfter = this.message ? undefined : now + this.maxWait;
        const plannedAt = await this.deps.store.advance(
          PLAN,
          Math.max(now, gateAt),
          this.startInterval,
          notAfter,
        );
        if (plannedAt === undefined) throw this.busy("start-rate", gateAt - now);
        if (plannedAt - now > this.maxWait) {
          const placed = put(JOB(jobKey), job, {
            ...place,
            plannedAt,
            backBy: this.backBy(plannedAt),
            holder: this.message?.messageId,
          });
          if (!(await this.deps.store.write([placed]))) return RETRY; // a duplicate delivery planned it
          return this.parkUntil("start-rate", plannedAt, now);
        }
      } else if (place.plannedAt !== undefined && place.plannedAt - now > this.maxWait) {
        // Back before its reservation (a duplicate delivery): park again, reserving nothing new.
        if (!this.message) throw this.busy("start-rate", place.plannedAt - now);
        return this.parkUntil("start-rate", place.plannedAt, now);
      }
      // Its turn (or within the wait): a free slot, else the tail of the line.
      if (slotFree) return this.admitted(this.takeSlot(jobKey, items.get(START_GATE), now));
      if (!this.message) throw this.busy("job-slot", this.settings.lineParkMs);
      return this.joinLine(jobKey, job, now);
    });
  }

  async startSucceeded(jobKey: string): Promise<void> {
    const ended = await this.retrying(async () => {
      const items = await this.deps.store.get([JOB(jobKey), SLOT(jobKey), ENDED(jobKey)]);
      // The job ended while this (repeated) start was being made: the slot it took is not needed.
      if (items.has(ENDED(jobKey))) return true;
      const job = items.get(JOB(jobKey));
      const slot = items.get(SLOT(jobKey));
      const changes: ItemChange[] = job ? [remove(job)] : [];
      // No slot: its completion came first (and released it), or its lease ran out. Nothing to hold.
      if (slot) changes.push(put(SLOT(jobKey), slot, this.lease("started")));
      if (changes.length === 0) return false;
      return (await this.deps.store.write(changes)) ? false : RETRY;
    });
    if (ended) await this.releaseSlot(jobKey);
  }

  async startFailed(jobKey: string, err: unknown): Promise<StartDeferredError | undefined> {
    if (!isRetryableCall(err) || !this.message) {
      await this.release(jobKey);
      return isRetryableCall(err) ? this.busy("retry", this.settings.retryBaseMs) : undefined;
    }
    // The refused call is paid for (the gate moves on by one turn), so retries never add to the pace.
    await this.deps.store.advance(START_GATE, this.now(), this.startInterval);
    return this.retrying(async () => {
      const now = this.now();
      const items = await this.deps.store.get([JOB(jobKey), SLOT(jobKey)]);
      const job = items.get(JOB(jobKey));
      const slot = items.get(SLOT(jobKey));
      const place = placeOf(job);
      const retries = (place.retries ?? 0) + 1;
      const backoff = this.backoff(retries);
      // It keeps its slot and, after the backoff, takes the next gate turn like any document due then:
      // ahead of the documents reserved for later, not behind them.
      const changes = [put(JOB(jobKey), job, { ...place, retries, backBy: this.backBy(now + backoff) })];
      if (slot) changes.push(put(SLOT(jobKey), slot, this.keptLease(slot, now + backoff)));
      if (!(await this.deps.store.write(changes))) return RETRY;
      await this.park(backoff, Math.ceil); // not back before the backoff is over
      return new StartDeferredError("retry", backoff, true);
    });
  }

  async release(jobKey: string): Promise<void> {
    await this.releaseSlot(jobKey);
  }

  async jobEnded(jobKey: string): Promise<void> {
    await this.releaseSlot(jobKey, { ended: true });
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
      if (await this.releaseSlot(jobKeyOfSlot(item.key), { onlyVersion: item.version })) reclaimed++;
    }
    if (reclaimed > 0) this.deps.logger?.warn("Expired Textract job slots reclaimed", { reclaimed });
    await this.fillFreeSlots();
    return reclaimed;
  }

  // ── Pacing without admission ──────────────────────────────────────────────────────────────────────────

  async paceGet(): Promise<void> {
    const now = this.now();
    const at = (await this.deps.store.advance(GET_GATE, now, this.getInterval))!;
    await this.sleepUntil(at, now);
  }

  async getFailed(err: unknown): Promise<boolean> {
    if (!isRetryableCall(err)) return false;
    // The refused call is paid for: the next page waits one more turn.
    await this.deps.store.advance(GET_GATE, this.now(), this.getInterval);
    return true;
  }

  async paceStart(): Promise<void> {
    const now = this.now();
    const at = (await this.deps.store.advance(START_GATE, now, this.startInterval))!;
    await this.sleepUntil(at, now);
  }

  // ── Steps ─────────────────────────────────────────────────────────────────────────────────────────────

  /** A free slot for this document (nobody waits in line): held from now on, then through the gate. */
  private async takeSlot(jobKey: string, gateRead: StoredItem | undefined, now: number): Promise<Step<void>> {
    const lease = this.lease("holding", now);
    const written = await this.deps.store.write([
      { key: SLOTS, add: "held", by: 1, max: this.settings.budget.maxJobs },
      { key: SLOT(jobKey), expect: "absent", put: { ...lease } },
    ]);
    if (!written) return RETRY; // the last slot went to another document meanwhile: read again
    return this.passGate({ key: SLOT(jobKey), version: 1, data: { ...lease } }, gateRead, now);
  }

  /**
   * The document holds a slot: it takes its turn at the gate and waits for it in the handler. When the gate's
   * next turn is further than the handler may wait (messages came back together), the message parks until
   * about then without reserving it: a turn held through a park is lost if the message comes back late (SQS
   * may deliver it behind a backlog), and the gate would idle at it. Back from that park, it waits longer in
   * the handler (secondWaitMs) instead of parking again, so it cannot be passed over indefinitely.
   */
  private async passGate(
    slot: StoredItem,
    gateRead: StoredItem | undefined,
    now: number,
  ): Promise<Step<void>> {
    const lease = slot.data as unknown as Lease;
    const maxWait = this.message && lease.parkedForGate ? this.settings.secondWaitMs : this.maxWait;
    const at = await this.deps.store.advance(START_GATE, now, this.startInterval, now + maxWait);
    if (at !== undefined) return this.sleepUntil(at, now);
    const busyUntil = Math.max(now + maxWait, numberOf(gateRead, "at"));
    if (this.message) {
      // It keeps its slot while it waits for the gate: the lease runs from then (or longer, if its job runs).
      const parked = put(slot.key, slot, { ...this.keptLease(slot, busyUntil), parkedForGate: true });
      if (!(await this.deps.store.write([parked]))) return RETRY;
      return this.parkUntil("start-rate", busyUntil, now);
    }
    // The sweeper cannot wait that long: the slot goes back to whoever is next.
    await this.releaseSlot(jobKeyOfSlot(slot.key));
    throw this.busy("start-rate", busyUntil - now);
  }

  /**
   * Every slot is held: the document queues at the tail of the line. Its message is parked first, so a wake
   * (which may come as soon as the entry is written) always comes after the park and is never undone by it.
   * Joining touches no shared counter; a slot released meanwhile is caught by the check after the join (or
   * by the releaser's check of the line after it freed the slot): one of the two always sees the other.
   */
  private async joinLine(jobKey: string, job: StoredItem | undefined, now: number): Promise<typeof RETRY> {
    const parkMs = this.settings.lineParkMs;
    await this.park(parkMs);
    const entry = LINE(now, jobKey);
    const written = await this.deps.store.write([
      { key: entry, expect: "absent", put: { jobKey } },
      put(JOB(jobKey), job, {
        ...placeOf(job),
        plannedAt: undefined,
        line: entry,
        wake: this.message!.receiptHandle,
        holder: this.message!.messageId,
        backBy: this.backBy(now + parkMs),
      }),
    ]);
    if (!written) return RETRY; // read again; if a slot came free meanwhile, taking it re-parks the message
    await this.fillFreeSlots();
    throw new StartDeferredError("job-slot", parkMs, true);
  }

  /** Back from a park without a slot handed over (the park ended first): park again, with the new handle. */
  private async stayInLine(job: StoredItem, now: number): Promise<typeof RETRY> {
    if (!this.message) throw this.busy("job-slot", this.settings.lineParkMs);
    const parkMs = this.settings.lineParkMs;
    await this.park(parkMs);
    const place = placeOf(job);
    const wake = this.message.receiptHandle;
    if (
      !(await this.deps.store.write([
        put(job.key, job, {
          ...place,
          wake,
          holder: this.message.messageId,
          backBy: this.backBy(now + parkMs),
        }),
      ]))
    ) {
      return RETRY; // handed a slot meanwhile: the next round passes the gate (and re-parks or goes)
    }
    throw new StartDeferredError("job-slot", parkMs, true);
  }

  /**
   * Releases the slot of `jobKey` (only at `onlyVersion`, when given) and hands it to the head of the line,
   * whose message is woken; with nobody in line, one slot fewer is held. A document without a slot leaves its
   * place (plan or line). `ended`: the job's end marker is written with it. Returns whether a slot was released.
   */
  private async releaseSlot(
    jobKey: string,
    opts: { onlyVersion?: number; ended?: boolean } = {},
  ): Promise<boolean> {
    const { onlyVersion, ended } = opts;
    let wake: string | undefined;
    let freed = false;
    const released = await this.retrying(async () => {
      const now = this.now();
      const items = await this.deps.store.get([SLOT(jobKey), JOB(jobKey), SLOTS, ENDED(jobKey)]);
      const slot = items.get(SLOT(jobKey));
      const job = items.get(JOB(jobKey));
      if (onlyVersion !== undefined && slot?.version !== onlyVersion) return false;
      const mine: ItemChange[] = job ? [remove(job), ...(await this.lineEntryOf(job))] : [];
      if (ended && !items.has(ENDED(jobKey)))
        mine.push({ key: ENDED(jobKey), expect: "absent", put: { at: now } });
      if (!slot) return mine.length === 0 || (await this.deps.store.write(mine)) ? false : RETRY;
      mine.push(remove(slot));
      // Over the budget (it was lowered): the slot is given up rather than handed on.
      if (numberOf(items.get(SLOTS), "held") <= this.settings.budget.maxJobs) {
        const head = await this.headOfLine(now);
        if (head?.orphan) {
          await this.deps.store.write(head.changes);
          return RETRY;
        }
        if (head) {
          // The slot passes from this job to the head of the line: the count of held slots stays.
          if (!(await this.deps.store.write([...mine, ...head.changes]))) return RETRY;
          wake = head.wake;
          return true;
        }
      }
      if (!(await this.deps.store.write([{ key: SLOTS, add: "held", by: -1 }, ...mine]))) return RETRY;
      freed = true;
      return true;
    });
    if (wake) await this.wake(wake);
    // A document may have joined the line while the slot was being freed: it is next.
    if (freed) await this.fillFreeSlots();
    return released;
  }

  /** The first entry of the line, if anyone waits. */
  private async firstInLine(): Promise<StoredItem | undefined> {
    return (await this.deps.store.list("LINE#", 1))[0];
  }

  /** While a slot is free and documents wait, the head of the line gets one and is woken. */
  private async fillFreeSlots(): Promise<void> {
    for (let i = 0; i < this.settings.maxAttempts; i++) {
      const head = await this.headOfLine(this.now());
      if (!head) return;
      if (head.orphan) {
        await this.deps.store.write(head.changes);
        continue;
      }
      const taken = { key: SLOTS, add: "held", by: 1, max: this.settings.budget.maxJobs };
      if (await this.deps.store.write([taken, ...head.changes])) {
        if (head.wake) await this.wake(head.wake);
        continue;
      }
      // Refused: every slot is held again, or the head moved on; nothing to do unless a slot is still free.
      const held = numberOf((await this.deps.store.get([SLOTS])).get(SLOTS), "held");
      if (held >= this.settings.budget.maxJobs) return;
    }
  }

  /**
   * The changes that give the line's head a slot: its entry leaves the line, it holds a slot, its place
   * forgets the line. `orphan`: the entry's document left the line (its start was given up): remove it.
   */
  private async headOfLine(
    now: number,
  ): Promise<{ orphan: boolean; changes: ItemChange[]; wake?: string } | undefined> {
    const entry = await this.firstInLine();
    if (!entry) return undefined;
    const nextKey = (entry.data as { jobKey: string }).jobKey;
    const next = await this.deps.store.get([JOB(nextKey), SLOT(nextKey)]);
    const nextJob = next.get(JOB(nextKey));
    const place = placeOf(nextJob);
    if (!nextJob || place.line !== entry.key || next.has(SLOT(nextKey))) {
      return { orphan: true, changes: [remove(entry)] };
    }
    return {
      orphan: false,
      wake: place.wake,
      changes: [
        remove(entry),
        { key: SLOT(nextKey), expect: "absent", put: { ...this.lease("holding", now) } },
        put(JOB(nextKey), nextJob, { ...place, line: undefined, wake: undefined, backBy: this.backBy(now) }),
      ],
    };
  }

  /** The line entry of a document leaving the line. */
  private async lineEntryOf(job: StoredItem): Promise<ItemChange[]> {
    const key = placeOf(job).line;
    if (key === undefined) return [];
    const entry = (await this.deps.store.get([key])).get(key);
    return entry ? [remove(entry)] : [];
  }

  /** One reclaim per interval across all Lambdas: whoever moves `after` on does it. */
  private async claimReclaim(now: number): Promise<boolean> {
    const item = (await this.deps.store.get([RECLAIM])).get(RECLAIM);
    if (numberOf(item, "after") > now) return false;
    return this.deps.store.write([put(RECLAIM, item, { after: now + this.settings.reclaimIntervalMs })]);
  }

  /**
   * Another message holds this document's place and is parked until its turn (or its wake): this delivery
   * is a duplicate of the upload and has nothing to do. Not when the holder is overdue (its message may be
   * gone: a dead letter), nor for the sweeper, which has no message and asks only about overdue documents.
   */
  private isDuplicate(place: Place, now: number): boolean {
    if (!this.message || place.holder === undefined || place.holder === this.message.messageId) return false;
    const waiting = place.line !== undefined || (place.plannedAt ?? 0) > now + this.maxWait;
    return waiting && (place.backBy ?? 0) > now;
  }

  /** The job has ended: this delivery leaves whatever place it had (a slot it took meanwhile goes on). */
  private async leaveEnded(
    jobKey: string,
    job: StoredItem | undefined,
    slot: StoredItem | undefined,
  ): Promise<Step<Admission>> {
    if (slot) {
      await this.releaseSlot(jobKey);
      return "ended";
    }
    if (!job) return "ended";
    return (await this.deps.store.write([remove(job), ...(await this.lineEntryOf(job))])) ? "ended" : RETRY;
  }

  private async admitted(step: Promise<Step<void>>): Promise<Step<Admission>> {
    return (await step) === RETRY ? RETRY : "start";
  }

  /** A slot held on while its document waits again: its lease runs from `from`, never shorter than it was. */
  private keptLease(slot: StoredItem, from: number): Lease {
    const held = slot.data as unknown as Lease;
    const again = this.lease("holding", from);
    return { phase: held.phase, leaseUntil: Math.max(held.leaseUntil, again.leaseUntil) };
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────────────────

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
    if (at > now) await this.deps.clock.sleep(at - now);
  }

  /**
   * Parks the message until shortly before `at` and defers. Whole seconds, rounded down: the message comes
   * back within a second before its turn and waits the rest in the handler, so the call lands on its turn.
   */
  private async parkUntil(reason: DeferralReason, at: number, now: number): Promise<never> {
    await this.park(at - now);
    throw new StartDeferredError(reason, at - now, true);
  }

  private async park(ms: number, round: (seconds: number) => number = Math.floor): Promise<void> {
    if (!this.message || !this.deps.visibility) throw this.busy("start-rate", ms);
    const seconds = Math.min(MAX_PARK_SECONDS, Math.max(0, round(ms / 1000)));
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
      if (attempt > 1) await this.deps.clock.sleep(this.settings.random() * 5 * attempt);
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
