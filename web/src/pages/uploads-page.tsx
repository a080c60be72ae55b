/**
 * A vendor's view: where an upload is in the pipeline and why (status, reason codes, record ids), never what
 * was read from it. The API answers a vendor only for its own uploads; another vendor's id is "not found".
 */
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { data } from "../api/client";
import type { components } from "../api/schema.gen";
import { useSession } from "../auth/session";
import { reasonLabel, statusLabel, when } from "../components/labels";
import { Empty, ErrorMessage, Loading } from "../components/states";

type VendorRecord = components["schemas"]["VendorRecord"];

export function UploadsPage() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const id = params.get("id")?.trim() ?? "";
  const [draft, setDraft] = useState(id);
  const upload = useQuery({
    queryKey: ["upload", id],
    enabled: !!id,
    queryFn: () => data(api.GET("/records/{id}", { params: { path: { id } } })) as Promise<VendorRecord>,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(draft.trim() ? { id: draft.trim() } : {});
  };
  return (
    <div>
      <h1>Uploads</h1>
      <p>Check an upload by the record id the ingest printed for it (doc_ followed by 32 characters).</p>
      <form className="filters" onSubmit={submit}>
        <div className="field wide">
          <label htmlFor="upload-id">Record id</label>
          <input
            id="upload-id"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Check
          </button>
        </div>
      </form>
      {!id ? (
        <Empty>Enter a record id.</Empty>
      ) : upload.isPending ? (
        <Loading what="the upload" />
      ) : upload.isError ? (
        <ErrorMessage error={upload.error} />
      ) : (
        <section aria-labelledby="upload-heading">
          <h2 id="upload-heading">{upload.data.source.key}</h2>
          <p>
            <span className={`status status-${upload.data.status}`}>{statusLabel(upload.data.status)}</span>
            {upload.data.statusReason && (
              <span>
                {" "}
                — {upload.data.statusReason}: {reasonLabel(upload.data.statusReason)}
              </span>
            )}
          </p>
          {upload.data.split?.partIds && (
            <p>
              Filed as {upload.data.split.partIds.length} records: {upload.data.split.partIds.join(", ")}
            </p>
          )}
          {upload.data.duplicateOf && <p>Same content as {upload.data.duplicateOf}</p>}
          <ol className="status-history">
            {upload.data.history.map((h, i) => (
              <li key={i}>
                {when(h.at)}: {statusLabel(h.to)}
                {h.reasonCode && ` — ${h.reasonCode}`}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
