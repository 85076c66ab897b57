/** Gates: presence, region, version, addresses and live load. */
import { api } from '../api/client.js';
import type { Gate } from '../api/types.js';
import { Empty, PageHead, StatusBadge } from '../components/bits.js';
import { LoadError } from '../components/load-error.js';
import { NumCell, SkeletonRows, TableHead, type Column } from '../components/table-parts.js';
import { formatDateTime, formatNumber, formatRelative } from '../lib/format.js';
import { usePoll } from '../lib/use-poll.js';

const GATE_COLUMNS: readonly Column[] = [
  'Gate',
  'Status',
  'Region',
  'Version',
  'Players address',
  'Tunnel address',
  'Last seen',
  { label: 'Live', num: true },
  { label: 'Sessions', num: true },
];

/** The gates page, refreshed every 5 s. */
export function GatesPage() {
  const gates = usePoll(() => api<Gate[]>('GET', '/gates'), 5000);
  return (
    <section>
      <PageHead title="Gates" />
      <LoadError what="gates" error={gates.error} />
      <div className="panel panel--flush">
        <table className="table table--cards">
          <TableHead columns={GATE_COLUMNS} />
          <tbody>
            {gates.data === undefined && <SkeletonRows rows={3} columns={GATE_COLUMNS.length} />}
            {gates.data?.map((g) => (
              <tr key={g.ID}>
                <th scope="row" data-label="Gate" className="strong">
                  {g.name || g.ID}
                  {g.name && g.name !== g.ID && <span className="muted small"> {g.ID}</span>}
                </th>
                <td data-label="Status">
                  <StatusBadge ok={g.online} />
                </td>
                <td data-label="Region">{g.region || <span className="muted">—</span>}</td>
                <td data-label="Version" className="mono">
                  {g.version}
                </td>
                <td data-label="Players address" className="mono break">
                  {g.public_addr}
                </td>
                <td data-label="Tunnel address" className="mono break">
                  {g.tunnel_addr}
                  <span
                    className={`tls ${g.tls ? '' : 'tls--off'}`}
                    title={g.fingerprint ? `Certificate ${g.fingerprint}` : undefined}
                  >
                    {g.tls ? 'TLS' : 'plain TCP'}
                  </span>
                </td>
                <td data-label="Last seen" title={formatDateTime(g.last_seen)}>
                  {formatRelative(g.last_seen)}
                </td>
                <NumCell label="Live">{formatNumber(g.connections)}</NumCell>
                <NumCell label="Sessions">{formatNumber(g.sessions)}</NumCell>
              </tr>
            ))}
          </tbody>
        </table>
        {gates.data?.length === 0 && (
          <Empty>
            No Gate has reported yet. Start one with <code>gatelink gate</code>.
          </Empty>
        )}
      </div>
    </section>
  );
}
