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

    /// <summary>The Medication reference that could not be resolved (then <see cref="Codes"/> is empty).</summary>
    public string? UnresolvedMedication { get; init; }

    /// <summary>MedicationRequest.intent (order, plan, proposal…); null for the other resources.</summary>
    public string? Intent { get; init; }

    /// <summary>MedicationRequest.doNotPerform: the order forbids the drug.</summary>
    public bool DoNotPerform { get; init; }

    /// <summary>The orders this event fulfils (MedicationAdministration.request, MedicationStatement.basedOn).</summary>
    public IReadOnlyList<string> Fulfils { get; init; } = [];

    /// <summary>When the event ended, where it says (effective period end); otherwise <see cref="Date"/>.</summary>
    public DateTimeOffset? End { get; init; }
}
