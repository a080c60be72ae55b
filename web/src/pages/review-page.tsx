/** The review queue: records waiting for a person, oldest first, each opening on its doubtful field's page. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { data } from "../api/client";
import type { components } from "../api/schema.gen";
import { useSession } from "../auth/session";
import { DocumentTypeSelect } from "../components/filter-fields";
import { fieldLabel, percent, reasonLabel, typeLabel, when } from "../components/labels";
import { ShowMore } from "../components/show-more";
import { Empty, ErrorMessage, Loading } from "../components/states";

type DocumentType = components["schemas"]["DocumentType"];

const REASONS = ["MISSING_IDENTITY", "LOW_CONFIDENCE_IDENTITY", "NO_TEXT_FOUND"] as const;

export function ReviewPage() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const type = params.get("type") ?? "";
  const reason = params.get("reason") ?? "";
  const queue = useInfiniteQuery({
    queryKey: ["review", type, reason],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET("/review", {
          params: {
            query: {
              limit: 25,
              ...(type ? { type: type as DocumentType } : {}),
              ...(reason ? { reason: reason as (typeof REASONS)[number] } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
  const filter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div>
      <h1>Review queue</h1>
      <div className="filters">
        <DocumentTypeSelect id="review-type" value={type} onChange={(v) => filter("type", v)} />
        <div className="field">
          <label htmlFor="review-reason">Reason</label>
          <select id="review-reason" value={reason} onChange={(e) => filter("reason", e.target.value)}>
            <option value="">Any reason</option>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {reasonLabel(r)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {queue.isPending ? (
        <Loading what="the review queue" />
      ) : queue.isError ? (
        <ErrorMessage error={queue.error} />
      ) : items.length === 0 ? (
        <Empty>Nothing is waiting for review.</Empty>
      ) : (
        <table className="queue">
          <caption>Oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Waiting since</th>
              <th scope="col">Type</th>
              <th scope="col">Reason</th>
              <th scope="col">Fields to check</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const first = item.doubtfulFields[0];
              const to = `/records/${item.id}?review=1${first ? `&field=${first.name}&page=${first.page}` : ""}`;
              return (
                <tr key={item.id}>
                  <td>{when(item.since)}</td>
                  <td>{typeLabel(item.documentType)}</td>
                  <td>{item.reason ? reasonLabel(item.reason) : "—"}</td>
                  <td>
                    {[
                      ...item.doubtfulFields.map((f) => `${fieldLabel(f.name)} (${percent(f.confidence)})`),
                      ...item.missingFields.map((f) => `${fieldLabel(f)} (missing)`),
                    ].join(", ") || "—"}
                  </td>
                  <td>
                    <Link to={to}>
                      Review
                      <span className="visually-hidden">
                        {" "}
                        the {typeLabel(item.documentType)} waiting since {when(item.since)}
                      </span>
                    </Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ShowMore list={queue} />
    </div>
  );
}
