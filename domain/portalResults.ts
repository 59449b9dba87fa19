// What candidates and teachers see of results (RULES.md B5, B6, B7, B9): pure shaping of rows read from PostgreSQL.
// No I/O and no clock: whether a series is released was decided by the query, against the caller's "now".
import { formatInZone } from './calendar';

export interface ComponentScore {
  code: string;
  name: string;
  mark: number | null;
  maxMark: number;
  exempt: boolean;
}

export interface EntryResult {
  syllabusCode: string;
  syllabusName: string;
  qualificationCode: string;
  qualificationName: string;
  /** B7: false for qualifications the board does not publish on the results website. */
  published: boolean;
  grade: string | null;
  components: ComponentScore[];
}

/** One candidate's entries in one series, as read. Before release `entries` carry no grade and no component. */
export interface CandidateSeriesResults {
  candidateId: string;
  candidateNumber: string;
  firstName: string;
  lastName: string;
  centreNumber: string;
  centreName: string;
  centreTimeZone: string;
  seriesId: string;
  seriesName: string;
  /** The board's release instant plus the centre's delay (B5), ISO. */
  opensAt: string;
  released: boolean;
  entries: EntryResult[];
}

export const CONTACT_CENTRE = 'Results for these qualifications are not published on this website: please contact your centre.';

export interface AvailableFrom {
  /** The instant, ISO 8601 in UTC. */
  at: string;
  /** The same instant for people, in the centre's time zone. */
  local: string;
  timeZone: string;
}

export type SeriesResultsView =
  | { seriesId: string; seriesName: string; released: false; availableFrom: AvailableFrom; message: string }
  | {
      seriesId: string;
      seriesName: string;
      released: true;
      availableFrom: AvailableFrom;
      results: Array<Omit<EntryResult, 'published'>>;
      notPublished: { qualifications: string[]; message: string } | null;
    };

export function availableFrom(r: Pick<CandidateSeriesResults, 'opensAt' | 'centreTimeZone'>): AvailableFrom {
  return { at: r.opensAt, local: formatInZone(new Date(r.opensAt), r.centreTimeZone), timeZone: r.centreTimeZone };
}

/** B5 and B7: before release only when results come; from then the published results, and where to ask for the rest. */
export function seriesResultsView(r: CandidateSeriesResults): SeriesResultsView {
  const from = availableFrom(r);
  if (!r.released) {
    return { seriesId: r.seriesId, seriesName: r.seriesName, released: false, availableFrom: from, message: `Results available from ${from.local}.` };
  }
  const hidden = [...new Set(r.entries.filter((e) => !e.published).map((e) => e.qualificationName))];
  return {
    seriesId: r.seriesId,
    seriesName: r.seriesName,
    released: true,
    availableFrom: from,
    results: r.entries.filter((e) => e.published).map(({ published: _p, ...e }) => e),
    notPublished: hidden.length > 0 ? { qualifications: hidden, message: CONTACT_CENTRE } : null,
  };
}

/** A component's score as a whole percentage of its maximum mark; null when there is no mark (exempt, absent). */
export function percentOf(c: Pick<ComponentScore, 'mark' | 'maxMark'>): number | null {
  if (c.mark === null || c.maxMark <= 0) return null;
  return Math.round((Math.max(0, Math.min(c.mark, c.maxMark)) / c.maxMark) * 100);
}

/** Filters of the teacher's report and of bulk result PDFs (B9, B10). */
export interface ReportFilters {
  /** Candidate-number range; "713" finds "0713" (both compare by numeric value). */
  from?: number | null;
  to?: number | null;
  /** Full or partial first or last name, case-insensitive. */
  name?: string | null;
}

export const REPORT_SORTS = ['candidateNumber', 'firstName', 'lastName'] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];
