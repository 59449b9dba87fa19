import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { RouteSpec } from './routeTable';

const errorBody = z.object({
  error: z.string(),
  violations: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
});

/** The OpenAPI 3.1 document, generated from the same route table that mounts the routes. */
export function buildOpenApi(routes: RouteSpec[]) {
  const registry = new OpenAPIRegistry();
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    registry.registerPath({
      method: r.method,
      path,
      summary: r.summary,
      description: r.access === 'public' ? 'Anyone.' : `Roles: ${r.access.join(', ')}.`,
      request: {
        params: params.length ? z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) : undefined,
        query: r.query && r.query instanceof z.ZodObject ? r.query : undefined,
        body: r.body ? { content: { 'application/json': { schema: r.body } } } : undefined,
      },
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: z.object({}).passthrough() } } },
        400: { description: 'A field is not valid', content: { 'application/json': { schema: errorBody } } },
        401: { description: 'Not signed in', content: { 'application/json': { schema: errorBody } } },
        403: { description: 'Not allowed', content: { 'application/json': { schema: errorBody } } },
        404: { description: 'Not found', content: { 'application/json': { schema: errorBody } } },
        422: { description: 'A rule refused the request', content: { 'application/json': { schema: errorBody } } },
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'results-office API', version: '0.1.0', description: 'Post-results back office: enquiries about results, results access, portals and student accounts.' },
  });
}
