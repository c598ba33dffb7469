using CdsService.Policies.Terminology;
using Hl7.Fhir.Model;

namespace CdsService.Tests.Policies;

/// <summary>Codes used by the policy tests, each a fresh CodeableConcept. All come from BesponsaValueSets.</summary>
internal static class Concepts
{
    public static CodeableConcept BCellAll => Snomed("277571004");

    public static CodeableConcept AllAnyLineage => Snomed("91857003");

    public static CodeableConcept BesponsaVial => RxNorm("1942959");

    public static CodeableConcept Vincristine => RxNorm("11202");

    public static CodeableConcept Imatinib => RxNorm("282388");

    public static CodeableConcept DasatinibAtc => Atc("L01EA02");

    public static CodeableConcept Positive => Snomed("10828004");

    public static CodeableConcept Negative => Snomed("260385009");

    public static CodeableConcept Snomed(string code) => new(CodeSystems.Snomed, code);

    public static CodeableConcept Icd10(string code) => new(CodeSystems.Icd10Cm, code);

    public static CodeableConcept Loinc(string code) => new(CodeSystems.Loinc, code);

    public static CodeableConcept RxNorm(string code) => new(CodeSystems.RxNorm, code);

    public static CodeableConcept Atc(string code) => new(CodeSystems.Atc, code);

    public static CodeableConcept IcdO3(string code) => new(CodeSystems.IcdO3, code);
}
