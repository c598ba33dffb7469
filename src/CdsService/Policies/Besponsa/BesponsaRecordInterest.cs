using System.Reflection;
using CdsService.PatientRecords;
using CdsService.Policies.Terminology;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// What the Besponsa policy reads: the resource types of its record, and Observations coded in any of its value sets
/// (every <see cref="CodeSet"/> of <see cref="BesponsaValueSets"/>, found once at start-up so a set added there is
/// never forgotten here). When the value sets become loaded FHIR ValueSets, this points at those instead.
/// </summary>
internal sealed class BesponsaRecordInterest : IRecordInterest
{
    private static readonly CodeSet[] ValueSets =
    [
        .. typeof(BesponsaValueSets).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(CodeSet))
            .Select(f => (CodeSet)f.GetValue(null)!),
    ];

    public IReadOnlySet<string> ResourceTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "Condition", "Observation", "Procedure", "QuestionnaireResponse", "Coverage",
        "Medication", "MedicationRequest", "MedicationStatement", "MedicationAdministration",
    };

    public bool ObservationCodingMatters(string system, string code) => Array.Exists(ValueSets, set => set.Contains(system, code));
}
