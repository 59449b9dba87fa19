// Who may call what: the expected authorisation of every API route, kept as data apart from the route table, so
// that widening a route's roles by mistake fails a test. A route missing here also fails the test.
// Roles: exams_officer, exams_manager, exams_assistant, head_of_centre (centre staff), associate_staff, board_staff,
// teacher. 'public' means anyone, signed in or not.

const CENTRE = ['exams_officer', 'exams_manager', 'exams_assistant', 'head_of_centre'];
const BOARD = ['board_staff'];
const ASSOCIATE = ['associate_staff'];
/** D1: only exams officers, managers and assistants administer student accounts (not the head of centre). */
const ADMINS = ['exams_officer', 'exams_manager', 'exams_assistant'];

export const AUTHORISATION: Record<string, 'public' | string[]> = {
  'POST /api/session': 'public',
  'GET /api/session': 'public',
  'DELETE /api/session': 'public',

  'GET /api/series/:seriesId/enquiries/services': CENTRE,
  'GET /api/series/:seriesId/enquiries/candidates': CENTRE,
  'POST /api/enquiries': CENTRE,
  'GET /api/enquiries': [...CENTRE, ...BOARD, ...ASSOCIATE],
  'GET /api/enquiries/:id': [...CENTRE, ...BOARD, ...ASSOCIATE],
  'PUT /api/enquiries/:id': CENTRE,
  'DELETE /api/enquiries/:id': CENTRE,
  'GET /api/enquiries/:id/submission-check': CENTRE,
  'POST /api/enquiries/:id/submit': CENTRE,
  'POST /api/enquiries/:id/amend': CENTRE,
  'POST /api/enquiries/:id/cancel': CENTRE,
  'POST /api/enquiries/:id/acknowledgement-error': CENTRE,
  'GET /api/documents/:id': [...CENTRE, ...BOARD, ...ASSOCIATE],

  'GET /api/board/enquiries': BOARD,
  'POST /api/board/enquiries/receive-next': BOARD,
  'POST /api/board/enquiries/:id/receive': BOARD,
  'POST /api/board/enquiries/:id/acknowledge': BOARD,
  'POST /api/board/enquiries/:id/outcome': BOARD,
  'POST /api/board/enquiries/:id/documents': BOARD,
  'POST /api/board/enquiries/:id/extend': BOARD,
  'POST /api/board/series/:seriesId/calendar': BOARD,
  'GET /api/board/series/:seriesId/calendar': BOARD,
  'PUT /api/board/series/:seriesId/calendar': BOARD,
  'GET /api/invoices': CENTRE,

  'GET /api/associate/approvals': ASSOCIATE,
  'GET /api/associate/documents': ASSOCIATE,
  'POST /api/associate/enquiries/:id/approve': ASSOCIATE,
  'POST /api/associate/enquiries/:id/reject': ASSOCIATE,
  'POST /api/associate/release': ASSOCIATE,
  'POST /api/associate/enquiries/:id/acknowledgement-error': ASSOCIATE,

  // Candidate results website administration: the centre's staff only (A1-A13, B11).
  'GET /api/results-access/series': CENTRE,
  'GET /api/results-access/series/:seriesId': CENTRE,
  'GET /api/results-access/series/:seriesId/candidates': CENTRE,
  'PUT /api/results-access/series/:seriesId/access': CENTRE,
  'POST /api/results-access/series/:seriesId/selection': CENTRE,
  'GET /api/results-access/series/:seriesId/progress': CENTRE,
  'POST /api/results-access/series/:seriesId/candidates/:candidateNumber/reissue': CENTRE,
  'GET /api/results-access/series/:seriesId/letters/:generation/:kind': CENTRE,
  'DELETE /api/results-access/series/:seriesId/letters/:generation': CENTRE,

  // Student results-analysis accounts (D1-D11). Student routes answer a signed-in student only: every staff role
  // gets 401 from `/api/students/me`.
  'GET /api/student-accounts/import/template': ADMINS,
  'POST /api/student-accounts/imports': ADMINS,
  'GET /api/student-accounts/imports': ADMINS,
  'GET /api/student-accounts/imports/:id': ADMINS,
  'GET /api/student-accounts/imports/:id/errors': ADMINS,
  'POST /api/student-accounts/imports/:id/cancel': ADMINS,
  'POST /api/student-accounts/exports': ADMINS,
  'GET /api/student-accounts/exports': ADMINS,
  'GET /api/student-accounts/exports/:id': ADMINS,
  'GET /api/student-accounts/exports/:id/files/:kind': ADMINS,
  'GET /api/student-accounts': ADMINS,
  'GET /api/student-accounts/:id': ADMINS,
  'PUT /api/student-accounts/:id/email': ADMINS,
  'POST /api/student-accounts/:id/reactivate': ADMINS,
  'PUT /api/student-accounts/:id/permissions': ADMINS,
  'GET /api/student-accounts/:id/analysis': ADMINS,
  'POST /api/students/activate': 'public',
  'POST /api/students/session': 'public',
  'DELETE /api/students/session': 'public',
  'POST /api/students/password-reset/question': 'public',
  'POST /api/students/password-reset': 'public',
  'GET /api/students/me': [],
  'GET /api/students/me/analysis': [],

  // Results portals, what is shown (B5-B7, B9, B10): candidate routes answer a signed-in candidate only (every staff
  // role gets 401); the teacher's report and bulk PDFs are the teacher's, scoped to their centre.
  'GET /api/candidates/me/results': [],
  'GET /api/candidates/me/results/:seriesId/statement': [],
  'GET /api/teacher/report': ['teacher'],
  'POST /api/teacher/result-pdfs': ['teacher'],
  'GET /api/teacher/result-pdfs/:id': ['teacher'],
  'GET /api/teacher/result-pdfs/:id/file': ['teacher'],

  // Results portals, accounts (B1-B4, B8). Sign-in, registration, resets and links are public and answer uniformly;
  // the signed-in candidate is no staff role (every staff role gets 401). Early unlocks: centre staff for their own
  // candidates, board staff for anyone (checked per lock inside the route).
  'POST /api/candidates/session': 'public',
  'GET /api/candidates/session': [],
  'DELETE /api/candidates/session': 'public',
  'POST /api/candidates/register': 'public',
  'POST /api/candidates/password-reset': 'public',
  'GET /api/candidate-accounts': CENTRE,
  'POST /api/password-links/use': 'public',
  'POST /api/session/password-reset': 'public',
  'POST /api/teachers/invitations': [...CENTRE, ...BOARD],
  'GET /api/account-locks': [...CENTRE, ...BOARD],
  'POST /api/account-locks/:kind/:id/unlock': [...CENTRE, ...BOARD],
};
