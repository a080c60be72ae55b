/** A patient's records by date of service, parts of a split scan marked. */
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { data } from "../api/client";
import { useSession } from "../auth/session";
import { statusLabel, typeLabel, when } from "../components/labels";
import { Empty, ErrorMessage, Loading } from "../components/states";

export function TimelinePage() {
  const { mrn = "" } = useParams();
  const { api } = useSession();
  const timeline = useQuery({
    queryKey: ["timeline", mrn],
    queryFn: () => data(api.GET("/patients/{mrn}/records", { params: { path: { mrn } } })),
  });
  return (
    <div>
      <h1>Patient timeline — MRN {mrn}</h1>
      {timeline.isPending ? (
        <Loading what="the timeline" />
      ) : timeline.isError ? (
        <ErrorMessage error={timeline.error} />
      ) : timeline.data.records.length === 0 ? (
        <Empty>No records carry this MRN.</Empty>
      ) : (
        <>
          <ol className="timeline">
            {timeline.data.records.map((r) => (
              <li key={r.id}>
                <span className="date">{r.dateOfService ?? `Undated (scanned ${when(r.createdAt)})`}</span>
                <Link to={`/records/${r.id}`}>{typeLabel(r.documentType)}</Link>
                <span className={`status status-${r.status}`}>{statusLabel(r.status)}</span>
                {r.split && (
                  <span className="part">
                    part {r.split.part} of {r.split.of}
                  </span>
                )}
                {r.pageCount !== undefined && (
                  <span>
                    {r.pageCount} page{r.pageCount === 1 ? "" : "s"}
                  </span>
                )}
              </li>
            ))}
          </ol>
          {timeline.data.truncated && <p className="notice">Only the first 500 records are shown.</p>}
        </>
      )}
    </div>
  );
}
