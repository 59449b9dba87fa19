import { defineSearchAttributeKey } from '@temporalio/common';

// Custom search attributes: how an operator finds a workflow in the Temporal UI (DESIGN rule 6).
// Never one named `Status`: the UI already has ExecutionStatus and the clash confuses everyone.
export const CentreNumber = defineSearchAttributeKey('CentreNumber', 'KEYWORD');
export const SeriesId = defineSearchAttributeKey('SeriesId', 'KEYWORD');
export const EnquiryService = defineSearchAttributeKey('EnquiryService', 'KEYWORD');
export const SyllabusCode = defineSearchAttributeKey('SyllabusCode', 'KEYWORD');
export const EnquiryStatus = defineSearchAttributeKey('EnquiryStatus', 'KEYWORD');
export const EnquiryNumber = defineSearchAttributeKey('EnquiryNumber', 'INT');
export const AccessMode = defineSearchAttributeKey('AccessMode', 'KEYWORD');
export const AccountKind = defineSearchAttributeKey('AccountKind', 'KEYWORD');
export const AccountId = defineSearchAttributeKey('AccountId', 'KEYWORD');
/** The phase of a student import or export job (issue 7): reading, validating, creating, sending, completed, ... */
export const StudentJobPhase = defineSearchAttributeKey('StudentJobPhase', 'KEYWORD');

/** Every key above with the type name the Temporal CLI expects, for registration at server start. */
export const ALL_SEARCH_ATTRIBUTES = [
  CentreNumber,
  SeriesId,
  EnquiryService,
  SyllabusCode,
  EnquiryStatus,
  EnquiryNumber,
  AccessMode,
  AccountKind,
  AccountId,
  StudentJobPhase,
];
