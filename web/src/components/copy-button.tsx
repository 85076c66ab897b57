/** Copies a text, also on plain-HTTP Hubs where the async clipboard API is missing. */
import { useEffect, useState } from 'react';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied: try the older way below.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** A button that copies `text` and says whether it worked. */
export function CopyButton({
  text,
  label = 'Copy',
  what,
}: {
  text: string;
  label?: string;
  what: string;
}) {
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button
      type="button"
      className="btn btn--small"
      aria-label={`${label} ${what}`}
      onClick={() => void copyText(text).then((ok) => setState(ok ? 'done' : 'failed'))}
    >
      <span aria-live="polite">
        {state === 'done' ? 'Copied' : state === 'failed' ? 'Select and copy' : label}
      </span>
    </button>
  );
}
