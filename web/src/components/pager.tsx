/** Previous/next paging with the visible range, for long client-side lists. */

interface PagerProps {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  what: string;
}

/** "51–100 of 3,214 routes" with buttons; nothing when everything fits one page. */
export function Pager({ page, pageSize, total, onPage, what }: PagerProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav className="pager" aria-label={`${what} pages`}>
      <span className="pager__range">
        {from.toLocaleString()}–{to.toLocaleString()} of {total.toLocaleString()} {what}
      </span>
      {pages > 1 && (
        <span className="pager__buttons">
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onPage(1)}
            disabled={page <= 1}
            aria-label="First page"
          >
            «
          </button>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onPage(page - 1)}
            disabled={page <= 1}
          >
            Previous
          </button>
          <span className="pager__page">
            Page {page} of {pages}
          </span>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onPage(page + 1)}
            disabled={page >= pages}
          >
            Next
          </button>
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onPage(pages)}
            disabled={page >= pages}
            aria-label="Last page"
          >
            »
          </button>
        </span>
      )}
    </nav>
  );
}
