// Every signal, update and query, defined once and imported by the workflows and by the API (DESIGN layout).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SeriesCalendarState } from './seriesCalendar';
import type {
  ActorArgs,
  AmendArgs,
  AttachDocumentArgs,
  BlockerFinishedArgs,
  EnquiryState,
  ExtendArgs,
  RecordOutcomeArgs,
  RejectArgs,
  ReleaseDocumentsArgs,
  ReportAckErrorArgs,
  SaveDraftArgs,
  SubmitArgs,
  WaiterArgs,
} from './enquiryTypes';
import type {
  DeleteLettersArgs,
  ReissueArgs,
  ResultsAccessProgress,
  ResultsAccessState,
  SaveSelectionArgs,
  SetAccessArgs,
} from './resultsAccessTypes';

// Enquiry: centre actions.
export const saveEnquiryDraft = defineUpdate<EnquiryState, [SaveDraftArgs]>('saveEnquiryDraft');
export const submitEnquiry = defineUpdate<EnquiryState, [SubmitArgs]>('submitEnquiry');
export const deleteEnquiryDraft = defineUpdate<EnquiryState, [ActorArgs]>('deleteEnquiryDraft');
export const amendEnquiry = defineUpdate<EnquiryState, [AmendArgs]>('amendEnquiry');
export const cancelEnquiry = defineUpdate<EnquiryState, [ActorArgs]>('cancelEnquiry');

// Enquiry: board actions.
export const receiveEnquiry = defineUpdate<EnquiryState, [ActorArgs]>('receiveEnquiry');
export const acknowledgeEnquiry = defineUpdate<EnquiryState, [ActorArgs]>('acknowledgeEnquiry');
export const recordEnquiryOutcome = defineUpdate<EnquiryState, [RecordOutcomeArgs]>('recordEnquiryOutcome');
export const attachEnquiryDocument = defineUpdate<EnquiryState, [AttachDocumentArgs]>('attachEnquiryDocument');
export const extendEnquiry = defineUpdate<EnquiryState, [ExtendArgs]>('extendEnquiry');

// Enquiry: associate actions (C17, C29) and error reports on acknowledgements (both sides).
export const approveEnquiry = defineUpdate<EnquiryState, [ActorArgs]>('approveEnquiry');
export const rejectEnquiry = defineUpdate<EnquiryState, [RejectArgs]>('rejectEnquiry');
export const releaseEnquiryDocuments = defineUpdate<EnquiryState, [ReleaseDocumentsArgs]>('releaseEnquiryDocuments');
export const reportAcknowledgementError = defineUpdate<EnquiryState, [ReportAckErrorArgs]>('reportAcknowledgementError');

// Enquiry to enquiry: group enquiries wait for other enquiries of their candidates (C5, C6).
export const registerWaiter = defineSignal<[WaiterArgs]>('registerWaiter');
export const blockerFinished = defineSignal<[BlockerFinishedArgs]>('blockerFinished');

export const enquiryStateQuery = defineQuery<EnquiryState>('enquiryState');

// Series calendar.
export const seriesCalendarQuery = defineQuery<SeriesCalendarState>('seriesCalendar');
export const changeInvoiceDate = defineUpdate<SeriesCalendarState, [{ invoiceAt: string }]>('changeInvoiceDate');

// Results access (issue 5): centre actions on one centre and series (A4-A12, B11), and what the page shows.
export const setResultsAccess = defineUpdate<ResultsAccessState, [SetAccessArgs]>('setResultsAccess');
export const saveAccessSelection = defineUpdate<ResultsAccessState, [SaveSelectionArgs]>('saveAccessSelection');
export const reissueCredentials = defineUpdate<ResultsAccessState, [ReissueArgs]>('reissueCredentials');
export const deleteLetterFiles = defineUpdate<ResultsAccessState, [DeleteLettersArgs]>('deleteLetterFiles');
export const resultsAccessStateQuery = defineQuery<ResultsAccessState>('resultsAccessState');
export const resultsAccessProgressQuery = defineQuery<ResultsAccessProgress>('resultsAccessProgress');

// Student accounts (issue 7): the import and export jobs' progress and state, and cancelling an import (D2, D3).
import type { Actor as StudentJobActor, StudentExportState, StudentImportProgress, StudentImportState } from './studentTypes';
export const studentImportStateQuery = defineQuery<StudentImportState>('studentImportState');
export const studentImportProgressQuery = defineQuery<StudentImportProgress>('studentImportProgress');
export const cancelStudentImport = defineUpdate<StudentImportState, [{ actor: StudentJobActor }]>('cancelStudentImport');
export const studentExportStateQuery = defineQuery<StudentExportState>('studentExportState');

// Results portals (issue 6): a sign-in lock (B3), ended early by staff, and its state.
import type { AccountLockState, UnlockArgs } from './accountLockTypes';
export const unlockAccount = defineUpdate<AccountLockState, [UnlockArgs]>('unlockAccount');
export const accountLockStateQuery = defineQuery<AccountLockState>('accountLockState');

// Results portals (issue 6): a teacher's bulk result PDFs job, its progress and file (B10).
import type { TeacherResultPdfsState } from './portalResultsTypes';
export const teacherResultPdfsProgressQuery = defineQuery<TeacherResultPdfsState>('teacherResultPdfsProgress');
