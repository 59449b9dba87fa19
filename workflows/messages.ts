// Every signal, update and query, defined once and imported by the workflows and by the API (DESIGN layout).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { SeriesCalendarState } from './seriesCalendar';
import type {
  ActorArgs,
  AmendArgs,
  AttachDocumentArgs,
  EnquiryState,
  ExtendArgs,
  RecordOutcomeArgs,
  SaveDraftArgs,
  SubmitArgs,
} from './enquiryTypes';

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

export const enquiryStateQuery = defineQuery<EnquiryState>('enquiryState');

// Series calendar.
export const seriesCalendarQuery = defineQuery<SeriesCalendarState>('seriesCalendar');
export const changeInvoiceDate = defineUpdate<SeriesCalendarState, [{ invoiceAt: string }]>('changeInvoiceDate');
