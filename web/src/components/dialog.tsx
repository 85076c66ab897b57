/** A modal built on <dialog>: focus is trapped and Escape closes it, as the platform does. */
import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Wide dialogs hold forms with several columns. */
  wide?: boolean;
}

/** Shown while mounted. */
export function Dialog({ title, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    // showModal focuses the first control (the close button); start where the form wants instead.
    d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (e: Event): void => {
      e.preventDefault();
      closeRef.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      d.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog--wide' : ''}`}
      aria-labelledby="dialog-title"
    >
      <div className="dialog__head">
        <h2 id="dialog-title">{title}</h2>
        <button
          type="button"
          className="btn btn--ghost btn--icon"
          onClick={onClose}
          aria-label="Close"
        >
          ✕
        </button>
      </div>
      {children}
    </dialog>
  );
}

interface ConfirmProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: ReactNode;
  onConfirm: () => void;
  onClose: () => void;
}

/** Asks before something that cannot be undone. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  busy,
  error,
  onConfirm,
  onClose,
}: ConfirmProps) {
  function submit(e: FormEvent): void {
    e.preventDefault();
    onConfirm();
  }
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit} className="dialog__body">
        <div className="confirm__text">{children}</div>
        {error && (
          <div className="error-note" role="alert">
            {error}
          </div>
        )}
        <div className="actions">
          {/* Destructive actions start on Cancel, so a stray Enter does no harm. */}
          <button
            type="button"
            className="btn"
            onClick={onClose}
            data-autofocus={danger ? true : undefined}
          >
            Cancel
          </button>
          <button
            type="submit"
            className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`}
            disabled={busy}
            data-autofocus={danger ? undefined : true}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
