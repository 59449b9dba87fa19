// A workflow that does nothing: the benchmark's measure of what the engine itself can do on this machine.
export async function noopWorkflow(): Promise<void> {}
