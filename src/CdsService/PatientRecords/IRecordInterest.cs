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

    /// <summary>True when an Observation carrying this coding (in code, a component's code or a coded value) may matter.</summary>
    bool ObservationCodingMatters(string system, string code);
}
