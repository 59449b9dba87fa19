import type { SeriesResultsView } from '../domain/portalResults';

// A small cache of what a candidate's results page shows (results day: the same few thousand candidates reload the
// page again and again). Entries live a few seconds, so a grade changed by an enquiry shows soon, and an entry is
// used only while the release rule gives, at this request's "now", the same answer as when it was read: the first
// request at the release instant reads again, so the boundary stays exact to the millisecond on both sides.

export interface ReleasedResultsCache {
  read(key: string, now: Date, load: () => Promise<SeriesResultsView[]>): Promise<SeriesResultsView[]>;
}

export function createReleasedResultsCache(opts: { ttlMs: number; maxEntries: number }): ReleasedResultsCache {
  const entries = new Map<string, { readAt: number; views: SeriesResultsView[] }>();
  const stillTrue = (views: SeriesResultsView[], now: number) => views.every((v) => v.released === now >= Date.parse(v.availableFrom.at));
  return {
    async read(key, now, load) {
      const hit = entries.get(key);
      if (hit && performance.now() - hit.readAt < opts.ttlMs && stillTrue(hit.views, now.getTime())) return hit.views;
      const readAt = performance.now();
      const views = await load();
      entries.delete(key);
      if (entries.size >= opts.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { readAt, views });
      return views;
    },
  };
}
