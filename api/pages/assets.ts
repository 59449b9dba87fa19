import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import * as sass from 'sass';

// The design system's styles and scripts, served from the installed govuk-frontend package. Its Sass is compiled
// once, on the first request, with a system font: the GDS Transport font and the crown are reserved for government
// services, so neither is compiled in nor served.

const GOVUK = path.dirname(require.resolve('govuk-frontend/package.json'));
const STATIC = path.join(__dirname, 'static');

const SOURCE = `
@use "govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "/assets/govuk/"
);
@use "app";
`;

let css: string | null = null;
function stylesheet(): string {
  css ??= sass.compileString(SOURCE, { loadPaths: [path.dirname(GOVUK), STATIC], style: 'compressed', quietDeps: true, silenceDeprecations: ['import'] }).css;
  return css;
}

export function assetRoutes() {
  const router = express.Router();
  router.get('/assets/app.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(stylesheet());
  });
  const file = (url: string, filePath: string, type: string) =>
    router.get(url, (_req, res) => {
      res.type(type).set('Cache-Control', 'public, max-age=3600').send(fs.readFileSync(filePath));
    });
  file('/assets/govuk-frontend.min.js', path.join(GOVUK, 'dist', 'govuk', 'govuk-frontend.min.js'), 'text/javascript');
  file('/assets/app.js', path.join(STATIC, 'app.js'), 'text/javascript');
  return router;
}
