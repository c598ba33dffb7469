namespace CdsService.Determinations;

/// <summary>
/// A prior authorization granted on the spot, as the payer must honour it at claim adjudication: the number, the order
/// it covers, the pseudonymous patient key, the approval kind (initial or renewal) and the period.
/// </summary>
internal sealed record DeterminationRecord(
    string AuthorizationNumber,
    string CoverageAssertionId,
    string OrderReference,
    string? PatientKey,
    string Kind,
    DateOnly Start,
    DateOnly Expiry,
    DateTimeOffset CreatedAt);
