using CdsService.PatientRecords;
using Hl7.Fhir.Model;

namespace CdsService.Policies;

/// <summary>Who a policy is and where its documents live; used for discovery, card sources and DTR.</summary>
internal sealed record PolicyInfo(
    string Id,
    string DrugName,
    string Title,
    string Description,
    string QuestionnaireId,
    string QuestionnaireCanonical);

/// <summary>
/// A drug's prior-approval policy. It knows FHIR and the patient record, and nothing of HTTP or CDS Hooks:
/// adding a drug means adding one of these with its value sets and questionnaire.
/// </summary>
internal interface IDrugPolicy
{
    PolicyInfo Info { get; }

    /// <summary>The record sections the policy reads (they become the service's prefetch templates).</summary>
    IReadOnlyList<RecordSection> Sections { get; }

    /// <summary>The DTR questionnaire that carries the policy's attestations.</summary>
    Questionnaire Questionnaire { get; }

    /// <summary>
    /// True when a draft order is for this policy's drug; <paramref name="medications"/> resolves its medicationReference.
    /// </summary>
    bool Covers(Resource order, MedicationIndex medications);

    /// <summary>True when the order names its drug by a Medication reference that <paramref name="medications"/> cannot resolve.</summary>
    bool NeedsMedication(Resource order, MedicationIndex medications);

    PolicyDecision Evaluate(Resource order, PatientRecord record, DateOnly today);
}
