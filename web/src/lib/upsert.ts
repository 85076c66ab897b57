/** List updates after a save: the saved row replaces its old self, or joins the list. */

/** `list` with `saved` in place of the row of the same ID, or appended when it is new. */
export function upsertById<T extends { ID: number }>(
  list: readonly T[] | undefined,
  saved: T,
): T[] | undefined {
  if (!list) return undefined;
  return list.some((x) => x.ID === saved.ID)
    ? list.map((x) => (x.ID === saved.ID ? saved : x))
    : [...list, saved];
}
