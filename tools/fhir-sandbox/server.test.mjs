// Smoke test of what browser clients need from the sandbox: `npm test` (node:test, no extra packages).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const port = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}/fhir/R4`;
let server;

before(async () => {
  server = spawn(process.execPath, ['server.mjs', String(port), '--cors', 'http://localhost:8080'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => server.stdout.on('data', (d) => d.toString().includes('FHIR R4') && resolve()));
});
after(() => server.kill());

test('metadata is a CapabilityStatement', async () => {
  const body = await (await fetch(`${base}/metadata`)).json();
  assert.equal(body.resourceType, 'CapabilityStatement');
  assert.equal(body.fhirVersion, '4.0.1');
  assert.ok(body.rest[0].resource.some((r) => r.type === 'QuestionnaireResponse'));
});

test('CORS answers configured origins only', async () => {
  const ok = await fetch(`${base}/Patient/_search`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:8080', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://localhost:8080');
  const refused = await fetch(`${base}/Patient`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('access-control-allow-origin'), null);
});

test('POST _search with a form body is the GET search', async () => {
  const created = await fetch(`${base}/Patient`, {
    method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Patient', gender: 'female' }),
  });
  assert.equal(created.status, 201);
  const search = await fetch(`${base}/Patient/_search`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:8080' }, body: 'gender=female',
  });
  const bundle = await search.json();
  assert.equal(search.status, 200);
  assert.equal(bundle.type, 'searchset');
  assert.equal(bundle.entry.length, 1);
  assert.equal(search.headers.get('access-control-allow-origin'), 'http://localhost:8080');
});

test('the key registry turns posted public keys into a JWK Set', async () => {
  const { publicKey } = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  const posted = await fetch(`http://127.0.0.1:${port}/public/`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pem: { kty: jwk.kty, n: jwk.n, e: jwk.e }, id: 'kid-1' }),
  });
  assert.equal(posted.status, 201);
  const set = await (await fetch(`http://127.0.0.1:${port}/public`)).json();
  assert.deepEqual(set.keys.map((k) => [k.kid, k.alg, k.n]), [['kid-1', 'RS256', jwk.n]]);
  const privateKeyRefused = await fetch(`http://127.0.0.1:${port}/public`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pem: { ...jwk, d: 'secret' }, id: 'kid-2' }),
  });
  assert.equal(privateKeyRefused.status, 400);
});
