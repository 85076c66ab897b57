/** Pieces every data table on the pages is made of: the header row, numbers, loading rows. */
import type { ReactNode } from 'react';
import { Skeleton } from './bits.js';

/** A column: its heading, or a heading over numbers (right-aligned). */
export type Column = string | { readonly label: string; readonly num: true };

/** The header row; `actions` adds the unlabelled column of row buttons, named for screen readers. */
export function TableHead({ columns, actions }: { columns: readonly Column[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === 'string' ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col" className="num">
              {c.label}
            </th>
          ),
        )}
        {actions && (
          <th scope="col" className="actions-col">
            <span className="visually-hidden">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}

/** A number cell, labelled for the card layout on narrow screens. */
export function NumCell({ label, children }: { label: string; children: ReactNode }) {
  return (
    <td data-label={label} className="num">
      {children}
    </td>
  );
}

/** Placeholder rows across all `columns` while the table's data loads. */
export function SkeletonRows({ rows, columns }: { rows: number; columns: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, i) => (
        <tr key={i} className="row-skeleton">
          <td colSpan={columns}>
            <Skeleton />
          </td>
        </tr>
      ))}
    </>
  );
}
