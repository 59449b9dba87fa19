// The worker bundles this file: every workflow type it runs.
export { enquiryWorkflow } from './enquiry';
export { seriesCalendarWorkflow } from './seriesCalendar';
export { noopWorkflow } from './noop';
