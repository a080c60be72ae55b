/**
 * Search: one box for names and text (fuzzy), fields for MRN, date of birth, type, status and date of service,
 * facet counts to narrow, results with highlights and their page. The query lives in the URL (after `#`), so a
 * search can be bookmarked or sent to a colleague. Keyboard: "/" goes to the search box, Enter searches, Down
 * goes to the results and Up/Down move through them, Enter opens one.
 */
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { data } from "../api/client";
import type { components, paths } from "../api/schema.gen";
import { useSession } from "../auth/session";
import { HighlightText } from "../components/highlight-text";
import { DocumentTypeSelect, StatusSelect } from "../components/filter-fields";
import { statusLabel, typeLabel } from "../components/labels";
import { Empty, ErrorMessage, Loading } from "../components/states";

type SearchResult = components["schemas"]["SearchResult"];
type Hit = SearchResult["hits"][number];
type SearchSort = NonNullable<NonNullable<paths["/search"]["get"]["parameters"]["query"]>["sort"]>;

const PARAMS = ["q", "mrn", "dob", "type", "status", "from", "to", "facility", "sort"] as const;
type Param = (typeof PARAMS)[number];
type Criteria = Partial<Record<Param, string>>;

const PAGE_SIZE = 25;

function criteriaFrom(params: URLSearchParams): Criteria {
  const c: Criteria = {};
  for (const p of PARAMS) {
    const v = params.get(p)?.trim();
    if (v) c[p] = v;
  }
  return c;
}

const hasCriteria = (c: Criteria) => PARAMS.some((p) => p !== "sort" && c[p]);

export function SearchPage() {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const criteria = criteriaFrom(params);
  const [draft, setDraft] = useState<Criteria>(criteria);
  const searchBox = useRef<HTMLInputElement>(null);

  // Back/forward or an opened bookmark: the form shows the URL's search.
  const key = params.toString();
  useEffect(() => setDraft(criteriaFrom(new URLSearchParams(key))), [key]);

  // "/" anywhere but in a field goes to the search box, as in most search apps.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === "/" && !["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) {
        e.preventDefault();
        searchBox.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const results = useInfiniteQuery({
    queryKey: ["search", key],
    enabled: hasCriteria(criteria),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET("/search", {
          params: {
            query: {
              ...criteria,
              sort: criteria.sort as SearchSort | undefined,
              limit: String(PAGE_SIZE),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

  const apply = (next: Criteria) => {
    const p = new URLSearchParams();
    for (const name of PARAMS) {
      const v = next[name]?.trim();
      if (v) p.set(name, v);
    }
    setParams(p);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const set = (name: Param) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [name]: e.target.value });

  const first = results.data?.pages[0];
  const hits = results.data?.pages.flatMap((p) => p.hits) ?? [];

  return (
    <div className="search">
      <h1>Search charts</h1>
      <form className="search-form" role="search" onSubmit={submit}>
        <div className="field wide">
          <label htmlFor="q">Name or text</label>
          <input
            id="q"
            ref={searchBox}
            type="search"
            value={draft.q ?? ""}
            onChange={set("q")}
            onKeyDown={(e) => {
              // Down from the search box goes to the first result (then Up/Down move, Enter opens).
              if (e.key !== "ArrowDown") return;
              const first = document.querySelector<HTMLAnchorElement>("ol.results a.result-link");
              if (first) {
                e.preventDefault();
                first.focus();
              }
            }}
            autoFocus
            placeholder="e.g. Maria Lopez discharge"
            autoComplete="off"
          />
        </div>
        <div className="field">
          <label htmlFor="mrn">MRN</label>
          <input id="mrn" value={draft.mrn ?? ""} onChange={set("mrn")} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="dob">Date of birth</label>
          <input id="dob" type="date" value={draft.dob ?? ""} onChange={set("dob")} />
        </div>
        <DocumentTypeSelect
          id="type"
          value={draft.type ?? ""}
          onChange={(v) => setDraft({ ...draft, type: v })}
        />
        <StatusSelect
          id="status"
          value={draft.status ?? ""}
          onChange={(v) => setDraft({ ...draft, status: v })}
        />
        <div className="field">
          <label htmlFor="from">Service from</label>
          <input id="from" type="date" value={draft.from ?? ""} onChange={set("from")} />
        </div>
        <div className="field">
          <label htmlFor="to">Service to</label>
          <input id="to" type="date" value={draft.to ?? ""} onChange={set("to")} />
        </div>
        <div className="field">
          <label htmlFor="sort">Sort by</label>
          <select id="sort" value={draft.sort ?? ""} onChange={set("sort")}>
            <option value="">Relevance</option>
            <option value="-dateOfService">Date of service, newest first</option>
            <option value="dateOfService">Date of service, oldest first</option>
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Search
          </button>
          <button type="button" onClick={() => apply({})}>
            Clear
          </button>
        </div>
      </form>

      {!hasCriteria(criteria) ? (
        <Empty>Type a name, MRN or words from the chart, or pick a type or status, and press Enter.</Empty>
      ) : results.isPending ? (
        <Loading what="results" />
      ) : results.isError ? (
        <ErrorMessage error={results.error} />
      ) : (
        <div className="search-results">
          <Facets facets={first!.facets} criteria={criteria} apply={apply} />
          <section
            aria-labelledby="results-heading"
            className={results.isPlaceholderData ? "stale" : undefined}
          >
            <h2 id="results-heading" aria-live="polite">
              {first!.total === 0
                ? "No charts match"
                : first!.totalRelation === "gte"
                  ? `${first!.total.toLocaleString("en-US")}+ charts found, newest first (the counts cover the newest ${first!.total.toLocaleString("en-US")})`
                  : `${first!.total.toLocaleString("en-US")} chart${first!.total === 1 ? "" : "s"} found`}
            </h2>
            {hits.length === 0 ? (
              <Empty>Nothing matches this search. Check the spelling, or remove a filter.</Empty>
            ) : (
              <ResultList hits={hits} />
            )}
            {results.hasNextPage && (
              <button
                type="button"
                onClick={() => void results.fetchNextPage()}
                disabled={results.isFetchingNextPage}
              >
                {results.isFetchingNextPage ? "Loading…" : "Show more results"}
              </button>
            )}
          </section>
        </div>
      )}
    </div>
  );
}

/** Results as a list of links; Up/Down move between them, Enter opens one. */
function ResultList({ hits }: { hits: Hit[] }) {
  const onKeyDown = (e: KeyboardEvent<HTMLOListElement>) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const links = [...e.currentTarget.querySelectorAll<HTMLAnchorElement>("a.result-link")];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    links[next]?.focus();
    e.preventDefault();
  };
  return (
    <ol className="results" onKeyDown={onKeyDown}>
      {hits.map((hit) => (
        <li key={hit.id} className="result">
          <Link className="result-link" to={`/records/${hit.id}`}>
            <span className="patient">{hit.fields.patientName ?? "Patient not identified"}</span>
          </Link>
          <dl className="facts">
            <div>
              <dt>DOB</dt>
              <dd>{hit.fields.dateOfBirth ?? "—"}</dd>
            </div>
            <div>
              <dt>MRN</dt>
              <dd>{hit.fields.mrn ?? "—"}</dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>{typeLabel(hit.documentType)}</dd>
            </div>
            <div>
              <dt>Date</dt>
              <dd>{hit.fields.dateOfService ?? "—"}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <span className={`status status-${hit.status}`}>{statusLabel(hit.status)}</span>
              </dd>
            </div>
          </dl>
          {hit.highlights.length > 0 && (
            <ul className="highlights">
              {hit.highlights.map((h, i) => (
                <li key={i}>
                  {h.page !== undefined && (
                    <Link to={`/records/${hit.id}?page=${h.page}`} className="page-ref">
                      p. {h.page}
                      <span className="visually-hidden"> (open this page)</span>
                    </Link>
                  )}{" "}
                  <HighlightText text={h.text} />
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Counts to narrow by: choosing one adds it to the search; choosing it again removes it. */
function Facets(props: { facets: SearchResult["facets"]; criteria: Criteria; apply: (c: Criteria) => void }) {
  const { facets, criteria, apply } = props;
  const toggle = (name: Param, value: string) =>
    apply({ ...criteria, [name]: criteria[name] === value ? undefined : value });
  const year = (y: string) =>
    criteria.from === `${y}-01-01` && criteria.to === `${y}-12-31`
      ? apply({ ...criteria, from: undefined, to: undefined })
      : apply({ ...criteria, from: `${y}-01-01`, to: `${y}-12-31` });
  const groups: {
    title: string;
    buckets: { value: string; count: number }[];
    label: (v: string) => string;
    pressed: (v: string) => boolean;
    pick: (v: string) => void;
  }[] = [
    {
      title: "Document type",
      buckets: facets.documentType,
      label: typeLabel,
      pressed: (v) => criteria.type === v,
      pick: (v) => toggle("type", v),
    },
    {
      title: "Status",
      buckets: facets.status,
      label: statusLabel,
      pressed: (v) => criteria.status === v,
      pick: (v) => toggle("status", v),
    },
    {
      title: "Facility",
      buckets: facets.facility,
      label: (v) => v,
      pressed: (v) => criteria.facility === v,
      pick: (v) => toggle("facility", v),
    },
    {
      title: "Year of service",
      buckets: facets.yearOfService,
      label: (v) => v,
      pressed: (v) => criteria.from === `${v}-01-01` && criteria.to === `${v}-12-31`,
      pick: year,
    },
  ];
  return (
    <aside className="facets" aria-label="Narrow the results">
      {groups
        .filter((g) => g.buckets.length > 0)
        .map((g) => (
          <section key={g.title}>
            <h2>{g.title}</h2>
            <ul>
              {g.buckets.map((b) => (
                <li key={b.value}>
                  <button
                    type="button"
                    className="facet"
                    aria-pressed={g.pressed(b.value)}
                    onClick={() => g.pick(b.value)}
                  >
                    {g.label(b.value)} <span className="count">{b.count}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
    </aside>
  );
}
