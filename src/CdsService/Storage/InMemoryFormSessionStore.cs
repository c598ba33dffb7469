using System.Collections.Concurrent;

namespace CdsService.Storage;

/// <summary>
/// A process-local <see cref="IFormSessionStore"/> for one instance (and for tests). Memory is bounded: expired sessions
/// are swept at most every <see cref="SweepInterval"/>, and past <see cref="MaxSessions"/> the sessions closest to expiry
/// make room (a hook call that opens a form costs one entry for the link's lifetime).
/// </summary>
internal sealed class InMemoryFormSessionStore(TimeProvider clock) : IFormSessionStore
{
    public const int MaxSessions = 100_000;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (byte[] Payload, DateTimeOffset ExpiresAt)> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _sweep = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public Task SaveAsync(string id, ReadOnlyMemory<byte> payload, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now - _lastSweep >= SweepInterval || _sessions.Count >= MaxSessions)
        {
            Sweep(now);
        }

        _sessions[id] = (payload.ToArray(), expiresAt);
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue(id, out var session) && session.ExpiresAt > now ? session.Payload : null);

    public Task<byte[]?> TakeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryRemove(id, out var session) && session.ExpiresAt > now ? session.Payload : null);

    private void Sweep(DateTimeOffset now)
    {
        lock (_sweep)
        {
            _lastSweep = now;
            foreach (var entry in _sessions.Where(e => e.Value.ExpiresAt <= now))
            {
                _sessions.TryRemove(entry);
            }

            // Still full: drop the tenth closest to expiry, so sweeps stay rare.
            if (_sessions.Count >= MaxSessions)
            {
                foreach (var entry in _sessions.OrderBy(e => e.Value.ExpiresAt).Take(MaxSessions / 10).ToList())
                {
                    _sessions.TryRemove(entry);
                }
            }
        }
    }
}
