using CdsService.Audit;
using CdsService.CdsHooks;
using CdsService.Security;
using CdsService.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CdsService.Feedback;

/// <summary>
/// <c>POST /cds-services/{id}/feedback</c> (CDS Hooks 2.0 §Feedback): what the clinician did with our cards. Authenticated
/// like a hook call (the token's <c>aud</c> is this URL). Every item must concern a card this service issued; one bad
/// item refuses the whole post, and 200 means every item is committed.
/// </summary>
internal static partial class FeedbackEndpoints
{
    /// <summary>How long feedback waits for the audit record of its card, when that is still on its way to the store.</summary>
    private static readonly TimeSpan AuditWait = TimeSpan.FromSeconds(5);

    private const int RetryAfterSeconds = 5;

    public static IEndpointRouteBuilder MapFeedback(this IEndpointRouteBuilder app)
    {
        app.MapPost(CdsHooksEndpoints.DiscoveryPath + "/{id}/feedback", PostFeedback)
            .WithTags("CDS Hooks")
            .WithName("Feedback")
            .RequireAuthorization(CdsPolicies.Client);
        return app;
    }

    private static async Task<IResult> PostFeedback(
        string id,
        HttpContext http,
        IEnumerable<ICdsService> services,
        IFeedbackStore store,
        AuditQueue audit,
        HookCallAudit calls,
        IOptions<CdsOptions> options,
        TimeProvider clock,
        [FromServices] Hosting.EndpointLoggers loggers,
        CancellationToken cancellationToken)
    {
        if (!services.Any(s => s.Description.Id == id))
        {
            throw new CdsRequestException(StatusCodes.Status404NotFound, "Unknown CDS service", $"No CDS service has the id '{id}'.");
        }

        IReadOnlyList<FeedbackItem> items;
        using (var body = await RequestBody.ReadJsonAsync(http.Request, options.Value.MaxRequestBodyBytes, cancellationToken))
        {
            items = FeedbackReader.Read(body.Memory);
        }

        var logger = loggers.For(typeof(FeedbackEndpoints));
        try
        {
            var cards = await IssuedCardsAsync(store, audit, [.. items.Select(i => i.Card).Distinct(StringComparer.Ordinal)], cancellationToken);
            foreach (var item in items)
            {
                Check(item, cards.GetValueOrDefault(item.Card), id);
            }

            var now = clock.GetUtcNow();
            var issuer = calls.ClientIssuer();
            var stored = await store.SaveFeedbackAsync(
                [.. items.Select(i => new FeedbackRecord(i.Card, i.Outcome, i.OutcomeTimestamp, now, id, issuer, i.AcceptedSuggestions, i.ReasonSystem, i.ReasonCode, i.UserComment))],
                cancellationToken);
            LogStored(logger, id, items.Count, stored);
            return Results.Ok();
        }
        catch (StoreUnavailableException e)
        {
            LogStoreUnavailable(logger, id, e.InnerException?.GetType().Name ?? "unknown");
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Feedback store unavailable",
                detail: $"The feedback could not be stored and nothing of it was kept; send it again in {RetryAfterSeconds} seconds.");
        }
    }

    /// <summary>
    /// The cards as stored; a card whose hook call this replica answered moments ago may still be in the audit queue,
    /// so wait for that record's commit before calling the card unknown.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, IssuedCardRef>> IssuedCardsAsync(IFeedbackStore store, AuditQueue audit, IReadOnlyList<string> uuids, CancellationToken cancellationToken)
    {
        // The waits are taken before the read: a record committed between a read that missed it and a later look at
        // the queue would be in neither, and its card called unknown.
        var pending = uuids.Select(u => (Uuid: u, Committed: audit.WhenCommitted(u))).Where(p => p.Committed is not null).ToList();
        var found = await store.FindIssuedCardsAsync(uuids, cancellationToken);
        var waits = pending.Where(p => !found.ContainsKey(p.Uuid)).Select(p => p.Committed!).ToList();
        if (waits.Count == 0)
        {
            return found;
        }

        await Task.WhenAll(waits).WaitAsync(AuditWait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (waits.Any(w => !w.IsCompletedSuccessfully))
        {
            throw new StoreUnavailableException("The hook call these cards came from is not yet stored.", new TimeoutException());
        }

        return await store.FindIssuedCardsAsync(uuids, cancellationToken);
    }

    private static void Check(FeedbackItem item, IssuedCardRef? card, string serviceId)
    {
        if (card is null || card.ServiceId != serviceId)
        {
            throw FeedbackReader.Bad($"{item.At}.card", $"'{item.Card}' is not a card service '{serviceId}' issued");
        }

        if (item.AcceptedSuggestions.FirstOrDefault(s => !card.SuggestionUuids.Contains(s, StringComparer.Ordinal)) is { } unknown)
        {
            throw FeedbackReader.Bad($"{item.At}.acceptedSuggestions", $"names '{unknown}', which is not a suggestion of card '{item.Card}'");
        }
    }

    [LoggerMessage(LogLevel.Information, "Feedback for {ServiceId}: {ItemCount} items, {NewCount} new")]
    private static partial void LogStored(ILogger logger, string serviceId, int itemCount, int newCount);

    [LoggerMessage(LogLevel.Warning, "Feedback for {ServiceId} refused with 503: the store is unavailable ({Failure})")]
    private static partial void LogStoreUnavailable(ILogger logger, string serviceId, string failure);
}
