/** A secret shown masked until asked, with a copy button that copies the real value. */
import { useId, useState } from 'react';
import { CopyButton } from './copy-button.js';

/** `label` names the secret for screen readers and the copy button. */
export function Secret({
  label,
  value,
  revealed = false,
}: {
  label: string;
  value: string;
  revealed?: boolean;
}) {
  const [show, setShow] = useState(revealed);
  const id = useId();
  return (
    <div className="secret">
      <span className="secret__label" id={id}>
        {label}
      </span>
      <code className="secret__value" aria-labelledby={id}>
        {show ? value : '•'.repeat(Math.min(24, Math.max(8, value.length)))}
      </code>
      <span className="secret__buttons">
        <button
          type="button"
          className="btn btn--small"
          aria-pressed={show}
          onClick={() => setShow((s) => !s)}
          aria-label={`${show ? 'Hide' : 'Show'} ${label}`}
        >
          {show ? 'Hide' : 'Show'}
        </button>
        <CopyButton text={value} what={label} />
      </span>
    </div>
  );
}

/** A command to paste in a shell, with a copy button. */
export function CommandBox({ label, command }: { label: string; command: string }) {
  return (
    <div className="command">
      <span className="command__label">{label}</span>
      <div className="command__row">
        <code className="command__text">{command}</code>
        <CopyButton text={command} what={label} />
      </div>
    </div>
  );
}
