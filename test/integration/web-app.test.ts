/**
 * The records-staff web app in a real browser (Chromium driven by Playwright) against the real local stack:
 * what records staff, an admin and a vendor do with it, sessions that end, and axe-core on every page.
 * The run also writes the screenshots the README shows (docs/screenshots).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { issueLocalToken } from "../../local/auth/local-tokens";
import { makeSampleChartPdf, SAMPLE_CHART_BODY } from "../support/sample-chart";
import { launchBrowser, seriousAxeViolations } from "../support/browser";
import { stackClient } from "./stack-client";
import type { CreatedBatch } from "../../local/cli/batch-upload/batch-client";
import { pngVariant } from "../support/png-variants";

const SCREENSHOTS = resolve(import.meta.dirname, "../../docs/screenshots");

const PATIENT = "Rosalind Featherstone";
const MRN = "77120458";

describe("the web app, in a real browser", () => {
  const stack = stackClient();
  const app = `${inject("apiUrl")}/`;
  let browser: Browser;
  let recordId: string;
  let reviewId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const chart = makeSampleChartPdf({
      pages: 2,
      lines: [`Patient Name: ${PATIENT}`, "DOB: 07/21/1958", `MRN: ${MRN}`, ...SAMPLE_CHART_BODY],
    });
    // No patient name on this one: it waits in the review queue (MISSING_IDENTITY).
    const unidentified = makeSampleChartPdf({
      lines: ["DOB: 02/09/1971", "MRN: 55501234", ...SAMPLE_CHART_BODY],
    });
    // Under the bundled samples' vendor prefix, so the local vendor identity owns these uploads.
    const [a, b] = await Promise.all([
      stack.upload(`samples/web-e2e/${Date.now()}-chart.pdf`, chart),
      stack.upload(`samples/web-e2e/${Date.now()}-unidentified.pdf`, unidentified),
    ]);
    const [chartRecord, reviewRecord] = await Promise.all([stack.settled(a!), stack.settled(b!)]);
    expect(chartRecord.fields.mrn?.value).toBe(MRN);
    expect(reviewRecord.status).toBe("NEEDS_REVIEW");
    recordId = chartRecord.id;
    reviewId = reviewRecord.id;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function signIn(page: Page, who: RegExp, path = ""): Promise<void> {
    await page.goto(`${app}#/${path}`);
    await page.getByRole("button", { name: who }).click();
  }

  async function expectAccessible(page: Page, name: string): Promise<void> {
    expect(await seriousAxeViolations(page), `axe on ${name}`).toEqual([]);
  }

  it("offers local sign-in, accessibly, and returns to the page that asked for it", async () => {
    const page = await newPage();
    await page.goto(`${app}#/search?q=${encodeURIComponent("Featherstone")}`);
    await expect
      .poll(() => page.getByRole("heading", { name: "Sign in to chartbridge" }).isVisible())
      .toBe(true);
    await expectAccessible(page, "sign-in");
    await page.getByRole("button", { name: /Records staff/ }).click();
    await page.getByRole("link", { name: PATIENT }).waitFor();
    expect(page.url()).toContain("#/search?q=Featherstone");
  });

  it("lets records staff find a chart by a misspelled name, see its fields boxed, correct one and find the correction", async () => {
    const page = await newPage();
    await signIn(page, /Records staff/, "search");

    // Search: misspelled, typed as a person would; the query lands in the URL.
    await page.getByLabel("Name or text").fill("Rosalnd Featherston");
    await page.keyboard.press("Enter");
    const hit = page.getByRole("link", { name: PATIENT });
    await hit.waitFor();
    expect(new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("q")).toBe("Rosalnd Featherston");
    await expect.poll(() => page.locator(".facets").getByRole("button").count()).toBeGreaterThan(0);
    await expectAccessible(page, "search");
    await page.screenshot({ path: join(SCREENSHOTS, "search.png") });

    // Keyboard: Enter on a focused result opens the record.
    await hit.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`#/records/${recordId}`));

    // The page image with the fields drawn on it.
    const image = page.locator("img.page-image");
    await image.waitFor();
    await expect
      .poll(() =>
        image.evaluate((img) => {
          const el = img as unknown as { complete: boolean; naturalWidth: number };
          return el.complete ? el.naturalWidth : 0;
        }),
      )
      .toBeGreaterThan(500);
    expect(await page.locator("button.box").count()).toBeGreaterThanOrEqual(3);

    // Field → box: choosing MRN in the table outlines its box; box → field: choosing a box selects its row.
    await page.getByRole("button", { name: "MRN", exact: true }).click();
    await page.locator('button.box.selected[data-field="mrn"]').waitFor();
    expect(page.url()).toContain("field=mrn");
    await page.locator('button.box[data-field="patientName"]').click();
    await page.locator("tr.selected", { hasText: "Patient name" }).waitFor();
    await expectAccessible(page, "record");
    await page.screenshot({ path: join(SCREENSHOTS, "record.png") });

    // A correction: a bad date is refused as the API would refuse it, before anything is sent.
    await page.getByRole("button", { name: "Correct fields" }).click();
    await page.getByLabel("Date of birth", { exact: true }).fill("1958-02-30");
    await page.getByLabel("Provider", { exact: true }).fill("Dr. Imogen Quartermaine");
    await page.getByLabel("Reason for the change").fill("Provider misread by OCR");
    await page.getByRole("button", { name: "Save correction" }).click();
    await page.locator("#fix-dateOfBirth-error").waitFor();
    await expectAccessible(page, "correction form");
    await page.getByLabel("Date of birth", { exact: true }).fill("1958-07-21");
    await page.getByRole("button", { name: "Save correction" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /Saved as version \d+/ })
      .waitFor();
    expect(await page.locator('[data-field-value="provider"]').textContent()).toBe("Dr. Imogen Quartermaine");
    await page
      .getByRole("table")
      .filter({ hasText: "Provider misread by OCR" })
      .getByText("local-staff")
      .waitFor();

    // The corrected value is found by search within seconds (the index follows the table's stream).
    const started = Date.now();
    await expect
      .poll(
        async () => {
          await page.goto(`${app}#/search?q=Quartermaine&t=${Date.now()}`);
          await page.locator("h2#results-heading, p[role=status], p[role=alert]").first().waitFor();
          return page.getByRole("link", { name: PATIENT }).count();
        },
        { timeout: 5_000, interval: 250 },
      )
      .toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);

    // The patient's timeline, from the record.
    await page.goto(`${app}#/records/${recordId}`);
    await page.getByRole("link", { name: "Patient timeline" }).click();
    await page.getByRole("heading", { name: `Patient timeline — MRN ${MRN}` }).waitFor();
    await page.locator(".timeline li").first().waitFor();
    await expectAccessible(page, "timeline");
  });

  it("can be used with the keyboard alone: search, move to a result, open it", async () => {
    const page = await newPage();
    await page.goto(`${app}#/search`);
    // Sign-in: Tab to the records-staff identity and press Enter.
    await page.getByRole("button", { name: /Records staff/ }).waitFor();
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate("document.activeElement && document.activeElement.textContent");
      if (String(focused).startsWith("Records staff")) break;
    }
    await page.keyboard.press("Enter");
    await page.getByLabel("Name or text").waitFor();
    // The search box has focus after sign-in; "/" also gets there from anywhere.
    await page.keyboard.press("/");
    await page.keyboard.type("Featherstone");
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: PATIENT }).waitFor();
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate("document.activeElement.textContent")).toBe(PATIENT);
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`#/records/${recordId}`));
    await page.locator("img.page-image").waitFor();
  });

  it("works the review queue: a record missing its patient name is filed once a person fills it in", async () => {
    const page = await newPage();
    await signIn(page, /Records staff/, "review");
    const row = page.getByRole("row").filter({ hasText: "Patient name (missing)" }).first();
    await row.waitFor();
    await expectAccessible(page, "review queue");
    await page.screenshot({ path: join(SCREENSHOTS, "review.png") });

    await page.goto(`${app}#/records/${reviewId}?review=1`);
    await page.getByText(/Needs review: A key identity field/).waitFor();
    await expectAccessible(page, "record in review");
    await page.getByRole("button", { name: "Correct fields" }).click();
    await page.getByLabel("Patient name", { exact: true }).fill("Bartholomew Quince");
    await page.getByLabel("Reason for the change").fill("Name from the chart's cover sheet");
    await page.getByRole("button", { name: "Save correction" }).click();
    await page.getByText("This record is no longer waiting for review.").waitFor();
    expect(await page.locator(".record-meta .status").textContent()).toBe("Filed");
  });

  it("gives an admin the access report with the staff member's actions on the record, as a table and as CSV", async () => {
    const page = await newPage();
    await signIn(page, /Administrator/, `admin?view=access&recordId=${recordId}`);
    const table = page.locator("table.audit");
    await table.waitFor();
    for (const action of ["search", "record.read", "page.read", "record.correct"]) {
      await expect
        .poll(() =>
          table.getByRole("row").filter({ hasText: "local-staff" }).filter({ hasText: action }).count(),
        )
        .toBeGreaterThan(0);
    }
    expect(await table.textContent()).toContain(recordId);
    await expectAccessible(page, "access report");

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("access-report.csv");
    const csv = await new Response((await file.createReadStream()) as unknown as ReadableStream).text();
    expect(csv.split("\n")[0]).toContain("recordIds");
    expect(csv).toContain(recordId);

    await page.getByRole("link", { name: "Accounting of disclosures" }).click();
    await page.getByLabel("Patient MRN").fill(MRN);
    await page.getByRole("button", { name: "Show disclosures" }).click();
    await page.getByText("No disclosures are recorded for this patient in this period.").waitFor();
    await expectAccessible(page, "disclosures");

    await page.getByRole("link", { name: "Reprocess", exact: true }).click();
    await page.getByLabel("Name or text").fill("Featherstone");
    await page.getByRole("button", { name: "Reprocess matching records" }).click();
    await page.getByText(/Done: 1 of 1 records/).waitFor({ timeout: 30_000 });
    await expectAccessible(page, "reprocess");
  });

  it("shows a vendor its own uploads' status and nothing of a record's content", async () => {
    const page = await newPage();
    await signIn(page, /Scanning vendor/);
    await page.getByRole("heading", { name: "Uploads" }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link").allTextContents()).toEqual(["Batches", "Uploads"]);

    // Its uploads, newest first: the chart (filed) and the one waiting for review, by batch.
    await page.getByLabel("Batch").fill("web-e2e");
    await page.getByRole("button", { name: "Show uploads" }).click();
    const row = page.getByRole("row").filter({ hasText: recordId });
    await row.waitFor();
    expect(await row.locator(".status").textContent()).toBe("Filed");
    await page.getByRole("row").filter({ hasText: reviewId }).waitFor();
    await expectAccessible(page, "uploads");
    expect((await page.locator("main").textContent()) ?? "").not.toMatch(
      // Word-bounded: record ids are hex, and "…21958c…" is not a birth year.
      /Featherstone|Quartermaine|\b1958\b|\b77120458\b/,
    );

    // One upload's history; a record URL of the staff app shows nothing.
    await row.getByRole("link").click();
    await page.getByRole("heading", { name: /chart\.pdf$/ }).waitFor();
    await expectAccessible(page, "upload detail");
    expect((await page.locator("main").textContent()) ?? "").not.toMatch(
      // Word-bounded: record ids are hex, and "…21958c…" is not a birth year.
      /Featherstone|Quartermaine|\b1958\b|\b77120458\b/,
    );
    await page.goto(`${app}#/records/${recordId}`);
    await page.getByRole("alert").filter({ hasText: "not allowed" }).waitFor();
    expect(await page.content()).not.toContain("Featherstone");

    // Another vendor's upload is simply not found.
    await page.goto(`${app}#/uploads?id=doc_${"0".repeat(32)}`);
    await page.getByRole("alert").filter({ hasText: "Not found" }).waitFor();
  });

  it("shows a vendor its batches: outcomes per file, a missing one, and the report as CSV", async () => {
    const as = { user: "samples-uploader", groups: ["vendor" as const], vendor: "samples" };
    const sent = pngVariant("web-batch-sent");
    const name = `web-batch-${Date.now()}`;
    const created = await stack.request<CreatedBatch>("/batches", {
      as,
      method: "POST",
      body: {
        name,
        files: [
          { name: "sent.png", size: sent.length, sha256: createHash("sha256").update(sent).digest("hex") },
          { name: "never-sent.png", size: 10, sha256: "ab".repeat(32) },
        ],
      },
    });
    const target = created.body.uploadTargets.find((t) => t.name === "sent.png")!;
    expect((await fetch(target.url, { method: "PUT", headers: target.headers, body: sent })).status).toBe(
      200,
    );

    const page = await newPage();
    await signIn(page, /Scanning vendor/);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Batches" }).click();
    await page.getByRole("link", { name }).click();
    await page.getByRole("heading", { name: `${name} — OPEN` }).waitFor();
    await page
      .getByRole("row")
      .filter({ hasText: "sent.png" })
      .filter({ hasText: "Needs review" })
      .first()
      .waitFor({ timeout: 60_000 });
    // The vendor closes the delivery: what never came is missing, and the batch completes.
    await page.getByRole("button", { name: /Close the batch/ }).click();
    await page.getByRole("heading", { name: `${name} — COMPLETED` }).waitFor({ timeout: 60_000 });
    const missing = page.getByRole("row").filter({ hasText: "never-sent.png" });
    expect(await missing.locator(".status").textContent()).toBe("Missing");
    await expectAccessible(page, "batch");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const csv = readFileSync((await (await download).path())!, "utf8");
    expect(csv).toContain("never-sent.png,true,MISSING,MISSING");
    await page.getByRole("link", { name: "All batches" }).click();
    await page.getByRole("row").filter({ hasText: name }).waitFor();
    await expectAccessible(page, "batches");
  });

  it("leads back to sign-in when the token has expired", async () => {
    const page = await newPage();
    const expired = await issueLocalToken(
      inject("dataDir"),
      { user: "local-staff", groups: ["records-staff"] },
      {
        ttlSeconds: -60,
      },
    );
    // The local stack hands out hour-long tokens; this sign-in gets one that has already expired.
    await page.route("**/local-auth/sign-in", (route) =>
      route.fulfill({ json: { token: expired, expiresIn: 0 } }),
    );
    await signIn(page, /Records staff/, "search?q=Featherstone");
    await page.getByText("Your session expired. Sign in again to continue.").waitFor();
    await page.getByRole("button", { name: /Records staff/ }).waitFor();
  });

  it("signs out an idle workstation after the idle timeout", async () => {
    const page = await newPage();
    await page.clock.install();
    await signIn(page, /Records staff/, "search");
    await page.getByLabel("Name or text").waitFor();
    await page.clock.fastForward("16:00");
    await page.getByText("You were signed out because the workstation was idle.").waitFor();
    expect(await page.content()).not.toContain("Signed in as");
  });
});
