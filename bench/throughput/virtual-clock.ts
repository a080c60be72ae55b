/**
 * Virtual time for the throughput simulation: a discrete-event loop. The simulated Lambdas and services run
 * as processes (`spawn`) that wait with `sleep(ms)` (the governor's Clock port, the services' latencies); the
 * loop jumps from one due event to the next, so an hour of pipeline time takes as long as the code's own work.
 *
 * Time moves only when every process waits on `sleep` (or has finished): a process that awaits anything else
 * — the object store's temporary files, a dynamic import through the module loader — keeps the loop waiting
 * until it is done. Each event thus sees the state all earlier events left, whatever the code awaits, and the
 * same seed gives the same run.
 */
import { mulberry32 } from "../../samples/generator/chart-spec";
import type { Clock } from "../../shared/throughput/ports";

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

export class VirtualClock implements Clock {
  private now: number;
  private seq = 0;
  private readonly heap: Timer[] = [];
  /** Processes running (not waiting on `sleep`). */
  private running = 0;
  private failure: unknown;

  constructor(startMs: number) {
    this.now = startMs;
  }

  nowMs = (): number => this.now;
  nowIso = (): string => new Date(this.now).toISOString();

  /** Waits `ms` of virtual time. Only inside a process (`spawn`). */
  sleep = (ms: number): Promise<void> => {
    this.running--;
    return new Promise((resolve) =>
      this.schedule(this.now + Math.max(0, ms), () => {
        this.running++;
        resolve();
      }),
    );
  };

  /** Runs `work` as a process of the simulation. A process that throws stops the run with its error. */
  spawn(work: () => Promise<unknown>): void {
    this.running++;
    void work()
      .catch((err: unknown) => (this.failure ??= err))
      .finally(() => this.running--);
  }

  /** Runs `fire` at virtual time `at` (events at the same time run in the order they were scheduled). */
  schedule(at: number, fire: () => void): void {
    this.push({ at: Math.max(at, this.now), seq: this.seq++, fire });
  }

  /** Runs events in time order until none is left, `stop()` says so, or virtual time passes `untilMs`. */
  async run(opts: { stop?: () => boolean; untilMs?: number } = {}): Promise<void> {
    for (;;) {
      // Let what the last event resumed run until it waits on virtual time again (or finishes).
      do await new Promise((resolve) => setImmediate(resolve));
      while (this.running > 0);
      if (this.failure !== undefined) throw this.failure;
      if (opts.stop?.()) return;
      const next = this.pop();
      if (!next) return;
      if (opts.untilMs !== undefined && next.at > opts.untilMs) {
        this.push(next);
        return;
      }
      this.now = next.at;
      next.fire();
    }
  }

  // A binary min-heap on (at, seq).
  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && before(heap[l]!, heap[smallest]!)) smallest = l;
        if (r < heap.length && before(heap[r]!, heap[smallest]!)) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/** A seeded pseudo-random source: the same seed gives the same run (the sample generator's mulberry32). */
export const seededRandom = mulberry32;
