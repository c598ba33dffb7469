using CdsService.Storage;

namespace CdsService.Tests.Storage;

/// <summary>
/// The ids the service mints for stored rows sort by the time they were minted (so inserts append to their index) and
/// are still random UUIDs (so they cannot be guessed or collide).
/// </summary>
public sealed class TimeOrderedIdTests
{
    [Fact]
    public void Ids_minted_later_sort_after_earlier_ones_as_text_in_both_forms()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        var ids = new List<string>();
        var compact = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add(TimeOrderedId.Next(clock));
            compact.Add(TimeOrderedId.NextCompact(clock));
        }

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(compact, compact.Order(StringComparer.Ordinal));
        Assert.Equal(400, ids.Concat(compact).Select(Guid.Parse).Distinct().Count());
    }

    [Fact]
    public void An_id_is_a_version_7_uuid_in_the_usual_text_forms()
    {
        var clock = new SteppingClock(DateTimeOffset.UnixEpoch.AddYears(60));
        var id = TimeOrderedId.Next(clock);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        Assert.Matches("^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$", TimeOrderedId.NextCompact(clock));
    }

    /// <summary>One millisecond later at every reading.</summary>
    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now = _now.AddMilliseconds(1);
    }
}
