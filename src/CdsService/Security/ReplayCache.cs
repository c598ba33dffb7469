using System.Security.Cryptography;
using System.Text;

namespace CdsService.Security;

/// <summary>
/// Remembers every accepted <c>jti</c>, per issuer, until its token could no longer be accepted anyway, in an
/// <see cref="IReplayStore"/> with an atomic add-if-absent: this process's memory by default, Redis when several
/// replicas share the load (see <see cref="ReplayStores"/>).
/// </summary>
internal sealed class ReplayCache(IReplayStore store, TimeProvider clock)
{
    private static readonly TimeSpan MinimumRetention = TimeSpan.FromSeconds(1);

    /// <summary>Records the <c>jti</c>; false when it was already used.</summary>
    /// <param name="acceptableUntil">When the token stops being accepted (its <c>exp</c> plus the clock skew).</param>
    public Task<bool> TryClaimAsync(string issuer, string jti, DateTimeOffset acceptableUntil, CancellationToken cancellationToken)
    {
        var retention = acceptableUntil - clock.GetUtcNow();
        return store.TryAddAsync(KeyOf(issuer, jti), retention > MinimumRetention ? retention : MinimumRetention, cancellationToken);
    }

    // Hashed: bounded key length whatever the client sends, and no client data in a shared cache's key space.
    private static string KeyOf(string issuer, string jti) =>
        "cds-jti:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{issuer}\n{jti}")));
}
