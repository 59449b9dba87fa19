// Pure parts of what the results portals show (RULES.md B5, B6, B7): the view of one series and the cache's rule.
import { createReleasedResultsCache } from '../../api/releasedResultsCache';
import { percentOf, seriesResultsView, type CandidateSeriesResults, type SeriesResultsView } from '../../domain/portalResults';

const series = (released: boolean): CandidateSeriesResults => ({
  candidateId: 'c1',
  candidateNumber: '0713',
  firstName: 'Zelda',
  lastName: 'Quartermain',
  centreNumber: 'GB001',
  centreName: 'Centre',
  centreTimeZone: 'Asia/Singapore',
  seriesId: 'JUN2026',
  seriesName: 'June 2026',
  opensAt: '2026-08-11T07:00:00.000Z',
  released,
  entries: [
    { syllabusCode: '0580', syllabusName: 'Mathematics', qualificationCode: 'IGCSE', qualificationName: 'Cambridge IGCSE', published: true, grade: released ? 'A' : null, components: [] },
    { syllabusCode: 'YLE1', syllabusName: 'Starters', qualificationCode: 'YL', qualificationName: 'Young Learners', published: false, grade: released ? 'Shield 4' : null, components: [] },
  ],
});

it('[B5] before release: when results come, in the centre’s time zone and as ISO, and nothing else', () => {
  const view = seriesResultsView(series(false));
  expect(view).toEqual({
    seriesId: 'JUN2026',
    seriesName: 'June 2026',
    released: false,
    availableFrom: { at: '2026-08-11T07:00:00.000Z', local: '11 August 2026, 15:00 (Asia/Singapore)', timeZone: 'Asia/Singapore' },
    message: 'Results available from 11 August 2026, 15:00 (Asia/Singapore).',
  });
});

it('[B7] after release: published qualifications only, and the others named with "contact your centre"', () => {
  const view = seriesResultsView(series(true));
  expect(view.released && view.results.map((r) => r.syllabusCode)).toEqual(['0580']);
  expect(view.released && view.notPublished).toEqual({ qualifications: ['Young Learners'], message: expect.stringContaining('contact your centre') });
});

it('[B6] the graphical profile shows a mark as a whole percentage of the maximum; no mark, no bar', () => {
  expect(percentOf({ mark: 55, maxMark: 80 })).toBe(69);
  expect(percentOf({ mark: 0, maxMark: 40 })).toBe(0);
  expect(percentOf({ mark: 90, maxMark: 80 })).toBe(100);
  expect(percentOf({ mark: null, maxMark: 80 })).toBeNull();
});

it('[B5] the results cache never serves a view across the release instant, in either direction', async () => {
  const cache = createReleasedResultsCache({ ttlMs: 60_000, maxEntries: 10 });
  const opensAt = Date.parse('2026-08-11T07:00:00.000Z');
  let loads = 0;
  const load = (now: Date) => async (): Promise<SeriesResultsView[]> => {
    loads += 1;
    return [seriesResultsView(series(now.getTime() >= opensAt))];
  };
  const at = async (ms: number) => {
    const now = new Date(ms);
    return (await cache.read('c1|*', now, load(now)))[0].released;
  };
  expect(await at(opensAt - 1)).toBe(false);
  expect(await at(opensAt - 1)).toBe(false);
  expect(loads).toBe(1);
  expect(await at(opensAt)).toBe(true);
  expect(await at(opensAt + 5)).toBe(true);
  expect(loads).toBe(2);
  expect(await at(opensAt - 1)).toBe(false);
  expect(loads).toBe(3);
});
