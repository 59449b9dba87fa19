import { condition } from '@temporalio/workflow';

/**
 * One person action (or timer) at a time, in arrival order: a handler that waits on an activity must not interleave
 * with another. A ticket lock, because with a plain flag every waiter's condition turns true in the same pass when
 * the flag clears, and they all enter together. Workflow code: it only waits with `condition`.
 */
export function ticketLock() {
  let nextTicket = 0;
  let nowServing = 0;
  return {
    /** Nobody holds the lock and nobody waits for it. */
    idle: () => nowServing === nextTicket,
    async exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const ticket = nextTicket++;
      await condition(() => nowServing === ticket);
      try {
        return await fn();
      } finally {
        nowServing += 1;
      }
    },
  };
}
