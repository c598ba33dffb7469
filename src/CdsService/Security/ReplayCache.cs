using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace CdsService.Security;

/// <summary>
/// Remembers every accepted <c>jti</c>, per issuer, until its token could no longer be accepted anyway. Backed by
/// <see cref="IDistributedCache"/>: in memory by default, Redis (or any other) when several instances share the load.
/// </summary>
internal sealed class ReplayCache(IDistributedCache cache, TimeProvider clock)
{
    private static readonly byte[] Seen = [1];
    private static readonly TimeSpan MinimumRetention = TimeSpan.FromSeconds(1);

    // IDistributedCache has no "add if absent": this closes the race between two copies of a token arriving at
    // once on this instance. Across instances a narrow window remains unless the cache offers an atomic add.
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Records the <c>jti</c>; false when it was already used.</summary>
    /// <param name="acceptableUntil">When the token stops being accepted (its <c>exp</c> plus the clock skew).</param>
    public async Task<bool> TryClaimAsync(string issuer, string jti, DateTimeOffset acceptableUntil, CancellationToken cancellationToken)
    {
        var key = KeyOf(issuer, jti);
        if (!_inFlight.TryAdd(key, 0))
        {
            return false;
        }

        try
        {
            if (await cache.GetAsync(key, cancellationToken) is not null)
            {
                return false;
            }

            var retention = acceptableUntil - clock.GetUtcNow();
            await cache.SetAsync(
                key,
                Seen,
                new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = retention > MinimumRetention ? retention : MinimumRetention },
                cancellationToken);
            return true;
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    // Hashed: bounded key length whatever the client sends, and no client data in a shared cache's key space.
    private static string KeyOf(string issuer, string jti) =>
        "cds-jti:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{issuer}\n{jti}")));
}
