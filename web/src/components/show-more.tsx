/** "Show more" under a paged list: fetches the next page, disabled while it loads; nothing when none is left. */
export function ShowMore(props: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  label?: string;
}) {
  const { list } = props;
  if (!list.hasNextPage) return null;
  return (
    <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
      {props.label ?? "Show more"}
    </button>
  );
}
