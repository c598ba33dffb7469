namespace CdsService.Policies;

/// <summary>
/// A prior authorization granted on the spot (CRD pa-needed = satisfied) because every criterion of the order is met
/// or not applicable. Minted and stored by the determinations feature; the cards and the coverage-information
/// extension only report it.
/// </summary>
internal sealed record PreemptiveDetermination(string AuthorizationNumber, DateOnly Start, DateOnly Expiry);
