/** The task queue every workflow and activity of results-office runs on, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'results-office';
export const DEFAULT_NAMESPACE = 'results-office';
