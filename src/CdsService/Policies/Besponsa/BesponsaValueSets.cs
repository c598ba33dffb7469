using CdsService.Policies.Terminology;

namespace CdsService.Policies.Besponsa;

/// <summary>
/// The Besponsa policy's value sets. The codes live only in the FHIR ValueSet files under
/// <c>Policies/Besponsa/ValueSets/</c>, each include citing its public source; this class names the sets the criteria
/// read. Codes that could not be confirmed are deliberately absent: a missing code yields "unknown, please document",
/// a wrong one a wrong answer.
/// </summary>
internal static class BesponsaValueSets
{
    /// <summary>Every loaded set (served at <c>GET /fhir/ValueSet/{id}</c>; also the record pre-filter's source).</summary>
    public static readonly ValueSetLibrary Library = ValueSetLibrary.LoadEmbedded(typeof(BesponsaValueSets).Assembly, "valuesets/Besponsa/");

    public static readonly CodeSet Besponsa = Library["besponsa-drug"];
    public static readonly CodeSet AcuteLymphoblasticLeukemia = Library["besponsa-all"];
    public static readonly CodeSet HematologicMalignancy = Library["besponsa-hematologic-malignancy"];
    public static readonly CodeSet NonspecificLeukemia = Library["besponsa-nonspecific-leukemia"];
    public static readonly CodeSet BCellAll = Library["besponsa-b-cell-all"];
    public static readonly CodeSet AllNotInRemission = Library["besponsa-all-not-in-remission"];
    public static readonly CodeSet AllInRemission = Library["besponsa-all-in-remission"];
    public static readonly CodeSet AllInRelapse = Library["besponsa-all-in-relapse"];
    public static readonly CodeSet RelapseClinicalStatus = Library["besponsa-relapse-clinical-status"];
    public static readonly CodeSet RemissionClinicalStatus = Library["besponsa-remission-clinical-status"];
    public static readonly CodeSet BcrAbl1Qualitative = Library["besponsa-bcr-abl1-qualitative"];
    public static readonly CodeSet BcrAbl1Ratio = Library["besponsa-bcr-abl1-ratio"];
    public static readonly CodeSet BcrAbl1LogReduction = Library["besponsa-bcr-abl1-log-reduction"];
    public static readonly CodeSet BcrAbl1FishFraction = Library["besponsa-bcr-abl1-fish-fraction"];
    public static readonly CodeSet FishResult = Library["besponsa-fish-result"];
    public static readonly CodeSet GenomicVariant = Library["besponsa-genomic-variant"];
    public static readonly CodeSet GeneStudied = Library["besponsa-gene-studied"];
    public static readonly CodeSet BcrAbl1Genes = Library["besponsa-bcr-abl1-genes"];
    public static readonly CodeSet Cd22Result = Library["besponsa-cd22-result"];
    public static readonly CodeSet PositiveResults = Library["besponsa-positive"];
    public static readonly CodeSet NegativeResults = Library["besponsa-negative"];
    public static readonly CodeSet BLineageMorphology = Library["besponsa-b-lineage-morphology"];
    public static readonly CodeSet PhPositiveMorphology = Library["besponsa-ph-positive-morphology"];
    public static readonly CodeSet TyrosineKinaseInhibitors = Library["besponsa-tki"];
    public static readonly CodeSet AllChemotherapy = Library["besponsa-all-chemotherapy"];
    public static readonly CodeSet AllSteroids = Library["besponsa-all-steroids"];
    public static readonly CodeSet AlkylatingAgents = Library["besponsa-alkylating-agents"];
    public static readonly CodeSet HepaticVod = Library["besponsa-hepatic-vod"];
    public static readonly CodeSet DiseaseStatus = Library["besponsa-disease-status"];
    public static readonly CodeSet Progression = Library["besponsa-progression"];
    public static readonly CodeSet NoProgression = Library["besponsa-no-progression"];
    public static readonly CodeSet RemissionStatus = Library["besponsa-remission-status"];
    public static readonly CodeSet StoppedForToxicity = Library["besponsa-stopped-for-toxicity"];
    public static readonly CodeSet Alt = Library["besponsa-alt"];
    public static readonly CodeSet Ast = Library["besponsa-ast"];
    public static readonly CodeSet TotalBilirubin = Library["besponsa-total-bilirubin"];
    public static readonly CodeSet AlkalinePhosphatase = Library["besponsa-alkaline-phosphatase"];
    public static readonly CodeSet HepaticPanel = Library["besponsa-hepatic-panel"];
}
