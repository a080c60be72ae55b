/**
 * Posting events to an integrator's local receiver, signed so it can tell them from anyone else's requests:
 * `chartbridge-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the shared secret>`
 * (the receiver recomputes it, compares in constant time and refuses old timestamps against replays), with
 * the event's id (`chartbridge-event-id`, to drop repeats) and type.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pRetry, { AbortError } from "p-retry";
import type { DomainEvent } from "../../shared/events/domain-events";

export const SIGNATURE_HEADER = "chartbridge-signature";

export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does: true when `header` signs `body` with `secret`, at most `toleranceSeconds` old. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signature(secret, body, t).split("v1=")[1]!, "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The data dir's webhook secret, made on first use (owner-only file). */
export function webhookSecret(dataDir: string): { secret: string; file: string; created: boolean } {
  const file = join(dataDir, "webhook-secret");
  if (existsSync(file)) return { secret: readFileSync(file, "utf8").trim(), file, created: false };
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, file, created: true };
}

/**
 * Posts one event; retried with backoff on network errors, 429 and 5xx (a receiver restarting); a 4xx
 * other than 429 is the receiver's answer and is not retried. Resolves to the final HTTP status.
 */
export async function deliver(
  url: string,
  event: DomainEvent,
  secret: string,
  opts: { retries?: number; now?: () => number } = {},
): Promise<number> {
  const body = JSON.stringify(event);
  return pRetry(
    async () => {
      const t = Math.floor((opts.now?.() ?? Date.now()) / 1000);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: signature(secret, body, t),
          "chartbridge-event-id": event.id,
          "chartbridge-event-type": event.type,
        },
        body,
      });
      await res.arrayBuffer();
      if (res.status === 429 || res.status >= 500) throw new Error(`receiver answered ${res.status}`);
      if (res.status >= 400) throw new AbortError(`receiver refused the event (${res.status})`);
      return res.status;
    },
    { retries: opts.retries ?? 5, minTimeout: 200, maxTimeout: 5_000 },
  );
}
