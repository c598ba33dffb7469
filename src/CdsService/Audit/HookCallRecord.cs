namespace CdsService.Audit;

/// <summary>
/// What this service told a CDS client in one hook call, kept for disputes (CRD §found-37) and for adjudication
/// (§found-11). Pseudonymous by construction: the patient appears only as <see cref="PatientKey"/>, and nothing here
/// is a token, a name or a raw identifier.
/// </summary>
/// <param name="Id">This service's own id for the record (a client may reuse a hookInstance).</param>
/// <param name="ClientIssuer">The validated <c>iss</c> of the client's JWT; null for an anonymous Development call.</param>
/// <param name="PatientKey">HMAC-SHA256 of fhirServer and patient id under the configured secret, hex.</param>
/// <param name="Status">The HTTP status the client was answered with.</param>
internal sealed record HookCallRecord(
    string Id,
    string HookInstance,
    DateTimeOffset Time,
    string ServiceId,
    string Hook,
    string? ClientIssuer,
    string? PatientKey,
    IReadOnlyList<CriterionOutcome> Criteria,
    IReadOnlyList<IssuedCard> Cards,
    IReadOnlyList<CoverageAssertion> CoverageAssertions,
    int Status,
    double LatencyMs);

/// <summary>One criterion's status for one order of the call (orders numbered from 0 in draftOrders order).</summary>
internal sealed record CriterionOutcome(int Order, string CriterionId, string Status);

/// <summary>A card as issued: enough to check feedback against it and to say what it was about.</summary>
internal sealed record IssuedCard(string Uuid, string Indicator, string Summary, IReadOnlyList<string> SuggestionUuids, IReadOnlyList<string> CriterionIds);

/// <summary>The guidance given under one <c>coverage-assertion-id</c> (the coverage-information system action).</summary>
internal sealed record CoverageAssertion(string Id, string Covered, string? PaNeeded, IReadOnlyList<string> DocNeeded, string? SatisfiedPaId, string? ExpiryDate);
