namespace CdsService.Policies;

/// <summary>
/// One piece of evidence a criterion rests on, described for a person ("BCR-ABL1 p190 ratio 0.12 %, 2024-08-20";
/// "cyclophosphamide, 6 administrations, 2024-09 to 2024-12") with the FHIR references (Type/id) it summarises,
/// which machines read from the card extension.
/// </summary>
internal sealed record EvidenceItem(string Description, IReadOnlyList<string> References);
