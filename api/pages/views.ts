import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatDay, formatInZone, localDay } from '../../domain/calendar';

// One handlebars instance for every page: the layout, the partials (hand-written govuk-frontend markup) and the page
// templates, compiled once and kept. Handlebars escapes every {{value}}, so user data never becomes markup.

const VIEWS = path.join(__dirname, '..', 'views');
const DISPLAY_ZONE = 'Europe/London';

export type PageModel = Record<string, unknown>;

export function createViews() {
  const hbs = Handlebars.create();
  for (const file of fs.readdirSync(path.join(VIEWS, 'partials'))) {
    if (file.endsWith('.hbs')) hbs.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(VIEWS, 'partials', file), 'utf8'));
  }
  hbs.registerHelper({
    eq: (a: unknown, b: unknown) => a === b,
    not: (a: unknown) => !a,
    or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
    and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
    includes: (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value),
    /** An instant for people, in the display zone: "20 September 2026, 23:59 (Europe/London)". */
    instant: (value: unknown) => (value ? formatInZone(new Date(String(value)), DISPLAY_ZONE) : ''),
    day: (value: unknown) => (value ? formatDay(String(value).slice(0, 10)) : ''),
    isoDay: (value: unknown) => (value ? localDay(new Date(String(value)), DISPLAY_ZONE) : ''),
    plural: (n: unknown, one: string, many: string) => (n === 1 ? one : many),
    join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''),
    pence: (n: unknown) => (typeof n === 'number' ? `£${(n / 100).toFixed(2)}` : ''),
    /** The message the last submission got for a field, from the page's `errors` (see formErrors.ts). */
    fieldError(this: unknown, field: string, options: Handlebars.HelperOptions) {
      const errors = (options.data.root as { errors?: { byField?: Record<string, string> } }).errors;
      return errors?.byField?.[field] ?? null;
    },
    /** What the user typed last time (after a refused submission), else the saved value. */
    formValue(this: unknown, field: string, fallback: unknown, options: Handlebars.HelperOptions) {
      const values = (options.data.root as { values?: Record<string, unknown> }).values;
      const v = values && field in values ? values[field] : fallback;
      return v === undefined || v === null ? '' : v;
    },
    fieldId: (field: string) => fieldId(field),
    concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  });
  const layout = hbs.compile(fs.readFileSync(path.join(VIEWS, 'layout.hbs'), 'utf8'));
  const pages = new Map<string, Handlebars.TemplateDelegate>();
  const page = (name: string) => {
    let t = pages.get(name);
    if (!t) {
      t = hbs.compile(fs.readFileSync(path.join(VIEWS, 'pages', `${name}.hbs`), 'utf8'), { strict: false });
      pages.set(name, t);
    }
    return t;
  };
  return {
    render(name: string, model: PageModel): string {
      return layout({ ...model, body: page(name)(model) });
    },
  };
}

/** The HTML id of a form field named after an API field ("contact.name" -> "contact-name"). */
export function fieldId(field: string): string {
  return field.replace(/[^A-Za-z0-9_-]+/g, '-');
}

export type Views = ReturnType<typeof createViews>;
