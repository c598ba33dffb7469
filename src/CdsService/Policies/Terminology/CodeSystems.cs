namespace CdsService.Policies.Terminology;

/// <summary>Code system URIs (../shared/docs/terminology.md §0, all confirmed).</summary>
internal static class CodeSystems
{
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Ndc = "http://hl7.org/fhir/sid/ndc";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string Atc = "http://www.whocc.no/atc";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string IcdO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3";
    public const string Hgnc = "http://www.genenames.org";
    public const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    /// <summary>HCPCS Level II. Da Vinci implementations use both schemes, so both are accepted.</summary>
    public static readonly IReadOnlyList<string> Hcpcs =
    [
        "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    ];

    /// <summary>Every system a policy value set may name; a file naming another one is refused at start-up.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        RxNorm, Ndc, Icd10Cm, Snomed, Loinc, Atc, ConditionClinical, IcdO3, Hgnc, Interpretation, ConditionVerification, Hcpcs[0], Hcpcs[1],
    };

    /// <summary>Systems in which a medication can be classified; a medication coded only in others is unidentified.</summary>
    public static readonly IReadOnlySet<string> Medication = new HashSet<string>(StringComparer.Ordinal)
    {
        RxNorm, Ndc, Atc, Hcpcs[0], Hcpcs[1],
    };
}
