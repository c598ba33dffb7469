namespace CdsService.Storage;

/// <summary>
/// Identifiers this service mints for what it stores: hook calls, cards, suggestions, coverage assertions. They are
/// UUID version 7 (RFC 9562): a millisecond timestamp, then 74 random bits. Their text sorts by time, so each stored
/// row lands at the end of its primary-key index, on a page the previous rows already dirtied, where a random UUID
/// lands on a random page of an index that outgrows the cache: every card and call then cost one more 4 KB page in
/// the WAL, and again in the checkpoint. The random part keeps them unguessable; the timestamp says only when the
/// answer was given, which the audit trail records anyway.
/// </summary>
internal static class TimeOrderedId
{
    public static string Next(TimeProvider clock) => Guid.CreateVersion7(clock.GetUtcNow()).ToString();

    /// <summary>The same, as 32 hex digits without hyphens.</summary>
    public static string NextCompact(TimeProvider clock) => Guid.CreateVersion7(clock.GetUtcNow()).ToString("N");
}
