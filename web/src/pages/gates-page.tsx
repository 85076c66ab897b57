/** Gates: presence, region, version, addresses and live load. */
import { api, errorMessage } from '../api/client.js';
import type { Gate } from '../api/types.js';
import { Empty, PageHead, Skeleton, StatusBadge } from '../components/bits.js';
import { ErrorNote } from '../components/field.js';
import { formatDateTime, formatNumber, formatRelative } from '../lib/format.js';
import { usePoll } from '../lib/use-poll.js';

/** The gates page, refreshed every 5 s. */
export function GatesPage() {
  const gates = usePoll(() => api<Gate[]>('GET', '/gates'), 5000);
  return (
    <section>
      <PageHead title="Gates" />
      {gates.error !== undefined && (
        <ErrorNote>Could not load gates: {errorMessage(gates.error)}</ErrorNote>
      )}
      <div className="panel panel--flush">
        <table className="table table--cards">
          <thead>
            <tr>
              <th scope="col">Gate</th>
              <th scope="col">Status</th>
              <th scope="col">Region</th>
              <th scope="col">Version</th>
              <th scope="col">Players address</th>
              <th scope="col">Tunnel address</th>
              <th scope="col">Last seen</th>
              <th scope="col" className="num">
                Live
              </th>
              <th scope="col" className="num">
                Sessions
              </th>
            </tr>
          </thead>
          <tbody>
            {gates.data === undefined &&
              Array.from({ length: 3 }, (_, i) => (
                <tr key={i} className="row-skeleton">
                  <td colSpan={9}>
                    <Skeleton />
                  </td>
                </tr>
              ))}
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
                <td data-label="Live" className="num">
                  {formatNumber(g.connections)}
                </td>
                <td data-label="Sessions" className="num">
                  {formatNumber(g.sessions)}
                </td>
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
