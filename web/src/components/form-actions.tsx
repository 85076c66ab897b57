/** The Cancel and submit buttons at the foot of a dialog form. */

interface FormActionsProps {
  busy: boolean;
  /** What the submit button says while idle. */
  submitLabel: string;
  onCancel: () => void;
  /** Extra classes for the row (a grid form spans it across both columns). */
  className?: string;
}

/** Cancel, then the primary submit button, disabled and saying so while saving. */
export function FormActions({ busy, submitLabel, onCancel, className }: FormActionsProps) {
  return (
    <div className={className ? `actions ${className}` : 'actions'}>
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="btn btn--primary" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </div>
  );
}
