using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>
/// Everything known about one patient for one hook call, already filtered to that patient. Sections that could
/// not be read are listed in <see cref="Unavailable"/>, so a policy can tell "no data" from "data not seen".
/// </summary>
internal sealed class PatientRecord
{
    public required string PatientId { get; init; }

    public Patient? Patient { get; init; }

    public IReadOnlyList<Condition> Conditions { get; init; } = [];

    public IReadOnlyList<MedicationUse> Medications { get; init; } = [];

    public IReadOnlyList<Observation> Observations { get; init; } = [];

    public IReadOnlyList<Procedure> Procedures { get; init; } = [];

    public IReadOnlyList<QuestionnaireResponse> QuestionnaireResponses { get; init; } = [];

    public IReadOnlyList<Coverage> Coverages { get; init; } = [];

    public IReadOnlySet<string> Unavailable { get; init; } = new HashSet<string>();

    /// <summary>Every Medication seen in this call, for resolving the draft orders' own medicationReference.</summary>
    public MedicationIndex MedicationIndex { get; init; } = MedicationIndex.Empty;

    /// <summary>Ids of this request's own draft orders: never history, whatever the EHR's search returns.</summary>
    public IReadOnlySet<string> DraftOrderIds { get; init; } = new HashSet<string>();

    public bool IsComplete => Unavailable.Count == 0;
}
