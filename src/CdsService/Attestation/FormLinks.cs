using System.Security.Cryptography;
using CdsService.CdsHooks;
using CdsService.Policies;
using CdsService.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CdsService.Attestation;

/// <summary>
/// Attestation links that carry no PHI. The link names a random session id, signed, encrypted and time-limited by ASP.NET
/// Core Data Protection; the session (patient, FHIR server, what the card showed) sits in <see cref="IFormSessionStore"/>,
/// protected too, until it expires or one submit takes it.
/// </summary>
internal sealed class FormLinks
{
    public const string PathPrefix = "attestation/";

    // Data Protection's time-limited protector checks expiry against the wall clock, so the store's expiry does too.
    private static readonly TimeProvider Wall = TimeProvider.System;

    private readonly ITimeLimitedDataProtector _links;
    // Download links under a purpose of their own: a form link must not open as a download (the session behind it) nor
    // a download link as a form.
    private readonly ITimeLimitedDataProtector _downloads;
    // SMART launch state and grants: a purpose of their own, so neither opens as a form or a download.
    private readonly ITimeLimitedDataProtector _smart;
    private readonly IDataProtector _payloads;
    private readonly IFormSessionStore _store;
    private readonly IOptions<AttestationOptions> _options;

    public FormLinks(IDataProtectionProvider protection, IFormSessionStore store, IOptions<AttestationOptions> options)
    {
        _links = protection.CreateProtector("CdsService.Attestation.Link.v1").ToTimeLimitedDataProtector();
        _downloads = protection.CreateProtector("CdsService.Attestation.Download.v1").ToTimeLimitedDataProtector();
        _smart = protection.CreateProtector("CdsService.Attestation.Smart.v1").ToTimeLimitedDataProtector();
        _payloads = protection.CreateProtector("CdsService.Attestation.Session.v1");
        _store = store;
        _options = options;
    }

    /// <summary>Stores what the call showed for one decision and returns the form's absolute URL.</summary>
    /// <param name="scratch">A warm-up rehearsal's scratch store, written instead of the real one; null for a client's call.</param>
    public async Task<Uri> CreateAsync(
        PolicyDecision decision,
        HookRequest request,
        CdsCall call,
        string orderName,
        IFormSessionStore? scratch,
        CancellationToken cancellationToken)
    {
        var session = new FormSession(
            decision.Policy.Id,
            request.Context.PatientId!,
            request.Context.UserId,
            request.FhirServer?.AbsoluteUri,
            request.FhirAuthorization?.AccessToken is not null,
            orderName,
            NewId(),
            [.. decision.Criteria.Select(c => new SessionCriterion(c.Id, CriterionResult.Literal(c.Status), [.. c.Evidence.Select(e => e.Description)]))]);
        var id = NewId();
        var expires = Wall.GetUtcNow() + _options.Value.LinkLifetime;
        await (scratch ?? _store).SaveAsync(id, _payloads.Protect(session.ToBytes()), expires, cancellationToken);
        return call.Resolve(PathPrefix + _links.Protect(id, expires));
    }

    /// <summary>Saves SMART launch state (never in a URL or cookie) and returns the protected reference that names it.</summary>
    public async Task<string> SaveSmartAsync(byte[] content, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var id = NewId();
        var expires = Wall.GetUtcNow() + lifetime;
        await _store.SaveAsync(id, _payloads.Protect(content), expires, cancellationToken);
        return _smart.Protect(id, expires);
    }

    public Task<byte[]?> ReadSmartAsync(string reference, bool take, CancellationToken cancellationToken) =>
        ReadAsync(_smart, reference, take, cancellationToken);

    /// <summary>The form link's reference (the last path segment of its URL), which SMART launch URLs carry too.</summary>
    public static string Reference(Uri form) => form.Segments[^1];

    /// <summary>Saves a finished response for download under a link of its own, with the same lifetime.</summary>
    public async Task<string> SaveDownloadAsync(byte[] content, CancellationToken cancellationToken)
    {
        var id = NewId();
        var expires = Wall.GetUtcNow() + _options.Value.LinkLifetime;
        await _store.SaveAsync(id, _payloads.Protect(content), expires, cancellationToken);
        return _downloads.Protect(id, expires);
    }

    public async Task<FormSession?> OpenAsync(string token, CancellationToken cancellationToken) =>
        await ReadAsync(_links, token, take: false, cancellationToken) is { } bytes ? FormSession.FromBytes(bytes) : null;

    /// <summary>The session, removed in the same step: a second submit of the same link finds nothing.</summary>
    public async Task<FormSession?> TakeAsync(string token, CancellationToken cancellationToken) =>
        await ReadAsync(_links, token, take: true, cancellationToken) is { } bytes ? FormSession.FromBytes(bytes) : null;

    public Task<byte[]?> DownloadAsync(string token, CancellationToken cancellationToken) => ReadAsync(_downloads, token, take: false, cancellationToken);

    /// <summary>A request path with any attestation link replaced, for logs: the link opens the form.</summary>
    public static string Redact(string path)
    {
        var at = path.IndexOf("/" + PathPrefix, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return path;
        }

        var rest = path[(at + PathPrefix.Length + 1)..];
        var kind = rest.StartsWith("download/", StringComparison.OrdinalIgnoreCase) ? "download/"
            : rest.StartsWith("smart/launch/", StringComparison.OrdinalIgnoreCase) ? "smart/launch/"
            : rest.StartsWith("smart/form/", StringComparison.OrdinalIgnoreCase) ? "smart/form/"
            : rest.StartsWith("smart/callback", StringComparison.OrdinalIgnoreCase) ? "smart/callback" : "";
        if (kind == "smart/callback")
        {
            return $"{path[..at]}/{PathPrefix}{kind}";
        }

        return $"{path[..at]}/{PathPrefix}{kind}{{link}}";
    }

    public static bool SameNonce(FormSession session, string? nonce) =>
        nonce is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(session.Nonce), System.Text.Encoding.ASCII.GetBytes(nonce));

    private async Task<byte[]?> ReadAsync(ITimeLimitedDataProtector links, string token, bool take, CancellationToken cancellationToken)
    {
        string id;
        try
        {
            id = links.Unprotect(token);
        }
        catch (CryptographicException)
        {
            // Tampered, signed by another key ring, or expired: the same answer for all three.
            return null;
        }

        var now = Wall.GetUtcNow();
        var payload = take ? await _store.TakeAsync(id, now, cancellationToken) : await _store.GetAsync(id, now, cancellationToken);
        try
        {
            return payload is null ? null : _payloads.Unprotect(payload);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string NewId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
}
