// The worker bundles this file: every workflow type it runs.
export { enquiryWorkflow } from './enquiry';
export { seriesCalendarWorkflow } from './seriesCalendar';
export { noopWorkflow } from './noop';
export { resultsAccessWorkflow } from './resultsAccess';
export { studentImportWorkflow } from './studentImport';
export { studentExportWorkflow } from './studentExport';
export { studentEmailWorkflow } from './studentEmail';
export { accountLockWorkflow } from './accountLock';
export { portalEmailWorkflow } from './portalEmail';
export { statementOfResultsWorkflow } from './statementOfResults';
export { teacherResultPdfsWorkflow } from './teacherResultPdfs';
export { outboxRelayWorkflow } from './outboxRelay';
