/**
 * A vendor's view: its uploads, newest first, where each is in the pipeline and why (status, reason code,
 * record ids), never what was read from it. The API lists only the caller's own uploads; another vendor's
 * record id answers "not found".
 */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { data } from "../api/client";
import type { components } from "../api/schema.gen";
import { useSession } from "../auth/session";
import { StatusSelect } from "../components/filter-fields";
import { reasonLabel, statusLabel, when } from "../components/labels";
import { ShowMore } from "../components/show-more";
import { Empty, ErrorMessage, Loading } from "../components/states";

type VendorRecord = components["schemas"]["VendorRecord"];
type Status = components["schemas"]["DocumentStatus"];

export function UploadsPage() {
  const [params] = useSearchParams();
  const id = params.get("id")?.trim();
  return (
    <div>
      <h1>Uploads</h1>
      {id ? <UploadDetail id={id} /> : <UploadList />}
    </div>
  );
}

function UploadList() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const batch = params.get("batch") ?? "";
  const status = params.get("status") ?? "";
  const [draft, setDraft] = useState({ batch, status });
  const list = useInfiniteQuery({
    queryKey: ["uploads", batch, status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET("/uploads", {
          params: {
            query: {
              ...(batch ? { batch } : {}),
              ...(status ? { status: status as Status } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (draft.batch.trim()) next.set("batch", draft.batch.trim());
    if (draft.status) next.set("status", draft.status);
    setParams(next);
  };
  const uploads = list.data?.pages.flatMap((p) => p.uploads) ?? [];
  return (
    <>
      <form className="filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor="upload-batch">Batch</label>
          <input
            id="upload-batch"
            value={draft.batch}
            onChange={(e) => setDraft({ ...draft, batch: e.target.value })}
            autoComplete="off"
          />
        </div>
        <StatusSelect
          id="upload-status"
          value={draft.status}
          onChange={(v) => setDraft({ ...draft, status: v })}
        />
        <div className="actions">
          <button type="submit" className="primary">
            Show uploads
          </button>
        </div>
      </form>
      {list.isPending ? (
        <Loading what="your uploads" />
      ) : list.isError ? (
        <ErrorMessage error={list.error} />
      ) : uploads.length === 0 ? (
        <Empty>No uploads match.</Empty>
      ) : (
        <table className="queue">
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Batch</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
              <th scope="col">Updated</th>
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {uploads.map((u) => (
              <tr key={u.id}>
                <td className="ids">{u.source.key.split("/").slice(2).join("/") || u.source.key}</td>
                <td>{u.source.batch ?? "—"}</td>
                <td>
                  <span className={`status status-${u.status}`}>{statusLabel(u.status)}</span>
                </td>
                <td>{u.statusReason ? `${u.statusReason}: ${reasonLabel(u.statusReason)}` : "—"}</td>
                <td>{when(u.updatedAt)}</td>
                <td>
                  <Link to={`/uploads?id=${u.id}`} className="ids">
                    {u.id}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ShowMore list={list} />
    </>
  );
}

function UploadDetail({ id }: { id: string }) {
  const { api } = useSession();
  const upload = useQuery({
    queryKey: ["upload", id],
    queryFn: () => data(api.GET("/records/{id}", { params: { path: { id } } })) as Promise<VendorRecord>,
  });
  return (
    <>
      <p>
        <Link to="/uploads">All uploads</Link>
      </p>
      {upload.isPending ? (
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
    </>
  );
}
