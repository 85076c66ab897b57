import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:data-plane:start -->';
const END = '<!-- bench:data-plane:end -->';

/**
 * Replace the generated results block of the benchmarks page (between its markers) with
 * `report`, leaving every other section as it is; append the block when the markers are absent.
 */
export function updateDocs(file: string, report: string): void {
  const block = `${START}\n${report.trimEnd()}\n${END}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${block}${text.slice(to + END.length)}`
      : `${text.trimEnd()}\n\n## Data plane: latest results\n\n${block}\n`;
  writeFileSync(file, next);
}
