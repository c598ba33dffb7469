using System.Collections.Concurrent;

namespace CdsService.Storage;

/// <summary>
/// A process-local <see cref="IFormSessionStore"/> for one instance (and for tests). Expired sessions are dropped as
/// they are met and swept on each save, so the map never outgrows the sessions of the last link lifetime.
/// </summary>
internal sealed class InMemoryFormSessionStore(TimeProvider clock) : IFormSessionStore
{
    private readonly ConcurrentDictionary<string, (byte[] Payload, DateTimeOffset ExpiresAt)> _sessions = new(StringComparer.Ordinal);

    public Task SaveAsync(string id, ReadOnlyMemory<byte> payload, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, value) in _sessions)
        {
            if (value.ExpiresAt <= now)
            {
                _sessions.TryRemove(KeyValuePair.Create(key, value));
            }
        }

        _sessions[id] = (payload.ToArray(), expiresAt);
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue(id, out var session) && session.ExpiresAt > now ? session.Payload : null);

    public Task<byte[]?> TakeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryRemove(id, out var session) && session.ExpiresAt > now ? session.Payload : null);
}
