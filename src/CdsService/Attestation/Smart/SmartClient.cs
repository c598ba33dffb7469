using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CdsService.Attestation.Smart;

/// <summary>The authorization server's endpoints, from the FHIR server's <c>.well-known/smart-configuration</c>.</summary>
internal sealed record SmartConfiguration(Uri AuthorizationEndpoint, Uri TokenEndpoint);

/// <summary>What the token endpoint granted: the access token (kept server-side only) and its launch context.</summary>
internal sealed record SmartToken(string AccessToken, string? Patient, string? AppContext, TimeSpan? ExpiresIn);

/// <summary>
/// The two calls a SMART app makes to the EHR: discovery and the authorization-code exchange with the PKCE verifier.
/// Both go through their own non-redirecting, cookie-less HttpClient with a timeout and a response-size cap, and log
/// nothing of what they send or receive (the code, the verifier and the token are credentials).
/// </summary>
internal sealed partial class SmartClient(IHttpClientFactory httpClients, IOptions<SmartOptions> options, ILogger<SmartClient> logger)
{
    public const string HttpClientName = "attestation-smart";

    /// <summary>Bound on what either endpoint may send back: a configuration or a token response is a few KiB.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    public async Task<SmartConfiguration?> DiscoverAsync(Uri fhirServer, CancellationToken cancellationToken)
    {
        var url = new Uri(fhirServer.AbsoluteUri.TrimEnd('/') + "/.well-known/smart-configuration");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var json = await SendAsync(request, "discovery", cancellationToken);
            if (json is null)
            {
                return null;
            }

            var root = json.RootElement;
            var authorize = Endpoint(root, "authorization_endpoint", fhirServer);
            var token = Endpoint(root, "token_endpoint", fhirServer);

            // SMART App Launch 2.x: servers SHALL support S256 and say so; without it PKCE could be silently skipped.
            var s256 = root.TryGetProperty("code_challenge_methods_supported", out var methods) && methods.ValueKind == JsonValueKind.Array
                && methods.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.String && m.GetString() == "S256");
            if (authorize is null || token is null || !s256)
            {
                LogBadConfiguration(logger);
                return null;
            }

            return new SmartConfiguration(authorize, token);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, "discovery", e.GetType().Name);
            return null;
        }
    }

    public async Task<SmartToken?> ExchangeAsync(Uri tokenEndpoint, string code, Uri redirectUri, string verifier, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code",
                    ["code"] = code,
                    ["redirect_uri"] = redirectUri.AbsoluteUri,
                    ["client_id"] = options.Value.ClientId!,
                    ["code_verifier"] = verifier,
                }),
            };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var json = await SendAsync(request, "token", cancellationToken);
            if (json is null)
            {
                return null;
            }

            var root = json.RootElement;
            if (String(root, "access_token") is not { Length: > 0 } accessToken
                || !string.Equals(String(root, "token_type"), "Bearer", StringComparison.OrdinalIgnoreCase))
            {
                LogFailed(logger, "token", "NoBearerToken");
                return null;
            }

            TimeSpan? expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : null;
            return new SmartToken(accessToken, String(root, "patient"), AppContext(root), expiresIn);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, "token", e.GetType().Name);
            return null;
        }
    }

    private async Task<JsonDocument?> SendAsync(HttpRequestMessage request, string step, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        using var http = httpClients.CreateClient(HttpClientName);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // The status only: an error body may echo the code that was sent.
            LogStatus(logger, step, (int)response.StatusCode);
            return null;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
    }

    // An endpoint must be absolute http(s), and https whenever the FHIR server is: the code and verifier go there.
    private static Uri? Endpoint(JsonElement root, string name, Uri fhirServer) =>
        String(root, name) is { } value && Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && fhirServer.Scheme == Uri.UriSchemeHttp))
            && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? uri
            : null;

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // CDS Hooks 2.0: appContext is "sent to the SMART app as part of the OAuth 2.0 access token response", as a string.
    private static string? AppContext(JsonElement root) =>
        root.TryGetProperty("appContext", out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    [LoggerMessage(LogLevel.Warning, "SMART {Step} call failed: {Failure}")]
    private static partial void LogFailed(ILogger logger, string step, string failure);

    [LoggerMessage(LogLevel.Warning, "SMART {Step} call answered HTTP {Status}")]
    private static partial void LogStatus(ILogger logger, string step, int status);

    [LoggerMessage(LogLevel.Warning, "SMART configuration lacks an authorization or token endpoint, or S256 PKCE")]
    private static partial void LogBadConfiguration(ILogger logger);
}
