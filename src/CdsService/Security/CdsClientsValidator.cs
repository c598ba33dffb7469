using System.Net;
using Microsoft.Extensions.Options;

namespace CdsService.Security;

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
