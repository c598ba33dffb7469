namespace CdsService.PatientRecords;

/// <summary>
/// What of a patient record a policy can read, so that the rest is skipped before Firely builds it. It must never
/// drop what a criterion could read: every resource type the policy's record holds is listed, and for Observations
/// (the bulk of a chart: months of labs) any coding in any value set the policy names keeps the resource.
/// </summary>
internal interface IRecordInterest
{
    /// <summary>The FHIR resource types the policy reads (others are skipped unparsed).</summary>
    IReadOnlySet<string> ResourceTypes { get; }

    /// <summary>
    /// Top-level elements, of any resource type, that no criterion, evidence description or card reads (narrative,
    /// meta, performers, reference ranges…): left out of a kept prefetch entry before Firely builds it. Name only what
    /// nothing reads: an element listed here is invisible to the policy. <c>PrefetchFilterTests</c> checks every
    /// example request gets the same answer with and without this.
    /// </summary>
    Fhir.ElementNames UnreadElements { get; }

    /// <summary>True when an Observation carrying this coding (in code, a component's code or a coded value) may matter.</summary>
    bool ObservationCodingMatters(string system, string code);

    /// <summary>
    /// For a coding that matters: null when a result of any date may matter; N when the policy reads such a result
    /// only if it is dated within N days before the order (a baseline lab window), so older ones can be skipped.
    /// </summary>
    int? ObservationLookbackDays(string system, string code);
}
