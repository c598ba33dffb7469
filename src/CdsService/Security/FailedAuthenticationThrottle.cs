using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CdsService.Security;

/// <summary>
/// Failed authentications per remote address, as a token bucket: each refused token spends one permit, and an address
/// with none left is refused with 429 before its next token is even parsed, so a flood of bad signatures cannot make
/// this service spend a core on ES384/RS384 verifies. Valid calls spend nothing.
/// </summary>
internal sealed class FailedAuthenticationThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _failures;
    private readonly TimeSpan _window;

    public FailedAuthenticationThrottle(IOptions<SecurityOptions> security)
    {
        var limits = security.Value.FailedAuthentication;
        _window = limits.Window;
        _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(
            address,
            _ => TokenBuckets.RefilledEvery(limits.Window, limits.PermitLimit)));
    }

    /// <summary>True when this address has used up its failures: refuse it without looking at the token.</summary>
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        // Statistics, not a zero-permit lease: a token bucket grants zero permits even when it is empty.
        retryAfter = _window;
        return _failures.GetStatistics(address ?? IPAddress.None) is { CurrentAvailablePermits: <= 0 };
    }

    public void RecordFailure(IPAddress? address) => _failures.AttemptAcquire(address ?? IPAddress.None, 1).Dispose();

    public void Dispose() => _failures.Dispose();
}

/// <summary>Section <c>Security:FailedAuthentication</c>: refused tokens allowed per remote address per window.</summary>
internal sealed class FailedAuthenticationOptions
{
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
