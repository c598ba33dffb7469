using Hl7.Fhir.Model;

namespace CdsService.PatientRecords;

/// <summary>
/// One medication event from any of MedicationRequest, MedicationStatement or MedicationAdministration, with its
/// codes resolved (including a referenced or contained Medication), so a policy asks one question of history.
/// </summary>
internal sealed record MedicationUse(
    Resource Source,
    IReadOnlyList<Coding> Codes,
    string? Status,
    DateTimeOffset? Date,
    IReadOnlyList<CodeableConcept> StatusReasons)
{
    public string Reference => $"{Source.TypeName}/{Source.Id}";

    /// <summary>Records that say the drug was never given or were made in error.</summary>
    public bool IsVoid => Status is "entered-in-error" or "not-taken" or "not-done" or "cancelled" or "draft";
}
