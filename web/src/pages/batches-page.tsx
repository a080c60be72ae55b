/**
 * A vendor's deliveries: each batch with its counts by file state, and for one batch every file's outcome
 * (state, reason, UNEXPECTED flag, record ids), closing it, and the reconciliation report as CSV. Batches hold
 * file names, states and record ids, never anything read from a chart.
 */
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { data } from "../api/client";
import type { components } from "../api/schema.gen";
import { useSession } from "../auth/session";
import { ExportCsvButton } from "../components/export-csv";
import { reasonLabel, when } from "../components/labels";
import { ShowMore } from "../components/show-more";
import { Empty, ErrorMessage, Loading } from "../components/states";

type BatchSummary = components["schemas"]["BatchSummary"];

/** File states in the order a delivery moves through them; counts show only the ones that occur. */
const STATE_LABELS: Record<string, string> = {
  AWAITING_UPLOAD: "Awaiting upload",
  PROCESSING: "Processing",
  INDEXED: "Filed",
  NEEDS_REVIEW: "Needs review",
  DUPLICATE: "Duplicate",
  REJECTED: "Rejected",
  FAILED: "Failed",
  MISSING: "Missing",
};
const BATCH_REASONS: Record<string, string> = {
  MISSING: "Listed in the manifest, never uploaded before the batch was closed.",
};
const stateLabel = (s: string) => STATE_LABELS[s] ?? s;

export function BatchesPage() {
  const [params] = useSearchParams();
  const id = params.get("id")?.trim();
  return (
    <div>
      <h1>Batches</h1>
      {id ? <BatchDetail id={id} /> : <BatchList />}
    </div>
  );
}

function Counts({ batch }: { batch: BatchSummary }) {
  const entries = Object.entries(batch.counts).filter(([, n]) => n > 0);
  return (
    <span className="counts">
      {entries.length === 0 ? "—" : entries.map(([s, n]) => `${stateLabel(s)} ${n}`).join(" · ")}
    </span>
  );
}

function BatchList() {
  const { api } = useSession();
  const list = useInfiniteQuery({
    queryKey: ["batches"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(api.GET("/batches", { params: { query: pageParam ? { cursor: pageParam } : {} } })),
    getNextPageParam: (last) => last.nextCursor,
  });
  const batches = list.data?.pages.flatMap((p) => p.batches) ?? [];
  if (list.isPending) return <Loading what="your batches" />;
  if (list.isError) return <ErrorMessage error={list.error} />;
  if (batches.length === 0)
    return (
      <Empty>
        No batches yet. Deliver a folder with: npx chartbridge upload &lt;folder&gt; --vendor &lt;you&gt;
      </Empty>
    );
  return (
    <>
      <table className="queue">
        <caption>Newest first</caption>
        <thead>
          <tr>
            <th scope="col">Batch</th>
            <th scope="col">Status</th>
            <th scope="col">Files</th>
            <th scope="col">Outcomes</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {batches.map((b) => (
            <tr key={b.id}>
              <td>
                <Link to={`/batches?id=${b.id}`}>{b.name}</Link>
                {b.reference && <span className="muted"> ({b.reference})</span>}
              </td>
              <td>{b.status}</td>
              <td>
                {b.expectedFiles}
                {b.unexpectedFiles > 0 && ` + ${b.unexpectedFiles} unexpected`}
              </td>
              <td>
                <Counts batch={b} />
              </td>
              <td>{when(b.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ShowMore list={list} />
    </>
  );
}

function BatchDetail({ id }: { id: string }) {
  const { api } = useSession();
  const client = useQueryClient();
  const view = useInfiniteQuery({
    queryKey: ["batch", id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET("/batches/{id}", {
          params: { path: { id }, query: { limit: 200, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
    // Outcomes arrive while the page is open: refreshed every 2 s while files are in the pipeline, every 10 s
    // while the batch may still receive uploads or files, not once it is complete (nor in a background tab).
    refetchInterval: (query) => {
      const batch = query.state.data?.pages[0]?.batch;
      if (!batch || batch.status === "COMPLETED") return false;
      return (batch.counts.PROCESSING ?? 0) > 0 ? 2_000 : 10_000;
    },
  });
  const close = useMutation({
    mutationFn: () => data(api.POST("/batches/{id}/close", { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["batch", id] }),
  });
  if (view.isPending) return <Loading what="the batch" />;
  if (view.isError) return <ErrorMessage error={view.error} />;
  const batch = view.data.pages[0]!.batch;
  const files = view.data.pages.flatMap((p) => p.files);
  return (
    <>
      <p>
        <Link to="/batches">All batches</Link>
      </p>
      <section aria-labelledby="batch-heading">
        <h2 id="batch-heading">
          {batch.name} — {batch.status}
        </h2>
        <p>
          {batch.expectedFiles} file(s) declared
          {batch.unexpectedFiles > 0 && `, ${batch.unexpectedFiles} unexpected`}. <Counts batch={batch} />
        </p>
        <p className="muted">
          Created {when(batch.createdAt)};{" "}
          {batch.status === "OPEN"
            ? `closes by itself ${when(batch.closesAt)}`
            : `closed ${when(batch.closedAt ?? "")}`}
          {batch.completedAt && `; completed ${when(batch.completedAt)}`}.
        </p>
        <div className="actions">
          {batch.status === "OPEN" && (
            <button type="button" onClick={() => close.mutate()} disabled={close.isPending}>
              Close the batch (files not uploaded become missing)
            </button>
          )}
          <ExportCsvButton
            filename={`batch-${batch.name}.csv`}
            load={() =>
              api.GET("/batches/{id}/report", {
                params: { path: { id }, query: { format: "csv" } },
                parseAs: "text",
              })
            }
          />
        </div>
        {close.isError && <ErrorMessage error={close.error} />}
        <table className="queue">
          <caption>Files by name</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Outcome</th>
              <th scope="col">Reason</th>
              <th scope="col">Records</th>
              <th scope="col">Finished</th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.name}>
                <td className="ids">
                  {f.name}
                  {f.flags.includes("UNEXPECTED") && <span className="flag"> (not in the manifest)</span>}
                </td>
                <td>
                  <span className={`status status-${f.state}`}>{stateLabel(f.state)}</span>
                </td>
                <td>
                  {f.reasonCode
                    ? `${f.reasonCode}: ${BATCH_REASONS[f.reasonCode] ?? reasonLabel(f.reasonCode)}`
                    : "—"}
                </td>
                <td className="ids">
                  {f.recordIds.length === 0
                    ? "—"
                    : f.recordIds.map((r) => (
                        <Link key={r} to={`/uploads?id=${r}`}>
                          {r}
                        </Link>
                      ))}
                </td>
                <td>{f.finishedAt ? when(f.finishedAt) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ShowMore list={view} label="Show more files" />
      </section>
    </>
  );
}
