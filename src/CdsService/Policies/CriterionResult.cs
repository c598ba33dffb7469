namespace CdsService.Policies;

internal enum CriterionStatus
{
    Met,
    NotMet,
    Unknown,
    NotApplicable,
}

/// <summary>What a criterion that is not met means for the order.</summary>
internal enum Consequence
{
    /// <summary>The drug cannot be approved at all (outside the label or the policy).</summary>
    HardStop,

    /// <summary>A requirement that is unmet today but can be met (documentation, step therapy, attestation).</summary>
    Requirement,
}

/// <summary>Where a criterion's evidence is expected to come from.</summary>
internal enum EvidenceKind
{
    ClinicalRecord,
    Attestation,
}

/// <summary>The kind of guidance a problem represents; the card layer maps it to a CRD card type.</summary>
internal enum GuidanceTopic
{
    CoverageInformation,
    TherapyAlternativesRequired,
    AppropriateUse,
    Contraindication,
}

/// <summary>
/// One policy criterion, evaluated. <see cref="Id"/> is part of the public card contract. Evidence describes, for a
/// person, each chart fact or attestation the status rests on, with its FHIR references (<c>Type/id</c>);
/// <see cref="Explanation"/> says in words what was concluded.
/// </summary>
internal sealed record CriterionResult(
    string Id,
    string Title,
    CriterionStatus Status,
    string Explanation,
    IReadOnlyList<EvidenceItem> Evidence,
    EvidenceKind Kind = EvidenceKind.ClinicalRecord,
    Consequence WhenNotMet = Consequence.Requirement,
    GuidanceTopic Topic = GuidanceTopic.CoverageInformation)
{
    /// <summary>Every FHIR reference the evidence summarises, each once, in order.</summary>
    public IReadOnlyList<string> References => [.. Evidence.SelectMany(e => e.References).Distinct()];

    public static string Literal(CriterionStatus status) => status switch
    {
        CriterionStatus.Met => "met",
        CriterionStatus.NotMet => "not-met",
        CriterionStatus.Unknown => "unknown",
        _ => "not-applicable",
    };
}
