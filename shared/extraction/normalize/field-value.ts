import type { FieldName } from "../../domain/fields";
import { mrnKey } from "../../domain/mrn";
import { normalizeDate } from "./dates";
import { cleanText, normalizePatientName, normalizeProviderName } from "./names";
import { normalizeSex } from "./sex";

/**
 * A value a person typed for a field, checked and normalized the way extraction normalizes what it reads:
 * dates to YYYY-MM-DD (impossible or implausible dates refused), sex to female|male|other|unknown, names
 * whitespace-collapsed. `reason` says what the value must be, never repeating it.
 */
export function normalizeFieldValue(
  name: FieldName,
  raw: string,
  referenceDate = new Date(),
): { ok: true; value: string } | { ok: false; reason: string } {
  const text = raw.trim();
  const fail = (reason: string) => ({ ok: false as const, reason: `${name}: ${reason}` });
  if (!text || text.length > 200) return fail("must be 1 to 200 characters");
  switch (name) {
    case "dateOfBirth":
    case "dateOfService":
    case "admissionDate":
    case "dischargeDate": {
      const kind = name === "dateOfBirth" ? "birth" : "event";
      const value = normalizeDate(text, { kind, referenceDate });
      return value
        ? { ok: true, value }
        : fail("must be a real date (YYYY-MM-DD or MM/DD/YYYY), not in the future");
    }
    case "sex": {
      const value = normalizeSex(text);
      return value ? { ok: true, value } : fail("must be female, male, other or unknown");
    }
    case "mrn":
      return /\d/.test(text) && /^[A-Za-z0-9][A-Za-z0-9 \-/.#]*$/.test(text) && mrnKey(text)
        ? { ok: true, value: cleanText(text) }
        : fail("must be letters and digits (with - / . allowed), including a digit");
    case "patientName": {
      const value = normalizePatientName(text);
      return value ? { ok: true, value } : fail("must look like a person's name");
    }
    case "provider": {
      const value = normalizeProviderName(text);
      return value ? { ok: true, value } : fail("must look like a person's name");
    }
    case "facility":
      return { ok: true, value: cleanText(text) };
  }
}
