import { describe, expect, it } from "vitest";
import { classifyDocument } from "../../support/extraction";
import { buildDoc, page } from "./build-blocks";

describe("classifyDocument", () => {
  it.each([
    ["DISCHARGE SUMMARY", "discharge_summary"],
    ["HISTORY AND PHYSICAL", "history_and_physical"],
    ["H&P", "history_and_physical"],
    ["Admission History & Physical", "history_and_physical"],
    ["PROGRESS NOTE", "progress_note"],
    ["SOAP Note", "progress_note"],
    ["CONSULTATION", "consult_note"],
    ["Cardiology Consultation Note", "consult_note"],
    ["OPERATIVE REPORT", "operative_report"],
    ["LABORATORY", "lab_report"],
    ["Lab Results", "lab_report"],
    ["RADIOLOGY REPORT", "radiology_report"],
    ["X-RAY CHEST 2 VIEWS", "radiology_report"],
    ["CT ABDOMEN AND PELVIS WITH CONTRAST", "radiology_report"],
    ["MRI BRAIN WITHOUT CONTRAST", "radiology_report"],
    ["MEDICATION LIST", "medication_list"],
    ["PATIENT INTAKE FORM", "patient_intake_form"],
    ["Patient Information", "patient_intake_form"],
    ["New Patient Registration", "patient_intake_form"],
    ["AUTHORIZATION FOR RELEASE OF INFORMATION", "authorization_form"],
    ["HIPAA Authorization", "authorization_form"],
    ["HEALTH INSURANCE CLAIM FORM", "insurance_claim"],
    ["UB-04", "insurance_claim"],
  ])("%s → %s", (title, type) => {
    expect(classifyDocument(buildDoc(page("Mercy General Hospital", title, "Patient: Jane Doe")))).toBe(type);
  });

  it("lets the title beat keyword counts", () => {
    const doc = buildDoc(
      page(
        "DISCHARGE SUMMARY",
        "CHIEF COMPLAINT: cough",
        "HISTORY OF PRESENT ILLNESS:",
        "PAST MEDICAL HISTORY:",
        "REVIEW OF SYSTEMS:",
        "PHYSICAL EXAM:",
      ),
    );
    expect(classifyDocument(doc)).toBe("discharge_summary");
  });

  it("falls back to keywords without a title", () => {
    const doc = buildDoc(
      page(
        "Mercy Clinic",
        "Chief Complaint: cough",
        "History of Present Illness: 3 days",
        "Past Medical History: HTN",
      ),
    );
    expect(classifyDocument(doc)).toBe("history_and_physical");
  });

  it("ignores titles that are field values and titles far down the page", () => {
    expect(classifyDocument(buildDoc(page("Document: Discharge Summary attached", "Note text")))).toBe(
      "other",
    );
    expect(classifyDocument(buildDoc(page("Memo", { text: "OPERATIVE REPORT", y: 0.8 })))).toBe("other");
  });

  it("is other for an empty or unrelated document", () => {
    expect(classifyDocument(buildDoc(page("Grocery list", "Milk", "Eggs")))).toBe("other");
    expect(classifyDocument({ DocumentMetadata: { Pages: 1 }, Blocks: [] })).toBe("other");
  });
});
