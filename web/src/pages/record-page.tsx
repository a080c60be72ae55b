/**
 * One record: the page image with its fields boxed beside the extracted values, corrections, status history and
 * links (split parts, the patient's timeline, the original scan). Opened from the review queue (`review=1`), it
 * offers "Confirm" and "Next" to work through the queue.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { FIELD_NAMES, type FieldName } from "../../../shared/domain/fields";
import { data } from "../api/client";
import { ApiError } from "../api/errors";
import type { components } from "../api/schema.gen";
import { useSession } from "../auth/session";
import { isAdmin } from "../auth/token-claims";
import { CorrectionForm } from "../components/correction-form";
import { fieldLabel, percent, reasonLabel, statusLabel, typeLabel, when } from "../components/labels";
import { PageViewer } from "../components/page-viewer";
import { ErrorMessage, Loading } from "../components/states";

type ChartRecord = components["schemas"]["ChartRecord"];

export function RecordPage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const session = useSession();
  const { api, config } = session;

  const record = useQuery({
    queryKey: ["record", id],
    queryFn: () => data(api.GET("/records/{id}", { params: { path: { id } } })),
  });
  const full = record.data && "fields" in record.data ? (record.data as ChartRecord) : undefined;

  const selected = params.get("field") ?? undefined;
  const selectedPage = selected ? full?.fields[selected as FieldName]?.page : undefined;
  const pageNumber = Number(params.get("page")) || (selectedPage && selectedPage > 0 ? selectedPage : 1);
  const pageCount = full?.split ? full.split.pages[1] - full.split.pages[0] + 1 : full?.pageCount;

  const page = useQuery({
    queryKey: ["page", id, pageNumber],
    enabled: !!full && !!pageCount,
    // The link is short-lived: fetch a new one rather than show an expired image.
    staleTime: 60_000,
    queryFn: () => data(api.GET("/records/{id}/pages/{n}", { params: { path: { id, n: pageNumber } } })),
  });

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };
  const selectField = (name: string) => {
    const f = full?.fields[name as FieldName];
    update({ field: name, ...(f && f.page > 0 ? { page: String(f.page) } : {}) });
  };

  if (record.isPending) return <Loading what="the record" />;
  if (record.isError) return <ErrorMessage error={record.error} />;
  if (!full)
    return (
      <ErrorMessage
        error={new ApiError(403, "This account may not see this record's content.", "Forbidden")}
      />
    );

  const mrn = full.fields.mrn?.value;
  return (
    <div className="record">
      <header className="record-head">
        <h1>
          {full.fields.patientName?.value ?? "Patient not identified"}{" "}
          <span className="sub">— {typeLabel(full.documentType)}</span>
        </h1>
        <p className="record-meta">
          <span className={`status status-${full.status}`}>{statusLabel(full.status)}</span>
          {full.statusReason && <span> · {reasonLabel(full.statusReason)}</span>}
          <span> · version {full.version}</span>
          {full.split && (
            <span>
              {" "}
              · part {full.split.part} of {full.split.of}
            </span>
          )}
        </p>
        <nav className="record-links" aria-label="Related">
          {mrn && <Link to={`/patients/${encodeURIComponent(mrn)}`}>Patient timeline</Link>}
          <SplitLinks record={full} />
          <DownloadOriginal id={id} />
          {isAdmin(session.identity) && <ReprocessButton id={id} />}
        </nav>
      </header>

      <div className="record-body">
        {!pageCount ? (
          <p className="state">This record has no pages to show.</p>
        ) : page.isPending ? (
          <Loading what={`page ${pageNumber}`} />
        ) : page.isError ? (
          <ErrorMessage error={page.error} />
        ) : (
          <PageViewer
            page={page.data}
            selected={selected}
            onSelect={selectField}
            onPage={(n) => update({ page: String(n) })}
            threshold={config.reviewThreshold}
          />
        )}
        <div className="record-side">
          {params.get("review") === "1" && <ReviewActions record={full} />}
          <FieldsTable
            record={full}
            selected={selected}
            onSelect={selectField}
            threshold={config.reviewThreshold}
          />
          <CorrectionForm record={full} />
          <Lists record={full} />
          <Corrections record={full} />
          <History record={full} />
        </div>
      </div>
    </div>
  );
}

function FieldsTable(props: {
  record: ChartRecord;
  selected?: string;
  onSelect: (f: string) => void;
  threshold: number;
}) {
  const { record, selected, onSelect, threshold } = props;
  const present = FIELD_NAMES.filter((n) => record.fields[n]);
  return (
    <section aria-labelledby="fields-heading">
      <h2 id="fields-heading">Extracted fields</h2>
      <table className="fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Confidence</th>
            <th scope="col">Page</th>
          </tr>
        </thead>
        <tbody>
          {present.map((name) => {
            const f = record.fields[name]!;
            const low = f.source !== "human" && f.confidence < threshold;
            return (
              <tr
                key={name}
                aria-current={name === selected ? "true" : undefined}
                className={name === selected ? "selected" : undefined}
              >
                <th scope="row">
                  <button
                    type="button"
                    className="link"
                    onClick={() => onSelect(name)}
                    aria-pressed={name === selected}
                  >
                    {fieldLabel(name)}
                  </button>
                </th>
                <td data-field-value={name}>{f.value}</td>
                <td>
                  {f.source === "human" ? (
                    <span className="badge human">Corrected</span>
                  ) : low ? (
                    <span className="badge low">Low: {percent(f.confidence)}</span>
                  ) : (
                    percent(f.confidence)
                  )}
                </td>
                <td>{f.page > 0 ? f.page : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {present.length === 0 && <p className="state">No fields were read from this record.</p>}
    </section>
  );
}

function SplitLinks({ record }: { record: ChartRecord }) {
  const split = record.split;
  if (!split) return null;
  const ids = split.partIds ?? (split.part === 1 ? [] : [split.fileRecordId]);
  return (
    <>
      {ids
        .filter((pid) => pid !== record.id)
        .map((pid) => (
          <Link key={pid} to={`/records/${pid}`}>
            {split.partIds
              ? `Part ${split.partIds.indexOf(pid) + 1} of this scan`
              : "First part of this scan"}
          </Link>
        ))}
    </>
  );
}

/** Fetches a short-lived link to the scan and opens it in a new tab (the session stays in this one). */
function DownloadOriginal({ id }: { id: string }) {
  const { api } = useSession();
  const [error, setError] = useState<unknown>();
  const open = async () => {
    setError(undefined);
    try {
      const link = await data(api.GET("/records/{id}/original", { params: { path: { id } } }));
      const a = document.createElement("a");
      a.href = link.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.click();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <button type="button" className="link" onClick={() => void open()}>
        Download original scan
      </button>
      {error !== undefined && <ErrorMessage error={error} />}
    </>
  );
}

function ReprocessButton({ id }: { id: string }) {
  const { api } = useSession();
  const client = useQueryClient();
  const run = useMutation({
    mutationFn: () => data(api.POST("/records/{id}/reprocess", { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["record", id] }),
  });
  return (
    <>
      <button type="button" className="link" disabled={run.isPending} onClick={() => run.mutate()}>
        {run.isPending ? "Reprocessing…" : "Reprocess with today's rules"}
      </button>
      {run.isSuccess && <span role="status">Reprocessed.</span>}
      {run.isError && <ErrorMessage error={run.error} />}
    </>
  );
}

/** Review: confirm the doubtful identity fields as they are, or go to the next record in the queue. */
function ReviewActions({ record }: { record: ChartRecord }) {
  const { api, config } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const doubtful = FIELD_NAMES.filter((n) => {
    const f = record.fields[n];
    return f && f.source !== "human" && f.confidence < config.reviewThreshold;
  });
  const next = async () => {
    const queue = await data(api.GET("/review", { params: { query: { limit: 2 } } }));
    const item = queue.items.find((i) => i.id !== record.id);
    if (!item) return navigate("/review");
    const field = item.doubtfulFields[0];
    navigate(`/records/${item.id}?review=1${field ? `&field=${field.name}&page=${field.page}` : ""}`);
  };
  const confirm = useMutation({
    mutationFn: () =>
      data(
        api.PATCH("/records/{id}", {
          params: { path: { id: record.id } },
          headers: { "If-Match": String(record.version) },
          body: {
            fields: Object.fromEntries(doubtful.map((n) => [n, record.fields[n]!.value])),
            reason: "Confirmed in review",
          },
        }),
      ),
    onSuccess: (saved) => {
      client.setQueryData(["record", record.id], saved);
      void client.invalidateQueries({ queryKey: ["review"] });
    },
  });
  return (
    <section className="review-actions" aria-label="Review">
      <p>
        {record.status === "NEEDS_REVIEW"
          ? `Needs review: ${record.statusReason ? reasonLabel(record.statusReason) : "check the identity fields"}.`
          : "This record is no longer waiting for review."}
      </p>
      {doubtful.length > 0 && (
        <button
          type="button"
          className="primary"
          disabled={confirm.isPending}
          onClick={() => confirm.mutate()}
        >
          Confirm {doubtful.map(fieldLabel).join(", ")} as read
        </button>
      )}
      <button type="button" onClick={() => void next()}>
        Next in queue
      </button>
      {confirm.isSuccess && <p role="status">Confirmed.</p>}
      {confirm.isError && <ErrorMessage error={confirm.error} />}
    </section>
  );
}

function Lists({ record }: { record: ChartRecord }) {
  const lists = [
    { title: "Diagnoses", items: record.diagnoses.map((d) => `${d.text}${d.code ? ` (${d.code})` : ""}`) },
    { title: "Medications", items: record.medications.map((m) => m.text) },
    { title: "Allergies", items: record.allergies.map((a) => a.text) },
  ].filter((l) => l.items.length > 0);
  if (lists.length === 0) return null;
  return (
    <section aria-label="Clinical lists">
      {lists.map((l) => (
        <div key={l.title}>
          <h2>{l.title}</h2>
          <ul>
            {l.items.map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Corrections({ record }: { record: ChartRecord }) {
  const corrections = record.corrections ?? [];
  if (corrections.length === 0) return null;
  return (
    <section aria-labelledby="corrections-heading">
      <h2 id="corrections-heading">Corrections</h2>
      <table className="history">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Field</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {corrections.map((c, i) => (
            <tr key={i}>
              <td>{when(c.at)}</td>
              <td>{c.by.name}</td>
              <td>{fieldLabel(c.field)}</td>
              <td>{c.oldValue ?? "—"}</td>
              <td>{c.newValue ?? "(removed)"}</td>
              <td>{c.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function History({ record }: { record: ChartRecord }) {
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Status history</h2>
      <ol className="status-history">
        {record.history.map((h, i) => (
          <li key={i}>
            {when(h.at)}: {statusLabel(h.to)}
            {h.reasonCode && ` — ${reasonLabel(h.reasonCode)}`}
          </li>
        ))}
      </ol>
    </section>
  );
}
