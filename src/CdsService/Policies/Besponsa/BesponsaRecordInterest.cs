using CdsService.PatientRecords;
using CdsService.Policies.Terminology;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// What the Besponsa policy reads: the resource types of its record, and Observations coded in any of its value sets
/// (every ValueSet file the policy loads, so a set added there is never forgotten here).
/// </summary>
internal sealed class BesponsaRecordInterest : IRecordInterest
{
    private static readonly CodeSet AnyValueSet = CodeSet.Union("any Besponsa value set", BesponsaValueSets.Library.All.Select(v => v.Codes));

    public IReadOnlySet<string> ResourceTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "Condition", "Observation", "Procedure", "QuestionnaireResponse", "Coverage",
        "Medication", "MedicationRequest", "MedicationStatement", "MedicationAdministration",
    };

    /// <summary>
    /// Nothing in the policy, its evidence or its cards reads these (no code touches their model properties; none is a
    /// modifier element, so leaving one out cannot change another's meaning). Narrative and reference ranges alone
    /// are about half of a typical lab Observation's bytes.
    /// </summary>
    public Fhir.ElementNames UnreadElements { get; } = new(
    [
        "text", "meta", "identifier", "performer", "referenceRange", "note", "encounter", "specimen", "device",
        "hasMember", "derivedFrom", "bodySite",
    ]);

    public bool ObservationCodingMatters(string system, string code) => AnyValueSet.Contains(system, code);
}
