// `npm run bench` runs every benchmark at a size that finishes in a few minutes; `npm run bench -- --full` at the
// sizes the issues name. Each benchmark writes bench/results/<name>-<date>.json; this collects the newest of each
// into BENCHMARKS.md beside its goals.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

interface Bench { name: string; script: string; quick: string[]; full: string[]; goals: string }

const BENCHES: Bench[] = [
  { name: 'enquiry-burst', script: 'bench/enquiryBurst.ts', quick: [], full: ['--full'], goals: '>= 50 enquiries/s to Acknowledged and >= 0.5 of the no-op ceiling (issue 9)' },
  { name: 'open-workflows', script: 'bench/openWorkflows.ts', quick: [], full: ['--full'], goals: 'with 20,000 open: worker < 1 GiB, list page and one enquiry p95 < 100 ms, every timer fires after a worker restart (issue 9)' },
  { name: 'letters', script: 'bench/letters.ts', quick: ['--candidates', '1000'], full: ['--candidates', '10000'], goals: '<= 1.3 x the hashing floor, worker < 1.5 GiB at 10,000 (issue 5)' },
  { name: 'results-day', script: 'bench/resultsDay.ts', quick: [], full: ['--full'], goals: 'sign-ins >= 80% of the argon2id floor with p99 < 1 s; results page >= 2,000 requests/s with p99 < 50 ms; no errors (issue 6)' },
  { name: 'student-import', script: 'bench/studentImport.ts', quick: ['--rows', '10000'], full: ['--full'], goals: '< 15 s for 100,000 rows (issue 7)' },
];

const root = path.join(__dirname, '..');
const full = process.argv.includes('--full');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const failed: string[] = [];
for (const b of BENCHES) {
  if (only && b.name !== only) continue;
  if (!fs.existsSync(path.join(root, b.script))) {
    console.log(`skipping ${b.name}: ${b.script} is not there yet`);
    continue;
  }
  console.log(`\n=== ${b.name} ${full ? '(full)' : '(quick)'} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, b.script), ...(full ? b.full : b.quick)], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed.push(b.name);
}

// The newest result of each benchmark, as a table.
const dir = path.join(root, 'bench', 'results');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
const lines = [
  '# Benchmarks',
  '',
  'Latest figures of every benchmark, written by `npm run bench` (quick sizes) or `npm run bench -- --full` (the sizes the issues name).',
  'Each row links the JSON with the machine, versions and settings. Reproduce one with `npm run bench -- --only=<name>`.',
  '',
];
/** An array element in one table cell: objects (such as a breakdown step) as their values. */
const cell = (x: unknown) => (x && typeof x === 'object' ? Object.entries(x).map(([k, v]) => (k === 'step' ? v : `${k} ${v}`)).join(' ') : String(x));
for (const b of BENCHES) {
  // The newest run by its own timestamp (file names also carry sizes, so their order is not the order of the runs).
  const atOf = (f: string) => String(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).at ?? '');
  const latest = files.filter((f) => f.startsWith(`${b.name}-`)).sort((x, y) => atOf(x).localeCompare(atOf(y))).pop();
  lines.push(`## ${b.name}`, '', `Goal: ${b.goals}.`, '');
  if (!latest) {
    lines.push('Not measured yet.', '');
    continue;
  }
  const data = JSON.parse(fs.readFileSync(path.join(dir, latest), 'utf8'));
  const flat = (o: Record<string, unknown>, prefix = ''): Array<[string, unknown]> =>
    Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? flat(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]));
  const { machine, ...rest } = data;
  lines.push(`Result: [bench/results/${latest}](bench/results/${latest}), ${data.at}`, '', '| figure | value |', '|---|---|');
  for (const [k, v] of flat(rest)) if (!['name', 'at'].includes(k)) lines.push(`| ${k} | ${Array.isArray(v) ? v.map(cell).join('; ') : String(v)} |`);
  lines.push('', `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${machine.chromium}; Temporal SDK ${machine.temporalSdk}.`, '');
}
fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), lines.join('\n'));
console.log('\nBENCHMARKS.md updated');
if (failed.length) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
