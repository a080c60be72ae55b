/**
 * Admin: the access report (who touched a record, a patient's records, or what a user did), a patient's
 * accounting of disclosures, both exportable as CSV; and reprocessing a search's results with progress.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { data } from "../api/client";
import { useSession } from "../auth/session";
import { ExportCsvButton } from "../components/export-csv";
import { DocumentTypeSelect, StatusSelect } from "../components/filter-fields";
import { when } from "../components/labels";
import { Empty, ErrorMessage, Loading } from "../components/states";

const VIEWS = {
  access: "Access report",
  disclosures: "Accounting of disclosures",
  reprocess: "Reprocess",
} as const;
type View = keyof typeof VIEWS;

export function AdminPage() {
  const [params, setParams] = useSearchParams();
  const view = (params.get("view") as View) in VIEWS ? (params.get("view") as View) : "access";
  return (
    <div>
      <h1>Audit and reprocess</h1>
      <nav className="tabs" aria-label="Admin views">
        <ul>
          {(Object.keys(VIEWS) as View[]).map((v) => (
            <li key={v}>
              <Link to={`/admin?view=${v}`} aria-current={v === view ? "page" : undefined}>
                {VIEWS[v]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view === "access" && <AccessReport params={params} setParams={setParams} />}
      {view === "disclosures" && <Disclosures params={params} setParams={setParams} />}
      {view === "reprocess" && <Reprocess />}
    </div>
  );
}

type ParamsProps = { params: URLSearchParams; setParams: (p: URLSearchParams) => void };

/** The JSON form of an answer that may also come as CSV. */
function json<T extends object>(answer: T | string): T {
  if (typeof answer === "string") throw new Error("expected JSON");
  return answer;
}

function useFormFromUrl(params: URLSearchParams, names: readonly string[]) {
  const [draft, setDraft] = useState(() => Object.fromEntries(names.map((n) => [n, params.get(n) ?? ""])));
  const bind = (n: string) => ({
    value: draft[n] ?? "",
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [n]: e.target.value }),
  });
  return { draft, bind };
}

function toQuery(params: URLSearchParams, names: readonly string[]) {
  return Object.fromEntries(names.flatMap((n) => (params.get(n) ? [[n, params.get(n)!]] : []))) as Record<
    string,
    string
  >;
}

const ACCESS_PARAMS = ["recordId", "mrn", "user", "from", "to"] as const;

function AccessReport({ params, setParams }: ParamsProps) {
  const { api } = useSession();
  const { draft, bind } = useFormFromUrl(params, ACCESS_PARAMS);
  const query = toQuery(params, ACCESS_PARAMS);
  const asked = !!(query.recordId || query.mrn || query.user);
  const report = useQuery({
    queryKey: ["audit", query],
    enabled: asked,
    staleTime: 0,
    queryFn: () => data(api.GET("/audit", { params: { query } })).then(json),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams({ view: "access" });
    for (const n of ACCESS_PARAMS) if (draft[n]?.trim()) p.set(n, draft[n]!.trim());
    setParams(p);
  };
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">Access report</h2>
      <p>Who accessed a record or a patient's records, or what a user did, and when.</p>
      <form className="filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor="a-record">Record id</label>
          <input id="a-record" {...bind("recordId")} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="a-mrn">Patient MRN</label>
          <input id="a-mrn" {...bind("mrn")} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="a-user">User or client</label>
          <input id="a-user" {...bind("user")} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="a-from">From</label>
          <input id="a-from" type="date" {...bind("from")} />
        </div>
        <div className="field">
          <label htmlFor="a-to">To</label>
          <input id="a-to" type="date" {...bind("to")} />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Show report
          </button>
        </div>
      </form>
      {!asked ? (
        <Empty>Enter a record id, an MRN or a user.</Empty>
      ) : report.isPending ? (
        <Loading what="the access report" />
      ) : report.isError ? (
        <ErrorMessage error={report.error} />
      ) : report.data.events.length === 0 ? (
        <Empty>No access is recorded for this.</Empty>
      ) : (
        <>
          <ExportCsvButton
            filename="access-report.csv"
            load={() =>
              api.GET("/audit", {
                params: { query: { ...query, format: "csv", limit: 500 } },
                parseAs: "text",
              })
            }
          />
          <table className="audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Records</th>
                <th scope="col">Purpose</th>
              </tr>
            </thead>
            <tbody>
              {report.data.events.map((e) => (
                <tr key={e.eventId}>
                  <td>{when(e.at)}</td>
                  <td>
                    {e.user} <small>({[...e.roles, ...e.scopes].join(", ")})</small>
                  </td>
                  <td>{e.action}</td>
                  <td>{e.outcome}</td>
                  <td className="ids">{e.recordIds.join(" ")}</td>
                  <td>{e.purposeOfUse || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.data.nextCursor && (
            <p className="notice">
              Showing the first {report.data.events.length} events; narrow the dates or export the CSV.
            </p>
          )}
        </>
      )}
    </section>
  );
}

const DISCLOSURE_PARAMS = ["mrn", "from", "to"] as const;

function Disclosures({ params, setParams }: ParamsProps) {
  const { api } = useSession();
  const { draft, bind } = useFormFromUrl(params, DISCLOSURE_PARAMS);
  const { mrn, ...range } = toQuery(params, DISCLOSURE_PARAMS);
  const list = useQuery({
    queryKey: ["disclosures", mrn, range],
    enabled: !!mrn,
    staleTime: 0,
    queryFn: () =>
      data(api.GET("/patients/{mrn}/disclosures", { params: { path: { mrn: mrn! }, query: range } })).then(
        json,
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams({ view: "disclosures" });
    for (const n of DISCLOSURE_PARAMS) if (draft[n]?.trim()) p.set(n, draft[n]!.trim());
    setParams(p);
  };
  return (
    <section aria-labelledby="disclosures-heading">
      <h2 id="disclosures-heading">Accounting of disclosures</h2>
      <p>Each disclosure of a patient's records outside the organization: when, to whom, what and why.</p>
      <form className="filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor="d-mrn">Patient MRN</label>
          <input id="d-mrn" {...bind("mrn")} required autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="d-from">From</label>
          <input id="d-from" type="date" {...bind("from")} />
        </div>
        <div className="field">
          <label htmlFor="d-to">To</label>
          <input id="d-to" type="date" {...bind("to")} />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Show disclosures
          </button>
        </div>
      </form>
      {!mrn ? (
        <Empty>Enter the patient's MRN.</Empty>
      ) : list.isPending ? (
        <Loading what="disclosures" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} />
      ) : list.data.disclosures.length === 0 ? (
        <Empty>No disclosures are recorded for this patient in this period.</Empty>
      ) : (
        <>
          <ExportCsvButton
            filename="disclosures.csv"
            load={() =>
              api.GET("/patients/{mrn}/disclosures", {
                params: { path: { mrn: mrn! }, query: { ...range, format: "csv", limit: 500 } },
                parseAs: "text",
              })
            }
          />
          <table className="audit">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Recipient</th>
                <th scope="col">What</th>
                <th scope="col">Records</th>
                <th scope="col">Purpose</th>
              </tr>
            </thead>
            <tbody>
              {list.data.disclosures.map((d) => (
                <tr key={d.requestId + d.at}>
                  <td>{when(d.at)}</td>
                  <td>{d.recipient}</td>
                  <td>{d.action}</td>
                  <td className="ids">{d.recordIds.join(" ")}</td>
                  <td>{d.purposeOfUse || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Reprocess every record a search matches, as a job; its progress is polled until it completes. */
function Reprocess() {
  const { api } = useSession();
  const [criteria, setCriteria] = useState({ q: "", type: "", status: "", from: "", to: "" });
  const start = useMutation({
    mutationFn: () =>
      data(
        api.POST("/reprocess", {
          body: { search: Object.fromEntries(Object.entries(criteria).filter(([, v]) => v.trim())) as never },
        }),
      ),
  });
  const job = useQuery({
    queryKey: ["job", start.data?.id],
    enabled: !!start.data,
    staleTime: 0,
    queryFn: () => data(api.GET("/jobs/{id}", { params: { path: { id: start.data!.id } } })),
    refetchInterval: (q) => (q.state.data?.status === "COMPLETED" ? false : 1000),
  });
  const set = (n: keyof typeof criteria) => (e: { target: { value: string } }) =>
    setCriteria({ ...criteria, [n]: e.target.value });
  const shown = job.data ?? start.data;
  return (
    <section aria-labelledby="reprocess-heading">
      <h2 id="reprocess-heading">Reprocess a search's records</h2>
      <p>
        Re-runs extraction on the stored OCR output with today's rules (no new OCR). Corrections people made
        are kept.
      </p>
      <form className="filters" onSubmit={(e) => (e.preventDefault(), start.mutate())}>
        <div className="field">
          <label htmlFor="r-q">Name or text</label>
          <input id="r-q" value={criteria.q} onChange={set("q")} autoComplete="off" />
        </div>
        <DocumentTypeSelect
          id="r-type"
          value={criteria.type}
          onChange={(v) => setCriteria({ ...criteria, type: v })}
        />
        <StatusSelect
          id="r-status"
          value={criteria.status}
          onChange={(v) => setCriteria({ ...criteria, status: v })}
        />
        <div className="field">
          <label htmlFor="r-from">Service from</label>
          <input id="r-from" type="date" value={criteria.from} onChange={set("from")} />
        </div>
        <div className="field">
          <label htmlFor="r-to">Service to</label>
          <input id="r-to" type="date" value={criteria.to} onChange={set("to")} />
        </div>
        <div className="actions">
          <button
            type="submit"
            className="primary"
            disabled={start.isPending || (!!shown && shown.status !== "COMPLETED")}
          >
            Reprocess matching records
          </button>
        </div>
      </form>
      {start.isError && <ErrorMessage error={start.error} />}
      {shown && (
        <div className="job" role="status" aria-live="polite">
          <label htmlFor="job-progress">
            {shown.status === "COMPLETED" ? "Done" : "Reprocessing"}: {shown.processed} of {shown.total}{" "}
            records
          </label>
          <progress id="job-progress" value={shown.processed} max={Math.max(shown.total, 1)} />
          <p>
            {shown.reprocessed} reprocessed, {shown.skipped} skipped (nothing stored to reprocess),{" "}
            {shown.failed} failed
          </p>
          {shown.failures.length > 0 && (
            <ul>
              {shown.failures.map((f) => (
                <li key={f.recordId}>
                  <Link to={`/records/${f.recordId}`}>{f.recordId}</Link>: {f.code}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {job.isError && <ErrorMessage error={job.error} />}
      {!shown && !start.isPending && !start.isError && <Empty>Choose which records to reprocess.</Empty>}
      {start.isPending && <Loading what="the job" />}
    </section>
  );
}
