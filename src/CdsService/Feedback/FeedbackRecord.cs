namespace CdsService.Feedback;

/// <summary>
/// One CDS Hooks feedback item as stored. The same card, outcome and outcome timestamp is one record however often
/// the client sends it.
/// </summary>
/// <param name="UserComment">Free text the clinician typed; shown to operators only, purged with the rest.</param>
internal sealed record FeedbackRecord(
    string CardUuid,
    string Outcome,
    DateTimeOffset OutcomeTimestamp,
    DateTimeOffset ReceivedAt,
    string ServiceId,
    string? ClientIssuer,
    IReadOnlyList<string> AcceptedSuggestions,
    string? ReasonSystem,
    string? ReasonCode,
    string? UserComment);

/// <summary>A card this service issued, as the feedback endpoint checks items against it.</summary>
internal sealed record IssuedCardRef(string ServiceId, IReadOnlyList<string> SuggestionUuids, IReadOnlyList<string> CriterionIds);

/// <summary>A stored feedback item with the criteria its card concerned.</summary>
internal sealed record FeedbackWithCriteria(FeedbackRecord Feedback, IReadOnlyList<string> CriterionIds);
