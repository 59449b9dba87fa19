import { Runtime } from '@temporalio/worker';

/** Keeps the SDK's own log lines out of test output (errors still show). Once per jest process. */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } as never });
  } catch {
    // already installed by an earlier test file in this jest process
  }
}
