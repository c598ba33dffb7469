// A mock SMART App Launch 2.x authorization server for the sandbox: EHR launch, public clients, PKCE S256 only,
// auto-approval (no login page, no client registration: any client_id and any absolute http(s) redirect_uri). It keeps
// launches, codes and tokens in memory. Nothing here logs a code, verifier or token: callers log the outcome only.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const launchLifetimeMs = 60 * 60 * 1000; // an EHR launch id may be used for an hour (and more than once)
const codeLifetimeMs = 60 * 1000; // RFC 6749 §4.1.2: short-lived, single use
// Advertised, not enforced: any token opens the whole FHIR API (the sandbox checks who, not what).
const scopes = ['launch', 'launch/patient', 'patient/*.cruds', 'patient/*.rs', 'patient/QuestionnaireResponse.c'];
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;
const s256Challenge = /^[A-Za-z0-9_-]{43}$/; // BASE64URL of a 32-byte SHA-256, no padding
const verifierSyntax = /^[A-Za-z0-9\-._~]{43,128}$/; // RFC 7636 §4.1

const random = () => randomBytes(32).toString('base64url');

/**
 * @param {{ fhirBase: string, origin: string, tokenLifetimeSeconds: number }} options fhirBase is the absolute FHIR
 *   base URL (the only accepted aud); origin is this server's http://127.0.0.1:port.
 */
export function createSmart({ fhirBase, origin, tokenLifetimeSeconds }) {
  const launches = new Map();
  const codes = new Map();
  const tokens = new Map();
  const authorizationEndpoint = `${origin}/smart/authorize`;
  const tokenEndpoint = `${origin}/smart/token`;

  function purge(map) {
    const now = Date.now();
    for (const [key, value] of map) if (value.expires <= now) map.delete(key);
  }

  // SMART App Launch 2.x §Conformance: the .well-known/smart-configuration document.
  const configuration = () => ({
    issuer: origin,
    authorization_endpoint: authorizationEndpoint,
    token_endpoint: tokenEndpoint,
    token_endpoint_auth_methods_supported: ['none'],
    grant_types_supported: ['authorization_code'],
    scopes_supported: scopes,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    capabilities: ['launch-ehr', 'client-public', 'context-ehr-patient', 'permission-v2', 'permission-patient'],
  });

  // The deprecated but still read CapabilityStatement form of the same endpoints (SMART 1.0 §oauth-uris).
  const security = () => ({
    cors: true,
    service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
    extension: [{
      url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
      extension: [{ url: 'authorize', valueUri: authorizationEndpoint }, { url: 'token', valueUri: tokenEndpoint }],
    }],
  });

  // What an EHR does before opening an app: record the launch context and hand the app an opaque launch id.
  function launch(input) {
    const { patient, appContext } = input ?? {};
    if (typeof patient !== 'string' || !fhirId.test(patient)) return { status: 400, body: { error: 'patient must be a FHIR id' } };
    if (appContext !== undefined && (typeof appContext !== 'string' || appContext.length > 4096)) {
      return { status: 400, body: { error: 'appContext, when given, must be a string (CDS Hooks 2.0: it reaches the app as a string)' } };
    }
    purge(launches);
    const id = random();
    launches.set(id, { patient, appContext, expires: Date.now() + launchLifetimeMs });
    return { status: 201, body: { launch: id, iss: fhirBase, expires_in: launchLifetimeMs / 1000 } };
  }

  /** RFC 6749 §4.1.1–4.1.2: returns { status: 302, location } or { status: 400, body } when there is nowhere safe to redirect. */
  function authorize(query) {
    const get = (name) => query.get(name) ?? '';
    const clientId = get('client_id');
    const redirect = URL.canParse(get('redirect_uri')) ? new URL(get('redirect_uri')) : undefined;
    // §4.1.2.1: a missing client or an unusable redirect_uri is told to the user, never redirected to.
    if (!clientId) return { status: 400, body: { error: 'invalid_request', error_description: 'client_id is required' } };
    if (!redirect || !['http:', 'https:'].includes(redirect.protocol) || redirect.hash) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'redirect_uri must be an absolute http(s) URL without a fragment' } };
    }
    const state = query.get('state');
    const back = (params) => {
      const to = new URL(redirect);
      for (const [key, value] of Object.entries(params)) to.searchParams.set(key, value);
      if (state !== null) to.searchParams.set('state', state);
      return { status: 302, location: to.href };
    };
    const fail = (error, description) => ({ ...back({ error, error_description: description }), error });

    if (get('response_type') !== 'code') return fail('unsupported_response_type', 'only response_type=code');
    if (!state) return fail('invalid_request', 'state is required (SMART App Launch 2.x)');
    if (get('aud').replace(/\/$/, '') !== fhirBase) return fail('invalid_request', `aud must be ${fhirBase}`);
    const scope = get('scope').split(' ').filter(Boolean);
    if (scope.length === 0) return fail('invalid_scope', 'scope is required');
    purge(launches);
    const context = launches.get(get('launch'));
    if (!context) return fail('invalid_request', 'launch is missing, unknown or expired: mint one with POST /smart/launch');
    if (!scope.includes('launch')) return fail('invalid_scope', 'an EHR launch asks for the launch scope');
    if (get('code_challenge_method') !== 'S256' || !s256Challenge.test(get('code_challenge'))) {
      return fail('invalid_request', 'PKCE is required: code_challenge_method=S256 and a code_challenge');
    }

    purge(codes);
    const code = random();
    codes.set(code, {
      clientId, redirectUri: redirect.href, challenge: get('code_challenge'), scope: scope.join(' '),
      patient: context.patient, appContext: context.appContext, expires: Date.now() + codeLifetimeMs,
    });
    return back({ code });
  }

  /** RFC 6749 §4.1.3–4.1.4 and §5.2, RFC 7636 §4.6: returns { status, body } (the caller adds Cache-Control: no-store). */
  function token(form) {
    const fail = (error, description) => ({ status: 400, body: { error, error_description: description }, error });
    if (form.get('grant_type') !== 'authorization_code') return fail('unsupported_grant_type', 'only grant_type=authorization_code');
    const code = form.get('code');
    if (!code || !form.get('redirect_uri') || !form.get('client_id')) {
      return fail('invalid_request', 'code, redirect_uri and client_id (a public client) are required');
    }
    // Taken before any other check: a code is spent by its first use, right or wrong, so a verifier cannot be guessed.
    const grant = codes.get(code);
    codes.delete(code);
    if (!grant || grant.expires <= Date.now()) return fail('invalid_grant', 'code is unknown, expired or already used');
    if (grant.clientId !== form.get('client_id')) return fail('invalid_grant', 'code was issued to another client');
    if (grant.redirectUri !== form.get('redirect_uri')) return fail('invalid_grant', 'redirect_uri does not match the authorization request');
    const verifier = form.get('code_verifier') ?? '';
    if (!verifierSyntax.test(verifier)) return fail('invalid_grant', 'code_verifier is missing or malformed');
    const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
    const expected = Buffer.from(grant.challenge);
    if (computed.length !== expected.length || !timingSafeEqual(computed, expected)) {
      return fail('invalid_grant', 'code_verifier does not match the code_challenge');
    }

    purge(tokens);
    const accessToken = random();
    tokens.set(accessToken, { expires: Date.now() + tokenLifetimeSeconds * 1000 });
    const body = { access_token: accessToken, token_type: 'Bearer', expires_in: tokenLifetimeSeconds, scope: grant.scope, patient: grant.patient };
    if (grant.appContext !== undefined) body.appContext = grant.appContext;
    return { status: 200, body };
  }

  /** RFC 6750 §2.1 and §3: 'ok', or why the request has no usable token ('missing', 'invalid', 'expired'). */
  function check(authorization) {
    if (!authorization) return 'missing';
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization);
    if (!match) return 'invalid';
    const found = tokens.get(match[1]);
    if (!found) return 'invalid';
    if (found.expires <= Date.now()) {
      tokens.delete(match[1]);
      return 'expired';
    }
    return 'ok';
  }

  return { configuration, security, launch, authorize, token, check };
}
