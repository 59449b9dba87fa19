// Reads of the results portals (B5, B7, B9), shared by the web process and the worker's statement activities.
// The release rule lives in the SQL: a grade or a mark leaves PostgreSQL only when `now` has reached the series'
// release instant plus the centre's delay (results_access.opens_at, or series.release_at when the centre has none).
import { sql, type SQL } from 'drizzle-orm';
import type { CandidateSeriesResults, ReportFilters, ReportSort } from '../domain/portalResults';
import type postgres from 'postgres';
import type { Db } from './client';

interface ResultRow extends Record<string, unknown> {
  candidate_id: string;
  candidate_number: string;
  first_name: string;
  last_name: string;
  centre_number: string;
  centre_name: string;
  centre_time_zone: string;
  series_id: string;
  series_name: string;
  opens_at: string;
  released: boolean;
  syllabus_code: string;
  syllabus_name: string;
  qualification_code: string;
  qualification_name: string;
  published: boolean;
  grade: string | null;
  components: Array<{ code: string; name: string; mark: number | null; maxMark: number; exempt: boolean }> | null;
}

/**
 * One statement, prepared once per connection (the results page runs it on every request of results day): every
 * entry of the given candidates, in one series or all, in candidate-number then release order. Grades and
 * component marks are null for a series not yet released at $3.
 */
const RESULTS_SQL = `
  with r as (
    select e.id as entry_id, e.candidate_id, e.series_id, e.syllabus_code, e.grade, c.candidate_number, c.number_value,
           c.first_name, c.last_name, c.centre_number, ce.name as centre_name, ce.time_zone as centre_time_zone,
           s.name as series_name, s.release_at, coalesce(ra.opens_at, s.release_at) as opens_at,
           $3::timestamptz >= coalesce(ra.opens_at, s.release_at) as released
    from entries e
    join candidates c on c.id = e.candidate_id
    join centres ce on ce.number = c.centre_number
    join series s on s.id = e.series_id
    left join results_access ra on ra.centre_number = c.centre_number and ra.series_id = e.series_id
    where e.candidate_id = any($1::uuid[]) and ($2::text is null or e.series_id = $2::text)
  )
  select r.candidate_id, r.candidate_number, r.first_name, r.last_name, r.centre_number, r.centre_name, r.centre_time_zone,
         r.series_id, r.series_name, to_json(r.opens_at) #>> '{}' as opens_at, r.released,
         r.syllabus_code, sy.name as syllabus_name, qu.code as qualification_code, qu.name as qualification_name,
         qu.published_on_website as published,
         case when r.released then r.grade end as grade,
         case when r.released then (
           select json_agg(json_build_object('code', co.code, 'name', co.name, 'mark', cr.mark, 'maxMark', co.max_mark, 'exempt', cr.exempt) order by co.code)
           from component_results cr join components co on co.syllabus_code = r.syllabus_code and co.code = cr.component_code
           where cr.entry_id = r.entry_id
         ) end as components
  from r
  join syllabuses sy on sy.code = r.syllabus_code
  join qualifications qu on qu.code = sy.qualification_code
  order by r.number_value, r.candidate_number, r.release_at, r.series_id, r.syllabus_code`;

export async function loadSeriesResults(db: Db, q: { candidateIds: string[]; seriesId: string | null; now: Date }): Promise<CandidateSeriesResults[]> {
  if (q.candidateIds.length === 0) return [];
  // "now" as text: the boundary is exact to the millisecond, and the driver's own Date handling is not relied on.
  const client = (db as Db & { $client: postgres.Sql }).$client;
  const rows = (await client.unsafe(RESULTS_SQL, [`{${q.candidateIds.join(',')}}`, q.seriesId, q.now.toISOString()], { prepare: true })) as unknown as ResultRow[];
  const out: CandidateSeriesResults[] = [];
  for (const row of rows) {
    let last = out[out.length - 1];
    if (!last || last.candidateId !== row.candidate_id || last.seriesId !== row.series_id) {
      last = {
        candidateId: row.candidate_id,
        candidateNumber: row.candidate_number,
        firstName: row.first_name,
        lastName: row.last_name,
        centreNumber: row.centre_number,
        centreName: row.centre_name,
        centreTimeZone: row.centre_time_zone,
        seriesId: row.series_id,
        seriesName: row.series_name,
        opensAt: new Date(row.opens_at).toISOString(),
        released: row.released,
        entries: [],
      };
      out.push(last);
    }
    last.entries.push({
      syllabusCode: row.syllabus_code,
      syllabusName: row.syllabus_name,
      qualificationCode: row.qualification_code,
      qualificationName: row.qualification_name,
      published: row.published,
      grade: row.grade,
      components: row.components ?? [],
    });
  }
  return out;
}

const likeEscaped = (s: string) => `%${s.replace(/[%_\\]/g, '\\$&')}%`;

/** B9: the centre's candidates entered in the series, narrowed by number range and a full or partial name. */
function reportWhere(centreNumber: string, seriesId: string, f: ReportFilters): SQL {
  const parts: SQL[] = [
    sql`c.centre_number = ${centreNumber}`,
    sql`exists (select 1 from entries e where e.candidate_id = c.id and e.series_id = ${seriesId})`,
  ];
  if (f.from !== null && f.from !== undefined) parts.push(sql`c.number_value >= ${f.from}`);
  if (f.to !== null && f.to !== undefined) parts.push(sql`c.number_value <= ${f.to}`);
  const name = f.name?.trim();
  if (name) {
    const like = likeEscaped(name);
    parts.push(sql`(c.first_name ilike ${like} or c.last_name ilike ${like} or (c.first_name || ' ' || c.last_name) ilike ${like})`);
  }
  return sql.join(parts, sql` and `);
}

export interface ReportPage {
  total: number;
  candidateIds: string[];
}

/** One page of the report's candidates, sorted by a whitelisted column, with the total of the filtered list. */
export async function reportPage(
  db: Db,
  q: { centreNumber: string; seriesId: string; filters: ReportFilters; sort: ReportSort; descending: boolean; limit: number; offset: number },
): Promise<ReportPage> {
  const direction = q.descending ? sql.raw('desc') : sql.raw('asc');
  const rows = await db.execute<{ id: string; total: number }>(sql`
    select c.id, count(*) over ()::int as total
    from candidates c
    where ${reportWhere(q.centreNumber, q.seriesId, q.filters)}
    order by ${orderBy(q.sort, direction)}
    limit ${q.limit} offset ${q.offset}`);
  if (rows.length === 0 && q.offset > 0) {
    const [count] = await db.execute<{ total: number }>(sql`select count(*)::int as total from candidates c where ${reportWhere(q.centreNumber, q.seriesId, q.filters)}`);
    return { total: count.total, candidateIds: [] };
  }
  return { total: rows[0]?.total ?? 0, candidateIds: rows.map((r) => r.id) };
}

function orderBy(sort: ReportSort, direction: SQL): SQL {
  // The direction applies to the chosen column; the candidate number always breaks ties, ascending.
  const first: Record<ReportSort, SQL> = {
    candidateNumber: sql`c.number_value ${direction}, c.candidate_number ${direction}`,
    firstName: sql`lower(c.first_name) ${direction}, lower(c.last_name) ${direction}`,
    lastName: sql`lower(c.last_name) ${direction}, lower(c.first_name) ${direction}`,
  };
  return sql`${first[sort]}, c.number_value, c.candidate_number, c.id`;
}

/** Every candidate the filters find, in candidate-number order (bulk result PDFs, B10: no cap). */
export async function reportCandidateIds(db: Db, q: { centreNumber: string; seriesId: string; filters: ReportFilters }): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select c.id from candidates c where ${reportWhere(q.centreNumber, q.seriesId, q.filters)}
    order by c.number_value, c.candidate_number, c.id`);
  return rows.map((r) => r.id);
}
