using System.Net;
using CdsService.CdsHooks;
using Microsoft.Extensions.Options;

namespace CdsService.Security;

/// <summary>Start-up checks of section <c>Security</c>: a misconfiguration stops the service with a message naming the key.</summary>
internal sealed class SecurityOptionsValidator(IHostEnvironment environment) : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        foreach (var algorithm in options.AcceptedAlgorithms.Where(a => !SigningKeys.AsymmetricAlgorithms.Contains(a)))
        {
            failures.Add($"Security:Algorithms lists '{algorithm}': only ES256/384/512, RS256/384/512 and PS256/384/512 may be accepted; 'none' and HS* never are (CDS Hooks forbids them).");
        }

        Within(failures, "Security:ClockSkew", options.ClockSkew, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Within(failures, "Security:MaxTokenLifetime", options.MaxTokenLifetime, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        Within(failures, "Security:RequestTimeout", options.RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Within(failures, "Security:Jwks:MinRefreshInterval", options.Jwks.MinRefreshInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        Within(failures, "Security:Jwks:MaxAge", options.Jwks.MaxAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        Within(failures, "Security:Jwks:FetchTimeout", options.Jwks.FetchTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Within(failures, "Security:Cors:PreflightMaxAge", options.Cors.PreflightMaxAge, TimeSpan.Zero, TimeSpan.FromDays(1));
        Within(failures, "Security:RateLimit:Window", options.RateLimit.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));

        if (options.AllowAnonymousFromLoopback && !environment.IsDevelopment())
        {
            failures.Add($"Security:AllowAnonymousFromLoopback is only allowed in Development, not in {environment.EnvironmentName}: every call there must carry a client JWT.");
        }

        foreach (var origin in options.Cors.AllowedOrigins.Where(o => !IsOrigin(o)))
        {
            failures.Add($"Security:Cors:AllowedOrigins has '{origin}': each entry must be an origin such as https://sandbox.cds-hooks.org (scheme, host, optional port; no path, no wildcard).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Within(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} is {value}; it must be between {min} and {max}.");
        }
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && !value.EndsWith('/') && uri.Query.Length == 0 && uri.UserInfo.Length == 0;
}

/// <summary>Start-up checks of section <c>CdsClients</c>, including that each configured JWKS can be read.</summary>
internal sealed class CdsClientsValidator(IHostEnvironment environment, IOptions<SecurityOptions> security) : IValidateOptions<CdsClientsOptions>
{
    public ValidateOptionsResult Validate(string? name, CdsClientsOptions options)
    {
        var failures = new List<string>();
        if (options.Clients.Count == 0 && !environment.IsDevelopment())
        {
            failures.Add("No trusted CDS client is configured: add at least one under CdsClients (e.g. CdsClients__0__Issuer and CdsClients__0__JwksUri); see README, Security.");
        }

        var issuers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            var key = $"CdsClients:{i}";
            if (string.IsNullOrWhiteSpace(client.Issuer))
            {
                failures.Add($"{key}:Issuer is required: the exact 'iss' the client puts in its JWTs.");
            }
            else if (!issuers.Add(client.Issuer))
            {
                failures.Add($"{key}:Issuer '{client.Issuer}' is configured twice.");
            }

            if (client.JwksUri is { } uri && !IsSafeJwksUri(uri))
            {
                failures.Add($"{key}:JwksUri '{uri}' must be an absolute https URL (http only for a loopback host).");
            }

            if (client.Tenants.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{key}:Tenants has an empty entry.");
            }

            if (KeySourceProblem(client, key) is { } problem)
            {
                failures.Add(problem);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string? KeySourceProblem(CdsClientOptions client, string key)
    {
        var inline = !string.IsNullOrWhiteSpace(client.Jwks);
        var file = !string.IsNullOrWhiteSpace(client.JwksFile);
        if (inline && file)
        {
            return $"{key} sets both Jwks and JwksFile; give the keys one way.";
        }

        if (!inline && !file)
        {
            return client.JwksUri is null ? $"{key} has no keys: set JwksUri, Jwks or JwksFile." : null;
        }

        var source = inline ? $"{key}:Jwks" : $"{key}:JwksFile '{ConfiguredJwks.PathOf(client.JwksFile!, environment.ContentRootPath)}'";
        string json;
        try
        {
            json = ConfiguredJwks.Read(client, environment.ContentRootPath)!;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{source} cannot be read: {e.Message}";
        }

        var parsed = SigningKeys.Parse(json, security.Value.AcceptedAlgorithms);
        if (parsed.HasPrivateKey)
        {
            return $"{source} contains private key material: configure only the client's public keys, and have the client replace the exposed key.";
        }

        return parsed.Keys.Count == 0
            ? $"{source} has no usable signing key ({string.Join("; ", parsed.Skipped)}); keys must be EC P-256/384/521 or RSA >= 2048 bits, with a kid."
            : null;
    }

    private static bool IsSafeJwksUri(Uri uri) =>
        uri.IsAbsoluteUri
        && (uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)))));
}

/// <summary>
/// Outside Development the <c>aud</c> check must not trust the Host header, so the public base URL has to be configured.
/// </summary>
internal sealed class PublicBaseUrlValidator(IHostEnvironment environment) : IValidateOptions<CdsOptions>
{
    public ValidateOptionsResult Validate(string? name, CdsOptions options)
    {
        if (environment.IsDevelopment())
        {
            return ValidateOptionsResult.Success;
        }

        return options.PublicBaseUrl is { IsAbsoluteUri: true } url && url.Scheme == Uri.UriSchemeHttps && url.Query.Length == 0 && url.Fragment.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Cds:PublicBaseUrl must be set to this service's public https URL outside Development (it is '{options.PublicBaseUrl}'): "
                + "a client JWT's aud must equal it followed by the endpoint path.");
    }
}
