/**
 * multipart/form-data steps against a real Fastify route parsed by @fastify/multipart (busboy):
 * text fields, a file from disk, an inline file, a 307 redirect that must resend the same body, and
 * the errors for a missing or oversized file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import type { Net } from '../../src/net/types.js';
import { runFlow } from '../../src/flow/engine.js';
import type { Flow } from '../../src/flow/types.js';
import { parseConfigText } from '../../src/config/loader.js';

let app: FastifyInstance;
let base: string;
let net: Net;
let dir: string;
// A real PNG header plus some bytes, so the content is binary (NUL and high bytes survive).
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]), Buffer.alloc(5000, 7)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lr-multipart-'));
  writeFileSync(join(dir, 'photo.png'), png);
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(64 * 1024));
  app = Fastify();
  await app.register(multipart, { limits: { fileSize: 1024 * 1024 } });
  app.post('/api/listings/:id/photos', async (req, reply) => {
    const fields: Record<string, string> = {};
    const files: { field: string; filename: string; mimetype: string; size: number; sha256: string }[] = [];
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const buf = await part.toBuffer();
        files.push({ field: part.fieldname, filename: part.filename, mimetype: part.mimetype, size: buf.length, sha256: sha(buf) });
      } else fields[part.fieldname] = String(part.value);
    }
    return reply.code(201).send({ listing: (req.params as { id: string }).id, fields, files });
  });
  app.post('/old-upload', async (_req, reply) => reply.code(307).header('location', '/api/listings/9/photos').send());
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  net = createNet({ ...defaultNetOptions(), timeoutMs: 3000 });
});
afterAll(async () => {
  await net.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const flow = (step: Partial<Flow['steps'][number]>): Flow => ({ name: 'upload', vars: { listingId: '42' }, steps: [{ name: 'photo', url: '/api/listings/{{listingId}}/photos', ...step }] });

describe('multipart steps', () => {
  it('uploads text fields, a file from disk and an inline file; the server sees the exact bytes', async () => {
    const r = await runFlow(
      flow({
        multipart: {
          title: 'Sofa {{unique.id}}',
          photo: { path: 'photo.png' },
          notes: { content: 'listing {{listingId}} notes', filename: 'notes.txt' },
          raw: { path: 'photo.png', contentType: 'application/x-custom', filename: 'renamed.dat' },
        },
        expect: [
          'status == 201',
          'body.listing == 42',
          'body.fields.title matches ^Sofa \\w+$',
          'body.files[0].filename == photo.png',
          'body.files[0].mimetype == image/png',
          `body.files[0].size == ${png.length}`,
          `body.files[0].sha256 == ${sha(png)}`,
          'body.files[1].mimetype == text/plain',
          `body.files[1].sha256 == ${sha(Buffer.from('listing 42 notes'))}`,
          'body.files[2].filename == renamed.dat',
          'body.files[2].mimetype == application/x-custom',
        ],
      }),
      { http: net.http, baseUrl: base, baseDir: dir },
    );
    expect(r.steps[0]!.reason).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.steps[0]!.method).toBe('POST'); // a body makes the default method POST
  });

  it('resends the same multipart body after a 307 redirect', async () => {
    const r = await runFlow(
      { name: 'u', steps: [{ name: 'old', url: '/old-upload', multipart: { photo: { path: 'photo.png' } }, expect: ['status == 201', 'body.listing == 9', `body.files[0].sha256 == ${sha(png)}`] }] },
      { http: net.http, baseUrl: base, baseDir: dir },
    );
    expect(r.steps[0]!.reason).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it('errors, naming the field and file, when the file is missing', async () => {
    const r = await runFlow(flow({ multipart: { photo: { path: 'nope.png' } } }), { http: net.http, baseUrl: base, baseDir: dir });
    expect(r.steps[0]).toMatchObject({ outcome: 'error', status: 0, reason: 'multipart photo: cannot read nope.png (ENOENT)' });
  });

  it('refuses a file over the upload limit before sending anything', async () => {
    const r = await runFlow(flow({ multipart: { photo: { path: 'big.bin' } } }), { http: net.http, baseUrl: base, baseDir: dir, limits: { maxUploadBytes: 1024 } });
    expect(r.steps[0]).toMatchObject({ outcome: 'error', reason: 'multipart photo: big.bin is 65536 bytes; the limit is 1024' });
  });

  it('fails the step when the server rejects the upload (file over the route limit), showing what came back', async () => {
    const r = await runFlow(
      flow({ multipart: { photo: { content: 'x'.repeat(1024 * 1024 + 10), filename: 'huge.txt' } }, expect: ['status == 201'] }),
      { http: net.http, baseUrl: base, baseDir: dir },
    );
    expect(r.ok).toBe(false);
    expect(r.steps[0]!.status).toBe(413);
    expect(r.steps[0]!.expectations[0]!.text).toBe('status (413) == 201');
  });
});

describe('multipart in config', () => {
  const yaml = (step: string) => `flows:\n  - name: core\n    steps:\n      - name: a\n        url: /x\n${step}`;
  it('accepts text, path and inline fields', () => {
    const c = parseConfigText(yaml('        multipart:\n          title: "T {{unique.id}}"\n          photo: { path: ./photo.png, contentType: image/png }\n          notes: { content: hi, filename: n.txt }\n'), 'c.yaml', {});
    expect(Object.keys(c.flows![0]!.steps[0]!.multipart!)).toEqual(['title', 'photo', 'notes']);
  });
  it('rejects multipart together with json, and an undefined variable in a field', () => {
    expect(() => parseConfigText(yaml('        json: { a: 1 }\n        multipart: { a: b }\n'), 'c.yaml', {})).toThrow(/give one of json, form, body or multipart, not json and multipart/);
    expect(() => parseConfigText(yaml('        multipart: { a: "{{missing}}" }\n'), 'c.yaml', {})).toThrow(/flow "core" step 1 "a": \{\{missing\}\} is not defined/);
  });
});
