/** A dialog that shows something once (a new secret) and is dismissed with Done. */
import type { ReactNode } from 'react';
import { Dialog } from './dialog.js';

/** `children` above a single Done button, which has the focus so Enter dismisses it. */
export function DoneDialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog__body">
        {children}
        <div className="actions">
          <button type="button" className="btn btn--primary" onClick={onClose} data-autofocus>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
