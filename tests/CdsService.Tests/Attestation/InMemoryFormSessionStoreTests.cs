using CdsService.Storage;

namespace CdsService.Tests.Attestation;

public sealed class InMemoryFormSessionStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly InMemoryFormSessionStore _store = new(new Fixed(Now));

    [Fact]
    public async Task A_session_is_read_until_it_expires_and_taken_once()
    {
        await _store.SaveAsync("s1", new byte[] { 1, 2, 3 }, Now.AddMinutes(30), default);

        Assert.Equal([1, 2, 3], await _store.GetAsync("s1", Now, default));
        Assert.Equal([1, 2, 3], await _store.GetAsync("s1", Now, default));
        Assert.Null(await _store.GetAsync("s1", Now.AddMinutes(31), default));
        Assert.Equal([1, 2, 3], await _store.TakeAsync("s1", Now, default));
        Assert.Null(await _store.TakeAsync("s1", Now, default));
        Assert.Null(await _store.GetAsync("s1", Now, default));
    }

    [Fact]
    public async Task Concurrent_takes_get_the_payload_once()
    {
        await _store.SaveAsync("s2", new byte[] { 9 }, Now.AddMinutes(5), default);

        var takes = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => _store.TakeAsync("s2", Now, default))));

        Assert.Single(takes, t => t is not null);
    }

    [Fact]
    public async Task An_expired_session_cannot_be_taken()
    {
        await _store.SaveAsync("s3", new byte[] { 7 }, Now.AddMinutes(1), default);

        Assert.Null(await _store.TakeAsync("s3", Now.AddMinutes(2), default));
    }

    [Fact]
    public async Task The_store_stays_bounded_by_dropping_the_sessions_closest_to_expiry()
    {
        var store = new InMemoryFormSessionStore(new Fixed(Now));
        for (var i = 0; i <= InMemoryFormSessionStore.MaxSessions; i++)
        {
            await store.SaveAsync($"s{i}", new byte[] { 1 }, Now.AddMinutes(30).AddTicks(i), default);
        }

        Assert.Null(await store.GetAsync("s0", Now, default));
        Assert.NotNull(await store.GetAsync($"s{InMemoryFormSessionStore.MaxSessions / 10}", Now, default));
        Assert.NotNull(await store.GetAsync($"s{InMemoryFormSessionStore.MaxSessions}", Now, default));
    }

    private sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
