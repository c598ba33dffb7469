using Microsoft.IdentityModel.Tokens;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CdsService.Security;

/// <summary>
/// One client's JWK Set as published at its configured <c>JwksUri</c>: fetched on first use, again when a token names
/// a <c>kid</c> it lacks or when it is older than <see cref="JwksFetchOptions.MaxAge"/>, but never more often than
/// <see cref="JwksFetchOptions.MinRefreshInterval"/>. A failed fetch keeps the keys already held.
/// </summary>
internal sealed partial class RemoteJwks(
    string issuer,
    Uri uri,
    IHttpClientFactory httpClients,
    JwksFetchOptions options,
    IReadOnlyCollection<string> algorithms,
    TimeProvider clock,
    ILogger logger) : IDisposable
{
    public const string HttpClientName = "CdsClientJwks";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _current;
    private long _lastAttemptTicks;

    public Uri Uri { get; } = uri;

    public IReadOnlyList<JsonWebKey> Keys => _current?.Keys ?? [];

    public async Task RefreshIfNeededAsync(string kid, CancellationToken cancellationToken)
    {
        if (!NeedsRefresh(kid))
        {
            return;
        }

        // One fetch at a time per issuer; callers that queued behind it find the new keys and skip their own. A caller
        // waits only as long as its own request may (its token), however long the fetch it waits on takes.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (NeedsRefresh(kid))
            {
                await FetchAsync().WaitAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private bool NeedsRefresh(string kid)
    {
        var now = clock.GetUtcNow();
        var lastAttempt = Interlocked.Read(ref _lastAttemptTicks);
        if (lastAttempt != 0 && now.UtcTicks - lastAttempt < options.MinRefreshInterval.Ticks)
        {
            return false;
        }

        var current = _current;
        return current is null
            || !current.Keys.Any(k => string.Equals(k.Kid, kid, StringComparison.Ordinal))
            || now - current.FetchedAt >= options.MaxAge;
    }

    private async Task FetchAsync()
    {
        var now = clock.GetUtcNow();
        Interlocked.Exchange(ref _lastAttemptTicks, now.UtcTicks);
        try
        {
            // Not the caller's token: a client that hangs up must not cancel a fetch other requests are waiting on.
            // The fetch's own budget covers the whole exchange, body included: the resilience pipeline's timeouts end
            // when the headers arrive, and a key server dripping its body would otherwise hold the fetch for minutes.
            using var budget = new CancellationTokenSource(options.FetchTimeout, clock);
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(Uri, HttpCompletionOption.ResponseContentRead, budget.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogFetchFailed(logger, issuer, $"HTTP {(int)response.StatusCode}");
                return;
            }

            var parsed = SigningKeys.Parse(await response.Content.ReadAsStringAsync(budget.Token), algorithms);
            if (parsed.Keys.Count == 0)
            {
                LogFetchFailed(logger, issuer, "no usable key: " + string.Join("; ", parsed.Skipped));
                return;
            }

            _current = new Snapshot(parsed.Keys, now);
            LogFetched(logger, issuer, parsed.Keys.Count, parsed.Skipped.Count);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutRejectedException or BrokenCircuitException)
        {
            LogFetchFailed(logger, issuer, e.GetType().Name);
        }
    }

    private sealed record Snapshot(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset FetchedAt);

    [LoggerMessage(LogLevel.Information, "Fetched the JWKS of CDS client {Issuer}: {KeyCount} usable keys, {SkippedCount} skipped")]
    private static partial void LogFetched(ILogger logger, string issuer, int keyCount, int skippedCount);

    [LoggerMessage(LogLevel.Warning, "Could not fetch the JWKS of CDS client {Issuer} ({Failure}); keeping the keys already held")]
    private static partial void LogFetchFailed(ILogger logger, string issuer, string failure);
}
