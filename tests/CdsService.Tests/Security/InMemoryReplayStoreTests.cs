using CdsService.Security;

namespace CdsService.Tests.Security;

public sealed class InMemoryReplayStoreTests
{
    [Fact]
    public async Task A_key_is_claimed_once_until_it_expires_then_again()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var store = new InMemoryReplayStore(clock);

        Assert.True(await store.TryAddAsync("k", TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.False(await store.TryAddAsync("k", TimeSpan.FromMinutes(5), CancellationToken.None));
        clock.Now += TimeSpan.FromMinutes(5);
        Assert.True(await store.TryAddAsync("k", TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.False(await store.TryAddAsync("k", TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    [Fact]
    public async Task Of_many_claims_at_once_exactly_one_wins()
    {
        var store = new InMemoryReplayStore(TimeProvider.System);

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => store.TryAddAsync("k", TimeSpan.FromMinutes(5), CancellationToken.None))));

        Assert.Single(results, r => r);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
