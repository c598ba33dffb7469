using CdsService.PatientRecords;
using Hl7.Fhir.Model;

namespace CdsService.Policies.Besponsa;

/// <summary>Record queries shared by the Besponsa criteria.</summary>
internal sealed class Evidence(PatientRecord record, Attestations attestations, DateOnly orderDate)
{
    public PatientRecord Record { get; } = record;

    public Attestations Attestations { get; } = attestations;

    public DateOnly OrderDate { get; } = orderDate;

    /// <summary>ALL diagnoses that are not refuted or entered in error.</summary>
    public IReadOnlyList<Condition> AllDiagnoses { get; } = [.. record.Conditions.Where(IsAsserted).Where(c => BesponsaValueSets.AcuteLymphoblasticLeukemia.ContainsAny(c.Code))];

    public IEnumerable<Condition> AssertedConditions => Record.Conditions.Where(IsAsserted);

    public IEnumerable<MedicationUse> History(Terminology.CodeSet drugs) =>
        Record.Medications.Where(m => !m.IsVoid && drugs.ContainsAny(m.Codes));

    public IEnumerable<Observation> Results(Terminology.CodeSet codes) =>
        Record.Observations.Where(o => o.Status is not (ObservationStatus.EnteredInError or ObservationStatus.Cancelled) && codes.ContainsAny(o.Code));

    public static string Ref(Resource resource) => Describe.Ref(resource);

    /// <summary>The prescriber's questionnaire as evidence, saying which answer it contributes.</summary>
    public EvidenceItem Attested(string what) => Describe.Attestation(Attestations, what);

    private static bool IsAsserted(Condition condition) =>
        !condition.VerificationStatus.HasCode(Terminology.CodeSystems.ConditionVerification, "refuted", "entered-in-error");
}

internal static class ConceptExtensions
{
    public static bool HasCode(this CodeableConcept? concept, string system, params string[] codes) =>
        concept?.Coding.Any(c => c.System == system && codes.Contains(c.Code)) ?? false;
}
