using System.Net;
using System.Net.Http.Headers;
using CdsService.CdsHooks;
using CdsService.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CdsService.Hosting;

/// <summary>
/// The warm-up's calls to the service's own order-sign endpoints over HTTP, through everything a clinician's call
/// goes through: Kestrel and its sockets, request logging, the exception handler, JWT validation (with the
/// <see cref="WarmUpClient"/>'s token), the rate limiter, the endpoint, and the JSON response writer. In-process runs
/// compile only the service's own code; on one core, the runtime then spent the first seconds of real traffic
/// compiling and re-optimising all of the rest. The calls are rehearsals: nothing is stored or audited.
/// </summary>
internal sealed partial class WarmUpCalls(
    WarmUpClient client,
    WarmUpStatus status,
    IServer server,
    IHostApplicationLifetime lifetime,
    IHttpClientFactory httpClients,
    IEnumerable<ICdsService> services,
    IOptions<CdsOptions> cds,
    IOptions<Microsoft.AspNetCore.HttpsPolicy.HttpsRedirectionOptions> redirection,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<WarmUpCalls> logger)
{
    public const string HttpClientName = "warm-up";

    // Where ASP.NET Core's HTTPS redirection looks for the port to redirect to (configuration keys are case-insensitive).
    private static readonly string[] HttpsPortKeys = ["HTTPS_PORT", "ANCM_HTTPS_PORT", "HTTPS_PORTS"];

    // A few calls at once, as an EHR's integration engine sends them, so the server's concurrent paths compile too.
    private const int Concurrency = 4;

    /// <summary>The calls answered so far.</summary>
    public int Answered => _answered;

    private int _answered;

    /// <summary>
    /// Waits for the server to listen, then the base URL of one of its plain-HTTP listeners over loopback; null when
    /// there is none (HTTPS only, a Unix socket, an in-memory test server), plain HTTP is redirected to HTTPS, the
    /// client is retired, or start-up did not finish before <paramref name="stopping"/>.
    /// </summary>
    public async Task<Uri?> ConnectAsync(CancellationToken stopping)
    {
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStarted, stopping);
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            // ApplicationStarted fired, or the host is stopping (checked below).
        }

        if (stopping.IsCancellationRequested || client.IsRetired)
        {
            return null;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (RedirectsToHttps(addresses))
        {
            // A call over plain HTTP would only be redirected (and that 307 logged as a refused call).
            LogRedirected(logger);
            return null;
        }

        var local = addresses.Select(Loopback).FirstOrDefault(u => u is not null);
        if (local is null)
        {
            LogNoListener(logger);
        }

        return local;
    }

    /// <summary>Whether HTTPS redirection (on outside Development) knows a port to send plain HTTP to, as it decides.</summary>
    private bool RedirectsToHttps(ICollection<string> addresses) =>
        !environment.IsDevelopment()
        && (redirection.Value.HttpsPort is not null
            || HttpsPortKeys.Any(key => !string.IsNullOrEmpty(configuration[key]))
            || addresses.Any(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Posts every sample to every order-sign service <paramref name="runs"/> times, until <paramref name="budget"/> is spent; false as soon as a call is not
    /// answered 200 (a proxy-only host name, an HTTPS redirect): the warm-up then goes on in-process.
    /// </summary>
    public async Task<bool> RunAsync(Uri local, IReadOnlyList<byte[]> samples, int runs, CancellationToken budget, CancellationToken stopping)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var paths = services.Where(s => s.Hook == HookDefinition.OrderSign).Select(s => $"{CdsHooksEndpoints.DiscoveryPath}/{s.Description.Id}").ToList();
        var calls = Enumerable.Range(0, runs).SelectMany(_ => paths.SelectMany(path => samples.Select(body => (path, body))));
        var failed = 0;
        async ValueTask CallAsync((string Path, byte[] Body) call, CancellationToken cancellationToken)
        {
            // A client's first call ends the cycle: from then on its own calls warm the path.
            // Once the budget is spent no call starts; those in flight finish (only the host stopping cuts them off).
            if (Volatile.Read(ref failed) != 0 || status.ClientCalled || budget.IsCancellationRequested)
            {
                return;
            }

            if (await PostAsync(http, local, call.Path, call.Body, cancellationToken) is not { } refusal)
            {
                Interlocked.Increment(ref _answered);
            }
            else if (Interlocked.Exchange(ref failed, 1) == 0)
            {
                LogRefused(logger, refusal);
            }
        }

        try
        {
            await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = stopping }, CallAsync);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }

        return failed == 0;
    }

    /// <summary>Null when the call was answered 200, else what went wrong (a status or an exception type, never more).</summary>
    private async Task<string?> PostAsync(HttpClient http, Uri local, string path, byte[] body, CancellationToken cancellationToken)
    {
        // The audience is what the service will expect: the public base URL when one is configured, else this URL.
        var configured = cds.Value.ConfiguredBaseUrl;
        if (client.CreateToken(EndpointAudience.For(configured ?? local, path)) is not { } token)
        {
            return "no token (the warm-up client is retired)";
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(local, path.TrimStart('/')))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (configured is not null)
        {
            // Host filtering (AllowedHosts) may admit only the public name.
            request.Headers.Host = configured.Authority;
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.CopyToAsync(Stream.Null, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK ? null : $"answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return "failed: " + e.GetType().Name;
        }
    }

    /// <summary>A loopback URL for a listener address such as <c>http://[::]:8080</c>; null for HTTPS, pipes and host names.</summary>
    internal static Uri? Loopback(string address)
    {
        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!string.Equals(binding.Scheme, "http", StringComparison.OrdinalIgnoreCase) || binding.IsUnixPipe || binding.IsNamedPipe || binding.Port <= 0)
        {
            return null;
        }

        // Kestrel reports a wildcard listener as *, + or an any-address, and "localhost" as itself.
        var host = binding.Host switch
        {
            "*" or "+" or "0.0.0.0" or "localhost" => "127.0.0.1",
            "[::]" => "127.0.0.1", // Kestrel binds the IPv6 any-address dual-mode; IPv6 may be off on the host.
            var literal when IPAddress.TryParse(literal.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip) => literal,
            _ => null,
        };
        return host is null ? null : new Uri($"http://{host}:{binding.Port}{binding.PathBase}/");
    }

    [LoggerMessage(LogLevel.Information, "Warm-up runs in-process: plain HTTP is redirected to HTTPS here")]
    private static partial void LogRedirected(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Warm-up runs in-process: the server has no plain-HTTP listener to call over loopback")]
    private static partial void LogNoListener(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Warm-up call to itself {Outcome}; the warm-up goes on in-process")]
    private static partial void LogRefused(ILogger logger, string outcome);
}
