/**
 * The FHIR API on the running local stack, as an integrator meets it: a system client's token finds the
 * patient by MRN, lists the patient's DocumentReferences, downloads the scan through its Binary, and each of
 * those reads appears in the patient's accounting of disclosures. The patient directory's DynamoDB adapter
 * is checked against DynamoDB Local.
 */
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Bundle, DocumentReference, Patient } from "@medplum/fhirtypes";
import { describe, expect, inject, it } from "vitest";
import { issueLocalToken } from "../../local/auth/local-tokens";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { PatientDirectoryRepository } from "../../shared/adapters/dynamodb/patient-directory-repository";
import {
  expectUsCoreDocumentReference,
  expectValidBundle,
  expectValidFhir,
  US_CORE_PATIENT_PROFILE,
} from "../support/fhir-validator";
import { makeSampleChartPdf, SAMPLE_CHART_BODY } from "../support/sample-chart";
import { stackClient } from "./stack-client";

const CLI = fileURLToPath(new URL("../../bin/chartbridge.js", import.meta.url));
const HIE = { client: "hie-of-st-mary", scopes: ["system/*.read"] };
const PURPOSE = { "x-purpose-of-use": "TREATMENT", accept: "application/fhir+json" };

describe("FHIR API on the local stack", () => {
  const stack = stackClient();

  it("gives a system client the patient, its documents and the scan, each read a disclosure", async () => {
    const mrn = `7${String(randomInt(10_000_000)).padStart(7, "0")}`;
    const pdf = makeSampleChartPdf({
      lines: [
        "PROGRESS NOTE",
        "Patient Name: Rosa M Delgado",
        "DOB: 07/21/1958",
        `MRN: ${mrn}`,
        ...SAMPLE_CHART_BODY,
      ],
    });
    // An integrator follows the events as the scan goes through (`chartbridge events --follow`).
    const follower = spawn(
      process.execPath,
      [
        CLI,
        "events",
        "--follow",
        "--json",
        "--type",
        "record.indexed",
        "--since",
        new Date().toISOString(),
        "--data-dir",
        inject("dataDir"),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let followed = "";
    follower.stdout.on("data", (d: Buffer) => (followed += d.toString()));
    const id = await stack.upload(`fhir/box-1/chart-${mrn}.pdf`, pdf);
    const record = await stack.settled(id);
    expect(record.status).toBe("INDEXED");
    try {
      const deadline = Date.now() + 20_000;
      while (!followed.includes(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const event = followed
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; detail: { recordId: string } })
        .find((e) => e.detail.recordId === id);
      expect(event).toMatchObject({ type: "record.indexed" });
      // Ids, states and links: nothing of the patient.
      expect(JSON.stringify(event)).not.toMatch(new RegExp(`${mrn}|Delgado|1958`));
    } finally {
      follower.kill();
    }

    const patients = await stack.request<Bundle<Patient>>(
      `/fhir/Patient?identifier=${encodeURIComponent(`urn:chartbridge:mrn|${mrn}`)}`,
      { as: HIE, headers: PURPOSE },
    );
    expect(patients.status).toBe(200);
    expect(patients.headers.get("content-type")).toMatch(/^application\/fhir\+json/);
    expectValidBundle(patients.body, US_CORE_PATIENT_PROFILE);
    expect(patients.body.total).toBe(1);
    const patient = patients.body.entry![0]!.resource!;
    expect(patient).toMatchObject({
      identifier: [{ value: mrn }],
      birthDate: "1958-07-21",
      gender: "female",
    });

    const docs = await stack.request<Bundle<DocumentReference>>(
      `/fhir/DocumentReference?patient=${patient.id}&category=clinical-note`,
      { as: HIE, headers: PURPOSE },
    );
    expect(docs.status).toBe(200);
    expectValidBundle(docs.body);
    expect(docs.body.entry).toHaveLength(1);
    const doc = docs.body.entry![0]!.resource!;
    expectUsCoreDocumentReference(doc);
    expect(doc.content[0]!.attachment).toMatchObject({
      contentType: "application/pdf",
      size: pdf.length,
      hash: (await import("node:crypto")).createHash("sha1").update(pdf).digest("base64"),
    });

    // The scan: a redirect to a short-lived link on the local S3 (fetch drops the bearer token on the way).
    const token = await issueLocalToken(inject("dataDir"), HIE);
    const scan = await fetch(doc.content[0]!.attachment.url!, {
      headers: {
        authorization: `Bearer ${token}`,
        "x-purpose-of-use": "TREATMENT",
        accept: "application/pdf",
      },
    });
    expect(scan.status).toBe(200);
    expect(Buffer.from(await scan.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);

    const disclosures = await stack.request<{
      disclosures: { action: string; recipient: string; recordIds: string[] }[];
    }>(`/patients/${mrn}/disclosures`);
    expect(disclosures.body.disclosures.map((d) => [d.action, d.recipient, d.recordIds])).toEqual([
      ["patient.search", "hie-of-st-mary", []],
      ["document.search", "hie-of-st-mary", [id]],
      ["binary.read", "hie-of-st-mary", [id]],
    ]);
  });
});

describe("FHIR bulk export on the local stack", () => {
  const stack = stackClient();

  it("writes NDJSON that the validator accepts line by line, after one disclosure per patient", async () => {
    const mrn = `8${String(randomInt(10_000_000)).padStart(7, "0")}`;
    const pdf = makeSampleChartPdf({
      lines: [
        "PROGRESS NOTE",
        "Patient Name: Omar K Haddad",
        "DOB: 01/09/1971",
        `MRN: ${mrn}`,
        ...SAMPLE_CHART_BODY,
      ],
    });
    const id = await stack.upload(`fhir/box-2/chart-${mrn}.pdf`, pdf);
    expect((await stack.settled(id)).status).toBe("INDEXED");
    // The export finds charts through the index, which follows the table by a moment.
    await stack.searchUntil({ mrn }, id);

    const kick = await stack.request(`/fhir/$export`, {
      as: HIE,
      headers: { ...PURPOSE, prefer: "respond-async" },
    });
    expect(kick.status).toBe(202);
    const status = new URL(kick.headers.get("content-location")!).pathname;
    let manifest: { output: { type: string; url: string; count: number }[] } | undefined;
    const deadline = Date.now() + 60_000;
    while (!manifest && Date.now() < deadline) {
      const res = await stack.request<typeof manifest>(status, { as: HIE, headers: PURPOSE });
      if (res.status === 200) manifest = res.body;
      else {
        expect(res.status).toBe(202);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    expect(manifest?.output.map((o) => o.type)).toEqual(["DocumentReference", "Patient"]);
    let found = false;
    for (const output of manifest!.output) {
      // The links are presigned: no token goes with them.
      const file = await fetch(output.url);
      expect(file.status).toBe(200);
      const lines = (await file.text()).trimEnd().split("\n");
      expect(lines).toHaveLength(output.count);
      for (const line of lines) {
        const resource = JSON.parse(line) as Patient | DocumentReference;
        if (resource.resourceType === "Patient") expectValidFhir(resource, US_CORE_PATIENT_PROFILE);
        else {
          expectUsCoreDocumentReference(resource);
          found ||= resource.identifier?.[0]?.value === id;
        }
      }
    }
    expect(found, JSON.stringify(manifest!.output.map((o) => [o.type, o.count]))).toBe(true);
    const disclosures = await stack.request<{ disclosures: { action: string; recordIds: string[] }[] }>(
      `/patients/${mrn}/disclosures`,
    );
    expect(disclosures.body.disclosures).toEqual([
      expect.objectContaining({ action: "bulk.export", recordIds: [id] }),
    ]);
  });
});

describe("PatientDirectoryRepository (DynamoDB Local)", () => {
  const client = new DynamoDBClient({
    endpoint: inject("dynamoDbEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const directory = new PatientDirectoryRepository(createDocumentClient(client), inject("tableName"));

  it("gives an MRN one id however it is written, even to concurrent callers, and maps the id back", async () => {
    const mrn = `55${String(randomInt(1_000_000)).padStart(6, "0")}`;
    const ids = await Promise.all([mrn, `MRN-${mrn}`, ` mrn ${mrn}`, mrn].map((m) => directory.idFor(m)));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^pat-[0-9a-f-]{36}$/);
    expect(await directory.mrnOf(ids[0]!)).toMatch(new RegExp(`${mrn}$`));
    expect(await directory.idFor(`0${mrn}`)).not.toBe(ids[0]);
    expect(await directory.mrnOf("pat-00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });
});
