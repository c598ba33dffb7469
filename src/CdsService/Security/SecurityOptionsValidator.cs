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
        Within(failures, "Security:FailedAuthentication:Window", options.FailedAuthentication.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (options.FailedAuthentication.PermitLimit is < 1 or > 1_000_000)
        {
            failures.Add("Security:FailedAuthentication:PermitLimit must be between 1 and 1000000.");
        }

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
