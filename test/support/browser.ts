/**
 * A real Chromium driven by Playwright, for the web app's end-to-end tests. Playwright cannot download its own
 * browsers here: it drives the system's Chromium (Debian's `chromium` package, installed by .ci/run), or the
 * one CHROMIUM_PATH names.
 */
import axe from "axe-core";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Without the background-networking flags Chromium keeps trying Google's hosts, which this network refuses.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is; returns the serious and critical findings. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not apply to.
  await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    // In the page: axe-core's global and the page's document (this file is compiled without the DOM types).
    (globalThis as unknown as { axe: typeof axe }).axe.run(
      (globalThis as unknown as { document: never }).document,
      {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      },
    ),
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.length }));
}
