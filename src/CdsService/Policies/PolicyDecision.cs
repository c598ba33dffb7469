using Hl7.Fhir.Model;

namespace CdsService.Policies;

internal enum RequestKind
{
    Initial,
    Renewal,
}

internal static class RequestKinds
{
    /// <summary>The kind as cards and the approval extension spell it: <c>initial</c> or <c>renewal</c>.</summary>
    public static string Literal(this RequestKind kind) => kind == RequestKind.Renewal ? "renewal" : "initial";
}

internal enum CoverageStatus
{
    /// <summary>Covered under the plan, subject to prior approval.</summary>
    Covered,
    NotCovered,

    /// <summary>The record could not be read well enough to say.</summary>
    Indeterminate,
}

/// <summary>The payer's position on the order in coverage terms, independent of how CRD encodes it.</summary>
internal sealed record CoverageAssessment(CoverageStatus Status, bool PriorAuthRequired, bool DocumentationRequired, string Reason);

/// <summary>A FHIR request the clinician is invited to add (for example baseline liver tests).</summary>
internal sealed record ProposedOrder(string Label, Resource Resource);

internal enum FindingKind
{
    HardStop,
    UnmetRequirement,
    DocumentationNeeded,
    AttestationNeeded,
    AdditionalOrders,
    RecordIncomplete,
    Summary,
}

/// <summary>One distinct problem (or the overall summary), which becomes one card.</summary>
internal sealed record Finding(
    FindingKind Kind,
    string Summary,
    string Detail,
    IReadOnlyList<string> CriterionIds,
    GuidanceTopic Topic,
    IReadOnlyList<ProposedOrder> Orders,
    bool OffersQuestionnaire = false);

/// <summary>Everything a policy concluded about one order: criteria, problems and coverage.</summary>
internal sealed record PolicyDecision(
    PolicyInfo Policy,
    Resource Order,
    RequestKind Kind,
    int ApprovalMonths,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<Finding> Findings,
    CoverageAssessment Coverage,
    string? CoverageReference)
{
    /// <summary>Set when the payer granted the authorization on the spot; null otherwise.</summary>
    public PreemptiveDetermination? Determination { get; init; }

    public CriterionResult this[string id] => Criteria.First(c => c.Id == id);
}
