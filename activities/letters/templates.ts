import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

// One handlebars template per letter kind in ./templates, all sharing the `letter` layout partial.
// Handlebars escapes every value, so a candidate's name can never inject markup into a letter.

export type LetterTemplate = 'enquiryAcknowledgement' | 'enquiryOutcome' | 'statementOfResults' | 'invoice' | 'candidateResultsLetters' | 'studentSlips' | 'resultsStatements';

const dir = path.join(__dirname, 'templates');
const hbs = Handlebars.create();
hbs.registerPartial('letter', fs.readFileSync(path.join(dir, 'letter.hbs'), 'utf8'));
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('pounds', (pence: number) => `£${(pence / 100).toFixed(2)}`);

const compiled = new Map<LetterTemplate, Handlebars.TemplateDelegate>();

export function renderLetterHtml(template: LetterTemplate, data: object): string {
  let fn = compiled.get(template);
  if (!fn) {
    fn = hbs.compile(fs.readFileSync(path.join(dir, `${template}.hbs`), 'utf8'), { strict: true });
    compiled.set(template, fn);
  }
  return fn(data);
}
