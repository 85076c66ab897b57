/** Wiring of a form control to one field of a draft and to the API error that names it. */
import { fieldError } from '../components/form-error.js';

/** The draft fields that hold text. */
type TextKeys<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T] & string;

/** Props for a text or select control editing `draft[name]`. */
export interface BoundField<K extends string> {
  name: K;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
  error: string | undefined;
}

/** Returns `field(name)`: the name, value, change handler and error of that draft field. */
export function bindDraft<T extends object>(
  draft: T,
  patch: (p: Partial<T>) => void,
  error: unknown,
): <K extends TextKeys<T>>(name: K) => BoundField<K> {
  return (name) => ({
    name,
    value: draft[name] as string,
    onChange: (e) => patch({ [name]: e.target.value } as Partial<T>),
    error: fieldError(error, name),
  });
}
