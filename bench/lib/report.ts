import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Machine and versions, recorded with every benchmark result. */
export function machine() {
  let chromium = 'unknown';
  try {
    chromium = execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not installed: reported as unknown
  }
  let postgres = 'unknown';
  try {
    postgres = execFileSync('psql', ['--version']).toString().trim();
  } catch {
    // not on PATH
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    temporalSdk: pkg.dependencies['@temporalio/worker'],
    temporalCli: process.env.TEMPORAL_CLI ?? 'temporal',
    chromium,
    postgres,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU seconds and peak resident memory of a process, from /proc (Linux). */
export function processUsage(pid: number): { cpuSeconds: number; peakRssMiB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, peakRssMiB: Math.round(hwm / 1024) };
}

/** Writes bench/results/<name>-<date>.json and prints a readable table. */
export function report(name: string, result: Record<string, unknown>, table: Array<[string, string | number, string?]>): string {
  const dir = path.join(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().slice(0, 10)}.json`);
  fs.writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), machine: machine(), ...result }, null, 2));
  const w = Math.max(...table.map((r) => r[0].length));
  console.log(`\n${name}`);
  for (const [k, v, goal] of table) console.log(`  ${k.padEnd(w)}  ${String(v).padStart(10)}${goal ? `   (goal: ${goal})` : ''}`);
  console.log(`  written to ${path.relative(process.cwd(), file)}`);
  return file;
}

/**
 * CPU seconds used by every process on the machine, grouped by what it is (Temporal server, PostgreSQL, Chromium,
 * the worker, the web app, this benchmark, the rest). Take one before and one after a run and subtract: that is where
 * the machine's CPU went. Processes that ended between the two are not counted.
 */
export function cpuByProcessGroup(pids: { worker: number; web: number }): Record<string, number> {
  const groups: Record<string, number> = { temporal: 0, postgres: 0, chromium: 0, worker: 0, web: 0, bench: 0, other: 0 };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const pid = Number(entry);
      const group =
        pid === pids.worker ? 'worker'
        : pid === pids.web ? 'web'
        : pid === process.pid ? 'bench'
        : /temporal/.test(cmd.split('\0')[0]) ? 'temporal'
        : /postgres/.test(cmd) ? 'postgres'
        : /chrom/.test(cmd.split('\0')[0]) ? 'chromium'
        : 'other';
      groups[group] += seconds;
    } catch {
      // the process ended while we read it
    }
  }
  return groups;
}

export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(((after[k] ?? 0) - (before[k] ?? 0)) * 10) / 10]));
}

/** CPU seconds of each thread of a process, summed by thread name (main thread, workflow threads, Rust core, GC). */
export function cpuByThread(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const key = Number(tid) === pid ? 'main' : name;
      out[key] = Math.round(((out[key] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100) * 10) / 10;
    } catch {
      // the thread ended while we read it
    }
  }
  return out;
}
