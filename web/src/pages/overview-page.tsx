/** Network at a glance: counts, live traffic and the last hour of history. */
import { useMemo } from 'react';
import { api } from '../api/client.js';
import type { Stats } from '../api/types.js';
import { PageHead, Skeleton } from '../components/bits.js';
import { LoadError } from '../components/load-error.js';
import { NumCell, TableHead } from '../components/table-parts.js';
import { TimeChart } from '../components/time-chart.js';
import { formatBytes, formatNumber, formatRate } from '../lib/format.js';
import { Link } from '../lib/router.js';
import { usePoll } from '../lib/use-poll.js';

const POLL_MS = 5000;

/** Seconds one history sample covers: from the samples themselves, 10 s by contract. */
function sampleSeconds(history: Stats['history']): number {
  const a = history[history.length - 2];
  const b = history[history.length - 1];
  if (!a || !b) return 10;
  const s = (Date.parse(b.time) - Date.parse(a.time)) / 1000;
  return s > 0 ? s : 10;
}

function Card({
  label,
  value,
  detail,
  href,
}: {
  label: string;
  value: string | undefined;
  detail?: string | undefined;
  href?: string;
}) {
  const body = (
    <>
      <span className="stat__label">{label}</span>
      <span className="stat__value">{value ?? <Skeleton width="4ch" height="1.6rem" />}</span>
      <span className="stat__detail">
        {value === undefined ? <Skeleton width="10ch" /> : (detail ?? '\u00a0')}
      </span>
    </>
  );
  return href ? (
    <Link href={href} className="stat stat--link">
      {body}
    </Link>
  ) : (
    <div className="stat">{body}</div>
  );
}

/** The landing page. */
export function OverviewPage() {
  const stats = usePoll(() => api<Stats>('GET', '/stats'), POLL_MS);
  const s = stats.data;

  const chart = useMemo(() => {
    const h = s?.history ?? [];
    const secs = sampleSeconds(h);
    return {
      times: h.map((x) => Date.parse(x.time) / 1000),
      active: [{ label: 'Connections', color: '--chart-1', values: h.map((x) => x.active) }],
      traffic: [
        { label: 'In', color: '--chart-2', values: h.map((x) => x.bytes_in / secs) },
        { label: 'Out', color: '--chart-3', values: h.map((x) => x.bytes_out / secs) },
      ],
      rateIn: h.length ? h[h.length - 1]!.bytes_in / secs : 0,
      rateOut: h.length ? h[h.length - 1]!.bytes_out / secs : 0,
    };
  }, [s]);

  const topRoutes = useMemo(
    () =>
      [...(s?.by_route ?? [])]
        .sort((a, b) => b.active - a.active || b.bytes_out - a.bytes_out)
        .slice(0, 5),
    [s],
  );

  return (
    <section>
      <PageHead title="Overview">
        <span className="muted small" aria-live="off">
          Updates every {POLL_MS / 1000} s
        </span>
      </PageHead>
      <LoadError what="statistics" error={stats.error} />
      <div className="stats">
        <Card
          label="Gates online"
          value={s && `${s.gates_online} / ${s.gates}`}
          href="/gates"
          detail={
            s && (s.gates_online < s.gates ? `${s.gates - s.gates_online} offline` : 'all online')
          }
        />
        <Card
          label="Agents online"
          value={s && `${s.agents_online} / ${s.agents}`}
          href="/agents"
          detail={
            s &&
            (s.agents_online < s.agents ? `${s.agents - s.agents_online} offline` : 'all online')
          }
        />
        <Card label="Routes" value={s && formatNumber(s.routes)} href="/routes" />
        <Card
          label="Live connections"
          value={s && formatNumber(s.connections_active)}
          detail={s && `${formatNumber(s.connections_total)} in total`}
        />
        <Card
          label="Bandwidth in"
          value={s && formatRate(chart.rateIn)}
          detail={s && `${formatBytes(s.bytes_in)} in total`}
        />
        <Card
          label="Bandwidth out"
          value={s && formatRate(chart.rateOut)}
          detail={s && `${formatBytes(s.bytes_out)} in total`}
        />
      </div>
      <div className="charts">
        <div className="panel">
          <h2>Live connections</h2>
          <TimeChart
            label="Live connections over the last hour"
            times={chart.times}
            series={chart.active}
            format={(v) => formatNumber(Math.round(v))}
            minMax={5}
            integer
          />
        </div>
        <div className="panel">
          <h2>
            Bandwidth{' '}
            <span className="muted small">in: players → servers, out: servers → players</span>
          </h2>
          <TimeChart
            label="Bandwidth in and out over the last hour"
            times={chart.times}
            series={chart.traffic}
            format={formatRate}
            minMax={1250}
          />
        </div>
      </div>
      <div className="panel">
        <h2>Busiest routes</h2>
        {s === undefined ? (
          <Skeleton height="6rem" />
        ) : topRoutes.length === 0 ? (
          <p className="muted">No traffic yet.</p>
        ) : (
          <table className="table">
            <TableHead
              columns={[
                'Domain',
                { label: 'Live', num: true },
                { label: 'Connections', num: true },
                { label: 'In', num: true },
                { label: 'Out', num: true },
              ]}
            />
            <tbody>
              {topRoutes.map((r) => (
                <tr key={r.route_id}>
                  <td data-label="Domain">{r.domain}</td>
                  <NumCell label="Live">{formatNumber(r.active)}</NumCell>
                  <NumCell label="Connections">{formatNumber(r.connections)}</NumCell>
                  <NumCell label="In">{formatBytes(r.bytes_in)}</NumCell>
                  <NumCell label="Out">{formatBytes(r.bytes_out)}</NumCell>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
