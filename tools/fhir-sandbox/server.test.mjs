// Smoke test of what browser clients need from the sandbox: `npm test` (node:test, no extra packages).
// Two instances: an open one, and one with --smart --require-token for the authorization-server tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

const port = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}/fhir/R4`;
const smartPort = port + 1000;
const smartOrigin = `http://127.0.0.1:${smartPort}`;
const smartBase = `${smartOrigin}/fhir/R4`;
const tokenLifetime = 3;
let server;
let smartServer;
let smartLog = '';

function start(args, onOutput = () => {}) {
  const child = spawn(process.execPath, ['server.mjs', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.on('data', (d) => {
    onOutput(d.toString());
    if (d.toString().includes('FHIR R4')) resolve(child);
  }));
}

before(async () => {
  [server, smartServer] = await Promise.all([
    start([String(port), '--cors', 'http://localhost:8080']),
    start([String(smartPort), '--smart', '--require-token', '--token-lifetime', String(tokenLifetime), '--cors', 'http://localhost:8080'],
      (text) => { smartLog += text; }),
  ]);
});
after(() => {
  server.kill();
  smartServer.kill();
});

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

test('without --smart there is no SMART configuration', async () => {
  assert.equal((await fetch(`${base}/.well-known/smart-configuration`)).status, 404);
  const security = (await (await fetch(`${base}/metadata`)).json()).rest[0].security;
  assert.equal(security.extension, undefined);
});

// --- The mock SMART App Launch 2.x authorization server (second instance: --smart --require-token) ---

const redirectUri = 'http://127.0.0.1:5080/attestation/smart/callback';
const clientId = 'cds-attestation';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function mintLaunch(patient, appContext) {
  const answer = await fetch(`${smartOrigin}/smart/launch`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ patient, appContext }),
  });
  assert.equal(answer.status, 201);
  const body = await answer.json();
  assert.equal(body.iss, smartBase);
  return body.launch;
}

// What SmartLaunchEndpoints sends to the authorization endpoint; overrides replace or (undefined) drop a parameter.
function authorizeUrl(launch, challenge, overrides = {}) {
  const params = {
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, launch, scope: 'launch patient/QuestionnaireResponse.c',
    state: 'state-123', aud: smartBase, code_challenge: challenge, code_challenge_method: 'S256', ...overrides,
  };
  const url = new URL(`${smartOrigin}/smart/authorize`);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

async function authorize(launch, challenge, overrides) {
  return fetch(authorizeUrl(launch, challenge, overrides), { redirect: 'manual' });
}

async function codeFor(patient, appContext) {
  const { verifier, challenge } = pkce();
  const answer = await authorize(await mintLaunch(patient, appContext), challenge);
  assert.equal(answer.status, 302);
  const location = new URL(answer.headers.get('location'));
  assert.equal(location.origin + location.pathname, redirectUri);
  assert.equal(location.searchParams.get('state'), 'state-123');
  return { code: location.searchParams.get('code'), verifier };
}

function exchange(code, verifier, overrides = {}) {
  return fetch(`${smartOrigin}/smart/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier, ...overrides }),
  });
}

async function assertTokenError(answer, error) {
  assert.equal(answer.status, 400);
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  assert.equal((await answer.json()).error, error);
}

test('SMART discovery: .well-known/smart-configuration and the CapabilityStatement, both without a token', async () => {
  const answer = await fetch(`${smartBase}/.well-known/smart-configuration`, { headers: { Origin: 'http://localhost:8080' } });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('access-control-allow-origin'), 'http://localhost:8080');
  const config = await answer.json();
  assert.equal(config.authorization_endpoint, `${smartOrigin}/smart/authorize`);
  assert.equal(config.token_endpoint, `${smartOrigin}/smart/token`);
  assert.deepEqual(config.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(config.grant_types_supported, ['authorization_code']);
  assert.deepEqual(config.response_types_supported, ['code']);
  for (const capability of ['launch-ehr', 'client-public', 'context-ehr-patient', 'permission-v2']) assert.ok(config.capabilities.includes(capability), capability);
  assert.ok(config.scopes_supported.includes('launch'));

  const metadata = await fetch(`${smartBase}/metadata`);
  assert.equal(metadata.status, 200);
  const security = (await metadata.json()).rest[0].security;
  assert.equal(security.service[0].coding[0].code, 'SMART-on-FHIR');
  const uris = security.extension.find((e) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris');
  assert.deepEqual(uris.extension.map((e) => [e.url, e.valueUri]),
    [['authorize', config.authorization_endpoint], ['token', config.token_endpoint]]);
});

test('with --require-token the FHIR API is 401 without a token, or with one it did not issue', async () => {
  const none = await fetch(`${smartBase}/Patient`, { headers: { Origin: 'http://localhost:8080' } });
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="fhir-sandbox"');
  assert.match(none.headers.get('access-control-expose-headers'), /WWW-Authenticate/);
  const outcome = await none.json();
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.equal(outcome.issue[0].code, 'login');

  const forged = await fetch(`${smartBase}/Patient`, { headers: { Authorization: 'Bearer not-one-of-ours' } });
  assert.equal(forged.status, 401);
  assert.match(forged.headers.get('www-authenticate'), /error="invalid_token"/);
});

test('EHR launch -> authorize -> token with PKCE, then the token reads and writes the FHIR API', async () => {
  const { code, verifier } = await codeFor('pat-smart', 'form-link-ref');
  const answer = await exchange(code, verifier);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  const granted = await answer.json();
  assert.equal(granted.token_type, 'Bearer');
  assert.match(granted.access_token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(granted.expires_in, tokenLifetime);
  assert.equal(granted.scope, 'launch patient/QuestionnaireResponse.c');
  assert.equal(granted.patient, 'pat-smart');
  assert.equal(granted.appContext, 'form-link-ref');

  const auth = { Authorization: `Bearer ${granted.access_token}` };
  const put = await fetch(`${smartBase}/Patient/pat-smart`, {
    method: 'PUT', headers: { ...auth, 'Content-Type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Patient', id: 'pat-smart' }),
  });
  assert.ok(put.ok, String(put.status)); // Medplum's update-as-create answers 200
  const written = await fetch(`${smartBase}/QuestionnaireResponse`, {
    method: 'POST', headers: { ...auth, 'Content-Type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: 'Patient/pat-smart' } }),
  });
  assert.equal(written.status, 201);
  const read = await fetch(`${smartBase}/Patient`, { headers: auth });
  assert.equal(read.status, 200);
  assert.deepEqual((await read.json()).entry.map((e) => e.resource.id), ['pat-smart']);

  // No launch context leaks into the console: the log names endpoints and outcomes only.
  for (const secret of [code, verifier, granted.access_token]) assert.ok(!smartLog.includes(secret));
  assert.match(smartLog, /POST \/smart\/token -> 200/);
});

test('a launch without appContext gives a token without one', async () => {
  const { code, verifier } = await codeFor('pat-smart');
  const granted = await (await exchange(code, verifier)).json();
  assert.equal(granted.patient, 'pat-smart');
  assert.equal('appContext' in granted, false);
});

test('a wrong code_verifier is invalid_grant, and it spends the code', async () => {
  const { code, verifier } = await codeFor('pat-smart');
  await assertTokenError(await exchange(code, pkce().verifier), 'invalid_grant');
  await assertTokenError(await exchange(code, verifier), 'invalid_grant');
});

test('a code is single-use: the replay is invalid_grant', async () => {
  const { code, verifier } = await codeFor('pat-smart');
  assert.equal((await exchange(code, verifier)).status, 200);
  await assertTokenError(await exchange(code, verifier), 'invalid_grant');
});

test('the token request must repeat the redirect_uri and client_id and use authorization_code', async () => {
  const first = await codeFor('pat-smart');
  await assertTokenError(await exchange(first.code, first.verifier, { redirect_uri: 'http://127.0.0.1:5080/elsewhere' }), 'invalid_grant');
  const second = await codeFor('pat-smart');
  await assertTokenError(await exchange(second.code, second.verifier, { client_id: 'another-app' }), 'invalid_grant');
  await assertTokenError(await exchange('x', 'y', { grant_type: 'client_credentials' }), 'unsupported_grant_type');
});

test('authorize refuses a bad redirect_uri with a 400 and everything else by redirecting with error and state', async () => {
  const { challenge } = pkce();
  const launch = await mintLaunch('pat-smart');
  for (const redirect of [undefined, '/relative/callback', 'javascript:alert(1)']) {
    const answer = await authorize(launch, challenge, { redirect_uri: redirect });
    assert.equal(answer.status, 400, String(redirect));
    assert.equal(answer.headers.get('location'), null);
  }
  assert.equal((await authorize(launch, challenge, { client_id: undefined })).status, 400);

  const refusals = [
    [{ aud: 'http://127.0.0.1:1/fhir/R4' }, 'invalid_request'],
    [{ aud: undefined }, 'invalid_request'],
    [{ launch: 'unknown-launch' }, 'invalid_request'],
    [{ code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: undefined }, 'invalid_request'],
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ scope: 'patient/QuestionnaireResponse.c' }, 'invalid_scope'],
  ];
  for (const [overrides, error] of refusals) {
    const answer = await authorize(launch, challenge, overrides);
    assert.equal(answer.status, 302, JSON.stringify(overrides));
    const location = new URL(answer.headers.get('location'));
    assert.equal(location.origin + location.pathname, redirectUri);
    assert.equal(location.searchParams.get('error'), error, JSON.stringify(overrides));
    assert.equal(location.searchParams.get('state'), 'state-123');
    assert.equal(location.searchParams.get('code'), null);
  }
});

test('a launch needs a patient id and a string appContext', async () => {
  for (const body of [{}, { patient: 'a b' }, { patient: 'pat-1', appContext: { form: 1 } }]) {
    const answer = await fetch(`${smartOrigin}/smart/launch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(answer.status, 400, JSON.stringify(body));
  }
  const byQuery = await fetch(`${smartOrigin}/smart/launch?patient=pat-1`, { method: 'POST' });
  assert.equal(byQuery.status, 201);
});

test('tokens expire', async () => {
  const { code, verifier } = await codeFor('pat-smart');
  const { access_token: token } = await (await exchange(code, verifier)).json();
  assert.equal((await fetch(`${smartBase}/Patient`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
  await new Promise((resolve) => setTimeout(resolve, tokenLifetime * 1000 + 200));
  const expired = await fetch(`${smartBase}/Patient`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(expired.status, 401);
  assert.match(expired.headers.get('www-authenticate'), /error="invalid_token", error_description="the access token expired"/);
  assert.equal((await expired.json()).issue[0].code, 'expired');
});
