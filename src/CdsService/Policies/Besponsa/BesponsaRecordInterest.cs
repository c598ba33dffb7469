using CdsService.PatientRecords;
using CdsService.Policies.Terminology;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// What the Besponsa policy reads: the resource types of its record, and Observations coded in any of its value sets
/// (every ValueSet file the policy loads, so a set added there is never forgotten here).
/// </summary>
internal sealed class BesponsaRecordInterest : IRecordInterest
{
    private static readonly CodeSet[] ValueSets = [.. BesponsaValueSets.Library.All.Select(v => v.Codes)];

    public IReadOnlySet<string> ResourceTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "Condition", "Observation", "Procedure", "QuestionnaireResponse", "Coverage",
        "Medication", "MedicationRequest", "MedicationStatement", "MedicationAdministration",
    };

    public bool ObservationCodingMatters(string system, string code) => Array.Exists(ValueSets, set => set.Contains(system, code));
}
