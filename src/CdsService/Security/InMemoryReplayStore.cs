using System.Collections.Concurrent;

namespace CdsService.Security;

/// <summary>
/// The single-instance replay store: atomic within this process only. With several replicas, configure Redis
/// (<c>ConnectionStrings:Redis</c>) so that a token replayed against another replica is refused too.
/// </summary>
internal sealed class InMemoryReplayStore(TimeProvider clock) : IReplayStore
{
    private const int SweepEvery = 1024;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);
    private int _adds;

    public Task<bool> TryAddAsync(string key, TimeSpan retention, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (Interlocked.Increment(ref _adds) % SweepEvery == 0)
        {
            Sweep(now);
        }

        var until = now + retention;
        if (_until.TryAdd(key, until))
        {
            return Task.FromResult(true);
        }

        // Present but expired: take it over, unless another caller just did.
        return Task.FromResult(_until.TryGetValue(key, out var existing) && existing <= now && _until.TryUpdate(key, until, existing));
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, until) in _until)
        {
            if (until <= now)
            {
                _until.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            }
        }
    }
}
