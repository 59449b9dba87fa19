// One per series: waits for the series' invoice date and then issues one invoice per centre (C22).
// The date is input and can be changed by board staff while the workflow waits (DESIGN rule 4).
import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { InvoiceActivities } from '../activities/invoices';
import * as messages from './messages';

export interface SeriesCalendarInput {
  seriesId: string;
  /** Start of the invoice day in the series' time zone, ISO instant. */
  invoiceAt: string;
}

export interface SeriesCalendarState {
  seriesId: string;
  invoiceAt: string;
  invoicesIssuedAt: string | null;
  invoiceCount: number;
}

const acts = proxyActivities<InvoiceActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function seriesCalendarWorkflow(input: SeriesCalendarInput): Promise<SeriesCalendarState> {
  const state: SeriesCalendarState = { seriesId: input.seriesId, invoiceAt: input.invoiceAt, invoicesIssuedAt: null, invoiceCount: 0 };
  setHandler(messages.seriesCalendarQuery, () => state);
  setHandler(
    messages.changeInvoiceDate,
    ({ invoiceAt }) => {
      state.invoiceAt = invoiceAt;
      return state;
    },
    {
      validator: ({ invoiceAt }) => {
        if (state.invoicesIssuedAt) throw ApplicationFailure.create({ type: 'RuleViolation', message: 'Invoices for this series have already been issued.', details: [{ violations: [{ rule: 'C22', field: 'invoiceAt', message: 'Invoices for this series have already been issued.' }] }] });
        if (Number.isNaN(Date.parse(invoiceAt))) throw ApplicationFailure.create({ type: 'RuleViolation', message: 'The invoice date is not a date.', details: [{ violations: [{ rule: 'C22', field: 'invoiceAt', message: 'The invoice date is not a date.' }] }] });
      },
    },
  );

  // Wait until the invoice instant; a changed date restarts the wait.
  for (;;) {
    const target = state.invoiceAt;
    const wait = Date.parse(target) - Date.now();
    if (wait <= 0) break;
    await condition(() => state.invoiceAt !== target, wait);
  }
  state.invoiceCount = await acts.issueInvoices({ seriesId: state.seriesId });
  state.invoicesIssuedAt = new Date(Date.now()).toISOString();
  return state;
}
