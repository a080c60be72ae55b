/**
 * Correct a record's fields. Values are checked as the API checks them (the same normalization code) before
 * anything is sent; the save names the version read (If-Match), so a change made meanwhile by someone else is
 * refused rather than overwritten.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { FIELD_NAMES, type FieldName } from "../../../shared/domain/fields";
import { normalizeFieldValue } from "../../../shared/extraction/normalize/field-value";
import { data } from "../api/client";
import type { components } from "../api/schema.gen";
import { useSession } from "../auth/session";
import { fieldLabel } from "./labels";
import { ErrorMessage } from "./states";

type ChartRecord = components["schemas"]["ChartRecord"];

const HINTS: Partial<Record<FieldName, string>> = {
  dateOfBirth: "YYYY-MM-DD or as printed, e.g. 03/14/1962",
  dateOfService: "YYYY-MM-DD",
  admissionDate: "YYYY-MM-DD",
  dischargeDate: "YYYY-MM-DD",
  sex: "female, male, other or unknown",
};

export function CorrectionForm({ record }: { record: ChartRecord }) {
  const { api } = useSession();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const initial = () =>
    Object.fromEntries(FIELD_NAMES.map((n) => [n, record.fields[n]?.value ?? ""])) as Record<
      FieldName,
      string
    >;
  const [values, setValues] = useState(initial);
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<Partial<Record<FieldName | "reason", string>>>({});

  const save = useMutation({
    mutationFn: (fields: Partial<Record<FieldName, string | null>>) =>
      data(
        api.PATCH("/records/{id}", {
          params: { path: { id: record.id } },
          headers: { "If-Match": String(record.version) },
          body: { fields, reason: reason.trim() },
        }),
      ),
    onSuccess: (saved) => {
      client.setQueryData(["record", record.id], saved);
      void client.invalidateQueries({ queryKey: ["page", record.id] });
      void client.invalidateQueries({ queryKey: ["search"] });
      void client.invalidateQueries({ queryKey: ["review"] });
      setOpen(false);
      setReason("");
    },
  });

  if (!open) {
    return (
      <div className="correct">
        <button
          type="button"
          disabled={record.status !== "INDEXED" && record.status !== "NEEDS_REVIEW"}
          onClick={() => (setValues(initial()), setProblems({}), save.reset(), setOpen(true))}
        >
          Correct fields
        </button>
        {save.isSuccess && <p role="status">Saved as version {save.data.version}.</p>}
      </div>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const changed: Partial<Record<FieldName, string | null>> = {};
    const found: typeof problems = {};
    for (const name of FIELD_NAMES) {
      const typed = values[name].trim();
      const current = record.fields[name]?.value ?? "";
      if (typed === current) continue;
      if (!typed) {
        changed[name] = null;
        continue;
      }
      const checked = normalizeFieldValue(name, typed);
      if (checked.ok) changed[name] = checked.value;
      else found[name] = checked.reason.replace(`${name}: `, `${fieldLabel(name)} `);
    }
    if (!reason.trim()) found.reason = "Say why you are making this change.";
    if (Object.keys(changed).length === 0 && Object.keys(found).length === 0)
      found.reason = "Nothing was changed.";
    setProblems(found);
    if (Object.keys(found).length === 0) save.mutate(changed);
  };

  return (
    <form className="correction-form" onSubmit={submit} noValidate aria-labelledby="correct-heading">
      <h2 id="correct-heading">Correct fields</h2>
      {FIELD_NAMES.map((name) => (
        <div className="field" key={name}>
          <label htmlFor={`fix-${name}`}>{fieldLabel(name)}</label>
          <input
            id={`fix-${name}`}
            value={values[name]}
            onChange={(e) => setValues({ ...values, [name]: e.target.value })}
            aria-invalid={problems[name] ? true : undefined}
            aria-describedby={
              problems[name] ? `fix-${name}-error` : HINTS[name] ? `fix-${name}-hint` : undefined
            }
            autoComplete="off"
          />
          {HINTS[name] && !problems[name] && <small id={`fix-${name}-hint`}>{HINTS[name]}</small>}
          {problems[name] && (
            <small id={`fix-${name}-error`} className="error">
              {problems[name]}
            </small>
          )}
        </div>
      ))}
      <div className="field">
        <label htmlFor="fix-reason">Reason for the change</label>
        <input
          id="fix-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={problems.reason ? true : undefined}
          aria-describedby={problems.reason ? "fix-reason-error" : undefined}
          maxLength={500}
        />
        {problems.reason && (
          <small id="fix-reason-error" className="error">
            {problems.reason}
          </small>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save correction"}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {save.isError && <ErrorMessage error={save.error} />}
    </form>
  );
}
