using CdsService.Audit;
using CdsService.Determinations;
using CdsService.Feedback;

namespace CdsService.Storage;

/// <summary>
/// Everything this service remembers, behind one store: SQLite embedded by default, PostgreSQL when replicas share
/// the load. Every write is one transaction; a store that cannot be reached throws <see cref="StoreUnavailableException"/>.
/// </summary>
internal interface IStateStore : IAuditStore, IFeedbackStore, IDeterminationStore, IFormSessionStore
{
    /// <summary>Creates or upgrades the schema; safe when several replicas start at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Deletes hook calls, feedback and determinations recorded before <paramref name="before"/>, and expired form sessions.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken);
}

internal interface IAuditStore
{
    /// <summary>Stores the calls, their cards and their coverage assertions; a record already stored (same id) is skipped.</summary>
    Task SaveHookCallsAsync(IReadOnlyList<HookCallRecord> calls, CancellationToken cancellationToken);

    Task<IReadOnlyList<HookCallRecord>> FindHookCallsAsync(string hookInstance, CancellationToken cancellationToken);

    Task<HookCallRecord?> FindByCoverageAssertionAsync(string coverageAssertionId, CancellationToken cancellationToken);

    /// <summary>The calls made from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first, streamed.</summary>
    IAsyncEnumerable<HookCallRecord> ListHookCallsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

internal interface IFeedbackStore
{
    /// <summary>The cards among <paramref name="uuids"/> that this service issued, by uuid.</summary>
    Task<IReadOnlyDictionary<string, IssuedCardRef>> FindIssuedCardsAsync(IReadOnlyCollection<string> uuids, CancellationToken cancellationToken);

    /// <summary>Stores all items in one transaction; returns how many were new (the rest were repeats).</summary>
    Task<int> SaveFeedbackAsync(IReadOnlyList<FeedbackRecord> items, CancellationToken cancellationToken);

    Task<IReadOnlyList<FeedbackRecord>> FindFeedbackAsync(IReadOnlyCollection<string> cardUuids, CancellationToken cancellationToken);

    /// <summary>Feedback whose outcome falls from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), streamed.</summary>
    IAsyncEnumerable<FeedbackWithCriteria> ListFeedbackAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

internal interface IDeterminationStore
{
    Task SaveDeterminationsAsync(IReadOnlyList<DeterminationRecord> determinations, CancellationToken cancellationToken);

    Task<DeterminationRecord?> FindDeterminationAsync(string coverageAssertionId, CancellationToken cancellationToken);
}

/// <summary>The store could not be reached or refused the write; nothing of the operation was committed.</summary>
internal sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
