import { describe, expect, it } from 'vitest';
import { DOCUMENTED_OPERATIONS, openApiDocument } from '../../src/api/openapi/document.js';

type Operation = {
  operationId: string;
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

/** The document's own consistency; whether the app answers as it says is the contract test's part. */
describe('OpenAPI document', () => {
  const doc = openApiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

  it('lists each operation once, with a unique operationId', () => {
    expect(operations.length).toBe(DOCUMENTED_OPERATIONS.length);
    expect(new Set(DOCUMENTED_OPERATIONS).size).toBe(DOCUMENTED_OPERATIONS.length);
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every path parameter of every template, as required', () => {
    for (const { path, method, op } of operations) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
      for (const p of declared) expect(p.required, `${method} ${path} {${p.name}}`).toBe(true);
    }
  });

  it('answers every refusal with the error envelope, and names a known security scheme', () => {
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const { path, method, op } of operations) {
      expect(op.responses['4XX']?.content?.['application/json']?.schema, `${method} ${path}`).toEqual({ $ref: '#/components/schemas/Error' });
      for (const s of op.security) for (const name of Object.keys(s)) expect(schemes, `${method} ${path}`).toContain(name);
      const isPublic = path === '/healthz' || path === '/readyz' || path.endsWith('/openapi.json') || path.includes('media/') || (path === '/api/v1/session' && method === 'post');
      expect(op.security.length === 0, `${method} ${path}: public only if meant to be`).toBe(isPublic);
    }
  });
});
